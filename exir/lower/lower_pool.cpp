// MaxPool / AveragePool → aten::max_pool2d_with_indices / avg_pool2d, with
// explicit padding where ONNX's pads go beyond what the ATen kernels accept.
#include "exir/lower/portable_lowerer.h"

namespace exir {
namespace lowering {

void PortableLowerer::pool(const Node& n) {
  Sizes pads = n.attr_ints("pads");
  const bool ceil_mode = n.attr_int("ceil_mode", 0) != 0;
  if (n.op == "MaxPool") {
    const Sizes k = n.attr_ints("kernel_shape");
    const ValueId x = window_input(in(0), &pads, -std::numeric_limits<double>::infinity(), {k[0] / 2, k[1] / 2});
    const ValueId indices = temp(val(out()).name + "_indices", ScalarType::Long, sizes(out()));
    call("aten::max_pool2d_with_indices", "out",
         {T(x), IL(n.attr_ints("kernel_shape")), IL(n.attr_ints("strides")), IL({pads[0], pads[1]}),
          IL(n.attr_ints("dilations")), B(ceil_mode)},
         {out(), indices});
    return;
  }
  const bool include_pad = n.attr_int("count_include_pad", 0) != 0;
  const bool symmetric = pads[0] == pads[2] && pads[1] == pads[3];
  if (!symmetric && !include_pad) fail("%s: asymmetric pads without count_include_pad are not supported", source_.c_str());
  const Sizes k = n.attr_ints("kernel_shape");
  if (!include_pad && (pads[0] > k[0] / 2 || pads[1] > k[1] / 2)) {
    fail("%s: pads above half the kernel without count_include_pad are not supported", source_.c_str());
  }
  const ValueId x = window_input(in(0), &pads, 0.0, {k[0] / 2, k[1] / 2});
  call("aten::avg_pool2d", "out",
       {T(x), IL(n.attr_ints("kernel_shape")), IL(n.attr_ints("strides")), IL({pads[0], pads[1]}), B(ceil_mode),
        B(include_pad), None()},
       {out()});
}

}  // namespace lowering
}  // namespace exir
