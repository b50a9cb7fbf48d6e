// Copies that only rearrange dims: aten::permute_copy.out,
// transpose_copy.int_out, unsqueeze_copy.out, squeeze_copy.dims_out and
// expand_copy.out. Each builds a strided view of self in out's logical shape
// and copies it; views follow each tensor's dim order, so any layout works.
#include <cstdint>

#include "kernels/portable/cpu/shape_ops.h"
#include "kernels/portable/util/dim_args.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/op_args.h"
#include "kernels/portable/util/strided_view.h"

namespace ember::portable {
namespace {

// Reads `self` at args[0] and `out` at args[out_index] and checks dtypes.
bool self_and_out(KernelRuntimeContext& ctx, Span<EValue*> args, size_t count, size_t out_index, const char* op,
                  Tensor* self, Tensor* out) {
  return kernels::check_arg_count(ctx, args, count, op) && kernels::tensor_arg(ctx, args, 0, op, "self", self) &&
         kernels::tensor_arg(ctx, args, out_index, op, "out", out) && kernels::check_copyable(ctx, op, "self", *self) &&
         kernels::check_same_dtype(ctx, op, "out", *out, *self, "self");
}

}  // namespace

void permute_copy_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::permute_copy.out";
  Tensor self, out;
  ArrayRef<int64_t> dims;
  if (!self_and_out(ctx, args, 4, 2, op, &self, &out) || !kernels::int_list_arg(ctx, args, 1, op, "dims", &dims)) {
    return;
  }
  const size_t rank = self.dim();
  EMBER_KERNEL_CHECK(ctx, dims.size() == rank, Error::InvalidArgument, "%s: dims: %zu entries for rank %zu", op,
                     dims.size(), rank);
  const kernels::StridedView in = kernels::StridedView::of(self);
  kernels::StridedView view = in;
  bool seen[kTensorDimensionLimit] = {};
  for (size_t i = 0; i < rank; ++i) {
    size_t d = 0;
    if (!kernels::normalize_dim(ctx, op, "dims", dims[i], rank, &d)) return;
    EMBER_KERNEL_CHECK(ctx, !seen[d], Error::InvalidArgument, "%s: dims: dim %zu appears more than once", op, d);
    seen[d] = true;
    view.sizes[i] = in.sizes[d];
    view.strides[i] = in.strides[d];
  }
  kernels::copy_view_to_out(ctx, op, view, out);
}

void transpose_copy_int_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::transpose_copy.int_out";
  Tensor self, out;
  size_t d0 = 0, d1 = 0;
  if (!self_and_out(ctx, args, 5, 3, op, &self, &out) || !kernels::dim_arg(ctx, args, 1, op, "dim0", self.dim(), &d0) ||
      !kernels::dim_arg(ctx, args, 2, op, "dim1", self.dim(), &d1)) {
    return;
  }
  kernels::StridedView view = kernels::StridedView::of(self);
  if (self.dim() > 0) {
    const int64_t size = view.sizes[d0], stride = view.strides[d0];
    view.sizes[d0] = view.sizes[d1];
    view.strides[d0] = view.strides[d1];
    view.sizes[d1] = size;
    view.strides[d1] = stride;
  }
  kernels::copy_view_to_out(ctx, op, view, out);
}

void unsqueeze_copy_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::unsqueeze_copy.out";
  Tensor self, out;
  size_t d = 0;
  if (!self_and_out(ctx, args, 4, 2, op, &self, &out)) return;
  EMBER_KERNEL_CHECK(ctx, self.dim() < kTensorDimensionLimit, Error::InvalidArgument,
                     "%s: self: rank %zu is at the limit", op, self.dim());
  if (!kernels::dim_arg(ctx, args, 1, op, "dim", self.dim() + 1, &d)) return;
  kernels::StridedView view = kernels::StridedView::of(self);
  view.insert_broadcast(d, 1);
  kernels::copy_view_to_out(ctx, op, view, out);
}

void squeeze_copy_dims_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::squeeze_copy.dims_out";
  Tensor self, out;
  ArrayRef<int64_t> dims;
  if (!self_and_out(ctx, args, 4, 2, op, &self, &out) || !kernels::int_list_arg(ctx, args, 1, op, "dim", &dims)) {
    return;
  }
  const size_t rank = self.dim();
  bool listed[kTensorDimensionLimit] = {};
  for (int64_t dim : dims) {
    size_t d = 0;
    if (!kernels::normalize_dim(ctx, op, "dim", dim, rank, &d)) return;
    EMBER_KERNEL_CHECK(ctx, !listed[d], Error::InvalidArgument, "%s: dim: dim %zu appears more than once", op, d);
    listed[d] = true;
  }
  kernels::StridedView view = kernels::StridedView::of(self);
  // Dims of size != 1 are kept, as in ATen; drop from the back so positions hold.
  for (size_t d = rank; d-- > 0;) {
    if (listed[d] && view.sizes[d] == 1) view.drop(d);
  }
  kernels::copy_view_to_out(ctx, op, view, out);
}

void expand_copy_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::expand_copy.out";
  Tensor self, out;
  ArrayRef<int64_t> size;
  bool implicit = false;
  if (!self_and_out(ctx, args, 5, 3, op, &self, &out) || !kernels::int_list_arg(ctx, args, 1, op, "size", &size) ||
      !kernels::bool_arg(ctx, args, 2, op, "implicit", &implicit)) {
    return;
  }
  const size_t rank = self.dim();
  EMBER_KERNEL_CHECK(ctx, size.size() >= rank && size.size() <= kTensorDimensionLimit, Error::InvalidArgument,
                     "%s: size: %zu entries for self of rank %zu (need rank..%zu)", op, size.size(), rank,
                     kTensorDimensionLimit);
  kernels::StridedView view = kernels::StridedView::of(self);
  const size_t lead = size.size() - rank;
  for (size_t i = 0; i < lead; ++i) view.insert_broadcast(0, 0);
  for (size_t i = 0; i < size.size(); ++i) {
    const int64_t want = size[i];
    if (i < lead) {
      EMBER_KERNEL_CHECK(ctx, want >= 0 && want <= INT32_MAX, Error::InvalidArgument,
                         "%s: size: entry %zu (%lld) is invalid for a new leading dim", op, i,
                         static_cast<long long>(want));
      view.sizes[i] = want;
      continue;
    }
    if (want == -1 || want == view.sizes[i]) continue;
    EMBER_KERNEL_CHECK(ctx, view.sizes[i] == 1 && want >= 0 && want <= INT32_MAX, Error::InvalidArgument,
                       "%s: size: entry %zu (%lld) cannot expand dim %zu of size %lld", op, i,
                       static_cast<long long>(want), i - lead, static_cast<long long>(view.sizes[i]));
    view.sizes[i] = want;
    view.strides[i] = 0;
  }
  kernels::copy_view_to_out(ctx, op, view, out);
}

}  // namespace ember::portable
