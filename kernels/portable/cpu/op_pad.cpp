// Padding: aten::constant_pad_nd.out (any rank, negative pads crop),
// reflection_pad2d.out and replication_pad2d.out (3-D or 4-D input, the last
// two dims padded; ATen's index rules, negative pads included). Strided views
// make every dim order correct.
#include <cstdint>

#include "kernels/portable/cpu/shape_ops.h"
#include "kernels/portable/util/dim_args.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/scalar_type_util.h"
#include "kernels/portable/util/strided_view.h"

namespace ember::portable {
namespace {

int64_t max0(int64_t v) { return v > 0 ? v : 0; }

// Source index along one padded dim for output index j (ATen's
// reflection_pad / replication_pad frames).
int64_t reflect_index(int64_t j, int64_t in, int64_t pad_before) {
  int64_t i = j < pad_before ? pad_before * 2 - j : j < in + pad_before ? j : (in + pad_before - 1) * 2 - j;
  return i - max0(pad_before) + max0(-pad_before);
}

int64_t replicate_index(int64_t j, int64_t in, int64_t pad_before) {
  int64_t i = j < pad_before ? pad_before : j < in + pad_before ? j : in + pad_before - 1;
  return i - max0(pad_before) + max0(-pad_before);
}

// [self, padding, out, ret] for the 2-D paddings.
void pad2d(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool reflect) {
  Tensor self, out;
  ArrayRef<int64_t> padding;
  if (!kernels::check_arg_count(ctx, args, 4, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::int_list_arg(ctx, args, 1, op, "padding", &padding) ||
      !kernels::tensor_arg(ctx, args, 2, op, "out", &out) || !kernels::check_copyable(ctx, op, "self", self) ||
      !kernels::check_same_dtype(ctx, op, "out", out, self, "self")) {
    return;
  }
  const size_t rank = self.dim();
  EMBER_KERNEL_CHECK(ctx, rank == 3 || rank == 4, Error::InvalidArgument, "%s: self: expected 3-D or 4-D, got rank %zu",
                     op, rank);
  for (size_t d = rank - 3; d < rank; ++d) {
    EMBER_KERNEL_CHECK(ctx, self.size(d) > 0, Error::InvalidArgument,
                       "%s: self: dim %zu is empty (only the batch dim may be)", op, d);
  }
  EMBER_KERNEL_CHECK(ctx, padding.size() == 4, Error::InvalidArgument, "%s: padding: expected 4 entries, got %zu", op,
                     padding.size());
  const int64_t ih = self.size(rank - 2), iw = self.size(rank - 1);
  const int64_t pl = padding[0], pr = padding[1], pt = padding[2], pb = padding[3];
  const int64_t limit = INT32_MAX;
  EMBER_KERNEL_CHECK(
      ctx,
      pl > -limit && pl < limit && pr > -limit && pr < limit && pt > -limit && pt < limit && pb > -limit && pb < limit,
      Error::InvalidArgument, "%s: padding: an entry is out of range", op);
  if (reflect) {
    EMBER_KERNEL_CHECK(ctx, pl < iw && pr < iw && pt < ih && pb < ih, Error::InvalidArgument,
                       "%s: padding: reflection needs padding < input size (padding [%lld, %lld, %lld, %lld], "
                       "input H %lld W %lld)",
                       op, static_cast<long long>(pl), static_cast<long long>(pr), static_cast<long long>(pt),
                       static_cast<long long>(pb), static_cast<long long>(ih), static_cast<long long>(iw));
  }
  const int64_t oh = ih + pt + pb, ow = iw + pl + pr;
  EMBER_KERNEL_CHECK(ctx, oh >= 1 && ow >= 1 && oh <= limit && ow <= limit, Error::InvalidArgument,
                     "%s: padding: input (H %lld, W %lld) gives output (H %lld, W %lld)", op,
                     static_cast<long long>(ih), static_cast<long long>(iw), static_cast<long long>(oh),
                     static_cast<long long>(ow));
  SizesType sizes[4];
  for (size_t d = 0; d < rank; ++d) sizes[d] = self.size(d);
  sizes[rank - 2] = static_cast<SizesType>(oh);
  sizes[rank - 1] = static_cast<SizesType>(ow);
  if (!kernels::resize_out(ctx, op, out, ArrayRef<SizesType>(sizes, rank))) return;
  kernels::StridedView in = kernels::StridedView::of(self);
  kernels::StridedView dst = kernels::StridedView::of(out);
  if (rank == 3) {
    in.insert_broadcast(0, 1);
    dst.insert_broadcast(0, 1);
  }
  auto map = reflect ? reflect_index : replicate_index;
  kernels::dispatch_by_size(in.elem_size, [&](auto tag) {
    using U = typename decltype(tag)::type;
    const U* src = reinterpret_cast<const U*>(in.data);
    U* o = reinterpret_cast<U*>(dst.data);
    for (int64_t n = 0; n < in.sizes[0]; ++n) {
      for (int64_t c = 0; c < in.sizes[1]; ++c) {
        const U* plane = src + n * in.strides[0] + c * in.strides[1];
        U* out_plane = o + n * dst.strides[0] + c * dst.strides[1];
        for (int64_t y = 0; y < oh; ++y) {
          const int64_t sy = map(y, ih, pt);
          for (int64_t x = 0; x < ow; ++x) {
            const int64_t sx = map(x, iw, pl);
            out_plane[y * dst.strides[2] + x * dst.strides[3]] = plane[sy * in.strides[2] + sx * in.strides[3]];
          }
        }
      }
    }
  });
}

}  // namespace

void constant_pad_nd_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::constant_pad_nd.out";
  Tensor self, out;
  ArrayRef<int64_t> pad;
  const EValue* value = nullptr;
  if (!kernels::check_arg_count(ctx, args, 5, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::int_list_arg(ctx, args, 1, op, "pad", &pad) ||
      !kernels::scalar_arg(ctx, args, 2, op, "value", &value) || !kernels::tensor_arg(ctx, args, 3, op, "out", &out) ||
      !kernels::check_real_or_bool(ctx, op, "self", self) ||
      !kernels::check_same_dtype(ctx, op, "out", out, self, "self")) {
    return;
  }
  const size_t rank = self.dim();
  EMBER_KERNEL_CHECK(ctx, pad.size() % 2 == 0 && pad.size() / 2 <= rank, Error::InvalidArgument,
                     "%s: pad: %zu entries; expected an even count of at most 2 * rank (%zu)", op, pad.size(),
                     2 * rank);
  kernels::StridedView src = kernels::StridedView::of(self);
  SizesType sizes[kTensorDimensionLimit];
  int64_t before[kTensorDimensionLimit] = {};
  for (size_t d = 0; d < rank; ++d) sizes[d] = self.size(d);
  for (size_t i = 0; i < pad.size() / 2; ++i) {
    const size_t d = rank - 1 - i;
    const int64_t l = pad[2 * i], r = pad[2 * i + 1];
    EMBER_KERNEL_CHECK(ctx, l > -INT32_MAX && l < INT32_MAX && r > -INT32_MAX && r < INT32_MAX, Error::InvalidArgument,
                       "%s: pad: entries for dim %zu are out of range", op, d);
    const int64_t n = self.size(d) + l + r;
    EMBER_KERNEL_CHECK(ctx, n >= 0 && n <= INT32_MAX, Error::InvalidArgument,
                       "%s: pad: dim %zu of size %d padded by (%lld, %lld) gives size %lld", op, d,
                       static_cast<int>(self.size(d)), static_cast<long long>(l), static_cast<long long>(r),
                       static_cast<long long>(n));
    sizes[d] = static_cast<SizesType>(n);
    before[d] = l;
    // The part of self that survives negative pads.
    const int64_t keep = self.size(d) - max0(-l) - max0(-r);
    src.narrow(d, max0(-l), keep > 0 ? keep : 0);
  }
  if (!kernels::resize_out(ctx, op, out, ArrayRef<SizesType>(sizes, rank))) return;
  // A tensor's elements fill numel() consecutive slots whatever its dim order.
  kernels::dispatch_real_bool(out.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = kernels::scalar_to<T>(*value);
    T* data = out.mutable_data_ptr<T>();
    for (size_t i = 0; i < out.numel(); ++i) data[i] = v;
  });
  kernels::StridedView dst = kernels::StridedView::of(out);
  for (size_t d = 0; d < rank; ++d) dst.narrow(d, max0(before[d]), src.sizes[d]);
  kernels::copy_view(dst, src);
}

void reflection_pad2d_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  pad2d(ctx, args, "aten::reflection_pad2d.out", /*reflect=*/true);
}

void replication_pad2d_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  pad2d(ctx, args, "aten::replication_pad2d.out", /*reflect=*/false);
}

}  // namespace ember::portable
