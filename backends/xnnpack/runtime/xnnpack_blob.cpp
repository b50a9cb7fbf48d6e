#include "backends/xnnpack/runtime/xnnpack_blob.h"

#include <cstring>

#include "xnnpack_graph_generated.h"

namespace ember::xnnpack {
namespace {

constexpr size_t kHeaderMinLength = 30;

uint16_t read_u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t read_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}
uint64_t read_u64(const uint8_t* p) { return read_u32(p) | static_cast<uint64_t>(read_u32(p + 4)) << 32; }

bool has_graph_identifier(const uint8_t* p, size_t size) {
  return size >= 8 && (std::memcmp(p + 4, "XN01", 4) == 0 || std::memcmp(p + 4, "XN00", 4) == 0);
}

}  // namespace

Result<XnnpackBlob> XnnpackBlob::parse(const void* data, size_t size) {
  EMBER_CHECK_OR_RETURN(data != nullptr && size >= 8, Error::InvalidProgram,
                        "XnnpackBackend: blob of %zu bytes is too small", size);
  const auto* bytes = static_cast<const uint8_t*>(data);
  XnnpackBlob blob;
  const uint8_t* fb = bytes;
  size_t fb_size = size;
  if (std::memcmp(bytes + 4, "XH00", 4) == 0) {
    EMBER_CHECK_OR_RETURN(size >= kHeaderMinLength, Error::InvalidProgram,
                          "XnnpackBackend: XH00 header cut short (%zu bytes)", size);
    uint16_t header_length = read_u16(bytes + 8);
    uint32_t fb_offset = read_u32(bytes + 10);
    uint32_t fb_length = read_u32(bytes + 14);
    uint32_t constant_offset = read_u32(bytes + 18);
    uint64_t constant_size = read_u64(bytes + 22);
    EMBER_CHECK_OR_RETURN(header_length >= kHeaderMinLength, Error::InvalidProgram,
                          "XnnpackBackend: header length %u is below %zu", header_length, kHeaderMinLength);
    EMBER_CHECK_OR_RETURN(fb_offset >= header_length && fb_offset <= size && fb_length <= size - fb_offset,
                          Error::InvalidProgram,
                          "XnnpackBackend: graph [%u, +%u) outside the blob of %zu bytes", fb_offset, fb_length, size);
    EMBER_CHECK_OR_RETURN(constant_offset <= size && constant_size <= size - constant_offset, Error::InvalidProgram,
                          "XnnpackBackend: constant data [%u, +%llu) outside the blob of %zu bytes", constant_offset,
                          static_cast<unsigned long long>(constant_size), size);
    fb = bytes + fb_offset;
    fb_size = fb_length;
    blob.constants = bytes + constant_offset;
    blob.constants_size = static_cast<size_t>(constant_size);
    blob.has_header = true;
  }
  EMBER_CHECK_OR_RETURN(has_graph_identifier(fb, fb_size), Error::InvalidProgram,
                        "XnnpackBackend: no XN01/XN00 graph identifier");
  EMBER_CHECK_OR_RETURN(reinterpret_cast<uintptr_t>(fb) % 8 == 0, Error::InvalidProgram,
                        "XnnpackBackend: graph flatbuffer is not 8-byte aligned");
  flatbuffers::Verifier::Options options;
  options.max_depth = 32;
  options.max_tables = 4000000;
  flatbuffers::Verifier verifier(fb, fb_size, options);
  EMBER_CHECK_OR_RETURN(verifier.VerifyBuffer<fb_xnnpack::XNNGraph>(nullptr), Error::InvalidProgram,
                        "XnnpackBackend: graph flatbuffer verification failed (%zu bytes)", fb_size);
  blob.graph = fb_xnnpack::GetXNNGraph(fb);
  return blob;
}

}  // namespace ember::xnnpack
