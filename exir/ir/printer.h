// Text form of the IR for `exir convert --dump-ir`: one line per input,
// output and node, with dtypes, shapes, quant params and constant sizes.
#pragma once

#include <string>

#include "exir/ir/graph.h"

namespace exir {

std::string print_graph(const Graph& graph);

}  // namespace exir
