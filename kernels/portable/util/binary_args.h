// Argument parsing shared by the binary arithmetic kernels (add, sub, mul,
// div, rsub, pow, ...): [self, other, (alpha), (extra...), out, ret] with
// `other` a Tensor or a Scalar, ATen result_type promotion, alpha checks and
// sizing of `out`. BinaryArgs borrows the instruction's values (valid for the
// kernel call).
#pragma once

#include <cstddef>

#include "kernels/portable/util/elementwise.h"
#include "kernels/portable/util/scalar_type_util.h"
#include "runtime/core/evalue.h"
#include "runtime/core/span.h"
#include "runtime/core/tensor.h"
#include "runtime/kernel/kernel_runtime_context.h"

namespace ember::kernels {

struct BinaryArgs {
  Tensor self;
  Tensor other;
  const EValue* other_scalar = nullptr;  // set for the Scalar variants
  const EValue* alpha = nullptr;         // set when the op has alpha
  Tensor out;
  ScalarType common = ScalarType::Float;  // result_type(self, other)
};

// Reads [self, other, (alpha), extra args..., out, ret]: `extra` values sit
// between alpha and out and are left to the caller. Checks tags and dtypes
// and computes the promoted dtype of self and other.
bool parse_binary(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool scalar_other, bool has_alpha,
                  BinaryArgs* a, size_t extra = 0);

// ATen's alpha_check against a.common.
bool check_alpha(KernelRuntimeContext& ctx, const char* op, const BinaryArgs& a);

// Checks that a.common can be stored in out and sizes out (self's shape for
// a Scalar other, else the broadcast shape).
bool prepare_binary_out(KernelRuntimeContext& ctx, const char* op, const BinaryArgs& a);

// Runs `op(x, y)` in compute type CT over self and other (tensor or Scalar).
template <typename CT, typename Op>
void run_binary(const BinaryArgs& a, Op op) {
  if (a.other_scalar != nullptr) {
    const CT s = scalar_to<CT>(*a.other_scalar);
    const Tensor in[] = {a.self};
    apply_elementwise<CT>(in, a.out, [op, s](CT x) { return op(x, s); });
  } else {
    const Tensor in[] = {a.self, a.other};
    apply_elementwise<CT>(in, a.out, op);
  }
}

}  // namespace ember::kernels
