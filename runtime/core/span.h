// Span<T>: a mutable view of a contiguous array. Does not own the elements;
// the viewed memory must outlive the Span.
#pragma once

#include <cstddef>

#include "runtime/core/array_ref.h"

namespace ember {

template <typename T>
class Span final {
 public:
  constexpr Span() = default;
  constexpr Span(T* data, size_t size) : data_(data), size_(size) {}
  template <size_t N>
  constexpr Span(T (&array)[N]) : data_(array), size_(N) {}

  constexpr T* data() const { return data_; }
  constexpr size_t size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr T& operator[](size_t i) const { return data_[i]; }
  constexpr T* begin() const { return data_; }
  constexpr T* end() const { return data_ + size_; }
  constexpr operator ArrayRef<T>() const { return ArrayRef<T>(data_, size_); }

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ember
