// Boxed entry points of the portable math kernels: unary math, activations,
// comparisons and masks, fills, reductions, softmax/cumsum and
// normalizations (internal to the library; hosts reach them through
// register_portable_kernels). Arguments are the instruction's values in
// ExecuTorch order: inputs in schema order, then each out tensor, then the
// return value(s) (the same EValues as the outs).
#pragma once

#include "runtime/core/error.h"
#include "runtime/core/evalue.h"
#include "runtime/core/span.h"
#include "runtime/kernel/kernel_registry.h"
#include "runtime/kernel/kernel_runtime_context.h"

namespace ember::portable {

// Adds the kernels below to `registry` (one static table; see
// register_portable_kernels for the lifetime rules).
Error register_math_kernels(KernelRegistry& registry);

#define EMBER_MATH_OP(fn) void fn(KernelRuntimeContext& ctx, Span<EValue*> args);

// op_unary.cpp: [self, out, ret]
EMBER_MATH_OP(neg_out)
EMBER_MATH_OP(abs_out)
EMBER_MATH_OP(exp_out)
EMBER_MATH_OP(log_out)
EMBER_MATH_OP(sqrt_out)
EMBER_MATH_OP(rsqrt_out)
EMBER_MATH_OP(reciprocal_out)
EMBER_MATH_OP(erf_out)
EMBER_MATH_OP(sigmoid_out)
EMBER_MATH_OP(tanh_out)
EMBER_MATH_OP(logical_not_out)

// op_activation.cpp
EMBER_MATH_OP(hardtanh_out)    // [self, min_val, max_val, out, ret]
EMBER_MATH_OP(clamp_out)       // [self, min?, max?, out, ret]
EMBER_MATH_OP(gelu_out)        // [self, approximate, out, ret]
EMBER_MATH_OP(leaky_relu_out)  // [self, negative_slope, out, ret]
EMBER_MATH_OP(elu_out)         // [self, alpha, scale, input_scale, out, ret]

// op_binary_math.cpp
EMBER_MATH_OP(div_out_mode)           // [self, other, rounding_mode?, out, ret]
EMBER_MATH_OP(rsub_scalar_out)        // [self, other, alpha, out, ret]
EMBER_MATH_OP(pow_tensor_scalar_out)  // [self, exponent, out, ret]
EMBER_MATH_OP(pow_tensor_tensor_out)  // [self, exponent, out, ret]

// op_compare.cpp: comparisons [self, other, out, ret]
EMBER_MATH_OP(eq_scalar_out)
EMBER_MATH_OP(eq_tensor_out)
EMBER_MATH_OP(ne_scalar_out)
EMBER_MATH_OP(ne_tensor_out)
EMBER_MATH_OP(lt_scalar_out)
EMBER_MATH_OP(lt_tensor_out)
EMBER_MATH_OP(le_scalar_out)
EMBER_MATH_OP(le_tensor_out)
EMBER_MATH_OP(gt_scalar_out)
EMBER_MATH_OP(gt_tensor_out)
EMBER_MATH_OP(ge_scalar_out)
EMBER_MATH_OP(ge_tensor_out)
EMBER_MATH_OP(logical_and_out)         // [self, other, out, ret]
EMBER_MATH_OP(where_self_out)          // [condition, self, other, out, ret]
EMBER_MATH_OP(masked_fill_scalar_out)  // [self, mask, value, out, ret]

// op_fill.cpp
EMBER_MATH_OP(full_out)          // [size, fill_value, out, ret]
EMBER_MATH_OP(full_like_out)     // [self, fill_value, memory_format?, out, ret]
EMBER_MATH_OP(zeros_out)         // [size, out, ret]
EMBER_MATH_OP(ones_out)          // [size, out, ret]
EMBER_MATH_OP(arange_start_out)  // [start, end, step, out, ret]

// op_reduce.cpp
EMBER_MATH_OP(sum_intlist_out)  // [self, dim?, keepdim, dtype?, out, ret]
EMBER_MATH_OP(mean_out)         // [self, dim?, keepdim, dtype?, out, ret]
EMBER_MATH_OP(amax_out)         // [self, dim, keepdim, out, ret]
EMBER_MATH_OP(amin_out)         // [self, dim, keepdim, out, ret]
EMBER_MATH_OP(argmax_out)       // [self, dim?, keepdim, out, ret]

// op_scan.cpp
EMBER_MATH_OP(softmax_out)      // [self, dim, half_to_float, out, ret]
EMBER_MATH_OP(log_softmax_out)  // [self, dim, half_to_float, out, ret]
EMBER_MATH_OP(cumsum_out)       // [self, dim, dtype?, out, ret]

// op_norm.cpp
// [input, normalized_shape, weight?, bias?, eps, out, mean, rstd, ret x3]
EMBER_MATH_OP(native_layer_norm_out)
// [input, weight?, bias?, running_mean, running_var, momentum, eps, out, save_mean, save_invstd, ret x3]
EMBER_MATH_OP(batch_norm_no_training_out)
// [input, weight?, bias?, N, C, HxW, group, eps, out, mean, rstd, ret x3]
EMBER_MATH_OP(native_group_norm_out)

#undef EMBER_MATH_OP

}  // namespace ember::portable
