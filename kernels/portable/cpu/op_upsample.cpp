// 2-D upsampling of NCHW tensors: aten::upsample_nearest2d.vec_out (any
// dtype; it only moves elements) and upsample_bilinear2d.vec_out (float and
// double, align_corners both ways). The size comes from output_size or from
// scale_factors (exactly one given); with scale factors the source
// coordinates use 1/scale, as ATen does. Indexing goes through each tensor's
// strides, so any dim order is correct.
#include <cmath>
#include <cstdint>

#include "kernels/portable/cpu/shape_ops.h"
#include "kernels/portable/util/dim_args.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/scalar_type_util.h"
#include "kernels/portable/util/strided_view.h"

namespace ember::portable {
namespace {

struct Upsample {
  Tensor input;
  Tensor out;
  int64_t in_size[2] = {};   // H, W
  int64_t out_size[2] = {};  // H, W
  bool has_scales = false;
  double scales[2] = {};
};

// Reads input (args[0]), output_size (args[size_i]), scale_factors
// (args[scales_i]) and out (args[out_i]); checks them and resizes out.
bool parse_upsample(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, size_t count, size_t size_i,
                    size_t scales_i, size_t out_i, Upsample* u) {
  ArrayRef<int64_t> output_size;
  ArrayRef<double> scale_factors;
  bool has_size = false;
  if (!kernels::check_arg_count(ctx, args, count, op) || !kernels::tensor_arg(ctx, args, 0, op, "input", &u->input) ||
      !kernels::tensor_arg(ctx, args, out_i, op, "out", &u->out) ||
      !kernels::check_same_dtype(ctx, op, "out", u->out, u->input, "input") ||
      !kernels::optional_int_list_arg(ctx, args, size_i, op, "output_size", &output_size, &has_size) ||
      !kernels::optional_double_list_arg(ctx, args, scales_i, op, "scale_factors", &scale_factors, &u->has_scales)) {
    return false;
  }
  const Tensor& in = u->input;
  if (in.dim() != 4) {
    ctx.fail(Error::InvalidArgument, "%s: input: expected 4-D (NCHW), got rank %zu", op, in.dim());
    return false;
  }
  if (has_size == u->has_scales) {
    ctx.fail(Error::InvalidArgument, "%s: output_size: give exactly one of output_size and scale_factors", op);
    return false;
  }
  for (size_t i = 0; i < 2; ++i) {
    u->in_size[i] = in.size(2 + i);
    if (has_size) {
      if (output_size.size() != 2) {
        ctx.fail(Error::InvalidArgument, "%s: output_size: expected 2 entries, got %zu", op, output_size.size());
        return false;
      }
      u->out_size[i] = output_size[i];
    } else {
      if (scale_factors.size() != 2) {
        ctx.fail(Error::InvalidArgument, "%s: scale_factors: expected 2 entries, got %zu", op, scale_factors.size());
        return false;
      }
      const double s = scale_factors[i];
      const double n = static_cast<double>(u->in_size[i]) * s;
      if (!std::isfinite(s) || !(n < 2147483648.0)) {
        ctx.fail(Error::InvalidArgument, "%s: scale_factors: entry %zu (%g) is invalid", op, i, s);
        return false;
      }
      u->scales[i] = s;
      u->out_size[i] = n > 0 ? static_cast<int64_t>(n) : 0;
    }
  }
  if (u->in_size[0] <= 0 || u->in_size[1] <= 0 || u->out_size[0] <= 0 || u->out_size[1] <= 0 ||
      u->out_size[0] > INT32_MAX || u->out_size[1] > INT32_MAX) {
    ctx.fail(Error::InvalidArgument,
             "%s: input and output sizes must be positive (input H %lld W %lld, output H %lld W %lld)", op,
             static_cast<long long>(u->in_size[0]), static_cast<long long>(u->in_size[1]),
             static_cast<long long>(u->out_size[0]), static_cast<long long>(u->out_size[1]));
    return false;
  }
  const SizesType sizes[4] = {in.size(0), in.size(1), static_cast<SizesType>(u->out_size[0]),
                              static_cast<SizesType>(u->out_size[1])};
  return kernels::resize_out(ctx, op, u->out, ArrayRef<SizesType>(sizes, 4));
}

// ATen's compute_scales_value: 1/scale when a positive scale was given,
// else input/output.
template <typename T>
T scale_value(const Upsample& u, size_t i) {
  if (u.has_scales && u.scales[i] > 0) return static_cast<T>(1.0 / u.scales[i]);
  return static_cast<T>(u.in_size[i]) / static_cast<T>(u.out_size[i]);
}

// ATen's nearest_idx (float arithmetic, as upstream).
int64_t nearest_index(int64_t dst, const Upsample& u, size_t i) {
  const int64_t in = u.in_size[i], out = u.out_size[i];
  if (in == out) return dst;
  if (out == 2 * in) return dst >> 1;
  const float scale = scale_value<float>(u, i);
  const int64_t src = static_cast<int64_t>(std::floor(static_cast<float>(dst) * scale));
  return src < in - 1 ? src : in - 1;
}

// Source taps along one axis for bilinear: i0, i0 + step, and weights.
template <typename T>
struct LinearTap {
  int64_t i0 = 0;
  int64_t step = 0;  // 0 or 1
  T w0 = 1, w1 = 0;
};

template <typename T>
LinearTap<T> linear_tap(int64_t dst, const Upsample& u, size_t i, bool align_corners) {
  const int64_t in = u.in_size[i], out = u.out_size[i];
  T scale;
  if (align_corners) {
    scale = out > 1 ? static_cast<T>(in - 1) / static_cast<T>(out - 1) : T(0);
  } else {
    scale = scale_value<T>(u, i);
  }
  T src = align_corners ? scale * static_cast<T>(dst) : scale * (static_cast<T>(dst) + T(0.5)) - T(0.5);
  if (src < 0) src = 0;
  LinearTap<T> tap;
  tap.i0 = static_cast<int64_t>(src);
  if (tap.i0 > in - 1) tap.i0 = in - 1;
  tap.step = tap.i0 < in - 1 ? 1 : 0;
  T l1 = src - static_cast<T>(tap.i0);
  l1 = l1 < 0 ? T(0) : l1 > 1 ? T(1) : l1;
  tap.w1 = l1;
  tap.w0 = T(1) - l1;
  return tap;
}

}  // namespace

void upsample_nearest2d_vec_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::upsample_nearest2d.vec_out";
  Upsample u;
  if (!parse_upsample(ctx, args, op, 5, 1, 2, 3, &u) || !kernels::check_copyable(ctx, op, "input", u.input)) return;
  const kernels::StridedView in = kernels::StridedView::of(u.input);
  const kernels::StridedView out = kernels::StridedView::of(u.out);
  kernels::dispatch_by_size(in.elem_size, [&](auto tag) {
    using E = typename decltype(tag)::type;
    for (int64_t n = 0; n < in.sizes[0]; ++n) {
      for (int64_t c = 0; c < in.sizes[1]; ++c) {
        const E* src = reinterpret_cast<const E*>(in.at(n * in.strides[0] + c * in.strides[1]));
        E* dst = reinterpret_cast<E*>(out.at(n * out.strides[0] + c * out.strides[1]));
        for (int64_t y = 0; y < u.out_size[0]; ++y) {
          const E* row = src + nearest_index(y, u, 0) * in.strides[2];
          for (int64_t x = 0; x < u.out_size[1]; ++x) {
            dst[y * out.strides[2] + x * out.strides[3]] = row[nearest_index(x, u, 1) * in.strides[3]];
          }
        }
      }
    }
  });
}

void upsample_bilinear2d_vec_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::upsample_bilinear2d.vec_out";
  Upsample u;
  bool align_corners = false;
  if (!parse_upsample(ctx, args, op, 6, 1, 3, 4, &u) ||
      !kernels::bool_arg(ctx, args, 2, op, "align_corners", &align_corners)) {
    return;
  }
  const kernels::StridedView in = kernels::StridedView::of(u.input);
  const kernels::StridedView out = kernels::StridedView::of(u.out);
  const bool ok = kernels::dispatch_floating(u.input.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = reinterpret_cast<const T*>(in.data);
    T* dst = reinterpret_cast<T*>(out.data);
    for (int64_t n = 0; n < in.sizes[0]; ++n) {
      for (int64_t c = 0; c < in.sizes[1]; ++c) {
        const T* p = src + n * in.strides[0] + c * in.strides[1];
        T* o = dst + n * out.strides[0] + c * out.strides[1];
        for (int64_t y = 0; y < u.out_size[0]; ++y) {
          const LinearTap<T> ty = linear_tap<T>(y, u, 0, align_corners);
          const T* row0 = p + ty.i0 * in.strides[2];
          const T* row1 = p + (ty.i0 + ty.step) * in.strides[2];
          for (int64_t x = 0; x < u.out_size[1]; ++x) {
            const LinearTap<T> tx = linear_tap<T>(x, u, 1, align_corners);
            const int64_t c0 = tx.i0 * in.strides[3], c1 = (tx.i0 + tx.step) * in.strides[3];
            o[y * out.strides[2] + x * out.strides[3]] =
                ty.w0 * (tx.w0 * row0[c0] + tx.w1 * row0[c1]) + ty.w1 * (tx.w0 * row1[c0] + tx.w1 * row1[c1]);
          }
        }
      }
    }
  });
  EMBER_KERNEL_CHECK(ctx, ok, Error::InvalidArgument, "%s: input: dtype %s is not supported (Float or Double)", op,
                     scalar_type_name(u.input.scalar_type()));
}

}  // namespace ember::portable
