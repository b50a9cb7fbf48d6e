// Helpers for the builder tests: read the container header of a .pte, verify
// and open its flatbuffer, and dump it with flatc --json.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <string>
#include <vector>

#include "schema/program_generated.h"

namespace ember::test {

uint64_t read_le(const uint8_t* p, int nbytes);

// The eh00 extended header, read straight from bytes 8.. of a file.
struct PteHeader {
  bool present = false;
  uint32_t length = 0;
  uint64_t program_size = 0;
  uint64_t segment_base_offset = 0;
  uint64_t segment_data_size = 0;  // 0 when length < 32
};
PteHeader read_header(const std::vector<uint8_t>& file);

// Runs the flatbuffers Verifier over the program part of `file` (all of it
// when there is no header) and returns the root table, or null if it fails.
const executorch_flatbuffer::Program* verified_program(const std::vector<uint8_t>& file);

// Bytes of segment `index` as the header and Program.segments place it.
std::vector<uint8_t> segment_bytes(const std::vector<uint8_t>& file, size_t index);

std::vector<uint8_t> read_binary_file(const std::string& path);

// `flatc --json --strict-json --raw-binary` of `file` with schema/program.fbs,
// run in a fresh temporary directory. Returns "" when flatc fails.
std::string flatc_json(const std::vector<uint8_t>& file);

}  // namespace ember::test
