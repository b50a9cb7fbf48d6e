// Exact-GELU fusion: the Erf subgraph exporters write for GELU,
//   x * 0.5 * (1 + Erf(x / sqrt 2))   (x / sqrt 2 also as x * (1 / sqrt 2);
//   the three factors multiplied in any order and association),
// becomes one ONNX Gelu node (approximate = "none"), lowered to
// aten::gelu.out: one kernel instead of five, and one rounding instead of
// five in float32. Intermediate values must have no other readers.
#pragma once

#include "exir/ir/graph.h"

namespace exir {

// Returns the number of subgraphs fused.
int fuse_erf_gelu(Graph& g);

}  // namespace exir
