#include "backends/xnnpack/capability/capability.h"

#include <cmath>
#include <initializer_list>

namespace ember::xnnpack {
namespace {

bool is_8bit(DataType t) { return t == DataType::QInt8 || t == DataType::QUInt8; }
int32_t qmin(DataType t) { return t == DataType::QUInt8 ? 0 : -128; }
int32_t qmax(DataType t) { return t == DataType::QUInt8 ? 255 : 127; }

}  // namespace

Error check_quant8(const Value& v, const char* role) {
  EMBER_CHECK_OR_RETURN(v.quant.scale > 0.0f && std::isfinite(v.quant.scale), Error::InvalidProgram,
                        "%s scale %g must be positive and finite", role, v.quant.scale);
  EMBER_CHECK_OR_RETURN(v.quant.zero_point >= qmin(v.type) && v.quant.zero_point <= qmax(v.type), Error::InvalidProgram,
                        "%s zero point %d outside [%d, %d]", role, v.quant.zero_point, qmin(v.type), qmax(v.type));
  return Error::Ok;
}

Error check_quant8_weighted_types(const Value& in, const Value& w, const Value& out, const Value* bias) {
  bool qs8 = in.type == DataType::QInt8 && out.type == DataType::QInt8 &&
             (w.type == DataType::QInt8 || w.type == DataType::QCInt8);
  bool qu8 = in.type == DataType::QUInt8 && out.type == DataType::QUInt8 && w.type == DataType::QUInt8;
  EMBER_CHECK_OR_RETURN(qs8 || qu8, Error::NotSupported, "datatypes input %s, filter %s, output %s are not supported",
                        data_type_name(in.type), data_type_name(w.type), data_type_name(out.type));
  EMBER_CHECK_OR_RETURN(bias == nullptr || bias->type == DataType::QInt32 || bias->type == DataType::QCInt32,
                        Error::InvalidProgram, "quantized bias must be qint32/qcint32, got %s",
                        data_type_name(bias->type));
  return Error::Ok;
}

Error check_binary(BinaryOp op, const Value& a, const Value& b, const Value& out, const OutputClamp& clamp) {
  DataType t = out.type;
  EMBER_CHECK_OR_RETURN(a.type == t && b.type == t, Error::InvalidProgram, "input types %s, %s differ from output %s",
                        data_type_name(a.type), data_type_name(b.type), data_type_name(t));
  EMBER_CHECK_OR_RETURN(a.rank <= kMaxDims && b.rank <= kMaxDims && out.rank <= kMaxDims, Error::InvalidProgram,
                        "rank above %zu", kMaxDims);
  EMBER_CHECK_OR_RETURN(clamp.min <= clamp.max, Error::InvalidProgram, "output clamp [%g, %g] is empty", clamp.min,
                        clamp.max);
  if (t == DataType::Fp32) {
    EMBER_CHECK_OR_RETURN((op != BinaryOp::Minimum && op != BinaryOp::Maximum) || clamp.is_identity(),
                          Error::NotSupported, "a fused output clamp is not supported on minimum/maximum");
    return Error::Ok;
  }
  EMBER_CHECK_OR_RETURN(is_8bit(t) && (op == BinaryOp::Add || op == BinaryOp::Subtract || op == BinaryOp::Multiply),
                        Error::NotSupported, "datatype %s is not supported for this operation", data_type_name(t));
  EMBER_TRY(check_quant8(a, "input1"));
  EMBER_TRY(check_quant8(b, "input2"));
  EMBER_TRY(check_quant8(out, "output"));
  if (op == BinaryOp::Multiply) {
    double ratio = static_cast<double>(a.quant.scale) * b.quant.scale / out.quant.scale;
    EMBER_CHECK_OR_RETURN(ratio >= std::ldexp(1.0, -16) && ratio < 256.0, Error::NotSupported,
                          "input scale product / output scale = %g is outside [2^-16, 2^8), where XNNPACK is exact",
                          ratio);
    return Error::Ok;
  }
  for (const Value* in : {&a, &b}) {
    double ratio = static_cast<double>(in->quant.scale) / out.quant.scale;
    EMBER_CHECK_OR_RETURN(ratio >= std::ldexp(1.0, -10) && ratio < 256.0, Error::NotSupported,
                          "input scale / output scale = %g is outside [2^-10, 2^8), where XNNPACK is exact", ratio);
  }
  return Error::Ok;
}

Error check_convert(const Value& in, const Value& out) {
  bool quantize = in.type == DataType::Fp32 && is_8bit(out.type);
  bool dequantize = is_8bit(in.type) && out.type == DataType::Fp32;
  bool requantize = is_8bit(in.type) && is_8bit(out.type);
  EMBER_CHECK_OR_RETURN(quantize || dequantize || requantize, Error::NotSupported,
                        "conversion %s -> %s is not supported", data_type_name(in.type), data_type_name(out.type));
  if (!quantize) EMBER_TRY(check_quant8(in, "input"));
  if (!dequantize) EMBER_TRY(check_quant8(out, "output"));
  return Error::Ok;
}

Error check_fully_connected(const Value& in, const Value& w, const Value* bias, const Value& out, bool transposed) {
  EMBER_CHECK_OR_RETURN(w.constant != nullptr && w.rank == 2, Error::NotSupported,
                        "weights must be a constant 2-D tensor (this XNNPACK has no dynamic weights)");
  size_t n = transposed ? w.dims[1] : w.dims[0];
  size_t k = transposed ? w.dims[0] : w.dims[1];
  EMBER_CHECK_OR_RETURN(n > 0 && k > 0, Error::InvalidProgram, "empty weights [%zu, %zu]", w.dims[0], w.dims[1]);
  EMBER_CHECK_OR_RETURN(bias == nullptr || (bias->constant != nullptr && bias->numel() == n), Error::NotSupported,
                        "bias must be a constant with one value per output channel");
  bool f32 = in.type == DataType::Fp32 && w.type == DataType::Fp32 && out.type == DataType::Fp32 &&
             (bias == nullptr || bias->type == DataType::Fp32);
  if (f32) return Error::Ok;
  EMBER_TRY(check_quant8_weighted_types(in, w, out, bias));
  if (w.type == DataType::QCInt8) {
    EMBER_CHECK_OR_RETURN(w.quant.channel_dim == (transposed ? 1 : 0) && w.quant.num_channel_scales == n,
                          Error::InvalidProgram, "per-channel weight scales must run along the output channels");
  } else if (w.type == DataType::QInt8) {
    EMBER_CHECK_OR_RETURN(w.quant.zero_point == 0, Error::NotSupported,
                          "qint8 weights with zero point %d (this XNNPACK ignores it: it requires symmetric weights)",
                          w.quant.zero_point);
  } else {
    EMBER_TRY(check_quant8(w, "filter"));
  }
  EMBER_TRY(check_quant8(in, "input"));
  EMBER_TRY(check_quant8(out, "output"));
  for (size_t i = 0; i < n; ++i) {
    float ws = w.is_per_channel() ? w.quant.channel_scales[i] : w.quant.scale;
    double requant = static_cast<double>(in.quant.scale) * ws / out.quant.scale;
    EMBER_CHECK_OR_RETURN(ws > 0.0f && requant > 0.0 && requant < 256.0, Error::NotSupported,
                          "requantization scale %g (channel %zu) is outside (0, 256), where XNNPACK is exact", requant,
                          i);
  }
  return Error::Ok;
}

}  // namespace ember::xnnpack
