// Registration of the prim ops: the scalar and shape operators ExecuTorch
// programs use for symbolic shapes (aten::sym_size.int, aten::sym_numel,
// aten::_local_scalar_dense, executorch_prim::*.Scalar, et_view, et_copy_index).
//
// Registration is explicit: call it once before loading programs (again is a
// no-op). The registry keeps pointers to the library's static kernel table.
#pragma once

#include "runtime/core/error.h"
#include "runtime/kernel/kernel_registry.h"

namespace ember {

// Adds every prim op to `registry`. Fails (adding none) when the registry is
// full or holds a different kernel under one of the same names.
Error register_prim_ops(KernelRegistry& registry = KernelRegistry::global());

}  // namespace ember
