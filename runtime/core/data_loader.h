// DataLoader: where program bytes come from (a file, an mmap, caller memory).
//
// A loader hands out FreeableBuffers for byte ranges. What a returned buffer
// points at is valid until the buffer is freed; the loader itself must outlive
// every Program created from it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/freeable_buffer.h"
#include "runtime/core/result.h"

namespace ember {

// What a load is for, so a loader can place kinds of data differently.
struct SegmentInfo {
  enum class Type : uint8_t { Program, Constant, Backend, Mutable, NamedData };
  Type type = Type::Program;
  size_t segment_index = 0;
  // Backend id for Type::Backend (may be null).
  const char* descriptor = nullptr;
};

class DataLoader {
 public:
  virtual ~DataLoader() = default;
  // Bytes [offset, offset + size). Fails (never crashes) on a range outside
  // the data. Returned data is aligned to at least alignof(std::max_align_t).
  virtual Result<FreeableBuffer> load(size_t offset, size_t size, const SegmentInfo& info) const = 0;
  // Total number of bytes available.
  virtual Result<size_t> size() const = 0;
};

}  // namespace ember
