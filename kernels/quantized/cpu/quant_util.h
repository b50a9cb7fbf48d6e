// Shared pieces of the quantized kernels: the quantized integer dtypes and
// their ranges, ExecuTorch's exact quantize/dequantize arithmetic, and
// argument readers for the int/float/dtype/optional arguments of the
// `quantized_decomposed::` schemas. Argument readers fail the context with
// "<op>: <argument>: <what>" and return false; returned Tensors borrow from
// the args, valid for the kernel call.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/op_args.h"
#include "kernels/portable/util/scalar_type_util.h"
#include "runtime/core/evalue.h"
#include "runtime/core/span.h"
#include "runtime/core/tensor.h"
#include "runtime/kernel/kernel_runtime_context.h"

namespace ember::quantized {

using kernels::check_arg_count_between;
using kernels::check_dtype;
using kernels::int_arg;
using kernels::optional_tensor_arg;
using kernels::TypeTag;

// Calls f(TypeTag<T>{}) for the storage type of a quantized integer dtype:
// Byte, Char, Short, Int, and Bits16/UInt16 (both uint16). False otherwise.
template <typename F>
bool dispatch_quant_int(ScalarType t, F&& f) {
  switch (t) {
    case ScalarType::Byte: f(TypeTag<uint8_t>{}); return true;
    case ScalarType::Char: f(TypeTag<int8_t>{}); return true;
    case ScalarType::Short: f(TypeTag<int16_t>{}); return true;
    case ScalarType::Int: f(TypeTag<int32_t>{}); return true;
    case ScalarType::Bits16:
    case ScalarType::UInt16: f(TypeTag<uint16_t>{}); return true;
    default: return false;
  }
}

// The representable range of a quantized integer dtype; false for others.
bool quant_dtype_range(ScalarType t, int64_t* lo, int64_t* hi);

// Float-side dtypes these kernels compute with (no Half/BFloat16 here).
template <typename F>
bool dispatch_float(ScalarType t, F&& f) {
  return kernels::dispatch_floating(t, static_cast<F&&>(f));
}

// float -> int64 with saturation; NaN gives INT64_MIN, so it clamps to
// quant_min (what ExecuTorch's undefined conversion yields on x86).
inline int64_t saturate_to_int64(float v) {
  if (!(v > -9.2e18f)) return INT64_MIN;
  if (v >= 9.2e18f) return INT64_MAX;
  return static_cast<int64_t>(v);
}

// ExecuTorch's quantize_val: q = clamp(zp + nearbyint(x * inv_scale)) with
// inv_scale = 1.0f / (float)scale, the product rounded to float, ties to
// even, and the zero point added in float (ExecuTorch's int32 + float
// expression).
template <typename Q, typename V>
inline Q quantize_val(float inv_scale, int32_t zero_point, V value, int64_t quant_min, int64_t quant_max) {
  const float rounded = std::nearbyint(static_cast<float>(inv_scale * value));
  int64_t q = saturate_to_int64(static_cast<float>(zero_point) + rounded);
  q = q < quant_min ? quant_min : q;
  q = q > quant_max ? quant_max : q;
  return static_cast<Q>(q);
}

inline float inverse_scale(double scale) { return 1.0f / static_cast<float>(scale); }

// ExecuTorch's dequantize: (q - (int32)zp) * (float)scale in float, then
// converted to the output type. The difference is taken in int64 so an Int
// input never overflows (ExecuTorch's int32 difference agrees wherever it
// does not overflow).
template <typename Out, typename Q>
inline Out dequantize_val(Q q, int32_t zero_point, float scale) {
  return static_cast<Out>(static_cast<float>(static_cast<int64_t>(q) - zero_point) * scale);
}

// --- argument readers ---

// An Int naming any valid ScalarType (quantized ops name Bits16/UInt16 too,
// which kernels::optional_dtype_arg refuses).
bool dtype_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
               ScalarType* out);
// None, or an Int naming a valid ScalarType.
bool optional_dtype_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                        bool* has_value, ScalarType* out);

// The per-tensor scale and zero point at args[1] and args[2]: a Double (or
// Int) and an Int, or with `tensor_params` (the .Tensor overloads) one-element
// Double and Long tensors.
bool per_tensor_qparams(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool tensor_params,
                        double* scale, int64_t* zero_point);

// quant_min and quant_max lie inside `dtype`'s range (which must be a
// quantized integer dtype); the failure names the bound.
bool check_quant_range(KernelRuntimeContext& ctx, const char* op, ScalarType dtype, int64_t quant_min,
                       int64_t quant_max);
// `a` and `b` have the same dim order (element-wise kernels then walk memory).
bool check_same_dim_order(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& a,
                          const Tensor& b);
// Normalizes `axis` (negative counts from the end) for a tensor of rank `dim` >= 1.
bool normalize_axis(KernelRuntimeContext& ctx, const char* op, int64_t axis, size_t dim, size_t* out);

// Product of sizes[begin, end) (1 for an empty range). Tensor sizes are
// validated when tensors are made, so this cannot overflow size_t.
size_t product(ArrayRef<SizesType> sizes, size_t begin, size_t end);

}  // namespace ember::quantized

// In a bool-returning checker: if `cond` is false, fail the context with
// InvalidArgument and a message, and return false.
#define EMBER_QUANT_CHECK(ctx, cond, ...)                    \
  do {                                                      \
    if (__builtin_expect(!(cond), 0)) {                     \
      (ctx).fail(::ember::Error::InvalidArgument, __VA_ARGS__); \
      return false;                                         \
    }                                                       \
  } while (0)
