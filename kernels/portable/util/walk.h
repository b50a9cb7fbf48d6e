// Walk: nested iteration over some of a tensor's dims, carrying one element
// offset per operand. Kernels that reduce or scan along dims (sum, softmax,
// cumsum, layer norm, ...) split the dims into an outer Walk (one result per
// position) and an inner Walk (the elements combined), each operand with its
// own strides, so any dim order and any mix of layouts is handled. A Walk
// holds plain values; it borrows nothing.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/tensor.h"

namespace ember::kernels {

template <size_t N>
struct Walk {
  size_t ndim = 0;
  int64_t sizes[kTensorDimensionLimit] = {};
  int64_t strides[N][kTensorDimensionLimit] = {};  // elements, outermost first
  bool empty = false;                              // some dim has size 0

  // Appends a dim (inside the ones added before). Size-1 dims are dropped.
  void add(int64_t size, const int64_t (&dim_strides)[N]) {
    if (size == 0) empty = true;
    if (size <= 1 || ndim == kTensorDimensionLimit) return;
    sizes[ndim] = size;
    for (size_t j = 0; j < N; ++j) strides[j][ndim] = dim_strides[j];
    ++ndim;
  }

  int64_t count() const {
    if (empty) return 0;
    int64_t n = 1;
    for (size_t d = 0; d < ndim; ++d) n *= sizes[d];
    return n;
  }
};

// Calls f(offsets) for every position of the walk, offsets[j] = base[j] +
// the position's offset in operand j. Nothing is called for an empty walk.
template <size_t N, typename F>
void for_each_offset(const Walk<N>& w, const int64_t* base, F&& f) {
  int64_t off[N];
  for (size_t j = 0; j < N; ++j) off[j] = base[j];
  if (w.empty) return;
  if (w.ndim == 0) {
    f(static_cast<const int64_t*>(off));
    return;
  }
  const size_t inner = w.ndim - 1;
  int64_t index[kTensorDimensionLimit] = {};
  for (;;) {
    for (int64_t i = 0; i < w.sizes[inner]; ++i) {
      f(static_cast<const int64_t*>(off));
      for (size_t j = 0; j < N; ++j) off[j] += w.strides[j][inner];
    }
    for (size_t j = 0; j < N; ++j) off[j] -= w.strides[j][inner] * w.sizes[inner];
    size_t d = inner;
    for (;;) {
      if (d == 0) return;
      --d;
      if (++index[d] < w.sizes[d]) {
        for (size_t j = 0; j < N; ++j) off[j] += w.strides[j][d];
        break;
      }
      index[d] = 0;
      for (size_t j = 0; j < N; ++j) off[j] -= w.strides[j][d] * (w.sizes[d] - 1);
    }
  }
}

}  // namespace ember::kernels
