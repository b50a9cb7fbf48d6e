// The XNNPACK capability table: whether this build's XNNPACK (Debian's
// 2022-02 snapshot) runs a node exactly, and if not, why.
//
// One set of rules, two consumers: the backend calls these checks before it
// creates an XNNPACK operator (XNNPACK's asserts abort, and two of its paths
// silently give wrong results), and the converter's partitioner calls the
// same functions to decide what to delegate. Each check returns Error::Ok or
// NotSupported/InvalidProgram with the reason as the error message. Checks are
// pure: no XNNPACK calls, no file types, only Value descriptions.
#pragma once

#include <cstdint>
#include <limits>

#include "backends/xnnpack/runtime/xnnpack_value.h"
#include "runtime/core/error.h"

namespace ember::xnnpack {

enum class BinaryOp : uint8_t { Add, Subtract, Multiply, Divide, Minimum, Maximum };

struct OutputClamp {
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
  bool is_identity() const { return min == -std::numeric_limits<float>::infinity() && max == std::numeric_limits<float>::infinity(); }
};

// Scale and zero point XNNPACK accepts for an 8-bit value.
Error check_quant8(const Value& v, const char* role);

// The 8-bit datatypes of a weighted node (fully connected, convolution): qint8
// input and output with qint8 or qcint8 weights, or quint8 throughout; a bias,
// if any, is qint32 or qcint32. Scales and zero points are not checked here.
Error check_quant8_weighted_types(const Value& in, const Value& weights, const Value& out, const Value* bias);

// Elementwise binary with broadcasting. fp32: all six ops. 8-bit (qint8 or
// quint8, all three values the same type): add/subtract with each input scale
// / output scale in [2^-10, 2^8), multiply with in1*in2/out scale in
// [2^-16, 2^8) — the ranges in which this XNNPACK's requantization is exact.
Error check_binary(BinaryOp op, const Value& a, const Value& b, const Value& out, const OutputClamp& clamp);

// Convert: fp32 <-> qint8/quint8 on XNNPACK; 8-bit <-> 8-bit on the host.
Error check_convert(const Value& in, const Value& out);

// Fully connected y = x . W^T + b. Weights (and bias) must be constants.
// fp32; qint8 with per-tensor weights of zero point 0 (this XNNPACK ignores a
// non-zero one: wrong results) or per-channel qcint8 weights along the output
// channels (run as a 1x1 convolution); quint8. Requantization scale
// s_in * s_w / s_out must lie in (0, 256).
Error check_fully_connected(const Value& in, const Value& weights, const Value* bias, const Value& out,
                            bool transposed_weights);

}  // namespace ember::xnnpack

namespace ember::xnnpack {

// Convolution family (conv_capability.cpp). Layouts as ExecuTorch serializes
// them, activations NHWC:
// - Conv:       filter [groups * group_out, KH, KW, group_in]
// - Depthwise:  filter [1, KH, KW, groups * group_out], group_in 1, input
//               channels = groups (depth multiplier = group_out)
// - Transpose:  filter [groups * group_out, KH, KW, group_in], with
//               adjustment (output padding) below the stride
enum class ConvKind : uint8_t { Conv, Depthwise, Transpose };

struct ConvGeometry {
  uint32_t pad_top = 0, pad_right = 0, pad_bottom = 0, pad_left = 0;
  uint32_t kernel_h = 1, kernel_w = 1;
  uint32_t stride_h = 1, stride_w = 1;
  uint32_t dilation_h = 1, dilation_w = 1;
  uint32_t groups = 1, group_in = 1, group_out = 1;
  uint32_t adjust_h = 0, adjust_w = 0;
};

// fp32; qint8 input/output with qint8 weights of zero point 0 or per-channel
// qcint8 weights (not for Transpose); quint8 throughout. Filter and bias are
// constants; requantization scale s_in * s_w[c] / s_out in [2^-32, 256).
Error check_convolution(ConvKind kind, const ConvGeometry& g, const Value& in, const Value& filter, const Value* bias,
                        const Value& out, const OutputClamp& clamp);

// A fused clamp on an 8-bit output must keep at least two quantized levels
// (XNNPACK's operators refuse output_min >= output_max); on fp32, min < max.
Error check_output_clamp(const Value& out, const OutputClamp& clamp);

// Pooling family (pooling_capability.cpp).
enum class PoolKind : uint8_t { Max, Average, GlobalAverage, ArgMax };

struct PoolGeometry {
  uint32_t pad_top = 0, pad_right = 0, pad_bottom = 0, pad_left = 0;
  uint32_t pool_h = 1, pool_w = 1;
  uint32_t stride_h = 1, stride_w = 1;
  uint32_t dilation_h = 1, dilation_w = 1;
};

// Max: fp32/qint8/quint8 (8-bit input and output quantized alike). Average:
// fp32 on XNNPACK, qint8/quint8 on the backend's exact host kernel.
// GlobalAverage: fp32/qint8/quint8, 8-bit with s_in / s_out in [2^-8, 2^8).
// ArgMax: fp32 values plus int32 window-local indices, stride = pool size.
// Windows exclude padding (count_include_pad = false), so every window must
// reach the input: padding at most half the pooling size, as PyTorch requires.
Error check_pooling(PoolKind kind, const PoolGeometry& g, const Value& in, const Value& out, const Value* indices,
                    const OutputClamp& clamp);

}  // namespace ember::xnnpack

namespace ember::xnnpack {

// Unary, activation and softmax nodes (unary_capability.cpp).
enum class UnaryOp : uint8_t {
  Clamp,
  Sigmoid,
  Softmax,  // over the last (innermost physical) dim
  Elu,
  LeakyRelu,
  Hardswish,
  Abs,
  Negate,
  Floor,
  Ceiling,
  Square,
  SquareRoot,
  ReciprocalSquareRoot,
  Exp,
  Log,
  Sin,
  Cos,
  Tanh,
  Gelu,  // exact (erf) form
};

const char* unary_op_name(UnaryOp op);

struct UnaryParams {
  float alpha = 1.0f;            // Elu
  float negative_slope = 0.01f;  // LeakyRelu
  OutputClamp clamp;             // Clamp's bounds, or another node's fused output clamp
};

// Where a unary node runs. Every 8-bit plan computes, per element,
// Q(clamp(f(D(q)))) with D(q) = s_in * (q - z_in) and Q(y) = saturate(
// round_half_even(y / s_out) + z_out), evaluated in double; a NaN result
// quantizes to z_out (real 0). Lookup tables hold it for all 256 inputs.
enum class UnaryPlan : uint8_t {
  XnnF32,        // XNNPACK *_nc_f32 operator (a fused clamp, if any, is a host pass after it)
  HostF32,       // host loop in float (ops this XNNPACK lacks: rsqrt, exp, log, sin, cos, tanh, gelu)
  XnnClamp8,     // XNNPACK clamp_nc_s8/u8 on quantized bounds: same type and quantization in and out
  XnnTable8,     // XNNPACK's own lookup-table operator (sigmoid at output scale 1/256, qs8 elu, qu8
                 // leaky_relu); its table is compared with the exact host table at init and the host
                 // table runs instead when any entry differs
  HostTable8,    // exact host lookup table over the 256 inputs, built at init
  HostSoftmax8,  // host softmax over the last dim with an exp table built at init (XNNPACK has no qs8
                 // softmax, and its qu8 softmax normalizes in fixed point: not exact)
};

// fp32 in and out: every op (ELU on XNNPACK needs a positive normal alpha,
// clamp min < max; otherwise the host loop). 8-bit: qint8/quint8 in and out
// (types may differ), per-tensor, valid scale and zero point. The quint8 clamp
// with a rescale (which this XNNPACK accepts and then ignores the scales of)
// is never given to XNNPACK: only equal quantization runs XnnClamp8.
// On Ok, *plan says where the node runs.
Error plan_unary(UnaryOp op, const Value& in, const Value& out, const UnaryParams& params, UnaryPlan* plan);

// PReLU y = x >= 0 ? x : slope[c] * x along the last (channel) dim: fp32 on
// XNNPACK, slope a constant fp32 tensor of C or 1 elements. 8-bit is refused.
Error check_prelu(const Value& in, const Value& slope, const Value& out, const OutputClamp& clamp);

// Dynamically quantized fully connected (ExecuTorch's default for transformer
// linears): input fp32 (an external with dq_datatype qdint8, or a qdint8
// value), per-channel qcint8 weights along the output channels with zero
// point 0, optional fp32 bias, fp32 output. This backend runs it as an fp32
// FC on weights dequantized once at init (see fully_connected_node.cpp).
Error check_dynamic_fully_connected(const Value& in, const Value& weights, const Value* bias, const Value& out,
                                    bool transposed_weights);

}  // namespace ember::xnnpack

// Data-movement and host-math nodes.
#include "backends/xnnpack/capability/shape_capability.h"  // IWYU pragma: export
