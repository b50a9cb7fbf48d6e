// Capability rules for MaxPooling2d, AvgPooling2d, GlobalAvgPooling2d and
// ArgMaxPooling2d on Debian's XNNPACK (google/XNNPACK ae108ef, 2022-02-16).
// Sources cited by file under src/operators/; behaviour marked "measured" was
// checked against the installed libXNNPACK.so.0.
#include <cmath>

#include "backends/xnnpack/capability/capability.h"

namespace ember::xnnpack {
namespace {

bool is_8bit(DataType t) { return t == DataType::QInt8 || t == DataType::QUInt8; }

Error check_window(const PoolGeometry& g) {
  EMBER_CHECK_OR_RETURN(g.pool_h > 0 && g.pool_w > 0 && g.stride_h > 0 && g.stride_w > 0 && g.dilation_h > 0 &&
                            g.dilation_w > 0 && g.pool_h <= 4096 && g.pool_w <= 4096 && g.stride_h <= 4096 &&
                            g.stride_w <= 4096 && g.dilation_h <= 4096 && g.dilation_w <= 4096,
                        Error::InvalidProgram, "pooling size, stride and dilation must be in [1, 4096]");
  // Windows exclude padding; a window wholly inside the padding would have
  // no element (XNNPACK's max pooling would repeat an edge pixel instead).
  EMBER_CHECK_OR_RETURN(2 * g.pad_top <= g.pool_h && 2 * g.pad_bottom <= g.pool_h && 2 * g.pad_left <= g.pool_w &&
                            2 * g.pad_right <= g.pool_w,
                        Error::NotSupported, "padding %u,%u,%u,%u exceeds half the %ux%u pooling window", g.pad_top,
                        g.pad_right, g.pad_bottom, g.pad_left, g.pool_h, g.pool_w);
  return Error::Ok;
}

}  // namespace

Error check_pooling(PoolKind kind, const PoolGeometry& g, const Value& in, const Value& out, const Value* indices,
                    const OutputClamp& clamp) {
  EMBER_CHECK_OR_RETURN(in.rank == 4, Error::InvalidProgram, "input must be 4-D NHWC (rank %zu)", in.rank);
  EMBER_CHECK_OR_RETURN(in.type == out.type, Error::InvalidProgram, "input %s and output %s types differ",
                        data_type_name(in.type), data_type_name(out.type));
  EMBER_CHECK_OR_RETURN(in.type == DataType::Fp32 || is_8bit(in.type), Error::NotSupported,
                        "datatype %s is not supported", data_type_name(in.type));
  if (is_8bit(in.type)) {
    EMBER_TRY(check_quant8(in, "input"));
    EMBER_TRY(check_quant8(out, "output"));
  }
  EMBER_TRY(check_output_clamp(out, clamp));
  if (kind == PoolKind::GlobalAverage) {
    EMBER_CHECK_OR_RETURN((out.rank == 4 && out.dims[1] == 1 && out.dims[2] == 1) || out.rank == 2,
                          Error::InvalidProgram, "global pooling output must be [N, 1, 1, C] or [N, C]");
    if (is_8bit(in.type)) {
      // global-average-pooling-nwc.c (qs8/qu8 creators): unsupported_parameter
      // outside this range.
      float ratio = in.quant.scale / out.quant.scale;
      EMBER_CHECK_OR_RETURN(ratio >= std::ldexp(1.0f, -8) && ratio < 256.0f, Error::NotSupported,
                            "input scale / output scale = %g is outside [2^-8, 2^8), where XNNPACK's global average "
                            "pooling is supported",
                            ratio);
    }
    return Error::Ok;
  }
  EMBER_CHECK_OR_RETURN(out.rank == 4 && out.dims[3] == in.dims[3], Error::InvalidProgram,
                        "output must be 4-D NHWC with the input's %zu channels", in.dims[3]);
  EMBER_TRY(check_window(g));
  switch (kind) {
    case PoolKind::Max:
      // max-pooling-nhwc.c: "1x1 pooling is meaningless" (invalid_parameter;
      // measured). Stride above the pooling size is accepted here (measured).
      EMBER_CHECK_OR_RETURN(static_cast<uint64_t>(g.pool_h) * g.pool_w > 1, Error::NotSupported,
                            "1x1 max pooling is refused by this XNNPACK");
      if (is_8bit(in.type)) {
        // s8/u8 max pooling compares raw codes: both sides must share one grid.
        EMBER_CHECK_OR_RETURN(in.quant.scale == out.quant.scale && in.quant.zero_point == out.quant.zero_point,
                              Error::NotSupported, "8-bit max pooling needs equal input and output quantization");
        // Measured: this XNNPACK's s8/u8 max pooling with dilation leaves
        // the last output row wrong (fp32 is exact); refuse it.
        EMBER_CHECK_OR_RETURN(g.dilation_h == 1 && g.dilation_w == 1, Error::NotSupported,
                              "dilated 8-bit max pooling gives wrong results in this XNNPACK");
      }
      return Error::Ok;
    case PoolKind::Average:
      if (in.type == DataType::Fp32) {
        // average-pooling-nhwc.c: no dilation parameter, 1x1 refused
        // (measured). 8-bit runs on the host kernel, which has neither limit.
        EMBER_CHECK_OR_RETURN(g.dilation_h == 1 && g.dilation_w == 1, Error::NotSupported,
                              "dilated fp32 average pooling is not supported by this XNNPACK");
        EMBER_CHECK_OR_RETURN(static_cast<uint64_t>(g.pool_h) * g.pool_w > 1, Error::NotSupported,
                              "1x1 fp32 average pooling is refused by this XNNPACK");
      }
      return Error::Ok;
    case PoolKind::ArgMax:
      EMBER_CHECK_OR_RETURN(in.type == DataType::Fp32, Error::NotSupported,
                            "argmax pooling is fp32-only in this XNNPACK (argmax-pooling-nhwc.c)");
      EMBER_CHECK_OR_RETURN(indices != nullptr && indices->rank == 4 &&
                                (indices->type == DataType::Int32 || indices->type == DataType::QInt32),
                            Error::InvalidProgram, "argmax pooling needs a 4-D int32 index output");
      // argmax-pooling-nhwc.c reports the index of a window's first valid
      // element as 0 even when that element sits after padding, so indices of
      // padded windows are ambiguous: refuse padding.
      EMBER_CHECK_OR_RETURN((g.pad_top | g.pad_right | g.pad_bottom | g.pad_left) == 0, Error::NotSupported,
                            "padded argmax pooling is not supported (its window indices are ambiguous)");
      EMBER_CHECK_OR_RETURN(g.dilation_h == 1 && g.dilation_w == 1, Error::NotSupported,
                            "argmax pooling has no dilation");
      EMBER_CHECK_OR_RETURN(clamp.is_identity(), Error::NotSupported,
                            "argmax pooling has no fused output clamp in this XNNPACK");
      // argmax-pooling-nhwc.c refuses 1x1 pooling like max pooling does.
      EMBER_CHECK_OR_RETURN(static_cast<uint64_t>(g.pool_h) * g.pool_w > 1, Error::NotSupported,
                            "1x1 argmax pooling is refused by this XNNPACK");
      return Error::Ok;
    default:
      return Error::Ok;
  }
}

}  // namespace ember::xnnpack
