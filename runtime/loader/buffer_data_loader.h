// BufferDataLoader: serves byte ranges of memory the caller owns.
//
// Zero-copy: the caller's bytes must stay alive and unchanged for as long as
// the loader, every buffer it returned, and every Program made from it. A load
// whose start is aligned to alignof(std::max_align_t) returns a view (freeing
// it does nothing); a load at a misaligned address returns an aligned heap copy
// owned by the returned buffer, so the DataLoader alignment promise holds for
// any caller memory. load() is safe to call from several threads at once.
#pragma once

#include <cstddef>
#include <memory>

#include "runtime/core/data_loader.h"
#include "runtime/core/result.h"

namespace ember {

class BufferDataLoader final : public DataLoader {
 public:
  // Fails with InvalidArgument when `data` is null and `size` is not zero.
  static Result<std::unique_ptr<BufferDataLoader>> from(const void* data, size_t size);

  // For stack use; `data` may be null only when `size` is 0.
  BufferDataLoader(const void* data, size_t size) : data_(data), size_(size) {}

  Result<FreeableBuffer> load(size_t offset, size_t size, const SegmentInfo& info) const override;
  Result<size_t> size() const override { return size_; }

 private:
  const void* data_;
  size_t size_;
};

}  // namespace ember
