// check_pte_structure: the layout rules every .pte we write must keep,
// checked independently of the runtime's loader so tests can assert them on
// converter and builder output (and on ExecuTorch's own files).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ember::test {

// ExecuTorch's default segment alignment (ProgramBuilder::Options too).
constexpr uint64_t kDefaultSegmentAlignment = 128;

// Returns "" when the file keeps every rule, else a description of the first
// violation found. Rules, in order:
//  - the root offset (bytes 0..3) lies inside the file, bytes 4..7 are "ET12";
//  - an "eh00" extended header, when present, has length >= 24 and fits the
//    file; program_size <= segment_base_offset <= file size;
//    segment_base_offset is a multiple of `segment_alignment`; with
//    length >= 32, segment_base_offset + segment_data_size <= file size;
//  - the flatbuffer part verifies as a Program;
//  - a segment holding data requires the extended header; every segment lies
//    inside the file (and inside segment_data_size when given) and its offset
//    is a multiple of `segment_alignment`;
//  - constant and mutable-data sub-segment offsets lie inside their segment
//    (which must exist) and are multiples of 16;
//  - non-empty inline delegate data and inline constant_buffer storage start
//    at a multiple of 16 from the start of the file;
//  - vectors of 8-byte elements (sub-segment offsets, non_const_buffer_sizes,
//    int and double lists) start at a multiple of 8, even when empty, as
//    Ember's loader demands;
//  - delegate data references and named data point at existing entries;
//  - every tensor's bytes (numel * element size, valid dtype, no negative
//    size) fit its storage: its constant entry (up to the next entry or the
//    segment end, or its inline Buffer), its mutable-data entry, or its arena
//    (memory_id in 1..non_const_buffer_sizes.size()-1, offset + nbytes <=
//    the arena size).
// `data` should be max_align_t aligned (as for Program::load).
std::string check_pte_structure(const uint8_t* data, size_t size,
                                uint64_t segment_alignment = kDefaultSegmentAlignment);

}  // namespace ember::test
