// read_pte_into_builder: turns a .pte back into ProgramBuilder calls, so that
// build() re-emits a program whose flatbuffer reads the same field for field
// (`flatc --json` of both is identical) and whose segments hold the same bytes.
//
// The file must first load with ember::Program::load (fully verified). The
// builder's Options come from the file: header length, version, inline vs
// segment constants, and the segment / constant alignments that reproduce the
// file's offsets. Anything ProgramBuilder cannot write the way the file has it
// (several chains, chain inputs or stack traces, shared delegate blobs,
// segments in an order other than constants, mutable data, delegates, named
// data, gaps between segments) is refused with NotSupported rather than
// re-emitted differently.
//
// Build-time tooling, like ProgramBuilder: errors are reported as a failed
// Result with the message in ember::error_message().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "exir/emit/program_builder.h"
#include "runtime/core/result.h"

namespace ember {

// Reads `size` bytes at `data` (copied; the caller keeps ownership). The
// returned builder owns copies of everything it needs.
Result<std::unique_ptr<ProgramBuilder>> read_pte_into_builder(const uint8_t* data, size_t size);

inline Result<std::unique_ptr<ProgramBuilder>> read_pte_into_builder(const std::vector<uint8_t>& bytes) {
  return read_pte_into_builder(bytes.data(), bytes.size());
}

}  // namespace ember
