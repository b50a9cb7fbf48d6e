// Argument helpers for kernels that take dims, optional lists and tensor
// lists (shape, indexing and pooling ops), beside kernel_args.h and
// op_args.h. Same convention:
// on a bad argument they fail the context with "<op>: <argument>: <what>" and
// return false. Returned ArrayRefs borrow the instruction's values (valid for
// the kernel call; an int list's items until the list is read again).
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/array_ref.h"
#include "runtime/core/evalue.h"
#include "runtime/core/span.h"
#include "runtime/core/tensor.h"
#include "runtime/kernel/kernel_runtime_context.h"

namespace ember::kernels {

// An Int dim, wrapped against `rank` (op_args.h's int_arg + normalize_dim).
bool dim_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name, size_t rank,
             size_t* out);

// None (`*present` false) or an int list.
bool optional_int_list_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                           ArrayRef<int64_t>* out, bool* present);

// None (`*present` false) or a double list.
bool optional_double_list_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                              ArrayRef<double>* out, bool* present);

// A tensor list whose items are all tensors.
bool tensor_list_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                     ArrayRef<Tensor>* out);

// out's dtype equals `in`'s.
bool check_same_dtype(KernelRuntimeContext& ctx, const char* op, const char* out_name, const Tensor& out,
                      const Tensor& in, const char* in_name);

// A dtype with a nonzero element size (any dtype a data-movement kernel can
// copy byte-wise).
bool check_copyable(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t);

}  // namespace ember::kernels
