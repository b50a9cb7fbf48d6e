// Elementwise ops that need more than one portable kernel or a dtype-aware
// choice of scalars: LeakyRelu, HardSwish (ExecuTorch's portable library has
// no hardswish kernel), Clip (integer bounds, or no bounds at all) and
// integer Div (ONNX truncates).
#include "exir/lower/portable_lowerer.h"

namespace exir {
namespace lowering {

void PortableLowerer::activation(const Node& n) {
  const ScalarType t = val(out()).dtype;
  const Sizes s = sizes(out());
  if (n.op == "LeakyRelu") {
    return call("aten::leaky_relu", "out", {T(in(0)), D(n.attr_float("alpha", 0.01f))}, {out()});
  }
  if (n.op == "HardSwish") {
    // x * max(0, min(1, x/6 + 1/2)) written as x * hardtanh(x + 3, 0, 6) / 6.
    const ValueId shifted = temp(val(out()).name + "_plus3", t, s);
    call("aten::add", "Scalar_out", {T(in(0)), D(3.0), I(1)}, {shifted});
    const ValueId gate = temp(val(out()).name + "_gate", t, s);
    call("aten::hardtanh", "out", {T(shifted), D(0.0), D(6.0)}, {gate});
    const ValueId prod = temp(val(out()).name + "_prod", t, s);
    call("aten::mul", "out", {T(in(0)), T(gate)}, {prod});
    return call("aten::div", "Scalar_out", {T(prod), D(6.0)}, {out()});
  }
  if (n.op == "Clip") {
    if (!n.has("min") && !n.has("max")) return call("aten::clone", "out", {T(in(0)), None()}, {out()});
    // Integer tensors take integer bounds: a Double scalar would promote the
    // result to Float in ATen's type rules.
    const bool integral = t != ScalarType::Float && t != ScalarType::Double;
    auto bound = [&](const char* key) {
      if (!n.has(key)) return None();
      const double v = n.attr_float(key, 0);
      return integral ? I(static_cast<int64_t>(v)) : D(v);
    };
    return call("aten::clamp", "out", {T(in(0)), bound("min"), bound("max")}, {out()});
  }
  if (n.op == "Div") return call("aten::div", "out_mode", {T(in(0)), T(in(1)), S("trunc")}, {out()});
  fail("%s: no activation lowering for %s", source_.c_str(), n.op.c_str());
}

}  // namespace lowering
}  // namespace exir
