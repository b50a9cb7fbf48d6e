// Capability rules for Conv2d, DepthwiseConv2d and ConvTranspose2d on
// Debian's XNNPACK (google/XNNPACK ae108ef, 2022-02-16). Sources cited by
// file: src/operators/convolution-nhwc.c, deconvolution-nhwc.c,
// src/microparams-init.c (the requantization parameter initializers).
#include <cmath>

#include "backends/xnnpack/capability/capability.h"

namespace ember::xnnpack {
namespace {

bool is_8bit(DataType t) { return t == DataType::QInt8 || t == DataType::QUInt8; }
int32_t qmin(DataType t) { return t == DataType::QUInt8 ? 0 : -128; }
int32_t qmax(DataType t) { return t == DataType::QUInt8 ? 255 : 127; }

// Same rounding as the node's quantize_bound (node_util.h).
int32_t quantized_bound(float real, const Value& out) {
  int32_t lo = qmin(out.type), hi = qmax(out.type);
  if (std::isinf(real)) return real < 0 ? lo : hi;
  float q = std::nearbyint(real / out.quant.scale) + static_cast<float>(out.quant.zero_point);
  if (!(q > static_cast<float>(lo))) return lo;
  if (q > static_cast<float>(hi)) return hi;
  return static_cast<int32_t>(q);
}

// The fp32 requantization initializers assert scale >= 2^-32 and
// scale < 256 (microparams-init.c, xnn_init_qs8/qu8_conv_minmax_fp32_*);
// the creators return unsupported_parameter for >= 256 first
// (convolution-nhwc.c / deconvolution-nhwc.c), but nothing guards the lower
// bound, so it is checked here.
// Computed in float, in XNNPACK's order, so the boundary matches bit for bit.
Error check_requant_scale(float scale, size_t channel) {
  EMBER_CHECK_OR_RETURN(scale >= std::ldexp(1.0f, -32) && scale < 256.0f, Error::NotSupported,
                        "requantization scale s_in * s_w / s_out = %g (channel %zu) is outside [2^-32, 256), "
                        "where this XNNPACK's convolution is exact",
                        scale, channel);
  return Error::Ok;
}

}  // namespace

Error check_output_clamp(const Value& out, const OutputClamp& clamp) {
  EMBER_CHECK_OR_RETURN(!std::isnan(clamp.min) && !std::isnan(clamp.max), Error::InvalidProgram,
                        "output clamp bound is NaN");
  if (!is_8bit(out.type)) {
    EMBER_CHECK_OR_RETURN(clamp.min < clamp.max, Error::NotSupported,
                          "output clamp [%g, %g]: XNNPACK requires min < max", clamp.min, clamp.max);
    return Error::Ok;
  }
  int32_t lo = quantized_bound(clamp.min, out);
  int32_t hi = quantized_bound(clamp.max, out);
  EMBER_CHECK_OR_RETURN(lo < hi, Error::NotSupported,
                        "output clamp [%g, %g] quantizes to [%d, %d]: XNNPACK requires min < max", clamp.min,
                        clamp.max, lo, hi);
  return Error::Ok;
}

Error check_convolution(ConvKind kind, const ConvGeometry& g, const Value& in, const Value& w, const Value* bias,
                        const Value& out, const OutputClamp& clamp) {
  // Zero sizes are refused by the creators with invalid_parameter
  // (convolution-nhwc.c); refusing them here gives a better message.
  EMBER_CHECK_OR_RETURN(g.kernel_h > 0 && g.kernel_w > 0 && g.stride_h > 0 && g.stride_w > 0 && g.dilation_h > 0 &&
                            g.dilation_w > 0 && g.groups > 0 && g.group_in > 0 && g.group_out > 0,
                        Error::InvalidProgram, "kernel, stride, dilation, groups and group channels must be positive");
  // Bound the geometry so that products below cannot overflow.
  EMBER_CHECK_OR_RETURN(g.kernel_h <= 4096 && g.kernel_w <= 4096 && g.dilation_h <= 4096 && g.dilation_w <= 4096 &&
                            g.stride_h <= 4096 && g.stride_w <= 4096 && g.groups <= (1u << 20) &&
                            g.group_in <= (1u << 20) && g.group_out <= (1u << 20) &&
                            static_cast<uint64_t>(g.groups) * g.group_out <= (1u << 24) &&
                            static_cast<uint64_t>(g.groups) * g.group_in <= (1u << 24),
                        Error::InvalidProgram, "convolution geometry out of range");
  EMBER_CHECK_OR_RETURN(in.rank == 4 && out.rank == 4, Error::InvalidProgram,
                        "input and output must be 4-D NHWC (ranks %zu, %zu)", in.rank, out.rank);
  EMBER_CHECK_OR_RETURN(w.constant != nullptr && w.rank == 4, Error::NotSupported,
                        "filter must be a constant 4-D tensor (this XNNPACK has no dynamic weights)");
  size_t oc = static_cast<size_t>(g.groups) * g.group_out;
  size_t ic = static_cast<size_t>(g.groups) * g.group_in;
  if (kind == ConvKind::Depthwise) {
    // ExecuTorch emits DepthwiseConv2d exactly when group_in == 1.
    EMBER_CHECK_OR_RETURN(g.group_in == 1, Error::InvalidProgram, "depthwise group_input_channels %u must be 1",
                          g.group_in);
    EMBER_CHECK_OR_RETURN(w.dims[0] == 1 && w.dims[1] == g.kernel_h && w.dims[2] == g.kernel_w && w.dims[3] == oc,
                          Error::InvalidProgram, "depthwise filter [%zu, %zu, %zu, %zu], expected [1, %u, %u, %zu]",
                          w.dims[0], w.dims[1], w.dims[2], w.dims[3], g.kernel_h, g.kernel_w, oc);
  } else {
    EMBER_CHECK_OR_RETURN(w.dims[0] == oc && w.dims[1] == g.kernel_h && w.dims[2] == g.kernel_w &&
                              w.dims[3] == g.group_in,
                          Error::InvalidProgram, "filter [%zu, %zu, %zu, %zu], expected [%zu, %u, %u, %u]", w.dims[0],
                          w.dims[1], w.dims[2], w.dims[3], oc, g.kernel_h, g.kernel_w, g.group_in);
  }
  if (kind == ConvKind::Transpose) {
    // deconvolution-nhwc.c (setup): adjustment must be smaller than the stride.
    EMBER_CHECK_OR_RETURN(g.adjust_h < g.stride_h && g.adjust_w < g.stride_w, Error::InvalidProgram,
                          "adjustment %ux%u must be smaller than the stride %ux%u", g.adjust_h, g.adjust_w, g.stride_h,
                          g.stride_w);
  } else {
    EMBER_CHECK_OR_RETURN(g.adjust_h == 0 && g.adjust_w == 0, Error::InvalidProgram,
                          "adjustment is only valid for a transposed convolution");
  }
  EMBER_CHECK_OR_RETURN(in.dims[3] == ic && out.dims[3] == oc, Error::InvalidProgram,
                        "input/output channels %zu/%zu, the filter expects %zu/%zu", in.dims[3], out.dims[3], ic, oc);
  EMBER_CHECK_OR_RETURN(bias == nullptr || (bias->constant != nullptr && bias->numel() == oc), Error::NotSupported,
                        "bias must be a constant with one value per output channel");
  EMBER_TRY(check_output_clamp(out, clamp));

  if (in.type == DataType::Fp32) {
    EMBER_CHECK_OR_RETURN(w.type == DataType::Fp32 && out.type == DataType::Fp32 &&
                              (bias == nullptr || bias->type == DataType::Fp32),
                          Error::NotSupported, "fp32 input needs fp32 filter, bias and output");
    return Error::Ok;
  }
  EMBER_TRY(check_quant8_weighted_types(in, w, out, bias));
  EMBER_TRY(check_quant8(in, "input"));
  EMBER_TRY(check_quant8(out, "output"));
  if (w.type == DataType::QCInt8) {
    // This XNNPACK has xnn_create_convolution2d_nhwc_qc8 but no per-channel
    // deconvolution (deconvolution-nhwc.c has qs8/qu8/f32 creators only).
    EMBER_CHECK_OR_RETURN(kind != ConvKind::Transpose, Error::NotSupported,
                          "per-channel (qcint8) weights on a transposed convolution: this XNNPACK has no per-channel "
                          "deconvolution");
    int32_t channel_dim = kind == ConvKind::Depthwise ? 3 : 0;
    EMBER_CHECK_OR_RETURN(w.quant.channel_dim == channel_dim && w.quant.num_channel_scales == oc,
                          Error::InvalidProgram, "per-channel filter scales must run along dim %d (%zu channels)",
                          channel_dim, oc);
  } else if (w.type == DataType::QInt8) {
    // xnn_create_convolution2d_nhwc_qs8 / deconvolution2d_nhwc_qs8 take no
    // kernel zero point: a non-zero one would be silently ignored.
    EMBER_CHECK_OR_RETURN(w.quant.zero_point == 0, Error::NotSupported,
                          "qint8 filter zero point %d: this XNNPACK's qs8 convolution assumes 0 (it would be ignored)",
                          w.quant.zero_point);
  } else {
    EMBER_TRY(check_quant8(w, "filter"));
  }
  for (size_t c = 0; c < (w.is_per_channel() ? oc : 1); ++c) {
    float ws = w.is_per_channel() ? w.quant.channel_scales[c] : w.quant.scale;
    // convolution-nhwc.c: kernel scales must be positive normal floats.
    EMBER_CHECK_OR_RETURN(ws > 0.0f && std::isnormal(ws), Error::InvalidProgram,
                          "filter scale %g (channel %zu) must be positive and normal", ws, c);
    EMBER_TRY(check_requant_scale(in.quant.scale * ws / out.quant.scale, c));
  }
  return Error::Ok;
}

}  // namespace ember::xnnpack
