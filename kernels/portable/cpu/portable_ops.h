// Boxed entry points of the portable kernels (internal to the library; hosts
// reach them through register_portable_kernels). Each takes the instruction's
// values in ExecuTorch order: inputs in schema order, then `out`, then the
// return value (the same EValue as `out`).
#pragma once

#include "runtime/core/evalue.h"
#include "runtime/core/span.h"
#include "runtime/kernel/kernel_runtime_context.h"

namespace ember::portable {

#define EMBER_PORTABLE_OP(fn) void fn(KernelRuntimeContext& ctx, Span<EValue*> args);

EMBER_PORTABLE_OP(add_out)          // aten::add.out: [self, other, alpha, out, ret]
EMBER_PORTABLE_OP(add_scalar_out)   // aten::add.Scalar_out: [self, other, alpha, out, ret]
EMBER_PORTABLE_OP(sub_out)          // aten::sub.out: [self, other, alpha, out, ret]
EMBER_PORTABLE_OP(sub_scalar_out)   // aten::sub.Scalar_out: [self, other, alpha, out, ret]
EMBER_PORTABLE_OP(mul_out)          // aten::mul.out: [self, other, out, ret]
EMBER_PORTABLE_OP(mul_scalar_out)   // aten::mul.Scalar_out: [self, other, out, ret]
EMBER_PORTABLE_OP(div_out)          // aten::div.out: [self, other, out, ret]
EMBER_PORTABLE_OP(div_scalar_out)   // aten::div.Scalar_out: [self, other, out, ret]
EMBER_PORTABLE_OP(relu_out)         // aten::relu.out: [self, out, ret]
EMBER_PORTABLE_OP(clone_out)        // aten::clone.out: [self, memory_format, out, ret]
EMBER_PORTABLE_OP(to_copy_out)      // aten::_to_copy.out: [self, non_blocking, memory_format, out, ret]
EMBER_PORTABLE_OP(to_dim_order_copy_out)  // dim_order_ops::_to_dim_order_copy.out: [self, non_blocking, dim_order, out, ret]
EMBER_PORTABLE_OP(clone_dim_order_out)    // dim_order_ops::_clone_dim_order.out: [self, non_blocking, dim_order, out, ret]
EMBER_PORTABLE_OP(view_copy_out)    // aten::view_copy.out: [self, size, out, ret]

#undef EMBER_PORTABLE_OP

}  // namespace ember::portable
