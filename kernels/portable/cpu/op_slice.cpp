// Copies of parts of tensors and joins: aten::slice_copy.Tensor_out,
// select_copy.int_out, cat.out and split_with_sizes_copy.out. All work through
// strided views, so any dim order (and a different one per tensor) works.
#include <cstdint>

#include "kernels/portable/cpu/shape_ops.h"
#include "kernels/portable/util/dim_args.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/op_args.h"
#include "kernels/portable/util/scalar_type_util.h"
#include "kernels/portable/util/strided_view.h"

namespace ember::portable {
namespace {

// None (-> fallback) or an Int.
bool optional_int(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                  int64_t fallback, int64_t* out) {
  if (args[i]->is_none()) {
    *out = fallback;
    return true;
  }
  return kernels::int_arg(ctx, args, i, op, name, out);
}

// ATen's legacy cat rule: a 1-D tensor with no elements takes no part.
bool skipped_in_cat(const Tensor& t) { return t.dim() == 1 && t.size(0) == 0; }

}  // namespace

void slice_copy_tensor_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::slice_copy.Tensor_out";
  Tensor self, out;
  size_t d = 0;
  int64_t start = 0, end = 0, step = 1;
  if (!kernels::check_arg_count(ctx, args, 7, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::tensor_arg(ctx, args, 5, op, "out", &out) || !kernels::check_copyable(ctx, op, "self", self) ||
      !kernels::check_same_dtype(ctx, op, "out", out, self, "self")) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, self.dim() > 0, Error::InvalidArgument, "%s: self: cannot slice a 0-dim tensor", op);
  if (!kernels::dim_arg(ctx, args, 1, op, "dim", self.dim(), &d) ||
      !optional_int(ctx, args, 2, op, "start", 0, &start) || !optional_int(ctx, args, 3, op, "end", INT64_MAX, &end) ||
      !kernels::int_arg(ctx, args, 4, op, "step", &step)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, step > 0, Error::InvalidArgument, "%s: step: must be positive, got %lld", op,
                     static_cast<long long>(step));
  // ATen's clamping: negatives count from the end, then both are clamped to
  // [0, size] and end to at least start.
  const int64_t size = self.size(d);
  if (start < 0) start += size;
  if (end < 0) end += size;
  start = start < 0 ? 0 : start > size ? size : start;
  end = end < start ? start : end > size ? size : end;
  kernels::StridedView view = kernels::StridedView::of(self);
  view.narrow(d, start, end == start ? 0 : (end - start - 1) / step + 1, step);
  kernels::copy_view_to_out(ctx, op, view, out);
}

void select_copy_int_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::select_copy.int_out";
  Tensor self, out;
  size_t d = 0;
  int64_t index = 0;
  if (!kernels::check_arg_count(ctx, args, 5, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::tensor_arg(ctx, args, 3, op, "out", &out) || !kernels::check_copyable(ctx, op, "self", self) ||
      !kernels::check_same_dtype(ctx, op, "out", out, self, "self")) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, self.dim() > 0, Error::InvalidArgument, "%s: self: cannot select from a 0-dim tensor", op);
  if (!kernels::dim_arg(ctx, args, 1, op, "dim", self.dim(), &d) ||
      !kernels::int_arg(ctx, args, 2, op, "index", &index)) {
    return;
  }
  const int64_t size = self.size(d);
  EMBER_KERNEL_CHECK(ctx, index >= -size && index < size, Error::InvalidArgument,
                     "%s: index: %lld is out of range for dim %zu of size %lld", op, static_cast<long long>(index), d,
                     static_cast<long long>(size));
  kernels::StridedView view = kernels::StridedView::of(self);
  view.select(d, index < 0 ? index + size : index);
  kernels::copy_view_to_out(ctx, op, view, out);
}

void cat_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::cat.out";
  ArrayRef<Tensor> tensors;
  Tensor out;
  int64_t dim_value = 0;
  if (!kernels::check_arg_count(ctx, args, 4, op) || !kernels::tensor_list_arg(ctx, args, 0, op, "tensors", &tensors) ||
      !kernels::int_arg(ctx, args, 1, op, "dim", &dim_value) || !kernels::tensor_arg(ctx, args, 2, op, "out", &out)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, tensors.size() > 0, Error::InvalidArgument, "%s: tensors: the list is empty", op);
  // Dtypes: equal dtypes copy bytes (any dtype); mixed ones promote (ATen
  // result_type) and must cast to out.
  bool mixed = out.scalar_type() != tensors[0].scalar_type();
  ScalarType common = tensors[0].scalar_type();
  for (size_t i = 0; i < tensors.size(); ++i) {
    const ScalarType t = tensors[i].scalar_type();
    mixed = mixed || t != common;
    if (i > 0 && t != common) {
      EMBER_KERNEL_CHECK(ctx, kernels::promote_types(common, t, &common), Error::InvalidArgument,
                         "%s: tensors: item %zu dtype %s does not promote with %s", op, i, scalar_type_name(t),
                         scalar_type_name(common));
    }
  }
  if (mixed) {
    for (size_t i = 0; i < tensors.size(); ++i) {
      EMBER_KERNEL_CHECK(ctx, kernels::is_real_or_bool(tensors[i].scalar_type()), Error::InvalidArgument,
                         "%s: tensors: item %zu dtype %s cannot be converted", op, i,
                         scalar_type_name(tensors[i].scalar_type()));
    }
    if (!kernels::check_real_or_bool(ctx, op, "out", out)) return;
    EMBER_KERNEL_CHECK(ctx, kernels::can_cast(common, out.scalar_type()), Error::InvalidArgument,
                       "%s: out: result dtype %s cannot be cast to out's %s", op, scalar_type_name(common),
                       scalar_type_name(out.scalar_type()));
  } else if (!kernels::check_copyable(ctx, op, "out", out)) {
    return;
  }
  // Shapes: every kept tensor matches the first kept one except along dim.
  size_t ref = tensors.size();
  for (size_t i = 0; i < tensors.size() && ref == tensors.size(); ++i) {
    if (!skipped_in_cat(tensors[i])) ref = i;
  }
  kernels::StridedView result;
  result.ndim = 1;
  result.sizes[0] = 0;
  size_t d = 0;
  if (ref < tensors.size()) {
    result = kernels::StridedView::of(tensors[ref]);
    EMBER_KERNEL_CHECK(ctx, result.ndim > 0, Error::InvalidArgument, "%s: tensors: item %zu is 0-dim", op, ref);
  }
  if (!kernels::normalize_dim(ctx, op, "dim", dim_value, result.ndim, &d)) return;
  int64_t total = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (skipped_in_cat(t)) continue;
    EMBER_KERNEL_CHECK(ctx, t.dim() == result.ndim, Error::InvalidArgument,
                       "%s: tensors: item %zu has rank %zu, item %zu has rank %zu", op, i, t.dim(), ref, result.ndim);
    for (size_t k = 0; k < t.dim(); ++k) {
      EMBER_KERNEL_CHECK(ctx, k == d || t.size(k) == result.sizes[k], Error::InvalidArgument,
                         "%s: tensors: item %zu has size %d at dim %zu, item %zu has %lld", op, i,
                         static_cast<int>(t.size(k)), k, ref, static_cast<long long>(result.sizes[k]));
    }
    total += t.size(d);
  }
  result.sizes[d] = total;
  SizesType sizes[kTensorDimensionLimit];
  for (size_t k = 0; k < result.ndim; ++k) {
    EMBER_KERNEL_CHECK(ctx, result.sizes[k] <= INT32_MAX, Error::InvalidArgument, "%s: out: dim %zu is too large", op,
                       k);
    sizes[k] = static_cast<SizesType>(result.sizes[k]);
  }
  if (!kernels::resize_out(ctx, op, out, ArrayRef<SizesType>(sizes, result.ndim))) return;
  const kernels::StridedView whole = kernels::StridedView::of(out);
  int64_t offset = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (skipped_in_cat(t)) continue;
    kernels::StridedView part = whole;
    part.narrow(d, offset, t.size(d));
    kernels::copy_view_convert(part, out.scalar_type(), kernels::StridedView::of(t), t.scalar_type());
    offset += t.size(d);
  }
}

void split_with_sizes_copy_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::split_with_sizes_copy.out";
  Tensor self;
  ArrayRef<int64_t> split_sizes;
  ArrayRef<Tensor> outs;
  size_t d = 0;
  // The schema returns nothing; a trailing return slot is tolerated.
  const size_t count = args.size() == 5 ? 5 : 4;
  if (!kernels::check_arg_count(ctx, args, count, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::check_copyable(ctx, op, "self", self)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, self.dim() > 0, Error::InvalidArgument, "%s: self: cannot split a 0-dim tensor", op);
  if (!kernels::int_list_arg(ctx, args, 1, op, "split_sizes", &split_sizes) ||
      !kernels::dim_arg(ctx, args, 2, op, "dim", self.dim(), &d) ||
      !kernels::tensor_list_arg(ctx, args, 3, op, "out", &outs)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, outs.size() == split_sizes.size(), Error::InvalidArgument,
                     "%s: out: %zu tensors for %zu split sizes", op, outs.size(), split_sizes.size());
  int64_t total = 0;
  for (size_t i = 0; i < split_sizes.size(); ++i) {
    EMBER_KERNEL_CHECK(ctx, split_sizes[i] >= 0 && split_sizes[i] <= self.size(d), Error::InvalidArgument,
                       "%s: split_sizes: entry %zu (%lld) is invalid for dim %zu of size %d", op, i,
                       static_cast<long long>(split_sizes[i]), d, static_cast<int>(self.size(d)));
    total += split_sizes[i];
  }
  EMBER_KERNEL_CHECK(ctx, total == self.size(d), Error::InvalidArgument,
                     "%s: split_sizes: they sum to %lld, dim %zu has size %d", op, static_cast<long long>(total), d,
                     static_cast<int>(self.size(d)));
  for (size_t i = 0; i < outs.size(); ++i) {
    EMBER_KERNEL_CHECK(ctx, outs[i].scalar_type() == self.scalar_type(), Error::InvalidArgument,
                       "%s: out: item %zu dtype %s differs from self's %s", op, i,
                       scalar_type_name(outs[i].scalar_type()), scalar_type_name(self.scalar_type()));
  }
  const kernels::StridedView whole = kernels::StridedView::of(self);
  int64_t offset = 0;
  for (size_t i = 0; i < outs.size(); ++i) {
    kernels::StridedView part = whole;
    part.narrow(d, offset, split_sizes[i]);
    if (!kernels::copy_view_to_out(ctx, op, part, outs[i])) return;
    offset += split_sizes[i];
  }
}

}  // namespace ember::portable
