#include "kernels/portable/util/broadcast_util.h"

#include "kernels/portable/util/kernel_args.h"

namespace ember::kernels {

bool broadcast_shape(KernelRuntimeContext& ctx, const char* op, ArrayRef<NamedTensor> inputs, SizesType* out_sizes,
                     size_t* out_dim) {
  size_t nd = 0;
  for (const NamedTensor& in : inputs) nd = in.tensor.dim() > nd ? in.tensor.dim() : nd;
  if (nd > kTensorDimensionLimit) {
    ctx.fail(Error::InvalidArgument, "%s: rank %zu exceeds the limit of %zu", op, nd, kTensorDimensionLimit);
    return false;
  }
  for (size_t i = 0; i < nd; ++i) out_sizes[i] = 1;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const Tensor& t = inputs[k].tensor;
    const size_t offset = nd - t.dim();
    for (size_t i = 0; i < t.dim(); ++i) {
      const SizesType s = t.size(i);
      SizesType& o = out_sizes[offset + i];
      if (s == o || s == 1) continue;
      if (o == 1) {
        o = s;
        continue;
      }
      char a[192];
      char b[192];
      ctx.fail(Error::InvalidArgument, "%s: %s: shape %s does not broadcast with %s (dim %zu: %d vs %d)", op,
               inputs[k].name, format_sizes(t.sizes(), a, sizeof(a)),
               format_sizes(ArrayRef<SizesType>(out_sizes, nd), b, sizeof(b)), offset + i, s, o);
      return false;
    }
  }
  *out_dim = nd;
  return true;
}

bool resize_to_broadcast(KernelRuntimeContext& ctx, const char* op, ArrayRef<NamedTensor> inputs, const Tensor& out) {
  SizesType sizes[kTensorDimensionLimit];
  size_t nd = 0;
  if (!broadcast_shape(ctx, op, inputs, sizes, &nd)) return false;
  return resize_out(ctx, op, out, ArrayRef<SizesType>(sizes, nd));
}

void element_strides(const Tensor& t, int64_t* strides) {
  const size_t nd = t.dim();
  const DimOrderType* order = t.dim_order().data();
  int64_t stride = 1;
  for (size_t i = nd; i-- > 0;) {
    const size_t d = order != nullptr ? order[i] : i;
    const int64_t size = t.size(d);
    strides[d] = size == 1 ? 0 : stride;
    stride *= size > 1 ? size : 1;
  }
}

bool same_layout(const Tensor& a, const Tensor& b) {
  if (a.dim() != b.dim()) return false;
  const DimOrderType* oa = a.dim_order().data();
  const DimOrderType* ob = b.dim_order().data();
  for (size_t i = 0; i < a.dim(); ++i) {
    if (a.size(i) != b.size(i)) return false;
    const size_t da = oa != nullptr ? oa[i] : i;
    const size_t db = ob != nullptr ? ob[i] : i;
    if (da != db) return false;
  }
  return true;
}

}  // namespace ember::kernels
