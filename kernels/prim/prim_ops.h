// Boxed entry points of the prim ops (internal to ember_prim_ops). Scalar ops
// take [a, b, out] or [a, out] and write an Int, Double or Bool EValue into
// the out slot, following Python's int/float semantics.
#pragma once

#include "runtime/core/evalue.h"
#include "runtime/core/span.h"
#include "runtime/kernel/kernel_runtime_context.h"

namespace ember::prim {

#define EMBER_PRIM_OP(fn) void fn(KernelRuntimeContext& ctx, Span<EValue*> args);

// Tensor ops (prim_tensor_ops.cpp).
EMBER_PRIM_OP(sym_size_int)        // aten::sym_size.int: [self, dim, out]
EMBER_PRIM_OP(sym_numel)           // aten::sym_numel: [self, out]
EMBER_PRIM_OP(local_scalar_dense)  // aten::_local_scalar_dense: [self, out]
EMBER_PRIM_OP(et_view)             // executorch_prim::et_view.default: [self, size, out]
EMBER_PRIM_OP(et_copy_index)       // executorch_prim::et_copy_index.tensor: [copy_to, copy_from, index]

// Scalar ops (prim_scalar_ops.cpp), all executorch_prim::<name>.Scalar.
EMBER_PRIM_OP(add)
EMBER_PRIM_OP(sub)
EMBER_PRIM_OP(mul)
EMBER_PRIM_OP(floordiv)
EMBER_PRIM_OP(truediv)
EMBER_PRIM_OP(mod)
EMBER_PRIM_OP(eq)
EMBER_PRIM_OP(gt)
EMBER_PRIM_OP(lt)
EMBER_PRIM_OP(ge)
EMBER_PRIM_OP(le)
EMBER_PRIM_OP(neg)
EMBER_PRIM_OP(ceil)
EMBER_PRIM_OP(round)
EMBER_PRIM_OP(trunc)
EMBER_PRIM_OP(sym_float)
EMBER_PRIM_OP(sym_int)
EMBER_PRIM_OP(sym_max)
EMBER_PRIM_OP(sym_min)
EMBER_PRIM_OP(sym_not)
EMBER_PRIM_OP(sym_ite)  // [cond, then, else, out]

#undef EMBER_PRIM_OP

}  // namespace ember::prim
