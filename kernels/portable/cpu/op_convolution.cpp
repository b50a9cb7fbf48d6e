// aten::convolution.out: 1-D and 2-D, stride, padding, dilation, groups,
// transposed. NCHW (contiguous) float32, or int32 (not transposed; a direct
// loop with exact int32 sums, for ONNX's ConvInteger).
//
// Regular convolution is an implicit-im2col GEMM per (batch, group): the
// weights are A (Cout/g x Cin/g·KH·KW), the image columns are packed straight
// from the input into the GEMM's B panels, C is the output plane block. 1x1
// stride-1 unpadded convolution reads the input as a plain matrix. Transposed
// convolution is a GEMM into a column buffer plus a scatter (col2im), or a
// direct loop without temp memory; depthwise (one input channel per group)
// is a direct loop.
#include <algorithm>
#include <cstring>

#include "kernels/portable/cpu/gemm_ops.h"
#include "kernels/portable/util/gemm.h"
#include "kernels/portable/util/kernel_args.h"
#include "runtime/kernel/thread_pool.h"

namespace ember::portable {
namespace {

constexpr const char* kOp = "aten::convolution.out";

// Everything in 2-D terms; 1-D convolution has H = KH = OH = 1.
struct ConvShape {
  int64_t n, cin, h, w;
  int64_t cout, kh, kw;
  int64_t oh, ow;
  int64_t sh, sw, ph, pw, dh, dw;
  int64_t groups;
  bool transposed;
};

// Indices j in [0, count) with 0 <= offset + j * step < limit, as [*lo, *hi).
inline void valid_range(int64_t count, int64_t offset, int64_t step, int64_t limit, int64_t* lo, int64_t* hi) {
  int64_t first, last;
  if (step == 1) {  // the common case, without divisions
    first = offset >= 0 ? 0 : -offset;
    last = offset >= limit ? 0 : limit - offset;
  } else {
    first = offset >= 0 ? 0 : (-offset + step - 1) / step;
    last = offset >= limit ? 0 : (limit - offset + step - 1) / step;
  }
  first = std::min(first, count);
  last = std::min(last, count);
  *lo = first;
  *hi = std::max(first, last);
}

// One (batch, group) slice of the input, seen as the K x N im2col matrix.
struct Im2colSource {
  const float* input;  // first channel of the group in this batch
  ConvShape s;
};

// GemmPackB for the implicit im2col matrix: row k = (ci, kh, kw), column
// n = (oh, ow). Each panel's columns are split into runs within one output
// row, so every (k, run) is a bounds computation and a copy.
void pack_im2col(const void* source, size_t k0, size_t kc, size_t n0, size_t nc, size_t nr, float* dst) {
  const Im2colSource& src = *static_cast<const Im2colSource*>(source);
  const ConvShape& s = src.s;
  struct Run {
    int64_t oh, ow, len, col;
  };
  Run runs[64];  // nr <= 32 columns never make more runs than columns
  for (size_t jr = 0; jr < nc; jr += nr) {
    const int64_t cols = static_cast<int64_t>(std::min(nr, nc - jr));
    size_t num_runs = 0;
    int64_t pos = static_cast<int64_t>(n0 + jr);
    for (int64_t col = 0; col < cols;) {
      const int64_t oh = pos / s.ow, ow = pos % s.ow;
      const int64_t len = std::min(cols - col, s.ow - ow);
      runs[num_runs++] = {oh, ow, len, col};
      col += len;
      pos += len;
    }
    // (ci, kh, kw) of row k0, then stepped along without divisions.
    int64_t ci = static_cast<int64_t>(k0) / (s.kh * s.kw);
    int64_t kh = static_cast<int64_t>(k0) / s.kw % s.kh;
    int64_t kw = static_cast<int64_t>(k0) % s.kw;
    for (size_t k = 0; k < kc; ++k, ++kw) {
      if (kw == s.kw) {
        kw = 0;
        if (++kh == s.kh) {
          kh = 0;
          ++ci;
        }
      }
      const float* plane = src.input + ci * s.h * s.w;
      float* row = dst + k * nr;
      for (size_t r = 0; r < num_runs; ++r) {
        const Run& run = runs[r];
        float* out = row + run.col;
        const int64_t ih = run.oh * s.sh - s.ph + kh * s.dh;
        if (ih < 0 || ih >= s.h) {
          kernels::zero_panel_floats(out, run.len);
          continue;
        }
        const int64_t iw0 = run.ow * s.sw - s.pw + kw * s.dw;
        int64_t lo, hi;
        valid_range(run.len, iw0, s.sw, s.w, &lo, &hi);
        kernels::zero_panel_floats(out, lo);
        const float* in = plane + ih * s.w + iw0;
        if (s.sw == 1) {
          kernels::copy_panel_floats(out + lo, in + lo, hi - lo);
        } else {
          for (int64_t j = lo; j < hi; ++j) out[j] = in[j * s.sw];
        }
        kernels::zero_panel_floats(out + hi, run.len - hi);
      }
      kernels::zero_panel_floats(row + cols, static_cast<int64_t>(nr) - cols);
    }
    dst += kc * nr;
  }
}

// Each output plane starts as its bias (or zero).
void fill_bias(const ConvShape& s, const float* bias, float* out) {
  const int64_t plane = s.oh * s.ow;
  for (int64_t b = 0; b < s.n; ++b) {
    for (int64_t c = 0; c < s.cout; ++c) {
      std::fill_n(out + (b * s.cout + c) * plane, plane, bias == nullptr ? 0.0f : bias[c]);
    }
  }
}

void conv_gemm(KernelRuntimeContext& ctx, const ConvShape& s, const float* input, const float* weight,
               const float* bias, float* out) {
  const int64_t cin_g = s.cin / s.groups, cout_g = s.cout / s.groups;
  const size_t m = static_cast<size_t>(cout_g);
  const size_t n = static_cast<size_t>(s.oh * s.ow);
  const size_t k = static_cast<size_t>(cin_g * s.kh * s.kw);
  if (bias != nullptr) fill_bias(s, bias, out);
  const size_t threads = kernels::gemm_num_threads(m, n, k, ctx.thread_pool());
  void* ws = gemm_scratch(ctx, kernels::gemm_workspace_bytes(m, n, k, threads));
  const bool pointwise = s.kh == 1 && s.kw == 1 && s.sh == 1 && s.sw == 1 && s.ph == 0 && s.pw == 0;
  for (int64_t b = 0; b < s.n; ++b) {
    for (int64_t g = 0; g < s.groups; ++g) {
      const float* in_g = input + (b * s.cin + g * cin_g) * s.h * s.w;
      Im2colSource source{in_g, s};
      kernels::GemmProblem p;
      p.m = m;
      p.n = n;
      p.k = k;
      p.a = {weight + g * cout_g * static_cast<int64_t>(k), static_cast<ptrdiff_t>(k), 1};
      if (pointwise) {
        p.b = {in_g, static_cast<ptrdiff_t>(n), 1};
      } else {
        p.pack_b = pack_im2col;
        p.pack_b_source = &source;
      }
      p.c = out + (b * s.cout + g * cout_g) * static_cast<int64_t>(n);
      p.ldc = static_cast<ptrdiff_t>(n);
      p.accumulate = bias != nullptr;
      kernels::gemm(p, ctx.thread_pool(), ws);
    }
  }
}

struct DepthwiseTask {
  const ConvShape* s;
  const float* input;
  const float* weight;
  const float* bias;
  float* out;
};

// One output plane (batch b, channel c) of a depthwise convolution.
void depthwise_plane(void* context, size_t index) {
  const DepthwiseTask& t = *static_cast<const DepthwiseTask*>(context);
  const ConvShape& s = *t.s;
  const int64_t b = static_cast<int64_t>(index) / s.cout, c = static_cast<int64_t>(index) % s.cout;
  const int64_t multiplier = s.cout / s.cin;
  const float* in = t.input + (b * s.cin + c / multiplier) * s.h * s.w;
  const float* w = t.weight + c * s.kh * s.kw;
  float* out = t.out + (b * s.cout + c) * s.oh * s.ow;
  std::fill_n(out, s.oh * s.ow, t.bias == nullptr ? 0.0f : t.bias[c]);
  for (int64_t kh = 0; kh < s.kh; ++kh) {
    int64_t oh_lo, oh_hi;
    valid_range(s.oh, kh * s.dh - s.ph, s.sh, s.h, &oh_lo, &oh_hi);
    for (int64_t kw = 0; kw < s.kw; ++kw) {
      const float wv = w[kh * s.kw + kw];
      const int64_t off = kw * s.dw - s.pw;
      int64_t ow_lo, ow_hi;
      valid_range(s.ow, off, s.sw, s.w, &ow_lo, &ow_hi);
      for (int64_t oh = oh_lo; oh < oh_hi; ++oh) {
        const float* in_row = in + (oh * s.sh - s.ph + kh * s.dh) * s.w + off;
        float* out_row = out + oh * s.ow;
        if (s.sw == 1) {
          for (int64_t ow = ow_lo; ow < ow_hi; ++ow) out_row[ow] += wv * in_row[ow];
        } else {
          for (int64_t ow = ow_lo; ow < ow_hi; ++ow) out_row[ow] += wv * in_row[ow * s.sw];
        }
      }
    }
  }
}

void conv_depthwise(KernelRuntimeContext& ctx, const ConvShape& s, const float* input, const float* weight,
                    const float* bias, float* out) {
  DepthwiseTask task{&s, input, weight, bias, out};
  const size_t planes = static_cast<size_t>(s.n * s.cout);
  if (ctx.thread_pool() != nullptr && planes > 1) {
    ctx.thread_pool()->parallel_for(planes, depthwise_plane, &task);
  } else {
    for (size_t i = 0; i < planes; ++i) depthwise_plane(&task, i);
  }
}

// Transposed convolution, direct form (used when there is no temp memory
// for the GEMM's columns): each input pixel times the kernel is scattered
// into the output, out[co][ih·s - p + kh·d][iw·s - p + kw·d] +=
// x[ci][ih][iw] · w[ci][co][kh][kw].
void conv_transposed_direct(const ConvShape& s, const float* input, const float* weight, float* out) {
  const int64_t cin_g = s.cin / s.groups, cout_g = s.cout / s.groups;
  for (int64_t b = 0; b < s.n; ++b) {
    for (int64_t ci = 0; ci < s.cin; ++ci) {
      const int64_t g = ci / cin_g;
      const float* in = input + (b * s.cin + ci) * s.h * s.w;
      for (int64_t col = 0; col < cout_g; ++col) {
        const int64_t co = g * cout_g + col;
        const float* w = weight + (ci * cout_g + col) * s.kh * s.kw;
        float* o = out + (b * s.cout + co) * s.oh * s.ow;
        for (int64_t kh = 0; kh < s.kh; ++kh) {
          int64_t ih_lo, ih_hi;
          valid_range(s.h, kh * s.dh - s.ph, s.sh, s.oh, &ih_lo, &ih_hi);
          for (int64_t kw = 0; kw < s.kw; ++kw) {
            const float wv = w[kh * s.kw + kw];
            const int64_t off = kw * s.dw - s.pw;
            int64_t iw_lo, iw_hi;
            valid_range(s.w, off, s.sw, s.ow, &iw_lo, &iw_hi);
            for (int64_t ih = ih_lo; ih < ih_hi; ++ih) {
              const float* in_row = in + ih * s.w;
              float* out_row = o + (ih * s.sh - s.ph + kh * s.dh) * s.ow + off;
              for (int64_t iw = iw_lo; iw < iw_hi; ++iw) out_row[iw * s.sw] += wv * in_row[iw];
            }
          }
        }
      }
    }
  }
}

// Upper bound of the column buffer of the GEMM form of transposed convolution.
constexpr size_t kMaxColumnBytes = size_t{2} << 20;

// Transposed convolution as GEMM + col2im, per (batch, group) and per band of
// input rows: columns[(co, kh, kw)][pixel] = Σ_ci w[ci][co][kh][kw] · x[ci][pixel]
// (A is the weight read transposed), then each column entry is added at the
// output position its pixel and tap map to. Falls back to the direct form
// when the temp memory cannot hold the columns of one input row.
void conv_transposed(KernelRuntimeContext& ctx, const ConvShape& s, const float* input, const float* weight,
                     const float* bias, float* out) {
  fill_bias(s, bias, out);
  if (s.h == 0 || s.w == 0) return;  // no input pixels: only the bias
  const int64_t cin_g = s.cin / s.groups, cout_g = s.cout / s.groups;
  const int64_t m = cout_g * s.kh * s.kw;
  const int64_t row_bytes = m * s.w * static_cast<int64_t>(sizeof(float));
  const int64_t rows = std::max<int64_t>(1, std::min<int64_t>(s.h, static_cast<int64_t>(kMaxColumnBytes) / row_bytes));
  const size_t n_max = static_cast<size_t>(rows * s.w);
  const size_t threads =
      kernels::gemm_num_threads(static_cast<size_t>(m), n_max, static_cast<size_t>(cin_g), ctx.thread_pool());
  float* columns = static_cast<float*>(gemm_scratch(ctx, static_cast<size_t>(m) * n_max * sizeof(float)));
  if (columns == nullptr) {
    conv_transposed_direct(s, input, weight, out);
    return;
  }
  void* ws = gemm_scratch(
      ctx, kernels::gemm_workspace_bytes(static_cast<size_t>(m), n_max, static_cast<size_t>(cin_g), threads));
  for (int64_t b = 0; b < s.n; ++b) {
    for (int64_t g = 0; g < s.groups; ++g) {
      const float* in_g = input + (b * s.cin + g * cin_g) * s.h * s.w;
      float* out_g = out + (b * s.cout + g * cout_g) * s.oh * s.ow;
      for (int64_t ih0 = 0; ih0 < s.h; ih0 += rows) {
        const int64_t band = std::min(rows, s.h - ih0);
        const size_t n = static_cast<size_t>(band * s.w);
        kernels::GemmProblem p;
        p.m = static_cast<size_t>(m);
        p.n = n;
        p.k = static_cast<size_t>(cin_g);
        p.a = {weight + g * cin_g * m, 1, static_cast<ptrdiff_t>(m)};
        p.b = {in_g + ih0 * s.w, static_cast<ptrdiff_t>(s.h * s.w), 1};
        p.c = columns;
        p.ldc = static_cast<ptrdiff_t>(n);
        kernels::gemm(p, ctx.thread_pool(), ws);
        for (int64_t row = 0; row < m; ++row) {
          const int64_t co = row / (s.kh * s.kw), kh = row / s.kw % s.kh, kw = row % s.kw;
          const int64_t off = kw * s.dw - s.pw;
          int64_t iw_lo, iw_hi;
          valid_range(s.w, off, s.sw, s.ow, &iw_lo, &iw_hi);
          for (int64_t ih = ih0; ih < ih0 + band; ++ih) {
            const int64_t oh = ih * s.sh - s.ph + kh * s.dh;
            if (oh < 0 || oh >= s.oh) continue;
            const float* col = columns + row * static_cast<int64_t>(n) + (ih - ih0) * s.w;
            float* out_row = out_g + (co * s.oh + oh) * s.ow + off;
            for (int64_t iw = iw_lo; iw < iw_hi; ++iw) out_row[iw * s.sw] += col[iw];
          }
        }
      }
    }
  }
}

// Int32 convolution (not transposed), a direct loop with exact int32
// accumulation (ONNX's ConvInteger); unsigned arithmetic makes the wrap on
// overflow defined.
void conv_int32(const ConvShape& s, const int32_t* input, const int32_t* weight, const int32_t* bias, int32_t* out) {
  const int64_t cin_g = s.cin / s.groups, cout_g = s.cout / s.groups;
  for (int64_t b = 0; b < s.n; ++b) {
    for (int64_t co = 0; co < s.cout; ++co) {
      const int64_t g = co / cout_g;
      int32_t* o = out + (b * s.cout + co) * s.oh * s.ow;
      std::fill_n(o, s.oh * s.ow, bias == nullptr ? 0 : bias[co]);
      for (int64_t ci = 0; ci < cin_g; ++ci) {
        const int32_t* in = input + (b * s.cin + g * cin_g + ci) * s.h * s.w;
        const int32_t* w = weight + (co * cin_g + ci) * s.kh * s.kw;
        for (int64_t kh = 0; kh < s.kh; ++kh) {
          int64_t oh_lo, oh_hi;
          valid_range(s.oh, kh * s.dh - s.ph, s.sh, s.h, &oh_lo, &oh_hi);
          for (int64_t kw = 0; kw < s.kw; ++kw) {
            const uint32_t wv = static_cast<uint32_t>(w[kh * s.kw + kw]);
            const int64_t off = kw * s.dw - s.pw;
            int64_t ow_lo, ow_hi;
            valid_range(s.ow, off, s.sw, s.w, &ow_lo, &ow_hi);
            for (int64_t oh = oh_lo; oh < oh_hi; ++oh) {
              const int32_t* in_row = in + (oh * s.sh - s.ph + kh * s.dh) * s.w + off;
              int32_t* out_row = o + oh * s.ow;
              for (int64_t ow = ow_lo; ow < ow_hi; ++ow) {
                out_row[ow] = static_cast<int32_t>(static_cast<uint32_t>(out_row[ow]) +
                                                   wv * static_cast<uint32_t>(in_row[ow * s.sw]));
              }
            }
          }
        }
      }
    }
  }
}

// Reads an int list of 1 or `dims` values (ATen expands a single value) into
// out[0..dims), each at least `min_value`.
bool conv_param(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* name, size_t dims,
                int64_t min_value, int64_t* out) {
  ArrayRef<int64_t> list;
  if (!kernels::int_list_arg(ctx, args, i, kOp, name, &list)) return false;
  if (list.size() != 1 && list.size() != dims) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected 1 or %zu values, got %zu", kOp, name, dims, list.size());
    return false;
  }
  for (size_t d = 0; d < dims; ++d) {
    const int64_t v = list[list.size() == 1 ? 0 : d];
    if (v < min_value || v > (int64_t{1} << 30)) {
      ctx.fail(Error::InvalidArgument, "%s: %s: value %lld is out of range (must be >= %lld)", kOp, name,
               static_cast<long long>(v), static_cast<long long>(min_value));
      return false;
    }
    out[d] = v;
  }
  return true;
}

// Validates every argument, fills the shape, and resizes out.
bool parse_conv(KernelRuntimeContext& ctx, Span<EValue*> args, Tensor* input, Tensor* weight, Tensor* bias,
                bool* has_bias, Tensor* out, ConvShape* s) {
  if (!kernels::check_arg_count(ctx, args, 11, kOp) || !kernels::tensor_arg(ctx, args, 0, kOp, "input", input) ||
      !kernels::tensor_arg(ctx, args, 1, kOp, "weight", weight) ||
      !kernels::tensor_arg(ctx, args, 9, kOp, "out", out) ||
      !check_gemm_dtype(ctx, kOp, "input", *input, *out, true) ||
      !check_gemm_dtype(ctx, kOp, "weight", *weight, *out, true)) {
    return false;
  }
  *has_bias = !args[2]->is_none();
  if (*has_bias && (!kernels::tensor_arg(ctx, args, 2, kOp, "bias", bias) ||
                    !check_gemm_dtype(ctx, kOp, "bias", *bias, *out, true))) {
    return false;
  }
  const size_t rank = input->dim();
  if (rank != 3 && rank != 4) {
    ctx.fail(Error::InvalidArgument, "%s: input: expected a 3-D or 4-D tensor, got %zu-D", kOp, rank);
    return false;
  }
  if (weight->dim() != rank) {
    ctx.fail(Error::InvalidArgument, "%s: weight: expected %zu-D like input, got %zu-D", kOp, rank, weight->dim());
    return false;
  }
  const size_t dims = rank - 2;
  int64_t stride[2], padding[2], dilation[2], output_padding[2];
  if (!conv_param(ctx, args, 3, "stride", dims, 1, stride) || !conv_param(ctx, args, 4, "padding", dims, 0, padding) ||
      !conv_param(ctx, args, 5, "dilation", dims, 1, dilation) ||
      !kernels::bool_arg(ctx, args, 6, kOp, "transposed", &s->transposed) ||
      !conv_param(ctx, args, 7, "output_padding", dims, 0, output_padding)) {
    return false;
  }
  if (!args[8]->is_int() || args[8]->to_int() < 1 || args[8]->to_int() > (int64_t{1} << 30)) {
    ctx.fail(Error::InvalidArgument, "%s: groups: expected a positive Int", kOp);
    return false;
  }
  s->groups = args[8]->to_int();
  // Spatial parameters as 2-D; a 1-D convolution is height 1.
  const bool two_d = dims == 2;
  s->n = input->size(0);
  s->cin = input->size(1);
  s->h = two_d ? input->size(2) : 1;
  s->w = input->size(rank - 1);
  s->kh = two_d ? weight->size(2) : 1;
  s->kw = weight->size(rank - 1);
  s->sh = two_d ? stride[0] : 1;
  s->sw = stride[dims - 1];
  s->ph = two_d ? padding[0] : 0;
  s->pw = padding[dims - 1];
  s->dh = two_d ? dilation[0] : 1;
  s->dw = dilation[dims - 1];
  const int64_t oph = two_d ? output_padding[0] : 0, opw = output_padding[dims - 1];
  if (s->kh < 1 || s->kw < 1) {
    ctx.fail(Error::InvalidArgument, "%s: weight: kernel size must be positive", kOp);
    return false;
  }
  if (s->cin % s->groups != 0) {
    ctx.fail(Error::InvalidArgument, "%s: groups: %lld does not divide the %lld input channels", kOp,
             static_cast<long long>(s->groups), static_cast<long long>(s->cin));
    return false;
  }
  if (s->transposed) {
    if (weight->size(0) != s->cin) {
      ctx.fail(Error::InvalidArgument, "%s: weight: dim 0 is %d, expected the %lld input channels (transposed)", kOp,
               weight->size(0), static_cast<long long>(s->cin));
      return false;
    }
    s->cout = static_cast<int64_t>(weight->size(1)) * s->groups;
    if ((oph >= s->sh && oph >= s->dh) || (opw >= s->sw && opw >= s->dw)) {
      ctx.fail(Error::InvalidArgument, "%s: output_padding: must be smaller than stride or dilation", kOp);
      return false;
    }
    s->oh = (s->h - 1) * s->sh - 2 * s->ph + s->dh * (s->kh - 1) + oph + 1;
    s->ow = (s->w - 1) * s->sw - 2 * s->pw + s->dw * (s->kw - 1) + opw + 1;
  } else {
    s->cout = weight->size(0);
    if (s->cout % s->groups != 0 || weight->size(1) * s->groups != s->cin) {
      ctx.fail(Error::InvalidArgument,
               "%s: weight: shape [%d, %d, ...] does not fit %lld input channels in %lld groups", kOp, weight->size(0),
               weight->size(1), static_cast<long long>(s->cin), static_cast<long long>(s->groups));
      return false;
    }
    s->oh = (s->h + 2 * s->ph - s->dh * (s->kh - 1) - 1) / s->sh + 1;
    s->ow = (s->w + 2 * s->pw - s->dw * (s->kw - 1) - 1) / s->sw + 1;
    if (s->h + 2 * s->ph < s->dh * (s->kh - 1) + 1 || s->w + 2 * s->pw < s->dw * (s->kw - 1) + 1) {
      s->oh = s->ow = 0;
    }
  }
  if (s->oh < 1 || s->ow < 1 || s->oh > (int64_t{1} << 30) || s->ow > (int64_t{1} << 30)) {
    ctx.fail(Error::InvalidArgument, "%s: input: the output size would be %lldx%lld (too small or too large)", kOp,
             static_cast<long long>(s->oh), static_cast<long long>(s->ow));
    return false;
  }
  if (*has_bias && (bias->dim() != 1 || bias->size(0) != s->cout)) {
    ctx.fail(Error::InvalidArgument, "%s: bias: expected shape [%lld]", kOp, static_cast<long long>(s->cout));
    return false;
  }
  SizesType sizes[4] = {static_cast<SizesType>(s->n), static_cast<SizesType>(s->cout), 0, 0};
  if (two_d) {
    sizes[2] = static_cast<SizesType>(s->oh);
    sizes[3] = static_cast<SizesType>(s->ow);
  } else {
    sizes[2] = static_cast<SizesType>(s->ow);
  }
  return kernels::resize_out(ctx, kOp, *out, {sizes, rank});
}

}  // namespace

void convolution_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  Tensor input, weight, bias, out;
  bool has_bias = false;
  ConvShape s{};
  if (!parse_conv(ctx, args, &input, &weight, &bias, &has_bias, &out, &s)) return;
  if (out.numel() == 0) return;
  if (out.scalar_type() == ScalarType::Int) {
    if (s.transposed) {
      ctx.fail(Error::NotSupported, "%s: transposed: transposed Int convolution is not supported", kOp);
      return;
    }
    conv_int32(s, input.const_data_ptr<int32_t>(), weight.const_data_ptr<int32_t>(),
               has_bias ? bias.const_data_ptr<int32_t>() : nullptr, out.mutable_data_ptr<int32_t>());
    return;
  }
  const float* x = input.const_data_ptr<float>();
  const float* w = weight.const_data_ptr<float>();
  const float* b = has_bias ? bias.const_data_ptr<float>() : nullptr;
  float* y = out.mutable_data_ptr<float>();
  if (s.transposed) {
    conv_transposed(ctx, s, x, w, b, y);
  } else if (s.groups == s.cin && s.groups > 1) {
    conv_depthwise(ctx, s, x, w, b, y);
  } else {
    conv_gemm(ctx, s, x, w, b, y);
  }
}

}  // namespace ember::portable
