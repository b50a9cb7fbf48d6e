// MatMulInteger / ConvInteger → int32 kernels, keeping ONNX's exact int32
// accumulation: each 8-bit operand is widened (aten::_to_copy to Int), its
// zero point subtracted (aten::sub: per tensor as a Scalar, per row /
// column / output channel as a broadcast Int constant), then aten::mm / bmm /
// convolution run in Int.
#include <algorithm>
#include <cstring>

#include "exir/lower/portable_lowerer.h"

namespace exir {
namespace lowering {

namespace {

// The zero point values of optional input i (empty when absent).
std::vector<int64_t> zero_points(const Graph& g, const Node& n, size_t i) {
  std::vector<int64_t> zps;
  if (i >= n.inputs.size() || n.inputs[i] == kNoValue) return zps;
  const Value& v = g.value(n.inputs[i]);
  for (int64_t k = 0; k < v.numel(); ++k) {
    zps.push_back(v.dtype == ScalarType::Byte ? int64_t{v.as<uint8_t>()[k]} : int64_t{v.as<int8_t>()[k]});
  }
  return zps;
}

}  // namespace

// x as int32 minus its zero points; `zp_shape` is how several zero points
// broadcast against x (e.g. [M, 1] for one per row).
ValueId PortableLowerer::widen_minus_zero_point(ValueId x, const std::vector<int64_t>& zps, const Sizes& zp_shape) {
  const Sizes s = sizes(x);
  const std::string base = val(x).name;
  const ValueId wide = temp(base + "_i32", ScalarType::Int, s);
  call("aten::_to_copy", "out", {T(x), B(false), None()}, {wide});
  bool all_zero = true;
  for (int64_t z : zps) all_zero &= z == 0;
  if (all_zero) return wide;
  const ValueId shifted = temp(base + "_minus_zp", ScalarType::Int, s);
  if (zps.size() == 1) {
    call("aten::sub", "Scalar_out", {T(wide), I(zps[0]), I(1)}, {shifted});
    return shifted;
  }
  std::vector<uint8_t> bytes(zps.size() * sizeof(int32_t));
  for (size_t k = 0; k < zps.size(); ++k) {
    const int32_t z = static_cast<int32_t>(zps[k]);
    std::memcpy(bytes.data() + k * sizeof(int32_t), &z, sizeof(int32_t));
  }
  const ValueId zp = g_.add_constant(g_.unique_name(base + "_zero_points"), ScalarType::Int, zp_shape, std::move(bytes));
  call("aten::sub", "out", {T(wide), T(zp), I(1)}, {shifted});
  return shifted;
}

void PortableLowerer::matmul_integer(const Node& n) {
  const Sizes as = sizes(in(0)), bs = sizes(in(1));
  // Per-row zero points of A broadcast as [M, 1]; per-column ones of B as [N].
  ValueId a = widen_minus_zero_point(in(0), zero_points(g_, n, 2), {as.size() >= 2 ? as[as.size() - 2] : 1, 1});
  ValueId b = widen_minus_zero_point(in(1), zero_points(g_, n, 3), {bs.back()});
  matmul_of(a, b, ScalarType::Int);
}

void PortableLowerer::conv_integer(const Node& n) {
  const Sizes ws = sizes(in(1));
  const ValueId x = widen_minus_zero_point(in(0), zero_points(g_, n, 2), {1});
  // Per-output-channel zero points of W broadcast as [M, 1, 1, 1].
  const ValueId w = widen_minus_zero_point(in(1), zero_points(g_, n, 3), {ws[0], 1, 1, 1});
  Sizes pads = n.attr_ints("pads");
  // Padding after the zero point is subtracted: ONNX pads with the zero point.
  const ValueId xp = window_input(x, &pads, 0.0);
  call("aten::convolution", "out",
       {T(xp), T(w), None(), IL(n.attr_ints("strides")), IL({pads[0], pads[1]}), IL(n.attr_ints("dilations")),
        B(false), IL({0, 0}), I(n.attr_int("group", 1))},
       {out()});
}

}  // namespace lowering
}  // namespace exir
