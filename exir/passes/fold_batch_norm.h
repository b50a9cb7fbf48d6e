// BatchNormalization folding: an inference BatchNormalization whose input is
// a Conv with constant float weights (and optional constant bias) that
// nothing else reads is folded into that conv:
//   k[c] = scale[c] / sqrt(var[c] + epsilon)
//   W'[c] = W[c] * k[c],  b'[c] = (b[c] - mean[c]) * k[c] + B[c]
// computed in double, stored as float. The conv takes the BN's output value;
// the BN node is removed (a bias input is added when the conv had none).
#pragma once

#include "exir/ir/graph.h"

namespace exir {

// Returns the number of BatchNormalization nodes folded.
int fold_conv_batch_norm(Graph& g);

}  // namespace exir
