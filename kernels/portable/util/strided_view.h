// StridedView: a tensor's memory seen through logical sizes and element
// strides, for the data-movement kernels (permute, slice, cat, pad, ...).
//
// A kernel takes the view of a whole tensor (its strides follow the tensor's
// dim order, so any layout works), reshapes it without touching memory
// (permute dims, narrow, select, insert broadcast dims) and copies between two
// views of equal sizes. A view borrows the tensor's data pointer: it is valid
// while the tensor's memory is.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/portable/util/broadcast_util.h"
#include "kernels/portable/util/scalar_type_util.h"
#include "runtime/core/scalar_type.h"
#include "runtime/core/tensor.h"
#include "runtime/kernel/kernel_runtime_context.h"

namespace ember::kernels {

struct StridedView {
  char* data = nullptr;  // element (0, ..., 0)
  size_t elem_size = 0;  // bytes per element
  size_t ndim = 0;
  int64_t sizes[kTensorDimensionLimit] = {};
  int64_t strides[kTensorDimensionLimit] = {};  // in elements

  // The whole of `t` (strides from its sizes and dim order).
  static StridedView of(const Tensor& t);

  int64_t numel() const;
  // Keeps [start, start + length) of dim `d`, every `step`-th element.
  void narrow(size_t d, int64_t start, int64_t length, int64_t step = 1);
  // Fixes dim `d` at `index` and removes it.
  void select(size_t d, int64_t index);
  // Inserts a dim of `size` with stride 0 (a broadcast) before position `d`.
  void insert_broadcast(size_t d, int64_t size);
  // Removes dim `d`, which must have size 1.
  void drop(size_t d);
  // Byte address of the element at `offset` elements from data.
  char* at(int64_t offset) const { return data + offset * static_cast<int64_t>(elem_size); }
};

// Copies src into dst element by element (same sizes, same element size):
// contiguous runs with memcpy, the rest strided. Writes follow dst's memory
// order. The views must not overlap.
void copy_view(const StridedView& dst, const StridedView& src);

// copy_view converting each element from `src_type` to `dst_type` (both real
// or bool; see kernels::convert). Equal dtypes take the plain copy.
void copy_view_convert(const StridedView& dst, ScalarType dst_type, const StridedView& src, ScalarType src_type);

// Calls f(TypeTag<U>{}) with U the unsigned integer of `elem_size` bytes (1,
// 2, 4 or 8), for kernels that move elements without reading them. False
// (f not called) for other sizes.
template <typename F>
bool dispatch_by_size(size_t elem_size, F&& f) {
  switch (elem_size) {
    case 1:
      f(TypeTag<uint8_t>{});
      return true;
    case 2:
      f(TypeTag<uint16_t>{});
      return true;
    case 4:
      f(TypeTag<uint32_t>{});
      return true;
    case 8:
      f(TypeTag<uint64_t>{});
      return true;
    default:
      return false;
  }
}

// A plan over `sizes` in logical row-major order (no reordering or merging,
// so for_each_run visits positions in row-major order); strides[j] are
// operand j's element strides per dim.
template <size_t N>
void logical_plan(size_t ndim, const int64_t* sizes, const int64_t* const (&strides)[N], StridedPlan<N>* plan) {
  plan->ndim = ndim;
  for (size_t d = 0; d < ndim; ++d) {
    plan->sizes[d] = sizes[d];
    for (size_t j = 0; j < N; ++j) plan->strides[j][d] = strides[j][d];
  }
}

// Resizes `out` to src's sizes (see resize_out) and copies src into it.
bool copy_view_to_out(KernelRuntimeContext& ctx, const char* op, const StridedView& src, const Tensor& out);

}  // namespace ember::kernels
