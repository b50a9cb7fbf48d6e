// Lowers every IR node (ONNX ops after import and passes) to ExecuTorch
// portable / quantized_decomposed `.out` kernels that Ember registers. May add
// temporaries and derived constants (e.g. a pre-transposed Gemm weight) to
// the graph; graph outputs that are constants or inputs get a clone.
// Delegate nodes (exir/partition/xnnpack_partitioner.h) become DelegateCalls.
// Throws exir::Error naming the node when an op or attribute combination
// cannot be lowered.
#pragma once

#include <vector>

#include "exir/ir/graph.h"
#include "exir/lower/kernel_call.h"

namespace exir {

std::vector<KernelCall> lower_to_portable(Graph& graph);

}  // namespace exir
