// quantized_decomposed::dequantize_per_tensor (.out, .Tensor_out),
// dequantize_per_channel.out and dequantize_per_token.out.
#include <cinttypes>

#include "kernels/portable/util/kernel_args.h"
#include "kernels/quantized/cpu/quant_util.h"
#include "kernels/quantized/cpu/quantized_ops.h"

namespace ember::quantized {
namespace {

// Channel c's scale (Float or Double, used as float) and zero point (Int or
// Long, used as int32; absent = 0).
struct ChannelParams {
  Tensor scales;
  bool has_zero_points = false;
  Tensor zero_points;

  float scale(size_t c) const {
    return scales.scalar_type() == ScalarType::Double ? static_cast<float>(scales.const_data_ptr<double>()[c])
                                                      : scales.const_data_ptr<float>()[c];
  }
  int32_t zero_point(size_t c) const {
    if (!has_zero_points) return 0;
    return zero_points.scalar_type() == ScalarType::Long
               ? static_cast<int32_t>(zero_points.const_data_ptr<int64_t>()[c])
               : zero_points.const_data_ptr<int32_t>()[c];
  }
};

// ExecuTorch's check_dequantize_per_tensor_args, plus the out dtypes this
// library computes (Float, Double), then resizes out to the input's shape.
bool check_common(KernelRuntimeContext& ctx, const char* op, const Tensor& input, ScalarType dtype, int64_t quant_min,
                  int64_t quant_max, bool has_out_dtype, ScalarType out_dtype, const Tensor& out) {
  int64_t lo = 0, hi = 0;
  if (!quant_dtype_range(input.scalar_type(), &lo, &hi)) {
    ctx.fail(Error::InvalidArgument, "%s: input: dtype %s is not a quantized integer dtype", op,
             scalar_type_name(input.scalar_type()));
    return false;
  }
  if (input.scalar_type() != dtype) {
    ctx.fail(Error::InvalidArgument, "%s: input: dtype %s does not match dtype argument %s", op,
             scalar_type_name(input.scalar_type()), scalar_type_name(dtype));
    return false;
  }
  if (has_out_dtype && out.scalar_type() != out_dtype) {
    ctx.fail(Error::InvalidArgument, "%s: out: dtype %s does not match out_dtype %s", op,
             scalar_type_name(out.scalar_type()), scalar_type_name(out_dtype));
    return false;
  }
  if (out.scalar_type() != ScalarType::Float && out.scalar_type() != ScalarType::Double) {
    ctx.fail(Error::InvalidArgument, "%s: out: dtype %s is not supported (Float or Double)", op,
             scalar_type_name(out.scalar_type()));
    return false;
  }
  if (quant_min > quant_max) {
    ctx.fail(Error::InvalidArgument, "%s: quant_min: %" PRId64 " is greater than quant_max %" PRId64, op, quant_min,
             quant_max);
    return false;
  }
  return kernels::resize_out(ctx, op, out, input.sizes());
}

// `outer` blocks of `channels` x `inner` contiguous elements.
void run(const Tensor& input, const Tensor& out, const ChannelParams& p, size_t outer, size_t channels,
         size_t inner) {
  dispatch_quant_int(input.scalar_type(), [&](auto in_tag) {
    using Q = typename decltype(in_tag)::type;
    dispatch_float(out.scalar_type(), [&](auto out_tag) {
      using O = typename decltype(out_tag)::type;
      const Q* in = input.const_data_ptr<Q>();
      O* o = out.mutable_data_ptr<O>();
      for (size_t blk = 0; blk < outer; ++blk) {
        for (size_t c = 0; c < channels; ++c) {
          const float scale = p.scale(c);
          const int32_t zp = p.zero_point(c);
          const size_t base = (blk * channels + c) * inner;
          for (size_t k = 0; k < inner; ++k) o[base + k] = dequantize_val<O>(in[base + k], zp, scale);
        }
      }
    });
  });
}

void per_tensor(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool tensor_params) {
  // The out_dtype argument is newer than the schema; programs without it
  // pass one value fewer.
  if (!check_arg_count_between(ctx, args, 8, 9, op)) return;
  const bool has_out_dtype_arg = args.size() == 9;
  Tensor input, out;
  int64_t quant_min = 0, quant_max = 0;
  ScalarType dtype = ScalarType::Byte, out_dtype = ScalarType::Float;
  bool has_out_dtype = false;
  if (!kernels::tensor_arg(ctx, args, 0, op, "input", &input) || !int_arg(ctx, args, 3, op, "quant_min", &quant_min) ||
      !int_arg(ctx, args, 4, op, "quant_max", &quant_max) || !dtype_arg(ctx, args, 5, op, "dtype", &dtype) ||
      (has_out_dtype_arg && !optional_dtype_arg(ctx, args, 6, op, "out_dtype", &has_out_dtype, &out_dtype)) ||
      !kernels::tensor_arg(ctx, args, args.size() - 2, op, "out", &out)) {
    return;
  }
  double scale = 0;
  int64_t zero_point = 0;
  if (!per_tensor_qparams(ctx, args, op, tensor_params, &scale, &zero_point)) return;
  if (!check_common(ctx, op, input, dtype, quant_min, quant_max, has_out_dtype, out_dtype, out) ||
      !check_same_dim_order(ctx, op, "out", input, out)) {
    return;
  }
  const float s32 = static_cast<float>(scale);
  const int32_t zp32 = static_cast<int32_t>(zero_point);
  dispatch_quant_int(input.scalar_type(), [&](auto in_tag) {
    using Q = typename decltype(in_tag)::type;
    dispatch_float(out.scalar_type(), [&](auto out_tag) {
      using O = typename decltype(out_tag)::type;
      const Q* in = input.const_data_ptr<Q>();
      O* o = out.mutable_data_ptr<O>();
      const size_t n = input.numel();
      for (size_t i = 0; i < n; ++i) o[i] = dequantize_val<O>(in[i], zp32, s32);
    });
  });
}

// Checks scales (Float/Double) and zero points (Int/Long) of `channels` entries.
bool channel_params(KernelRuntimeContext& ctx, const char* op, size_t channels, ChannelParams* p) {
  const ScalarType st = p->scales.scalar_type();
  if (st != ScalarType::Float && st != ScalarType::Double) {
    ctx.fail(Error::InvalidArgument, "%s: scales: dtype %s is not supported (Float or Double)", op,
             scalar_type_name(st));
    return false;
  }
  if (p->scales.numel() != channels) {
    ctx.fail(Error::InvalidArgument, "%s: scales: has %zu elements, expected %zu", op, p->scales.numel(), channels);
    return false;
  }
  if (!p->has_zero_points) return true;
  const ScalarType zt = p->zero_points.scalar_type();
  if (zt != ScalarType::Int && zt != ScalarType::Long) {
    ctx.fail(Error::InvalidArgument, "%s: zero_points: dtype %s is not supported (Int or Long)", op,
             scalar_type_name(zt));
    return false;
  }
  if (p->zero_points.numel() != channels) {
    ctx.fail(Error::InvalidArgument, "%s: zero_points: has %zu elements, expected %zu", op, p->zero_points.numel(),
             channels);
    return false;
  }
  return true;
}

}  // namespace

void dequantize_per_tensor_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  per_tensor(ctx, args, "quantized_decomposed::dequantize_per_tensor.out", false);
}

void dequantize_per_tensor_tensor_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  per_tensor(ctx, args, "quantized_decomposed::dequantize_per_tensor.Tensor_out", true);
}

void dequantize_per_channel_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  const char* op = "quantized_decomposed::dequantize_per_channel.out";
  if (!check_arg_count_between(ctx, args, 9, 10, op)) return;
  const bool has_out_dtype_arg = args.size() == 10;
  Tensor input, out;
  ChannelParams p;
  int64_t axis = 0, quant_min = 0, quant_max = 0;
  ScalarType dtype = ScalarType::Byte, out_dtype = ScalarType::Float;
  bool has_out_dtype = false;
  if (!kernels::tensor_arg(ctx, args, 0, op, "input", &input) ||
      !kernels::tensor_arg(ctx, args, 1, op, "scales", &p.scales) ||
      !optional_tensor_arg(ctx, args, 2, op, "zero_points", &p.has_zero_points, &p.zero_points) ||
      !int_arg(ctx, args, 3, op, "axis", &axis) || !int_arg(ctx, args, 4, op, "quant_min", &quant_min) ||
      !int_arg(ctx, args, 5, op, "quant_max", &quant_max) || !dtype_arg(ctx, args, 6, op, "dtype", &dtype) ||
      (has_out_dtype_arg && !optional_dtype_arg(ctx, args, 7, op, "out_dtype", &has_out_dtype, &out_dtype)) ||
      !kernels::tensor_arg(ctx, args, args.size() - 2, op, "out", &out)) {
    return;
  }
  size_t ax = 0;
  if (!normalize_axis(ctx, op, axis, input.dim(), &ax) ||
      !channel_params(ctx, op, static_cast<size_t>(input.size(ax)), &p) ||
      !check_common(ctx, op, input, dtype, quant_min, quant_max, has_out_dtype, out_dtype, out)) {
    return;
  }
  run(input, out, p, product(input.sizes(), 0, ax), static_cast<size_t>(input.size(ax)),
      product(input.sizes(), ax + 1, input.dim()));
}

void dequantize_per_token_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  const char* op = "quantized_decomposed::dequantize_per_token.out";
  Tensor input, out;
  ChannelParams p;
  p.has_zero_points = true;
  int64_t quant_min = 0, quant_max = 0;
  ScalarType dtype = ScalarType::Byte, out_dtype = ScalarType::Float;
  if (!kernels::check_arg_count(ctx, args, 9, op) || !kernels::tensor_arg(ctx, args, 0, op, "input", &input) ||
      !kernels::tensor_arg(ctx, args, 1, op, "scales", &p.scales) ||
      !kernels::tensor_arg(ctx, args, 2, op, "zero_points", &p.zero_points) ||
      !int_arg(ctx, args, 3, op, "quant_min", &quant_min) || !int_arg(ctx, args, 4, op, "quant_max", &quant_max) ||
      !dtype_arg(ctx, args, 5, op, "dtype", &dtype) || !dtype_arg(ctx, args, 6, op, "output_dtype", &out_dtype) ||
      !kernels::tensor_arg(ctx, args, 7, op, "out", &out)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, input.dim() >= 1, Error::InvalidArgument, "%s: input: must have at least one dimension", op);
  // Tokens are the rows of input viewed as [prod(sizes[:-1]), sizes[-1]].
  const size_t tokens = product(input.sizes(), 0, input.dim() - 1);
  if (!channel_params(ctx, op, tokens, &p) ||
      !check_common(ctx, op, input, dtype, quant_min, quant_max, true, out_dtype, out)) {
    return;
  }
  run(input, out, p, 1, tokens, static_cast<size_t>(input.size(input.dim() - 1)));
}

}  // namespace ember::quantized
