// MemoryAllocator: a bump allocator over a caller-owned byte range.
//
// Does not own its bytes; they must outlive everything allocated from it.
// allocate() returns null when the range is exhausted (after recording an
// error message); reset() makes all of it free again. Subclasses may override
// allocate() (a malloc-backed allocator, failure injection in tests).
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

#include "runtime/core/tensor.h"

namespace ember {

class MemoryAllocator {
 public:
  static constexpr size_t kDefaultAlignment = alignof(void*);

  MemoryAllocator(size_t size, uint8_t* base) : begin_(base), end_(base + size), cur_(base) {}
  virtual ~MemoryAllocator() = default;

  // `alignment` must be a power of two. Null (with an error message) when out
  // of space.
  virtual void* allocate(size_t size, size_t alignment = kDefaultAlignment);

  // n objects of T, default-constructed; null (with an error message) on
  // overflow or exhaustion.
  template <typename T>
  T* allocate_list(size_t n) {
    size_t bytes = 0;
    if (!checked_mul(n, sizeof(T), &bytes)) {
      fail(Error::MemoryAllocationFailed, "allocate_list: %zu items of %zu bytes overflow size_t", n, sizeof(T));
      return nullptr;
    }
    void* p = allocate(bytes, alignof(T));
    if (p == nullptr) return nullptr;
    // Walk the bytes actually allocated, so the loop bound is visibly no
    // larger than the allocation.
    auto* bytes_begin = static_cast<unsigned char*>(p);
    for (size_t offset = 0; offset < bytes; offset += sizeof(T)) new (bytes_begin + offset) T();
    return static_cast<T*>(p);
  }

  template <typename T>
  T* allocate_instance() {
    return allocate_list<T>(1);
  }

  virtual void reset() { cur_ = begin_; }

  size_t capacity() const { return static_cast<size_t>(end_ - begin_); }
  size_t used_size() const { return static_cast<size_t>(cur_ - begin_); }
  uint8_t* base() const { return begin_; }

 private:
  uint8_t* begin_;
  uint8_t* end_;
  uint8_t* cur_;
};

// Bytes `allocate(size, alignment)` consumes at most, on top of `size`, for
// planning method-allocator sizes.
inline size_t aligned_size(size_t size, size_t alignment) { return (size + alignment - 1) & ~(alignment - 1); }

}  // namespace ember
