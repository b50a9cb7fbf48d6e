#include "runtime/core/memory_allocator.h"

namespace ember {

void* MemoryAllocator::allocate(size_t size, size_t alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
    fail(Error::InvalidArgument, "allocate: alignment %zu is not a power of two", alignment);
    return nullptr;
  }
  uintptr_t cur = reinterpret_cast<uintptr_t>(cur_);
  uintptr_t aligned = (cur + alignment - 1) & ~(static_cast<uintptr_t>(alignment) - 1);
  uintptr_t end = reinterpret_cast<uintptr_t>(end_);
  if (aligned < cur || aligned > end || size > end - aligned) {
    fail(Error::MemoryAllocationFailed, "allocator out of memory: %zu bytes (align %zu) requested, %zu of %zu free",
         size, alignment, static_cast<size_t>(end - cur), capacity());
    return nullptr;
  }
  cur_ = reinterpret_cast<uint8_t*>(aligned + size);
  return reinterpret_cast<void*>(aligned);
}

}  // namespace ember
