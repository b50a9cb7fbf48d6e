#include "runtime/executor/extended_header.h"

#include <cstring>

namespace ember {
namespace {

uint32_t read_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}
uint64_t read_u64(const uint8_t* p) { return static_cast<uint64_t>(read_u32(p)) | static_cast<uint64_t>(read_u32(p + 4)) << 32; }

}  // namespace

Result<ExtendedHeader> ExtendedHeader::parse(const void* data, size_t size) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  if (size < kOffset + 8 || std::memcmp(bytes + kOffset, "eh00", 4) != 0) {
    return fail(Error::NotFound, "no extended header");
  }
  ExtendedHeader h;
  h.length = read_u32(bytes + kOffset + 4);
  EMBER_CHECK_OR_RETURN(h.length >= kMinLength, Error::InvalidProgram,
                        "extended header at offset 8: length %u is below the minimum of %u", h.length, kMinLength);
  EMBER_CHECK_OR_RETURN(size >= kOffset + kMinLength, Error::InvalidProgram,
                        "extended header at offset 8: file ends after %zu bytes", size);
  h.program_size = read_u64(bytes + kOffset + 8);
  h.segment_base_offset = read_u64(bytes + kOffset + 16);
  if (h.length >= 32) {
    EMBER_CHECK_OR_RETURN(size >= kOffset + 32, Error::InvalidProgram,
                          "extended header at offset 8: length %u but the file ends after %zu bytes", h.length, size);
    h.segment_data_size = read_u64(bytes + kOffset + 24);
    h.has_segment_data_size = true;
  }
  return h;
}

}  // namespace ember
