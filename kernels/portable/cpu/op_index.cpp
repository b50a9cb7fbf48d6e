// Indexed copies: aten::embedding.out, index_select.out and gather.out. Index
// tensors are int64 (and int32 for embedding and index_select, as ATen
// allows); every index is bounds-checked before anything is written, and a bad
// one is reported with its value and position. Values move as element bytes,
// so any dtype works; strided views make any dim order correct.
#include <cstdint>

#include "kernels/portable/cpu/shape_ops.h"
#include "kernels/portable/util/dim_args.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/op_args.h"
#include "kernels/portable/util/strided_view.h"

namespace ember::portable {
namespace {

bool check_index_dtype(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t, bool allow_int) {
  const ScalarType s = t.scalar_type();
  if (s == ScalarType::Long || (allow_int && s == ScalarType::Int)) return true;
  ctx.fail(Error::InvalidArgument, "%s: %s: dtype %s is not supported (expected Long%s)", op, name, scalar_type_name(s),
           allow_int ? " or Int" : "");
  return false;
}

int64_t read_index(const kernels::StridedView& v, ScalarType type, int64_t offset) {
  return type == ScalarType::Long ? *reinterpret_cast<const int64_t*>(v.at(offset))
                                  : *reinterpret_cast<const int32_t*>(v.at(offset));
}

// Writes the row-major position of flat index `flat` in `sizes` as "[i, j]".
const char* format_position(const kernels::StridedView& shape, int64_t flat, char* buf, size_t capacity) {
  SizesType coords[kTensorDimensionLimit];
  for (size_t d = shape.ndim; d-- > 0;) {
    const int64_t size = shape.sizes[d] > 0 ? shape.sizes[d] : 1;
    coords[d] = static_cast<SizesType>(flat % size);
    flat /= size;
  }
  return kernels::format_sizes(ArrayRef<SizesType>(coords, shape.ndim), buf, capacity);
}

// Checks every value of `index` against [0, limit), reporting the first bad
// one as "<op>: <name>: value V at position [..] is out of range ...".
bool check_indices(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& index, int64_t limit,
                   const char* what) {
  const kernels::StridedView v = kernels::StridedView::of(index);
  if (v.numel() == 0) return true;
  const int64_t* const strides[1] = {v.strides};
  kernels::StridedPlan<1> plan;
  kernels::logical_plan(v.ndim, v.sizes, strides, &plan);
  int64_t flat = 0, bad_flat = -1, bad_value = 0;
  kernels::for_each_run(plan, [&](const int64_t* off, int64_t count, const int64_t* step) {
    for (int64_t i = 0; i < count && bad_flat < 0; ++i, ++flat) {
      const int64_t value = read_index(v, index.scalar_type(), off[0] + i * step[0]);
      if (value < 0 || value >= limit) {
        bad_flat = flat;
        bad_value = value;
      }
    }
  });
  if (bad_flat < 0) return true;
  char pos[192];
  ctx.fail(Error::InvalidArgument, "%s: %s: value %lld at position %s is out of range for %s of size %lld", op, name,
           static_cast<long long>(bad_value), format_position(v, bad_flat, pos, sizeof(pos)), what,
           static_cast<long long>(limit));
  return false;
}

}  // namespace

void embedding_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::embedding.out";
  Tensor weight, indices, out;
  int64_t padding_idx = 0;
  bool scale_grad = false, sparse = false;
  if (!kernels::check_arg_count(ctx, args, 7, op) || !kernels::tensor_arg(ctx, args, 0, op, "weight", &weight) ||
      !kernels::tensor_arg(ctx, args, 1, op, "indices", &indices) ||
      !kernels::int_arg(ctx, args, 2, op, "padding_idx", &padding_idx) ||
      !kernels::bool_arg(ctx, args, 3, op, "scale_grad_by_freq", &scale_grad) ||
      !kernels::bool_arg(ctx, args, 4, op, "sparse", &sparse) || !kernels::tensor_arg(ctx, args, 5, op, "out", &out) ||
      !kernels::check_copyable(ctx, op, "weight", weight) ||
      !kernels::check_same_dtype(ctx, op, "out", out, weight, "weight") ||
      !check_index_dtype(ctx, op, "indices", indices, /*allow_int=*/true)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, weight.dim() == 2, Error::InvalidArgument, "%s: weight: expected 2-D, got rank %zu", op,
                     weight.dim());
  EMBER_KERNEL_CHECK(ctx, indices.dim() < kTensorDimensionLimit, Error::InvalidArgument,
                     "%s: indices: rank %zu is at the limit", op, indices.dim());
  if (!check_indices(ctx, op, "indices", indices, weight.size(0), "weight dim 0")) return;
  SizesType sizes[kTensorDimensionLimit];
  for (size_t d = 0; d < indices.dim(); ++d) sizes[d] = indices.size(d);
  sizes[indices.dim()] = weight.size(1);
  if (!kernels::resize_out(ctx, op, out, ArrayRef<SizesType>(sizes, indices.dim() + 1))) return;
  const kernels::StridedView idx = kernels::StridedView::of(indices);
  const kernels::StridedView table = kernels::StridedView::of(weight);
  const kernels::StridedView dst = kernels::StridedView::of(out);
  if (dst.numel() == 0) return;
  const int64_t* const strides[2] = {dst.strides, idx.strides};
  kernels::StridedPlan<2> plan;
  kernels::logical_plan(idx.ndim, idx.sizes, strides, &plan);
  kernels::for_each_run(plan, [&](const int64_t* off, int64_t count, const int64_t* step) {
    for (int64_t i = 0; i < count; ++i) {
      kernels::StridedView row = table;
      row.select(0, read_index(idx, indices.scalar_type(), off[1] + i * step[1]));
      kernels::StridedView out_row = dst;
      out_row.data = dst.at(off[0] + i * step[0]);
      out_row.sizes[0] = dst.sizes[dst.ndim - 1];
      out_row.strides[0] = dst.strides[dst.ndim - 1];
      out_row.ndim = 1;
      kernels::copy_view(out_row, row);
    }
  });
}

void index_select_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::index_select.out";
  Tensor self, index, out;
  size_t d = 0;
  if (!kernels::check_arg_count(ctx, args, 5, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::tensor_arg(ctx, args, 2, op, "index", &index) || !kernels::tensor_arg(ctx, args, 3, op, "out", &out) ||
      !kernels::check_copyable(ctx, op, "self", self) ||
      !kernels::check_same_dtype(ctx, op, "out", out, self, "self") ||
      !check_index_dtype(ctx, op, "index", index, /*allow_int=*/true) ||
      !kernels::dim_arg(ctx, args, 1, op, "dim", self.dim(), &d)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, index.dim() <= 1, Error::InvalidArgument, "%s: index: expected 0-D or 1-D, got rank %zu", op,
                     index.dim());
  const int64_t size = self.dim() == 0 ? 1 : self.size(d);
  const int64_t n = static_cast<int64_t>(index.numel());
  EMBER_KERNEL_CHECK(ctx, self.dim() > 0 || n == 1, Error::InvalidArgument,
                     "%s: index: a 0-dim self needs exactly one index, got %lld", op, static_cast<long long>(n));
  if (!check_indices(ctx, op, "index", index, size, "self dim")) return;
  kernels::StridedView src = kernels::StridedView::of(self);
  kernels::StridedView dst_shape = src;
  if (self.dim() > 0) dst_shape.sizes[d] = n;
  SizesType sizes[kTensorDimensionLimit];
  for (size_t k = 0; k < dst_shape.ndim; ++k) sizes[k] = static_cast<SizesType>(dst_shape.sizes[k]);
  if (!kernels::resize_out(ctx, op, out, ArrayRef<SizesType>(sizes, dst_shape.ndim))) return;
  const kernels::StridedView dst = kernels::StridedView::of(out);
  const kernels::StridedView idx = kernels::StridedView::of(index);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t at = read_index(idx, index.scalar_type(), idx.ndim == 0 ? 0 : i * idx.strides[0]);
    if (self.dim() == 0) {
      kernels::copy_view(dst, src);
      continue;
    }
    kernels::StridedView from = src, to = dst;
    from.select(d, at);
    to.select(d, i);
    kernels::copy_view(to, from);
  }
}

void gather_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::gather.out";
  Tensor self, index, out;
  size_t d = 0;
  bool sparse_grad = false;
  if (!kernels::check_arg_count(ctx, args, 6, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::tensor_arg(ctx, args, 2, op, "index", &index) ||
      !kernels::bool_arg(ctx, args, 3, op, "sparse_grad", &sparse_grad) ||
      !kernels::tensor_arg(ctx, args, 4, op, "out", &out) || !kernels::check_copyable(ctx, op, "self", self) ||
      !kernels::check_same_dtype(ctx, op, "out", out, self, "self") ||
      !check_index_dtype(ctx, op, "index", index, /*allow_int=*/false) ||
      !kernels::dim_arg(ctx, args, 1, op, "dim", self.dim(), &d)) {
    return;
  }
  // 0-dim tensors count as 1-D of size 1 here, as in ATen.
  kernels::StridedView src = kernels::StridedView::of(self);
  kernels::StridedView idx = kernels::StridedView::of(index);
  if (src.ndim == 0) src.insert_broadcast(0, 1);
  if (idx.ndim == 0) idx.insert_broadcast(0, 1);
  EMBER_KERNEL_CHECK(ctx, src.ndim == idx.ndim, Error::InvalidArgument,
                     "%s: index: rank %zu differs from self's rank %zu", op, index.dim(), self.dim());
  if (idx.numel() > 0) {
    for (size_t k = 0; k < src.ndim; ++k) {
      EMBER_KERNEL_CHECK(ctx, k == d || idx.sizes[k] <= src.sizes[k], Error::InvalidArgument,
                         "%s: index: size %lld at dim %zu exceeds self's %lld", op,
                         static_cast<long long>(idx.sizes[k]), k, static_cast<long long>(src.sizes[k]));
    }
  }
  if (!check_indices(ctx, op, "index", index, src.sizes[d], "self dim")) return;
  if (!kernels::resize_out(ctx, op, out, index.sizes())) return;
  kernels::StridedView dst = kernels::StridedView::of(out);
  if (dst.ndim == 0) dst.insert_broadcast(0, 1);
  if (dst.numel() == 0) return;
  const int64_t along = src.strides[d];
  src.strides[d] = 0;
  const int64_t* const strides[3] = {dst.strides, idx.strides, src.strides};
  kernels::StridedPlan<3> plan;
  kernels::logical_plan(idx.ndim, idx.sizes, strides, &plan);
  kernels::dispatch_by_size(src.elem_size, [&](auto tag) {
    using U = typename decltype(tag)::type;
    kernels::for_each_run(plan, [&](const int64_t* off, int64_t count, const int64_t* step) {
      for (int64_t i = 0; i < count; ++i) {
        const int64_t at = read_index(idx, ScalarType::Long, off[1] + i * step[1]);
        *reinterpret_cast<U*>(dst.at(off[0] + i * step[0])) =
            *reinterpret_cast<const U*>(src.at(off[2] + i * step[2] + at * along));
      }
    });
  });
}

}  // namespace ember::portable
