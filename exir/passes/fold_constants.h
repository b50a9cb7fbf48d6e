// Constant folding: removes nodes whose outputs all hold constant data
// (evaluated at import, see constant_eval.h), then nodes and constants no
// graph output depends on. Returns the number of nodes removed.
#pragma once

#include "exir/ir/graph.h"

namespace exir {

int fold_constants(Graph& graph);

}  // namespace exir
