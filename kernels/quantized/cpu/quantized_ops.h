// Boxed entry points of the quantized kernels (internal to the library; hosts
// reach them through register_quantized_kernels). Each takes the
// instruction's values in ExecuTorch order: inputs in schema order, then the
// out tensor(s), then the return value(s) (the same EValues as the outs).
#pragma once

#include "runtime/core/evalue.h"
#include "runtime/core/span.h"
#include "runtime/kernel/kernel_runtime_context.h"

namespace ember::quantized {

#define EMBER_QUANTIZED_OP(fn) void fn(KernelRuntimeContext& ctx, Span<EValue*> args);

// [input, scale, zero_point, quant_min, quant_max, dtype, out, ret]
EMBER_QUANTIZED_OP(quantize_per_tensor_out)
// [input, scale(Double[1]), zero_point(Long[1]), quant_min, quant_max, dtype, out, ret]
EMBER_QUANTIZED_OP(quantize_per_tensor_tensor_out)
// [input, scales(Double), zero_points(Long), axis, quant_min, quant_max, dtype, out, ret]
EMBER_QUANTIZED_OP(quantize_per_channel_out)
// [input, scales(Double), zero_points(Long), quant_min, quant_max, dtype, out, ret]
EMBER_QUANTIZED_OP(quantize_per_token_out)
// [input, scale, zero_point, quant_min, quant_max, dtype, (out_dtype), out, ret]
EMBER_QUANTIZED_OP(dequantize_per_tensor_out)
// [input, scale(Double[1]), zero_point(Long[1]), quant_min, quant_max, dtype, (out_dtype), out, ret]
EMBER_QUANTIZED_OP(dequantize_per_tensor_tensor_out)
// [input, scales, zero_points?, axis, quant_min, quant_max, dtype, (out_dtype), out, ret]
EMBER_QUANTIZED_OP(dequantize_per_channel_out)
// [input, scales, zero_points, quant_min, quant_max, dtype, output_dtype, out, ret]
EMBER_QUANTIZED_OP(dequantize_per_token_out)
// [input, quant_min, quant_max, eps, dtype, scale_out, zero_point_out, ret0, ret1]
EMBER_QUANTIZED_OP(choose_qparams_tensor_out)
// [input, dtype, scale_out, zero_point_out, ret0, ret1]
EMBER_QUANTIZED_OP(choose_qparams_per_token_asymmetric_out)
// [weight, weight_scales, weight_zero_points?, quant_min, quant_max, indices, out, ret]
EMBER_QUANTIZED_OP(embedding_byte_out)
EMBER_QUANTIZED_OP(embedding_4bit_out)
EMBER_QUANTIZED_OP(embedding_2bit_out)
// [weight, weight_scales, weight_zero_points?, quant_min, quant_max, indices, dtype?, out, ret]
EMBER_QUANTIZED_OP(embedding_byte_dtype_out)
EMBER_QUANTIZED_OP(embedding_4bit_dtype_out)
EMBER_QUANTIZED_OP(embedding_2bit_dtype_out)
// [input, weight, weight_scales, weight_zero_points?, dtype?, out, ret]
EMBER_QUANTIZED_OP(mixed_linear_out)
// [input, weight, weight_scales, weight_zero_points?, out, ret]
EMBER_QUANTIZED_OP(mixed_mm_out)
// [a, a_scale, a_zp, a_qmin, a_qmax, b, b_scale, b_zp, b_qmin, b_qmax,
//  out_scale, out_zp, out_qmin, out_qmax, out, ret]
EMBER_QUANTIZED_OP(add_out)

#undef EMBER_QUANTIZED_OP

}  // namespace ember::quantized
