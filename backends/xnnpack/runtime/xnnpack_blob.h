// XnnpackBlob: a verified view of an XNNPACK delegate blob as ExecuTorch
// writes it: the 32-byte "XH00" header, the XNNGraph flatbuffer (XN01, or XN00
// from older exporters), then raw constant bytes. Header-less blobs (a bare
// XN00/XN01 flatbuffer) are accepted too.
//
// The view points into the caller's bytes, which must outlive it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/result.h"

namespace fb_xnnpack {
struct XNNGraph;
}

namespace ember::xnnpack {

struct XnnpackBlob {
  const fb_xnnpack::XNNGraph* graph = nullptr;
  const uint8_t* constants = nullptr;  // the blob's constant region (may be empty)
  size_t constants_size = 0;
  bool has_header = false;

  // Parses and verifies `data`. Never reads outside [data, data + size).
  static Result<XnnpackBlob> parse(const void* data, size_t size);
};

}  // namespace ember::xnnpack
