// Comparisons (eq/ne/lt/le/gt/ge, Scalar and Tensor), logical_and,
// where.self_out and masked_fill.Scalar_out. Comparisons compute in the
// promoted dtype of their operands; boolean results are stored into out's
// dtype (Bool usually, any real dtype allowed as in ATen).
#include "kernels/portable/cpu/math_ops.h"
#include "kernels/portable/util/binary_args.h"
#include "kernels/portable/util/broadcast_util.h"
#include "kernels/portable/util/elementwise.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/op_args.h"

namespace ember::portable {
namespace {

enum class Cmp { kEq, kNe, kLt, kLe, kGt, kGe };

void compare_impl(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool scalar_other, Cmp c) {
  kernels::BinaryArgs a;
  if (!kernels::parse_binary(ctx, args, op, scalar_other, false, &a)) return;
  // The result is boolean: any out dtype holds it.
  if (a.other_scalar != nullptr) {
    if (!kernels::resize_out(ctx, op, a.out, a.self.sizes())) return;
  } else {
    const kernels::NamedTensor inputs[] = {{"self", a.self}, {"other", a.other}};
    if (!kernels::resize_to_broadcast(ctx, op, inputs, a.out)) return;
  }
  kernels::dispatch_real_bool(a.common, [&](auto tag) {
    using CT = typename decltype(tag)::type;
    // One instantiation per comparison keeps the inner loop branch-free.
    switch (c) {
      case Cmp::kEq:
        kernels::run_binary<CT>(a, [](CT x, CT y) { return x == y; });
        break;
      case Cmp::kNe:
        kernels::run_binary<CT>(a, [](CT x, CT y) { return x != y; });
        break;
      case Cmp::kLt:
        kernels::run_binary<CT>(a, [](CT x, CT y) { return x < y; });
        break;
      case Cmp::kLe:
        kernels::run_binary<CT>(a, [](CT x, CT y) { return x <= y; });
        break;
      case Cmp::kGt:
        kernels::run_binary<CT>(a, [](CT x, CT y) { return x > y; });
        break;
      case Cmp::kGe:
        kernels::run_binary<CT>(a, [](CT x, CT y) { return x >= y; });
        break;
    }
  });
}

}  // namespace

#define EMBER_COMPARE_OPS(name, cmp)                                      \
  void name##_scalar_out(KernelRuntimeContext& ctx, Span<EValue*> args) { \
    compare_impl(ctx, args, "aten::" #name ".Scalar_out", true, cmp);     \
  }                                                                       \
  void name##_tensor_out(KernelRuntimeContext& ctx, Span<EValue*> args) { \
    compare_impl(ctx, args, "aten::" #name ".Tensor_out", false, cmp);    \
  }

EMBER_COMPARE_OPS(eq, Cmp::kEq)
EMBER_COMPARE_OPS(ne, Cmp::kNe)
EMBER_COMPARE_OPS(lt, Cmp::kLt)
EMBER_COMPARE_OPS(le, Cmp::kLe)
EMBER_COMPARE_OPS(gt, Cmp::kGt)
EMBER_COMPARE_OPS(ge, Cmp::kGe)

#undef EMBER_COMPARE_OPS

void logical_and_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::logical_and.out";
  kernels::BinaryArgs a;
  if (!kernels::parse_binary(ctx, args, op, false, false, &a)) return;
  const kernels::NamedTensor inputs[] = {{"self", a.self}, {"other", a.other}};
  if (!kernels::resize_to_broadcast(ctx, op, inputs, a.out)) return;
  // Loading as bool maps every nonzero (NaN included) to true.
  kernels::run_binary<bool>(a, [](bool x, bool y) -> bool { return x && y; });
}

void where_self_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::where.self_out";
  Tensor cond;
  Tensor self;
  Tensor other;
  Tensor out;
  if (!kernels::check_arg_count(ctx, args, 5, op) || !kernels::tensor_arg(ctx, args, 0, op, "condition", &cond) ||
      !kernels::tensor_arg(ctx, args, 1, op, "self", &self) ||
      !kernels::tensor_arg(ctx, args, 2, op, "other", &other) || !kernels::tensor_arg(ctx, args, 3, op, "out", &out)) {
    return;
  }
  if (cond.scalar_type() != ScalarType::Bool && cond.scalar_type() != ScalarType::Byte) {
    ctx.fail(Error::InvalidArgument, "%s: condition: dtype %s, expected Bool", op,
             scalar_type_name(cond.scalar_type()));
    return;
  }
  if (!kernels::check_real_or_bool(ctx, op, "self", self) || !kernels::check_real_or_bool(ctx, op, "other", other) ||
      !kernels::check_real_or_bool(ctx, op, "out", out)) {
    return;
  }
  kernels::ResultType rt;
  rt.add(self);
  rt.add(other);
  ScalarType common = ScalarType::Float;
  EMBER_KERNEL_CHECK(ctx, rt.result(&common), Error::InvalidArgument, "%s: other: no type promotion with self", op);
  EMBER_KERNEL_CHECK(ctx, kernels::can_cast(common, out.scalar_type()), Error::InvalidArgument,
                     "%s: out: result dtype %s cannot be cast to out's dtype %s", op, scalar_type_name(common),
                     scalar_type_name(out.scalar_type()));
  const kernels::NamedTensor inputs[] = {{"condition", cond}, {"self", self}, {"other", other}};
  if (!kernels::resize_to_broadcast(ctx, op, inputs, out)) return;
  kernels::dispatch_real_bool(common, [&](auto tag) {
    using CT = typename decltype(tag)::type;
    const Tensor in[] = {cond, self, other};
    // The condition loads as CT(1) or CT(0).
    kernels::apply_elementwise<CT>(in, out, [](CT c, CT x, CT y) -> CT { return c != CT(0) ? x : y; });
  });
}

void masked_fill_scalar_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::masked_fill.Scalar_out";
  Tensor self;
  Tensor mask;
  Tensor out;
  const EValue* value = nullptr;
  if (!kernels::check_arg_count(ctx, args, 5, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::tensor_arg(ctx, args, 1, op, "mask", &mask) ||
      !kernels::scalar_arg(ctx, args, 2, op, "value", &value) || !kernels::tensor_arg(ctx, args, 3, op, "out", &out) ||
      !kernels::check_real_or_bool(ctx, op, "self", self) ||
      !kernels::check_dtype(ctx, op, "mask", mask, ScalarType::Bool) ||
      !kernels::check_dtype(ctx, op, "out", out, self.scalar_type()) ||
      !kernels::check_scalar_fits(ctx, op, "value", *value, self.scalar_type())) {
    return;
  }
  const kernels::NamedTensor inputs[] = {{"self", self}, {"mask", mask}};
  if (!kernels::resize_to_broadcast(ctx, op, inputs, out)) return;
  kernels::dispatch_real_bool(self.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = kernels::scalar_to<T>(*value);
    const Tensor in[] = {self, mask};
    kernels::apply_elementwise<T>(in, out, [v](T x, T m) -> T { return m != T(0) ? v : x; });
  });
}

}  // namespace ember::portable
