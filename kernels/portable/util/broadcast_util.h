// Broadcasting and strided iteration shared by elementwise kernels.
//
// A StridedPlan walks an output and its inputs together over the output's
// shape, in the output's memory order (so writes are sequential), with
// broadcast dimensions given stride 0 and mergeable dimensions coalesced.
// Because offsets come from each tensor's own sizes and dim order, any mix of
// dim orders (contiguous, channels-last, ...) is handled. Plans hold plain
// values; they borrow nothing.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/array_ref.h"
#include "runtime/core/tensor.h"
#include "runtime/kernel/kernel_runtime_context.h"

namespace ember::kernels {

// An input tensor with the argument name used in failure messages.
struct NamedTensor {
  const char* name;
  Tensor tensor;
};

// The ATen broadcast of the inputs' shapes (right-aligned; each size equal
// or 1), at most kTensorDimensionLimit dims. On mismatch fails ctx with
// "<op>: <name>: shape [..] does not broadcast with [..]" and returns false.
bool broadcast_shape(KernelRuntimeContext& ctx, const char* op, ArrayRef<NamedTensor> inputs, SizesType* out_sizes,
                     size_t* out_dim);

// broadcast_shape, then resizes `out` to it (see resize_out).
bool resize_to_broadcast(KernelRuntimeContext& ctx, const char* op, ArrayRef<NamedTensor> inputs, const Tensor& out);

// Element strides of `t` computed from its sizes and dim order (not read from
// its strides array, which a TensorImpl may lack). Size-1 dims get stride 0.
void element_strides(const Tensor& t, int64_t* strides);

// True when the tensors have equal sizes and dim orders (so equal strides):
// they can be walked as flat arrays.
bool same_layout(const Tensor& a, const Tensor& b);

template <size_t N>
struct StridedPlan {
  size_t ndim = 0;  // 0: a single element
  int64_t sizes[kTensorDimensionLimit] = {};
  int64_t strides[N][kTensorDimensionLimit] = {};  // elements, outermost dim first
};

// Plan over ops[0]'s shape; ops[1..] must broadcast to it (checked by the
// caller, e.g. with resize_to_broadcast).
template <size_t N>
void make_strided_plan(const Tensor (&ops)[N], StridedPlan<N>* plan) {
  const Tensor& out = ops[0];
  const size_t nd = out.dim();
  int64_t op_strides[N][kTensorDimensionLimit];
  for (size_t j = 0; j < N; ++j) element_strides(ops[j], op_strides[j]);
  const DimOrderType* order = out.dim_order().data();
  size_t k = 0;
  for (size_t i = 0; i < nd; ++i) {
    const size_t d = order != nullptr ? order[i] : i;
    const int64_t size = out.size(d);
    if (size == 1) continue;
    plan->sizes[k] = size;
    for (size_t j = 0; j < N; ++j) {
      const size_t r = ops[j].dim();
      const bool present = d + r >= nd;  // right-aligned broadcast
      plan->strides[j][k] = present ? op_strides[j][d + r - nd] : 0;
    }
    ++k;
  }
  // Merge an inner dim into the one outside it when every operand steps
  // through both as one run.
  size_t m = 0;
  for (size_t i = 0; i < k; ++i) {
    bool merge = m > 0;
    for (size_t j = 0; j < N && merge; ++j) {
      merge = plan->strides[j][m - 1] == plan->strides[j][i] * plan->sizes[i];
    }
    if (merge) {
      plan->sizes[m - 1] *= plan->sizes[i];
      for (size_t j = 0; j < N; ++j) plan->strides[j][m - 1] = plan->strides[j][i];
    } else {
      plan->sizes[m] = plan->sizes[i];
      for (size_t j = 0; j < N; ++j) plan->strides[j][m] = plan->strides[j][i];
      ++m;
    }
  }
  plan->ndim = m;
}

// Calls f(offsets, count, inner_strides) for each innermost run: element i of
// the run is at offsets[j] + i * inner_strides[j] in operand j (elements).
// The plan's shape must be non-empty (numel > 0).
template <size_t N, typename F>
void for_each_run(const StridedPlan<N>& plan, F&& f) {
  int64_t offsets[N] = {};
  int64_t inner_strides[N] = {};
  if (plan.ndim == 0) {
    f(offsets, int64_t{1}, inner_strides);
    return;
  }
  const size_t inner = plan.ndim - 1;
  for (size_t j = 0; j < N; ++j) inner_strides[j] = plan.strides[j][inner];
  int64_t index[kTensorDimensionLimit] = {};
  for (;;) {
    f(offsets, plan.sizes[inner], inner_strides);
    size_t d = inner;
    for (;;) {
      if (d == 0) return;
      --d;
      if (++index[d] < plan.sizes[d]) {
        for (size_t j = 0; j < N; ++j) offsets[j] += plan.strides[j][d];
        break;
      }
      index[d] = 0;
      for (size_t j = 0; j < N; ++j) offsets[j] -= plan.strides[j][d] * (plan.sizes[d] - 1);
    }
  }
}

}  // namespace ember::kernels
