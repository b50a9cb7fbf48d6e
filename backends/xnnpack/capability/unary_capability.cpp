// Capability rules for unary, activation and softmax nodes, PReLU and the
// dynamically quantized fully connected. Limits are those of this XNNPACK's
// operators at the packaged commit (ae108ef): see capability.h.
#include <cmath>

#include "backends/xnnpack/capability/capability.h"

namespace ember::xnnpack {
namespace {

bool is_8bit(DataType t) { return t == DataType::QInt8 || t == DataType::QUInt8; }

bool xnn_has_f32(UnaryOp op) {
  switch (op) {
    case UnaryOp::Clamp:
    case UnaryOp::Sigmoid:
    case UnaryOp::Softmax:
    case UnaryOp::Elu:
    case UnaryOp::LeakyRelu:
    case UnaryOp::Hardswish:
    case UnaryOp::Abs:
    case UnaryOp::Negate:
    case UnaryOp::Floor:
    case UnaryOp::Ceiling:
    case UnaryOp::Square:
    case UnaryOp::SquareRoot:
      return true;
    default:
      return false;
  }
}

// Real bound -> quantized level with saturation (double, round half to even),
// the same mapping the 8-bit tables use.
int32_t level(float real, const Value& v) {
  int32_t lo = v.type == DataType::QUInt8 ? 0 : -128;
  int32_t hi = v.type == DataType::QUInt8 ? 255 : 127;
  double q = std::nearbyint(static_cast<double>(real) / v.quant.scale) + v.quant.zero_point;
  if (!(q > lo)) return lo;
  return q > hi ? hi : static_cast<int32_t>(q);
}

Error plan_8bit(UnaryOp op, const Value& in, const Value& out, const UnaryParams& p, UnaryPlan* plan) {
  EMBER_TRY(check_quant8(in, "input"));
  EMBER_TRY(check_quant8(out, "output"));
  bool same_type = in.type == out.type;
  // XNNPACK's 8-bit operators refuse an empty quantized output range.
  bool wide_range = level(p.clamp.min, out) < level(p.clamp.max, out);
  switch (op) {
    case UnaryOp::Softmax:
      *plan = UnaryPlan::HostSoftmax8;
      return Error::Ok;
    case UnaryOp::Clamp:
      // Equal quantization only: this XNNPACK's quint8 clamp ignores a scale
      // or zero-point change (wrong results), so any rescale is a host table.
      *plan = same_type && in.quant.scale == out.quant.scale && in.quant.zero_point == out.quant.zero_point &&
                      wide_range
                  ? UnaryPlan::XnnClamp8
                  : UnaryPlan::HostTable8;
      return Error::Ok;
    case UnaryOp::Sigmoid: {
      int32_t zero = out.type == DataType::QInt8 ? -128 : 0;
      bool fits = same_type && out.quant.scale == 0x1.0p-8f && out.quant.zero_point == zero &&
                  std::isnormal(in.quant.scale) && wide_range;
      *plan = fits ? UnaryPlan::XnnTable8 : UnaryPlan::HostTable8;
      return Error::Ok;
    }
    case UnaryOp::Elu: {
      bool fits = same_type && in.type == DataType::QInt8 && p.alpha > 0.0f && std::isnormal(p.alpha) &&
                  std::isnormal(in.quant.scale) && std::isnormal(out.quant.scale) && wide_range;
      *plan = fits ? UnaryPlan::XnnTable8 : UnaryPlan::HostTable8;
      return Error::Ok;
    }
    case UnaryOp::LeakyRelu: {
      float ratio = in.quant.scale / out.quant.scale;
      bool fits = same_type && in.type == DataType::QUInt8 && p.negative_slope > 0.0f &&
                  std::isnormal(p.negative_slope) && p.negative_slope <= 1.0f && std::isnormal(in.quant.scale) &&
                  std::isnormal(out.quant.scale) && ratio >= 0x1.0p-8f && ratio < 0x1.0p+8f && wide_range;
      *plan = fits ? UnaryPlan::XnnTable8 : UnaryPlan::HostTable8;
      return Error::Ok;
    }
    default:
      *plan = UnaryPlan::HostTable8;
      return Error::Ok;
  }
}

}  // namespace

const char* unary_op_name(UnaryOp op) {
  switch (op) {
    case UnaryOp::Clamp: return "clamp";
    case UnaryOp::Sigmoid: return "sigmoid";
    case UnaryOp::Softmax: return "softmax";
    case UnaryOp::Elu: return "elu";
    case UnaryOp::LeakyRelu: return "leaky_relu";
    case UnaryOp::Hardswish: return "hardswish";
    case UnaryOp::Abs: return "abs";
    case UnaryOp::Negate: return "negate";
    case UnaryOp::Floor: return "floor";
    case UnaryOp::Ceiling: return "ceiling";
    case UnaryOp::Square: return "square";
    case UnaryOp::SquareRoot: return "square_root";
    case UnaryOp::ReciprocalSquareRoot: return "reciprocal_square_root";
    case UnaryOp::Exp: return "exp";
    case UnaryOp::Log: return "log";
    case UnaryOp::Sin: return "sin";
    case UnaryOp::Cos: return "cos";
    case UnaryOp::Tanh: return "tanh";
    case UnaryOp::Gelu: return "gelu";
  }
  return "unknown";
}

Error plan_unary(UnaryOp op, const Value& in, const Value& out, const UnaryParams& p, UnaryPlan* plan) {
  EMBER_CHECK_OR_RETURN(in.rank == out.rank && in.rank <= kMaxDims, Error::InvalidProgram,
                        "input rank %zu and output rank %zu differ or exceed %zu", in.rank, out.rank, kMaxDims);
  EMBER_CHECK_OR_RETURN(!std::isnan(p.clamp.min) && !std::isnan(p.clamp.max) && p.clamp.min <= p.clamp.max,
                        Error::InvalidProgram, "output clamp [%g, %g] is empty", p.clamp.min, p.clamp.max);
  EMBER_CHECK_OR_RETURN(!in.is_per_channel() && !out.is_per_channel(), Error::NotSupported,
                        "per-channel quantized activations are not supported");
  if (in.type == DataType::Fp32 && out.type == DataType::Fp32) {
    bool xnn = xnn_has_f32(op);
    // XNNPACK's clamp needs min < max; its ELU a positive, normal alpha.
    if (op == UnaryOp::Clamp && !(p.clamp.min < p.clamp.max)) xnn = false;
    if (op == UnaryOp::Elu && !(p.alpha > 0.0f && std::isnormal(p.alpha))) xnn = false;
    if (op == UnaryOp::LeakyRelu && !std::isfinite(p.negative_slope)) xnn = false;
    *plan = xnn ? UnaryPlan::XnnF32 : UnaryPlan::HostF32;
    return Error::Ok;
  }
  EMBER_CHECK_OR_RETURN(is_8bit(in.type) && is_8bit(out.type), Error::NotSupported,
                        "%s with input %s and output %s is not supported (fp32, or qint8/quint8 in and out)",
                        unary_op_name(op), data_type_name(in.type), data_type_name(out.type));
  return plan_8bit(op, in, out, p, plan);
}

Error check_prelu(const Value& in, const Value& slope, const Value& out, const OutputClamp& clamp) {
  EMBER_CHECK_OR_RETURN(in.type == DataType::Fp32 && out.type == DataType::Fp32, Error::NotSupported,
                        "prelu with input %s and output %s is not supported (fp32 only)", data_type_name(in.type),
                        data_type_name(out.type));
  EMBER_CHECK_OR_RETURN(in.rank == out.rank && in.rank >= 1, Error::InvalidProgram,
                        "input rank %zu and output rank %zu differ or are 0", in.rank, out.rank);
  EMBER_CHECK_OR_RETURN(slope.type == DataType::Fp32 && slope.constant != nullptr, Error::NotSupported,
                        "the slope must be a constant fp32 tensor");
  size_t channels = in.dims[in.rank - 1];
  EMBER_CHECK_OR_RETURN(channels > 0 && (slope.numel() == channels || slope.numel() == 1), Error::InvalidProgram,
                        "slope of %zu elements for %zu channels", slope.numel(), channels);
  EMBER_CHECK_OR_RETURN(!std::isnan(clamp.min) && !std::isnan(clamp.max) && clamp.min <= clamp.max,
                        Error::InvalidProgram, "output clamp [%g, %g] is empty", clamp.min, clamp.max);
  return Error::Ok;
}

Error check_dynamic_fully_connected(const Value& in, const Value& w, const Value* bias, const Value& out,
                                    bool transposed) {
  EMBER_CHECK_OR_RETURN(in.type == DataType::Fp32 && out.type == DataType::Fp32 && w.type == DataType::QCInt8,
                        Error::NotSupported,
                        "dynamically quantized FC needs fp32 input and output with qcint8 weights (got %s, %s, %s)",
                        data_type_name(in.type), data_type_name(w.type), data_type_name(out.type));
  EMBER_CHECK_OR_RETURN(w.constant != nullptr && w.rank == 2, Error::NotSupported,
                        "weights must be a constant 2-D tensor");
  size_t n = transposed ? w.dims[1] : w.dims[0];
  size_t k = transposed ? w.dims[0] : w.dims[1];
  EMBER_CHECK_OR_RETURN(n > 0 && k > 0, Error::InvalidProgram, "empty weights [%zu, %zu]", w.dims[0], w.dims[1]);
  EMBER_CHECK_OR_RETURN(w.quant.channel_dim == (transposed ? 1 : 0) && w.quant.num_channel_scales == n,
                        Error::InvalidProgram, "per-channel weight scales must run along the %zu output channels", n);
  for (size_t i = 0; i < n; ++i) {
    EMBER_CHECK_OR_RETURN(std::isfinite(w.quant.channel_scales[i]) && w.quant.channel_scales[i] > 0.0f,
                          Error::InvalidProgram, "weight scale %zu is %g (must be positive and finite)", i,
                          w.quant.channel_scales[i]);
  }
  EMBER_CHECK_OR_RETURN(bias == nullptr || (bias->type == DataType::Fp32 && bias->constant != nullptr &&
                                            bias->numel() == n),
                        Error::NotSupported, "bias must be a constant fp32 tensor of %zu values", n);
  return Error::Ok;
}

}  // namespace ember::xnnpack
