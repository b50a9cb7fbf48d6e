// Structural checks of an IR graph after each pass: nodes in topological
// order, every input defined (graph input, constant or an earlier node's
// output), each value defined once, every shape known and static. Throws
// exir::Error naming the node and value.
#pragma once

#include "exir/ir/graph.h"

namespace exir {

void verify_graph(const Graph& graph);

}  // namespace exir
