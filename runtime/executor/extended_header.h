// ExtendedHeader: the optional "eh00" header ExecuTorch inserts at byte 8 of
// a .pte that has segments. It says how long the flatbuffer part is and where
// the segments start.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/result.h"

namespace ember {

struct ExtendedHeader {
  static constexpr size_t kOffset = 8;        // header starts after root offset + identifier
  static constexpr size_t kNumHeadBytes = 64;  // bytes a reader needs to see
  static constexpr uint32_t kMinLength = 24;

  uint32_t length = 0;  // bytes of header fields, without padding
  uint64_t program_size = 0;
  uint64_t segment_base_offset = 0;
  uint64_t segment_data_size = 0;
  bool has_segment_data_size = false;  // length >= 32

  // Parses the header from the first bytes of a file. NotFound when the magic
  // is absent (a file without segments); InvalidProgram when it is present but
  // malformed or cut short.
  static Result<ExtendedHeader> parse(const void* data, size_t size);
};

}  // namespace ember
