// quantized_decomposed::choose_qparams.Tensor_out and
// choose_qparams_per_token_asymmetric.out: fbgemm-style asymmetric qparams.
#include <algorithm>
#include <cinttypes>
#include <cmath>

#include "kernels/portable/util/kernel_args.h"
#include "kernels/quantized/cpu/quant_util.h"
#include "kernels/quantized/cpu/quantized_ops.h"

namespace ember::quantized {
namespace {

// Scales below this are raised to it (fp16-representable lower bound).
constexpr float kSmallScaleThreshold = 6.1e-5f;

struct QParams {
  double scale = 0;
  int32_t zero_point = 0;
};

// Minimum and maximum of n >= 1 floats, scanning left to right with `<` as
// std::min_element / std::max_element do (so NaN placement behaves the same).
void min_max(const float* x, size_t n, float* lo, float* hi) {
  float mn = x[0];
  float mx = x[0];
  for (size_t i = 1; i < n; ++i) {
    if (x[i] < mn) mn = x[i];
    if (mx < x[i]) mx = x[i];
  }
  *lo = mn;
  *hi = mx;
}

// ExecuTorch's calculate_scale_and_zero_point. Returns false when the range
// gives no positive scale (NaN input), where ExecuTorch aborts.
bool calculate(float min, float max, int32_t qmin, int32_t qmax, QParams* out) {
  // The range must contain 0 so that 0 is exactly representable.
  min = std::min(min, 0.f);
  max = std::max(max, 0.f);
  // Double intermediate, as fbgemm; the float checks mirror its use of float.
  double scale = (static_cast<double>(max) - min) / (qmax - qmin);
  if (static_cast<float>(scale) == 0.0f || std::isinf(1.0f / static_cast<float>(scale))) scale = 0.1;
  if (!(scale > 0)) return false;
  if (scale < kSmallScaleThreshold) {
    const float org_scale = static_cast<float>(scale);
    scale = kSmallScaleThreshold;
    if (min == 0.0f) {
      max = kSmallScaleThreshold * (qmax - qmin);
    } else if (max == 0.0f) {
      min = -kSmallScaleThreshold * (qmax - qmin);
    } else {
      const float amplifier = kSmallScaleThreshold / org_scale;
      min *= amplifier;
      max *= amplifier;
    }
  }
  // Pick the zero point from whichever end adds the smaller terms (smaller
  // rounding error), then nudge it to an integer inside [qmin, qmax].
  const double zp_from_min = qmin - min / scale;
  const double zp_from_max = qmax - max / scale;
  const double zp_from_min_error = std::abs(qmin) - std::abs(min / scale);
  const double zp_from_max_error = std::abs(qmax) - std::abs(max / scale);
  const double initial = zp_from_min_error < zp_from_max_error ? zp_from_min : zp_from_max;
  int32_t nudged = 0;
  if (initial < qmin) {
    nudged = qmin;
  } else if (initial > qmax) {
    nudged = qmax;
  } else {
    nudged = static_cast<int32_t>(std::nearbyint(static_cast<float>(initial)));
  }
  out->scale = scale;
  out->zero_point = nudged;
  return true;
}

bool check_outs(KernelRuntimeContext& ctx, const char* op, const Tensor& input, const Tensor& scale_out,
                const Tensor& zero_point_out) {
  return check_dtype(ctx, op, "input", input, ScalarType::Float) &&
         check_dtype(ctx, op, "scale_out", scale_out, ScalarType::Double) &&
         check_dtype(ctx, op, "zero_point_out", zero_point_out, ScalarType::Long);
}

}  // namespace

void choose_qparams_tensor_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  const char* op = "quantized_decomposed::choose_qparams.Tensor_out";
  Tensor input, scale_out, zero_point_out;
  int64_t quant_min = 0, quant_max = 0;
  double eps = 0;
  ScalarType dtype = ScalarType::Byte;
  if (!kernels::check_arg_count(ctx, args, 9, op) || !kernels::tensor_arg(ctx, args, 0, op, "input", &input) ||
      !int_arg(ctx, args, 1, op, "quant_min", &quant_min) || !int_arg(ctx, args, 2, op, "quant_max", &quant_max) ||
      !kernels::double_arg(ctx, args, 3, op, "eps", &eps) || !dtype_arg(ctx, args, 4, op, "dtype", &dtype) ||
      !kernels::tensor_arg(ctx, args, 5, op, "scale_out", &scale_out) ||
      !kernels::tensor_arg(ctx, args, 6, op, "zero_point_out", &zero_point_out)) {
    return;
  }
  // ExecuTorch ignores eps and dtype (the range comes from quant_min/max).
  EMBER_KERNEL_CHECK(ctx, quant_min < quant_max, Error::InvalidArgument,
                     "%s: quant_min: %" PRId64 " must be less than quant_max %" PRId64, op, quant_min, quant_max);
  EMBER_KERNEL_CHECK(ctx, quant_min >= INT32_MIN && quant_max <= INT32_MAX, Error::InvalidArgument,
                     "%s: quant_min/quant_max: must fit in int32", op);
  if (!check_outs(ctx, op, input, scale_out, zero_point_out)) return;
  EMBER_KERNEL_CHECK(ctx, scale_out.numel() == 1, Error::InvalidArgument,
                     "%s: scale_out: expected one element, got %zu", op, scale_out.numel());
  EMBER_KERNEL_CHECK(ctx, zero_point_out.numel() == 1, Error::InvalidArgument,
                     "%s: zero_point_out: expected one element, got %zu", op, zero_point_out.numel());
  EMBER_KERNEL_CHECK(ctx, input.numel() > 0, Error::InvalidArgument, "%s: input: is empty (no range to measure)", op);
  float lo = 0, hi = 0;
  min_max(input.const_data_ptr<float>(), input.numel(), &lo, &hi);
  QParams q;
  EMBER_KERNEL_CHECK(ctx, calculate(lo, hi, static_cast<int32_t>(quant_min), static_cast<int32_t>(quant_max), &q),
                     Error::InvalidArgument, "%s: input: range [%g, %g] gives no positive scale", op, lo, hi);
  scale_out.mutable_data_ptr<double>()[0] = q.scale;
  zero_point_out.mutable_data_ptr<int64_t>()[0] = q.zero_point;
}

void choose_qparams_per_token_asymmetric_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  const char* op = "quantized_decomposed::choose_qparams_per_token_asymmetric.out";
  Tensor input, scale_out, zero_point_out;
  ScalarType dtype = ScalarType::Char;
  if (!kernels::check_arg_count(ctx, args, 6, op) || !kernels::tensor_arg(ctx, args, 0, op, "input", &input) ||
      !dtype_arg(ctx, args, 1, op, "dtype", &dtype) ||
      !kernels::tensor_arg(ctx, args, 2, op, "scale_out", &scale_out) ||
      !kernels::tensor_arg(ctx, args, 3, op, "zero_point_out", &zero_point_out)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, input.dim() >= 1, Error::InvalidArgument, "%s: input: must have at least one dimension", op);
  if (!check_outs(ctx, op, input, scale_out, zero_point_out)) return;
  // One (scale, zero point) per token: the outs are input's shape with the
  // last dim 1.
  SizesType sizes[kTensorDimensionLimit];
  const size_t dim = input.dim();
  for (size_t d = 0; d + 1 < dim; ++d) sizes[d] = input.size(d);
  sizes[dim - 1] = 1;
  const ArrayRef<SizesType> out_sizes(sizes, dim);
  char want[192];
  kernels::format_sizes(out_sizes, want, sizeof(want));
  EMBER_KERNEL_CHECK(ctx, scale_out.impl()->resize(out_sizes) == Error::Ok, Error::InvalidArgument,
                     "%s: scale_out: cannot resize to %s: %s", op, want, error_message());
  EMBER_KERNEL_CHECK(ctx, zero_point_out.impl()->resize(out_sizes) == Error::Ok, Error::InvalidArgument,
                     "%s: zero_point_out: cannot resize to %s: %s", op, want, error_message());
  const size_t tokens = product(input.sizes(), 0, dim - 1);
  const size_t token_size = static_cast<size_t>(input.size(dim - 1));
  EMBER_KERNEL_CHECK(ctx, tokens == 0 || token_size > 0, Error::InvalidArgument,
                     "%s: input: tokens are empty (last dim 0), no range to measure", op);
  // ExecuTorch always uses the int8 range here, whatever `dtype` says.
  constexpr int32_t kQmin = -128;
  constexpr int32_t kQmax = 127;
  const float* x = input.const_data_ptr<float>();
  double* scales = scale_out.mutable_data_ptr<double>();
  int64_t* zero_points = zero_point_out.mutable_data_ptr<int64_t>();
  for (size_t t = 0; t < tokens; ++t) {
    float lo = 0, hi = 0;
    min_max(x + t * token_size, token_size, &lo, &hi);
    QParams q;
    EMBER_KERNEL_CHECK(ctx, calculate(lo, hi, kQmin, kQmax, &q), Error::InvalidArgument,
                       "%s: input: token %zu's range [%g, %g] gives no positive scale", op, t, lo, hi);
    scales[t] = q.scale;
    zero_points[t] = q.zero_point;
  }
}

}  // namespace ember::quantized
