// Boxed entry points of the GEMM-based portable kernels (mm, bmm, addmm,
// convolution), internal to the library, and the table that registers them
// (called from register_portable_kernels). Float32 (mm, bmm, convolution also
// Int), contiguous dim order only.
#pragma once

#include <cstddef>

#include "runtime/core/error.h"
#include "runtime/core/evalue.h"
#include "runtime/core/span.h"
#include "runtime/kernel/kernel_registry.h"
#include "runtime/kernel/kernel_runtime_context.h"

namespace ember::portable {

void mm_out(KernelRuntimeContext& ctx, Span<EValue*> args);   // aten::mm.out: [self, mat2, out, ret]
void bmm_out(KernelRuntimeContext& ctx, Span<EValue*> args);  // aten::bmm.out: [self, mat2, out, ret]
void addmm_out(KernelRuntimeContext& ctx,
               Span<EValue*> args);  // aten::addmm.out: [self, mat1, mat2, beta, alpha, out, ret]
// aten::convolution.out: [input, weight, bias, stride, padding, dilation,
// transposed, output_padding, groups, out, ret]
void convolution_out(KernelRuntimeContext& ctx, Span<EValue*> args);

// Adds the kernels above (a static table that lives as long as the process;
// contiguous dim order only). Called by register_portable_kernels.
Error register_gemm_kernels(KernelRegistry& registry);

// Scratch for the GEMM packing: `bytes` from the instruction's temp memory,
// 64-byte aligned, or null (the GEMM then packs on the stack, more slowly)
// when there is no temp allocator or it is too small. Never fails the kernel.
inline void* gemm_scratch(KernelRuntimeContext& ctx, size_t bytes) {
  return bytes == 0 ? nullptr : ctx.allocate_temp(bytes, 64);
}

// These kernels compute in float32 only: fails "<op>: <name>: dtype X is not
// supported (Float only)" for any other dtype.
inline bool check_float32(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t) {
  if (t.scalar_type() != ScalarType::Float) {
    ctx.fail(Error::InvalidArgument, "%s: %s: dtype %s is not supported (Float only)", op, name,
             scalar_type_name(t.scalar_type()));
    return false;
  }
  return true;
}

// mm, bmm and convolution also compute in int32 (exact, wrapping
// accumulation, as ONNX's MatMulInteger / ConvInteger): `t` must have the
// dtype of `out`, which is Float, or Int when `allow_int`.
inline bool check_gemm_dtype(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t,
                             const Tensor& out, bool allow_int) {
  const ScalarType want = out.scalar_type();
  if (want != ScalarType::Float && !(allow_int && want == ScalarType::Int)) {
    return check_float32(ctx, op, "out", out);
  }
  if (t.scalar_type() != want) {
    ctx.fail(Error::InvalidArgument, "%s: %s: dtype %s is not supported (expected %s, like out)", op, name,
             scalar_type_name(t.scalar_type()), scalar_type_name(want));
    return false;
  }
  return true;
}

}  // namespace ember::portable
