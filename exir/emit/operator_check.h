// The emitter's guard that a program only names operators a runtime can run:
// our .pte must run on ExecuTorch and on Ember, and Ember registers
// ExecuTorch's portable, quantized and prim operators under their ExecuTorch
// names, so every emitted "name.overload" must be registered in Ember.
#pragma once

#include <vector>

#include "exir/lower/kernel_call.h"

namespace exir {

// Throws exir::Error listing every operator of `calls` (delegate calls
// aside) that Ember does not register, with the node each came from.
void check_operators_registered(const std::vector<KernelCall>& calls);

}  // namespace exir
