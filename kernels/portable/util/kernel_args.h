// Argument checking for boxed kernels.
//
// Each helper checks one argument of the instruction's value list and, when it
// is wrong, fails the context with "<op>: <argument>: <what>" and returns false,
// so a kernel writes `if (!tensor_arg(...)) return;`. Returned Tensors and
// EValue pointers borrow from the args, valid for the kernel call.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/evalue.h"
#include "runtime/core/span.h"
#include "runtime/core/tensor.h"
#include "runtime/kernel/kernel_runtime_context.h"

namespace ember::kernels {

// Exactly `expected` values, none of them null.
bool check_arg_count(KernelRuntimeContext& ctx, Span<EValue*> args, size_t expected, const char* op);
// Between `min_count` and `max_count` values (schemas that grew an argument),
// none of them null.
bool check_arg_count_between(KernelRuntimeContext& ctx, Span<EValue*> args, size_t min_count, size_t max_count,
                             const char* op);

// A Tensor (with a TensorImpl).
bool tensor_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                Tensor* out);
// An Int, Double or Bool.
bool scalar_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                const EValue** out);
bool bool_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
              bool* out);
// An int list; the ArrayRef points at the list's scratch array (valid until the
// list is read again).
bool int_list_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                  ArrayRef<int64_t>* out);

// The tensor's dtype is one of the eight real + bool dtypes.
bool check_real_or_bool(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t);

// Resizes `out` to `sizes` (rank must match); a static tensor of another
// shape or a bound too small is reported as "<op>: out: ...".
bool resize_out(KernelRuntimeContext& ctx, const char* op, const Tensor& out, ArrayRef<SizesType> sizes);

// True when the tensor's dim order is 0..n-1; otherwise fails with
// "<op>: <name>: only the contiguous dim order is supported".
bool check_contiguous(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t);

// Writes "[2, 3]" into buf (always NUL-terminated) and returns buf.
const char* format_sizes(ArrayRef<SizesType> sizes, char* buf, size_t capacity);

}  // namespace ember::kernels
