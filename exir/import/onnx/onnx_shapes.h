// Per-op validation and shape inference for the ONNX ops exir imports. Runs
// on each node as it is imported (inputs already inferred): checks arity,
// dtypes and attributes, sets each output's dtype and static shape, resolves
// attributes that depend on shapes into explicit ones (auto_pad → pads,
// negative axes → positive, opset-dependent inputs/attributes → attributes),
// and computes the data of outputs whose inputs are all constant when the
// op is a cheap shape/layout op (see exir/passes/constant_eval.h).
// Throws exir::Error naming the node on anything unsupported.
#pragma once

#include "exir/ir/graph.h"

namespace exir {

void infer_onnx_node(Graph& graph, Node& node);

// True for the ops infer_onnx_node understands (domain "" or com.microsoft Q/DQ).
bool is_supported_onnx_op(const Node& node);

}  // namespace exir
