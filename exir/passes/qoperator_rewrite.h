// QOperator format → QDQ format: each QLinearConv / QLinearMatMul (ai.onnx)
// and com.microsoft QLinearAdd / QLinearMul / QLinearSigmoid /
// QLinearLeakyRelu / QLinearGlobalAveragePool / QLinearAveragePool /
// QLinearConcat becomes DequantizeLinear per quantized input → the float op
// → QuantizeLinear, with the same scales and zero points, so the QDQ path
// (prepare_qdq, quant units, the XNNPACK partitioner, the portable Q/DQ
// kernels) handles them. QLinearConv's int32 bias becomes a per-channel
// DequantizeLinear (axis 0, scale x_scale * w_scale[c], zero point 0).
//
// Runs on an imported graph (the shape rules have recorded QuantParams on
// the QLinear ops' inputs and outputs); MatMulInteger / ConvInteger are left
// alone (lowered to int32 kernels). Edits the graph in place.
#pragma once

#include "exir/ir/graph.h"

namespace exir {

// Returns the number of QLinear nodes rewritten.
int rewrite_qoperators(Graph& g);

}  // namespace exir
