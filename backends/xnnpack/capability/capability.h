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

// Data-movement and host-math nodes.
#include "backends/xnnpack/capability/shape_capability.h"  // IWYU pragma: export
