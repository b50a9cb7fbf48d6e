// Registration of the portable kernel library (ATen `.out` ops and the
// dim_order_ops copies, ExecuTorch names and semantics).
//
// Registration is explicit: call it once before loading programs (calling it
// again is a no-op). The registry keeps pointers to the library's static
// kernel table and name strings, which live as long as the process.
#pragma once

#include "runtime/core/error.h"
#include "runtime/kernel/kernel_registry.h"

namespace ember {

// Adds every portable kernel to `registry`. Fails (adding none) when the
// registry is full or holds a different kernel under one of the same names.
Error register_portable_kernels(KernelRegistry& registry = KernelRegistry::global());

}  // namespace ember
