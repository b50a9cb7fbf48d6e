// quantized_decomposed::quantize_per_tensor (.out, .Tensor_out),
// quantize_per_channel.out and quantize_per_token.out.
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kernels/portable/util/kernel_args.h"
#include "kernels/quantized/cpu/quant_util.h"
#include "kernels/quantized/cpu/quantized_ops.h"

namespace ember::quantized {
namespace {

// Per-channel parameters as the schemas give them: Double scales and Long
// zero points, one per channel (one in all for per-tensor).
struct ChannelParams {
  const double* scales = nullptr;
  const int64_t* zero_points = nullptr;
};

// The layout of a quantization: `outer` blocks of `channels` x `inner`
// contiguous elements; channel c covers inner elements of every block.
struct Blocks {
  size_t outer = 1;
  size_t channels = 1;
  size_t inner = 1;
};

// Checks the common arguments (ExecuTorch's check_quantize_per_tensor_args)
// and resizes out to the input's shape.
bool check_common(KernelRuntimeContext& ctx, const char* op, const Tensor& input, ScalarType dtype, int64_t quant_min,
                  int64_t quant_max, const Tensor& out) {
  if (input.scalar_type() != ScalarType::Float && input.scalar_type() != ScalarType::Double) {
    ctx.fail(Error::InvalidArgument, "%s: input: dtype %s is not supported (Float or Double)", op,
             scalar_type_name(input.scalar_type()));
    return false;
  }
  if (out.scalar_type() != dtype) {
    ctx.fail(Error::InvalidArgument, "%s: out: dtype %s does not match dtype argument %s", op,
             scalar_type_name(out.scalar_type()), scalar_type_name(dtype));
    return false;
  }
  return check_quant_range(ctx, op, dtype, quant_min, quant_max) && kernels::resize_out(ctx, op, out, input.sizes());
}

// quantize_val for float -> 8-bit over a block, 16 values per step with SSE2
// (std::nearbyint is a libm call per element without SSE4.1): nearbyint(v)
// for |v| <= 2^22 is (v + 1.5 * 2^23) - 1.5 * 2^23 in the default rounding
// mode. Larger |v| and infinities saturate either way, so v is clamped to
// +-2^22 first; maxps returns its second operand for a NaN, so NaN becomes
// -2^22 and then quant_min, as in quantize_val. Only for
// |zero_point| <= 2^16, where that clamping cannot change the result and
// zero_point + v stays exact in float.
bool fast_8bit_applies(int32_t zero_point) { return zero_point >= -65536 && zero_point <= 65536; }

template <typename Q>
void quantize_8bit(const float* in, Q* out, size_t n, float inv_scale, int32_t zero_point, int64_t quant_min,
                   int64_t quant_max) {
  const float magic = 12582912.0f;  // 1.5 * 2^23
  const float limit = 4194304.0f;   // 2^22
  const float zp = static_cast<float>(zero_point);
  const float lo = static_cast<float>(quant_min);
  const float hi = static_cast<float>(quant_max);
  size_t i = 0;
#if defined(__SSE2__)
  const __m128 v_inv = _mm_set1_ps(inv_scale), v_magic = _mm_set1_ps(magic);
  const __m128 v_neg = _mm_set1_ps(-limit), v_pos = _mm_set1_ps(limit);
  const __m128 v_zp = _mm_set1_ps(zp), v_lo = _mm_set1_ps(lo), v_hi = _mm_set1_ps(hi);
  auto quad = [&](const float* p) {
    __m128 v = _mm_min_ps(_mm_max_ps(_mm_mul_ps(_mm_loadu_ps(p), v_inv), v_neg), v_pos);
    __m128 q = _mm_add_ps(v_zp, _mm_sub_ps(_mm_add_ps(v, v_magic), v_magic));
    return _mm_cvttps_epi32(_mm_min_ps(_mm_max_ps(q, v_lo), v_hi));
  };
  for (; i + 16 <= n; i += 16) {
    // Values are already within the 8-bit range: the saturating packs are exact.
    __m128i a = _mm_packs_epi32(quad(in + i), quad(in + i + 4));
    __m128i b = _mm_packs_epi32(quad(in + i + 8), quad(in + i + 12));
    __m128i bytes = std::is_signed_v<Q> ? _mm_packs_epi16(a, b) : _mm_packus_epi16(a, b);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), bytes);
  }
#endif
  for (; i < n; ++i) {
    float v = inv_scale * in[i];
    v = v > -limit ? v : -limit;
    v = v < limit ? v : limit;
    float q = zp + ((v + magic) - magic);
    q = q > lo ? q : lo;
    q = q < hi ? q : hi;
    out[i] = static_cast<Q>(static_cast<int32_t>(q));
  }
}

void run(const Tensor& input, const Tensor& out, const ChannelParams& p, const Blocks& b, int64_t quant_min,
         int64_t quant_max) {
  dispatch_float(input.scalar_type(), [&](auto in_tag) {
    using V = typename decltype(in_tag)::type;
    dispatch_quant_int(out.scalar_type(), [&](auto out_tag) {
      using Q = typename decltype(out_tag)::type;
      const V* in = input.const_data_ptr<V>();
      Q* o = out.mutable_data_ptr<Q>();
      for (size_t blk = 0; blk < b.outer; ++blk) {
        for (size_t c = 0; c < b.channels; ++c) {
          const float inv_scale = inverse_scale(p.scales[c]);
          const int32_t zp = static_cast<int32_t>(p.zero_points[c]);
          const size_t base = (blk * b.channels + c) * b.inner;
          if constexpr (std::is_same_v<V, float> && sizeof(Q) == 1) {
            if (fast_8bit_applies(zp)) {
              quantize_8bit(in + base, o + base, b.inner, inv_scale, zp, quant_min, quant_max);
              continue;
            }
          }
          for (size_t k = 0; k < b.inner; ++k) {
            o[base + k] = quantize_val<Q>(inv_scale, zp, in[base + k], quant_min, quant_max);
          }
        }
      }
    });
  });
}

// Reads [input, scale, zero_point, quant_min, quant_max, dtype, out, ret] with
// scalar or one-element-tensor scale/zero_point and quantizes.
void per_tensor(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool tensor_params) {
  Tensor input, out;
  int64_t quant_min = 0, quant_max = 0;
  ScalarType dtype = ScalarType::Byte;
  double scale = 0;
  int64_t zero_point = 0;
  if (!kernels::check_arg_count(ctx, args, 8, op) || !kernels::tensor_arg(ctx, args, 0, op, "input", &input) ||
      !int_arg(ctx, args, 3, op, "quant_min", &quant_min) || !int_arg(ctx, args, 4, op, "quant_max", &quant_max) ||
      !dtype_arg(ctx, args, 5, op, "dtype", &dtype) || !kernels::tensor_arg(ctx, args, 6, op, "out", &out)) {
    return;
  }
  if (!per_tensor_qparams(ctx, args, op, tensor_params, &scale, &zero_point)) return;
  if (!check_common(ctx, op, input, dtype, quant_min, quant_max, out) ||
      !check_same_dim_order(ctx, op, "out", input, out)) {
    return;
  }
  Blocks b;
  b.inner = input.numel();
  run(input, out, ChannelParams{&scale, &zero_point}, b, quant_min, quant_max);
}

// Checks per-channel Double scales / Long zero points of `channels` entries.
bool channel_params(KernelRuntimeContext& ctx, const char* op, const Tensor& scales, const Tensor& zero_points,
                    size_t channels, ChannelParams* p) {
  if (!check_dtype(ctx, op, "scales", scales, ScalarType::Double) ||
      !check_dtype(ctx, op, "zero_points", zero_points, ScalarType::Long)) {
    return false;
  }
  if (scales.numel() != channels || zero_points.numel() != channels) {
    ctx.fail(Error::InvalidArgument, "%s: %s: has %zu elements, expected %zu", op,
             scales.numel() != channels ? "scales" : "zero_points",
             scales.numel() != channels ? scales.numel() : zero_points.numel(), channels);
    return false;
  }
  p->scales = scales.const_data_ptr<double>();
  p->zero_points = zero_points.const_data_ptr<int64_t>();
  return true;
}

}  // namespace

void quantize_per_tensor_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  per_tensor(ctx, args, "quantized_decomposed::quantize_per_tensor.out", false);
}

void quantize_per_tensor_tensor_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  per_tensor(ctx, args, "quantized_decomposed::quantize_per_tensor.Tensor_out", true);
}

void quantize_per_channel_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  const char* op = "quantized_decomposed::quantize_per_channel.out";
  Tensor input, scales, zero_points, out;
  int64_t axis = 0, quant_min = 0, quant_max = 0;
  ScalarType dtype = ScalarType::Byte;
  if (!kernels::check_arg_count(ctx, args, 9, op) || !kernels::tensor_arg(ctx, args, 0, op, "input", &input) ||
      !kernels::tensor_arg(ctx, args, 1, op, "scales", &scales) ||
      !kernels::tensor_arg(ctx, args, 2, op, "zero_points", &zero_points) ||
      !int_arg(ctx, args, 3, op, "axis", &axis) || !int_arg(ctx, args, 4, op, "quant_min", &quant_min) ||
      !int_arg(ctx, args, 5, op, "quant_max", &quant_max) || !dtype_arg(ctx, args, 6, op, "dtype", &dtype) ||
      !kernels::tensor_arg(ctx, args, 7, op, "out", &out)) {
    return;
  }
  size_t ax = 0;
  ChannelParams p;
  if (!normalize_axis(ctx, op, axis, input.dim(), &ax) ||
      !channel_params(ctx, op, scales, zero_points, static_cast<size_t>(input.size(ax)), &p) ||
      !check_common(ctx, op, input, dtype, quant_min, quant_max, out)) {
    return;
  }
  Blocks b{product(input.sizes(), 0, ax), static_cast<size_t>(input.size(ax)),
           product(input.sizes(), ax + 1, input.dim())};
  run(input, out, p, b, quant_min, quant_max);
}

void quantize_per_token_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  const char* op = "quantized_decomposed::quantize_per_token.out";
  Tensor input, scales, zero_points, out;
  int64_t quant_min = 0, quant_max = 0;
  ScalarType dtype = ScalarType::Byte;
  if (!kernels::check_arg_count(ctx, args, 8, op) || !kernels::tensor_arg(ctx, args, 0, op, "input", &input) ||
      !kernels::tensor_arg(ctx, args, 1, op, "scales", &scales) ||
      !kernels::tensor_arg(ctx, args, 2, op, "zero_points", &zero_points) ||
      !int_arg(ctx, args, 3, op, "quant_min", &quant_min) || !int_arg(ctx, args, 4, op, "quant_max", &quant_max) ||
      !dtype_arg(ctx, args, 5, op, "dtype", &dtype) || !kernels::tensor_arg(ctx, args, 6, op, "out", &out)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, input.dim() >= 1, Error::InvalidArgument, "%s: input: must have at least one dimension", op);
  // Tokens are the rows of input viewed as [prod(sizes[:-1]), sizes[-1]].
  const size_t tokens = product(input.sizes(), 0, input.dim() - 1);
  ChannelParams p;
  if (!channel_params(ctx, op, scales, zero_points, tokens, &p) ||
      !check_common(ctx, op, input, dtype, quant_min, quant_max, out)) {
    return;
  }
  Blocks b{1, tokens, static_cast<size_t>(input.size(input.dim() - 1))};
  run(input, out, p, b, quant_min, quant_max);
}

}  // namespace ember::quantized
