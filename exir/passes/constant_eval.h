// Evaluation of cheap ops whose inputs are all constant (shape and layout
// ops, casts, small integer arithmetic of shape chains): the output Values
// receive their data so later shape inference (e.g. Reshape's target shape)
// and constant folding see constants. Expects inferred output shapes.
#pragma once

#include "exir/ir/graph.h"

namespace exir {

// True when `node`'s outputs were given constant data.
bool evaluate_constant_node(Graph& graph, const Node& node);

}  // namespace exir
