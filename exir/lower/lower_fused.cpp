// Lowering of the nodes the converter's passes create: QuantizedEmbedding
// (passes/quantized_embedding.h) → quantized_decomposed::embedding_byte.out,
// Gelu (passes/erf_gelu.h, or ONNX's Gelu) → aten::gelu.out.
#include "exir/lower/portable_lowerer.h"

namespace exir {
namespace lowering {

// embedding_byte.out(Tensor weight, Tensor weight_scales, Tensor? weight_zero_points,
//                    int weight_quant_min, int weight_quant_max, Tensor indices, *, Tensor(a!) out)
void PortableLowerer::quantized_embedding(const Node& n) {
  ValueId indices = in(3);
  if (val(indices).dtype != ScalarType::Long) {
    const ValueId cast = temp(val(indices).name + "_i64", ScalarType::Long, sizes(indices));
    call("aten::_to_copy", "out", {T(indices), B(false), None()}, {cast});
    indices = cast;
  }
  call("quantized_decomposed::embedding_byte", "out",
       {T(in(0)), T(in(1)), has_in(2) ? T(in(2)) : None(), I(n.attr_int("quant_min", -128)),
        I(n.attr_int("quant_max", 127)), T(indices)},
       {out()});
}

// gelu.out(Tensor self, *, str approximate='none', Tensor(a!) out)
void PortableLowerer::gelu(const Node& n) {
  Arg approximate;
  approximate.kind = Arg::Kind::String;
  approximate.s = n.attr_string("approximate", "none");
  if (approximate.s != "none" && approximate.s != "tanh") {
    fail("%s: approximate must be \"none\" or \"tanh\", not \"%s\"", source_.c_str(), approximate.s.c_str());
  }
  call("aten::gelu", "out", {T(in(0)), approximate}, {out()});
}

}  // namespace lowering
}  // namespace exir
