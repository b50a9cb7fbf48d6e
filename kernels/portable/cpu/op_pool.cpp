// 2-D pooling over the last two dims of 3-D (CHW) or 4-D (NCHW) tensors:
// aten::max_pool2d_with_indices.out (real dtypes; values and flat H*W indices,
// NaN wins as in ATen), avg_pool2d.out (float/double; count_include_pad,
// ceil_mode, divisor_override) and _adaptive_avg_pool2d.out (float/double).
// Window and output-size rules are ATen's; indexing goes through each
// tensor's strides, so any dim order is correct.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "kernels/portable/cpu/shape_ops.h"
#include "kernels/portable/util/dim_args.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/op_args.h"
#include "kernels/portable/util/scalar_type_util.h"
#include "kernels/portable/util/strided_view.h"

namespace ember::portable {
namespace {

// Input and output planes as 4-D views (a 3-D tensor gets a batch of 1).
struct Planes {
  kernels::StridedView in;
  kernels::StridedView out;
  int64_t ih = 0, iw = 0, oh = 0, ow = 0;
};

// 3-D or 4-D with every dim but the batch non-empty (ATen's rule).
bool check_input(KernelRuntimeContext& ctx, const char* op, const Tensor& self) {
  const size_t rank = self.dim();
  if (rank != 3 && rank != 4) {
    ctx.fail(Error::InvalidArgument, "%s: self: expected 3-D or 4-D, got rank %zu", op, rank);
    return false;
  }
  for (size_t d = rank - 3; d < rank; ++d) {
    if (self.size(d) == 0) {
      ctx.fail(Error::InvalidArgument, "%s: self: dim %zu is empty (only the batch dim may be)", op, d);
      return false;
    }
  }
  return true;
}

// Resizes out (and `extra`, e.g. indices, when given) to self's shape with
// H, W replaced, and builds the 4-D views.
bool make_planes(KernelRuntimeContext& ctx, const char* op, const Tensor& self, const Tensor& out, int64_t oh,
                 int64_t ow, const Tensor* extra, Planes* p) {
  const size_t rank = self.dim();
  SizesType sizes[4];
  for (size_t d = 0; d < rank; ++d) sizes[d] = self.size(d);
  sizes[rank - 2] = static_cast<SizesType>(oh);
  sizes[rank - 1] = static_cast<SizesType>(ow);
  const ArrayRef<SizesType> shape(sizes, rank);
  if (!kernels::resize_out(ctx, op, out, shape)) return false;
  if (extra != nullptr && !kernels::resize_out(ctx, op, *extra, shape)) return false;
  p->in = kernels::StridedView::of(self);
  p->out = kernels::StridedView::of(out);
  if (rank == 3) {
    p->in.insert_broadcast(0, 1);
    p->out.insert_broadcast(0, 1);
  }
  p->ih = self.size(rank - 2);
  p->iw = self.size(rank - 1);
  p->oh = oh;
  p->ow = ow;
  return true;
}

// kernel_size / stride / padding / dilation of the window ops.
struct Window {
  int64_t k[2] = {}, s[2] = {}, pad[2] = {}, dil[2] = {1, 1};
};

// A 1- or 2-entry list (`allow_empty`: empty gives `fallback`) into v[2].
bool pair_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
              bool allow_empty, const int64_t* fallback, int64_t* v) {
  ArrayRef<int64_t> list;
  if (!kernels::int_list_arg(ctx, args, i, op, name, &list)) return false;
  if (list.size() == 0 && allow_empty) {
    v[0] = fallback[0];
    v[1] = fallback[1];
    return true;
  }
  if (list.size() != 1 && list.size() != 2) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected one or two ints, got %zu", op, name, list.size());
    return false;
  }
  v[0] = list[0];
  v[1] = list.size() == 2 ? list[1] : list[0];
  return true;
}

// Floor division (ATen's div_rtn) for the output-size formula.
int64_t div_floor(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// ATen's pooling_output_shape.
int64_t pooled_size(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dil, bool ceil_mode) {
  int64_t out = div_floor(in + 2 * pad - dil * (k - 1) - 1 + (ceil_mode ? stride - 1 : 0), stride) + 1;
  // The last window must start inside the input or the left padding.
  if (ceil_mode && (out - 1) * stride >= in + pad) --out;
  return out;
}

// Reads the window args starting at args[first] (kernel_size, stride,
// padding, then dilation when `has_dilation`), checks them and computes the
// output H, W.
bool parse_window(KernelRuntimeContext& ctx, Span<EValue*> args, size_t first, const char* op, bool has_dilation,
                  const Tensor& self, Window* w, bool* ceil_mode, int64_t* oh, int64_t* ow) {
  const int64_t zero[2] = {0, 0};
  if (!pair_arg(ctx, args, first, op, "kernel_size", false, zero, w->k) ||
      !pair_arg(ctx, args, first + 1, op, "stride", true, w->k, w->s) ||
      !pair_arg(ctx, args, first + 2, op, "padding", false, zero, w->pad) ||
      (has_dilation && !pair_arg(ctx, args, first + 3, op, "dilation", false, zero, w->dil)) ||
      !kernels::bool_arg(ctx, args, first + (has_dilation ? 4 : 3), op, "ceil_mode", ceil_mode)) {
    return false;
  }
  const int64_t big = 1 << 24;
  for (size_t i = 0; i < 2; ++i) {
    if (w->k[i] <= 0 || w->s[i] <= 0 || w->dil[i] <= 0 || w->k[i] > big || w->s[i] > big || w->dil[i] > big) {
      ctx.fail(Error::InvalidArgument, "%s: kernel_size, stride and dilation must be positive (got %lld, %lld, %lld)",
               op, static_cast<long long>(w->k[i]), static_cast<long long>(w->s[i]), static_cast<long long>(w->dil[i]));
      return false;
    }
    if (w->pad[i] < 0 || w->pad[i] > w->k[i] / 2) {
      ctx.fail(Error::InvalidArgument, "%s: padding: %lld must be in [0, kernel_size / 2] (kernel %lld)", op,
               static_cast<long long>(w->pad[i]), static_cast<long long>(w->k[i]));
      return false;
    }
  }
  const size_t rank = self.dim();
  *oh = pooled_size(self.size(rank - 2), w->k[0], w->pad[0], w->s[0], w->dil[0], *ceil_mode);
  *ow = pooled_size(self.size(rank - 1), w->k[1], w->pad[1], w->s[1], w->dil[1], *ceil_mode);
  if (*oh < 1 || *ow < 1) {
    ctx.fail(Error::InvalidArgument, "%s: input H %d W %d gives output H %lld W %lld: output size is too small", op,
             static_cast<int>(self.size(rank - 2)), static_cast<int>(self.size(rank - 1)), static_cast<long long>(*oh),
             static_cast<long long>(*ow));
    return false;
  }
  return true;
}

// Calls f(src, dst, n, c) for every (batch, channel) plane of `p`, with src
// and dst pointing at the plane's (0, 0) element.
template <typename T, typename F>
void for_each_plane(const Planes& p, F&& f) {
  for (int64_t n = 0; n < p.in.sizes[0]; ++n) {
    for (int64_t c = 0; c < p.in.sizes[1]; ++c) {
      f(reinterpret_cast<const T*>(p.in.at(n * p.in.strides[0] + c * p.in.strides[1])),
        reinterpret_cast<T*>(p.out.at(n * p.out.strides[0] + c * p.out.strides[1])), n, c);
    }
  }
}

template <typename T>
bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(v);
  } else {
    (void)v;
    return false;
  }
}

}  // namespace

void max_pool2d_with_indices_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::max_pool2d_with_indices.out";
  Tensor self, out, indices;
  Window w;
  bool ceil_mode = false;
  int64_t oh = 0, ow = 0;
  if (!kernels::check_arg_count(ctx, args, 10, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::tensor_arg(ctx, args, 6, op, "out", &out) ||
      !kernels::tensor_arg(ctx, args, 7, op, "indices", &indices) ||
      !kernels::check_same_dtype(ctx, op, "out", out, self, "self") || !check_input(ctx, op, self) ||
      !parse_window(ctx, args, 1, op, /*has_dilation=*/true, self, &w, &ceil_mode, &oh, &ow)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, indices.scalar_type() == ScalarType::Long, Error::InvalidArgument,
                     "%s: indices: dtype %s, expected Long", op, scalar_type_name(indices.scalar_type()));
  Planes p;
  if (!make_planes(ctx, op, self, out, oh, ow, &indices, &p)) return;
  kernels::StridedView idx = kernels::StridedView::of(indices);
  if (idx.ndim == 3) idx.insert_broadcast(0, 1);
  const bool ok = kernels::dispatch_real(self.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T lowest =
        std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
    for_each_plane<T>(p, [&](const T* src, T* dst, int64_t n, int64_t c) {
      int64_t* dst_idx = reinterpret_cast<int64_t*>(idx.at(n * idx.strides[0] + c * idx.strides[1]));
      for (int64_t y = 0; y < oh; ++y) {
        int64_t h0 = y * w.s[0] - w.pad[0];
        const int64_t h1 = std::min(h0 + (w.k[0] - 1) * w.dil[0] + 1, p.ih);
        while (h0 < 0) h0 += w.dil[0];
        for (int64_t x = 0; x < ow; ++x) {
          int64_t w0 = x * w.s[1] - w.pad[1];
          const int64_t w1 = std::min(w0 + (w.k[1] - 1) * w.dil[1] + 1, p.iw);
          while (w0 < 0) w0 += w.dil[1];
          T best = lowest;
          int64_t best_at = h0 * p.iw + w0;
          for (int64_t h = h0; h < h1; h += w.dil[0]) {
            for (int64_t v = w0; v < w1; v += w.dil[1]) {
              const T val = src[h * p.in.strides[2] + v * p.in.strides[3]];
              // A NaN always takes over (the last one wins), as in ATen.
              if (val > best || is_nan(val)) {
                best = val;
                best_at = h * p.iw + v;
              }
            }
          }
          dst[y * p.out.strides[2] + x * p.out.strides[3]] = best;
          dst_idx[y * idx.strides[2] + x * idx.strides[3]] = best_at;
        }
      }
    });
  });
  EMBER_KERNEL_CHECK(ctx, ok, Error::InvalidArgument, "%s: self: dtype %s is not supported", op,
                     scalar_type_name(self.scalar_type()));
}

void avg_pool2d_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::avg_pool2d.out";
  Tensor self, out;
  Window w;
  bool ceil_mode = false, count_include_pad = true;
  int64_t oh = 0, ow = 0, divisor = 0;
  if (!kernels::check_arg_count(ctx, args, 9, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::tensor_arg(ctx, args, 7, op, "out", &out) ||
      !kernels::check_same_dtype(ctx, op, "out", out, self, "self") || !check_input(ctx, op, self) ||
      !parse_window(ctx, args, 1, op, /*has_dilation=*/false, self, &w, &ceil_mode, &oh, &ow) ||
      !kernels::bool_arg(ctx, args, 5, op, "count_include_pad", &count_include_pad)) {
    return;
  }
  if (!args[6]->is_none()) {
    if (!kernels::int_arg(ctx, args, 6, op, "divisor_override", &divisor)) return;
    EMBER_KERNEL_CHECK(ctx, divisor != 0, Error::InvalidArgument, "%s: divisor_override: must not be zero", op);
  }
  Planes p;
  if (!make_planes(ctx, op, self, out, oh, ow, nullptr, &p)) return;
  const bool ok = kernels::dispatch_floating(self.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    for_each_plane<T>(p, [&](const T* src, T* dst, int64_t, int64_t) {
      for (int64_t y = 0; y < oh; ++y) {
        for (int64_t x = 0; x < ow; ++x) {
          // The window clipped to input + padding gives the padded count,
          // clipped to the input the real one (ATen's order).
          int64_t h0 = y * w.s[0] - w.pad[0], w0 = x * w.s[1] - w.pad[1];
          int64_t h1 = std::min(h0 + w.k[0], p.ih + w.pad[0]), w1 = std::min(w0 + w.k[1], p.iw + w.pad[1]);
          const int64_t padded = (h1 - h0) * (w1 - w0);
          h0 = std::max<int64_t>(h0, 0);
          w0 = std::max<int64_t>(w0, 0);
          h1 = std::min(h1, p.ih);
          w1 = std::min(w1, p.iw);
          T* o = dst + y * p.out.strides[2] + x * p.out.strides[3];
          if (h0 >= h1 || w0 >= w1) {
            *o = T(0);
            continue;
          }
          T sum = 0;
          for (int64_t h = h0; h < h1; ++h) {
            for (int64_t v = w0; v < w1; ++v) sum += src[h * p.in.strides[2] + v * p.in.strides[3]];
          }
          const int64_t factor = divisor != 0 ? divisor : count_include_pad ? padded : (h1 - h0) * (w1 - w0);
          *o = sum / static_cast<T>(factor);
        }
      }
    });
  });
  EMBER_KERNEL_CHECK(ctx, ok, Error::InvalidArgument, "%s: self: dtype %s is not supported (Float or Double)", op,
                     scalar_type_name(self.scalar_type()));
}

void adaptive_avg_pool2d_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::_adaptive_avg_pool2d.out";
  Tensor self, out;
  ArrayRef<int64_t> size;
  if (!kernels::check_arg_count(ctx, args, 4, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::int_list_arg(ctx, args, 1, op, "output_size", &size) ||
      !kernels::tensor_arg(ctx, args, 2, op, "out", &out) ||
      !kernels::check_same_dtype(ctx, op, "out", out, self, "self") || !check_input(ctx, op, self)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, size.size() == 2, Error::InvalidArgument, "%s: output_size: expected 2 entries, got %zu", op,
                     size.size());
  EMBER_KERNEL_CHECK(ctx, size[0] >= 0 && size[1] >= 0 && size[0] <= INT32_MAX && size[1] <= INT32_MAX,
                     Error::InvalidArgument, "%s: output_size: [%lld, %lld] is invalid", op,
                     static_cast<long long>(size[0]), static_cast<long long>(size[1]));
  Planes p;
  if (!make_planes(ctx, op, self, out, size[0], size[1], nullptr, &p)) return;
  const bool ok = kernels::dispatch_floating(self.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    for_each_plane<T>(p, [&](const T* src, T* dst, int64_t, int64_t) {
      for (int64_t y = 0; y < p.oh; ++y) {
        // ATen's start_index / end_index: floor(y*in/out), ceil((y+1)*in/out).
        const int64_t h0 = y * p.ih / p.oh, h1 = ((y + 1) * p.ih + p.oh - 1) / p.oh;
        for (int64_t x = 0; x < p.ow; ++x) {
          const int64_t w0 = x * p.iw / p.ow, w1 = ((x + 1) * p.iw + p.ow - 1) / p.ow;
          T sum = 0;
          for (int64_t h = h0; h < h1; ++h) {
            for (int64_t v = w0; v < w1; ++v) sum += src[h * p.in.strides[2] + v * p.in.strides[3]];
          }
          dst[y * p.out.strides[2] + x * p.out.strides[3]] = sum / static_cast<T>((h1 - h0) * (w1 - w0));
        }
      }
    });
  });
  EMBER_KERNEL_CHECK(ctx, ok, Error::InvalidArgument, "%s: self: dtype %s is not supported (Float or Double)", op,
                     scalar_type_name(self.scalar_type()));
}

}  // namespace ember::portable
