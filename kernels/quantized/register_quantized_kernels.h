// Registration of the quantized kernel library: the `quantized_decomposed::`
// ops with ExecuTorch names and semantics (kernels/quantized/quantized.yaml),
// except that bad arguments fail the kernel through its context instead of
// aborting.
//
// Registration is explicit: call it once before loading programs (calling it
// again is a no-op). The registry keeps pointers to the library's static
// kernel table and name strings, which live as long as the process.
#pragma once

#include "runtime/core/error.h"
#include "runtime/kernel/kernel_registry.h"

namespace ember {

// Adds every quantized kernel to `registry`. Fails (adding none) when the
// registry is full or holds a different kernel under one of the same names.
Error register_quantized_kernels(KernelRegistry& registry = KernelRegistry::global());

}  // namespace ember
