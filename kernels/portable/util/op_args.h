// More argument checks for boxed kernels (see kernel_args.h for the common
// ones): Int, float, string, optional dtype and optional tensor arguments,
// dims, and Scalars that must fit a dtype. Each fails the context with
// "<op>: <argument>: <what>" and returns false. Returned Tensors and strings
// borrow from the args, valid for the kernel call.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/array_ref.h"
#include "runtime/core/evalue.h"
#include "runtime/core/span.h"
#include "runtime/core/tensor.h"
#include "runtime/kernel/kernel_runtime_context.h"

namespace ember::kernels {

bool int_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name, int64_t* out);
// A float argument: a Double (or an Int, as some exporters write whole numbers).
bool double_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name, double* out);
bool string_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                ArrayRef<char>* out);
// True when `s` holds exactly the characters of `text`.
bool string_equals(ArrayRef<char> s, const char* text);
// ScalarType? : None (present = false) or an Int naming a real or bool dtype.
bool optional_dtype_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                        bool* present, ScalarType* out);
// Tensor? : None (present = false) or a Tensor.
bool optional_tensor_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                         bool* present, Tensor* out);

// ATen's dim wrapping: dim in [-rank, rank) (a 0-dim tensor takes -1 and 0)
// becomes 0..rank-1 (0 for rank 0).
bool normalize_dim(KernelRuntimeContext& ctx, const char* op, const char* name, int64_t dim, size_t rank, size_t* out);

// The Scalar's value is representable in `type` (integers in range, finite
// values in range for Float); ATen refuses such conversions too.
bool check_scalar_fits(KernelRuntimeContext& ctx, const char* op, const char* name, const EValue& scalar,
                       ScalarType type);

// `t` has dtype `type`.
bool check_dtype(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t, ScalarType type);
// `t` is Float or Double.
bool check_floating(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t);

}  // namespace ember::kernels
