// quantized_decomposed::mixed_linear.out (x · (w × s)ᵀ, int8 weight [p, n]
// with per-row or group-wise scales) and mixed_mm.out (x · (w × s), int8
// weight [n, p] with one scale per contraction row). Float compute; zero
// points are refused as in ExecuTorch.
#include "kernels/portable/util/kernel_args.h"
#include "kernels/quantized/cpu/quant_util.h"
#include "kernels/quantized/cpu/quantized_ops.h"

namespace ember::quantized {
namespace {

bool check_rank(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t, size_t lo, size_t hi) {
  EMBER_QUANT_CHECK(ctx, t.dim() >= lo && t.dim() <= hi, "%s: %s: rank %zu is not supported (expected %zu%s)", op, name,
                    t.dim(), lo, hi == lo ? "" : " or 2");
  return true;
}

// Zero points: validated like ExecuTorch (shape and dtype of the scales and
// input), then refused since ExecuTorch does not implement them either.
bool check_no_zero_points(KernelRuntimeContext& ctx, const char* op, bool has, const Tensor& zp, const Tensor& scales,
                          const Tensor& input) {
  if (!has) return true;
  bool same_shape = zp.dim() == scales.dim();
  for (size_t d = 0; same_shape && d < zp.dim(); ++d) same_shape = zp.size(d) == scales.size(d);
  EMBER_QUANT_CHECK(ctx, same_shape, "%s: weight_zero_points: shape differs from weight_scales'", op);
  EMBER_QUANT_CHECK(ctx, zp.scalar_type() == input.scalar_type(), "%s: weight_zero_points: dtype %s differs from "
                    "input's %s", op, scalar_type_name(zp.scalar_type()), scalar_type_name(input.scalar_type()));
  EMBER_QUANT_CHECK(ctx, false, "%s: weight_zero_points: zero points are not supported", op);
  return false;
}

}  // namespace

void mixed_linear_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  const char* op = "quantized_decomposed::mixed_linear.out";
  Tensor in, weight, scales, zp, out;
  bool has_zp = false, has_dtype = false;
  ScalarType dtype = ScalarType::Float;
  if (!kernels::check_arg_count(ctx, args, 7, op) || !kernels::tensor_arg(ctx, args, 0, op, "input", &in) ||
      !kernels::tensor_arg(ctx, args, 1, op, "weight", &weight) ||
      !kernels::tensor_arg(ctx, args, 2, op, "weight_scales", &scales) ||
      !optional_tensor_arg(ctx, args, 3, op, "weight_zero_points", &has_zp, &zp) ||
      !optional_dtype_arg(ctx, args, 4, op, "dtype", &has_dtype, &dtype) ||
      !kernels::tensor_arg(ctx, args, 5, op, "out", &out)) {
    return;
  }
  if (!check_rank(ctx, op, "input", in, 2, 2) || !check_rank(ctx, op, "weight", weight, 2, 2) ||
      !check_rank(ctx, op, "weight_scales", scales, 1, 2) || !check_rank(ctx, op, "out", out, 2, 2)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, in.size(1) == weight.size(1), Error::InvalidArgument,
                     "%s: weight: has %d columns, input has %d", op, weight.size(1), in.size(1));
  EMBER_KERNEL_CHECK(ctx, scales.size(0) == weight.size(0), Error::InvalidArgument,
                     "%s: weight_scales: has %d rows, weight has %d", op, scales.size(0), weight.size(0));
  EMBER_KERNEL_CHECK(ctx, in.scalar_type() == scales.scalar_type(), Error::InvalidArgument,
                     "%s: weight_scales: dtype %s differs from input's %s", op, scalar_type_name(scales.scalar_type()),
                     scalar_type_name(in.scalar_type()));
  if (has_dtype) {
    EMBER_KERNEL_CHECK(ctx, out.scalar_type() == dtype, Error::InvalidArgument,
                       "%s: out: dtype %s does not match dtype argument %s", op, scalar_type_name(out.scalar_type()),
                       scalar_type_name(dtype));
  }
  if (!check_dtype(ctx, op, "weight", weight, ScalarType::Char) || !check_dtype(ctx, op, "input", in, ScalarType::Float) ||
      !check_no_zero_points(ctx, op, has_zp, zp, scales, in)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, out.scalar_type() == ScalarType::Float || out.scalar_type() == ScalarType::Double,
                     Error::InvalidArgument, "%s: out: dtype %s is not supported (Float or Double)", op,
                     scalar_type_name(out.scalar_type()));
  const size_t m = static_cast<size_t>(in.size(0)), n = static_cast<size_t>(in.size(1));
  const size_t p = static_cast<size_t>(weight.size(0));
  // Group-wise scales split the contraction dim into groups of ceil(n / G)
  // (the last may be short); rank-1 scales are one group of n.
  const size_t groups = scales.dim() == 2 ? static_cast<size_t>(scales.size(1)) : 1;
  EMBER_KERNEL_CHECK(ctx, groups >= 1, Error::InvalidArgument, "%s: weight_scales: needs at least one group", op);
  const SizesType out_sizes[] = {in.size(0), weight.size(0)};
  if (!kernels::resize_out(ctx, op, out, out_sizes)) return;
  const size_t g = groups == 1 ? n : (n + groups - 1) / groups;
  const float* x = in.const_data_ptr<float>();
  const int8_t* w = weight.const_data_ptr<int8_t>();
  const float* s = scales.const_data_ptr<float>();
  dispatch_float(out.scalar_type(), [&](auto tag) {
    using O = typename decltype(tag)::type;
    O* z = out.mutable_data_ptr<O>();
    for (size_t i = 0; i < m; ++i) {
      for (size_t j = 0; j < p; ++j) {
        float sum = 0;
        for (size_t k = 0; k < n; k += g) {
          const size_t end = k + g < n ? k + g : n;
          float partial = 0;
          for (size_t kk = k; kk < end; ++kk) partial += x[i * n + kk] * static_cast<float>(w[j * n + kk]);
          sum += partial * s[j * groups + k / g];
        }
        z[i * p + j] = static_cast<O>(sum);
      }
    }
  });
}

void mixed_mm_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  const char* op = "quantized_decomposed::mixed_mm.out";
  Tensor in, weight, scales, zp, out;
  bool has_zp = false;
  if (!kernels::check_arg_count(ctx, args, 6, op) || !kernels::tensor_arg(ctx, args, 0, op, "input", &in) ||
      !kernels::tensor_arg(ctx, args, 1, op, "weight", &weight) ||
      !kernels::tensor_arg(ctx, args, 2, op, "weight_scales", &scales) ||
      !optional_tensor_arg(ctx, args, 3, op, "weight_zero_points", &has_zp, &zp) ||
      !kernels::tensor_arg(ctx, args, 4, op, "out", &out)) {
    return;
  }
  if (!check_rank(ctx, op, "input", in, 2, 2) || !check_rank(ctx, op, "weight", weight, 2, 2) ||
      !check_rank(ctx, op, "weight_scales", scales, 1, 1) || !check_rank(ctx, op, "out", out, 2, 2)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, in.size(1) == weight.size(0), Error::InvalidArgument,
                     "%s: weight: has %d rows, input has %d columns", op, weight.size(0), in.size(1));
  EMBER_KERNEL_CHECK(ctx, scales.size(0) == weight.size(0), Error::InvalidArgument,
                     "%s: weight_scales: has %d elements, weight has %d rows", op, scales.size(0), weight.size(0));
  EMBER_KERNEL_CHECK(ctx, in.scalar_type() == scales.scalar_type() && in.scalar_type() == out.scalar_type(),
                     Error::InvalidArgument, "%s: input, weight_scales and out must share a dtype (%s, %s, %s)", op,
                     scalar_type_name(in.scalar_type()), scalar_type_name(scales.scalar_type()),
                     scalar_type_name(out.scalar_type()));
  if (!check_dtype(ctx, op, "weight", weight, ScalarType::Char) || !check_dtype(ctx, op, "input", in, ScalarType::Float) ||
      !check_no_zero_points(ctx, op, has_zp, zp, scales, in)) {
    return;
  }
  const SizesType out_sizes[] = {in.size(0), weight.size(1)};
  if (!kernels::resize_out(ctx, op, out, out_sizes)) return;
  const size_t m = static_cast<size_t>(in.size(0)), n = static_cast<size_t>(in.size(1));
  const size_t p = static_cast<size_t>(weight.size(1));
  const float* x = in.const_data_ptr<float>();
  const int8_t* w = weight.const_data_ptr<int8_t>();
  const float* s = scales.const_data_ptr<float>();
  float* z = out.mutable_data_ptr<float>();
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < p; ++j) {
      float sum = 0;
      for (size_t k = 0; k < n; ++k) sum += x[i * n + k] * static_cast<float>(w[k * p + j]) * s[k];
      z[i * p + j] = sum;
    }
  }
}

}  // namespace ember::quantized
