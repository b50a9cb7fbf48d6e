// aten::add / sub / mul / div, Tensor and Scalar variants.
#include "kernels/portable/cpu/portable_ops.h"
#include "kernels/portable/util/arith.h"
#include "kernels/portable/util/elementwise.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/scalar_type_util.h"

namespace ember::portable {
namespace {

using kernels::NamedTensor;

// The checked arguments of a binary op. `other` is a tensor or a Scalar.
struct BinaryArgs {
  Tensor self;
  Tensor other;
  const EValue* other_scalar = nullptr;
  const EValue* alpha = nullptr;
  Tensor out;
  ScalarType common = ScalarType::Float;
};

// Reads [self, other, (alpha), out, ret], checks tags and dtypes and computes
// the promoted dtype of self and other.
bool parse_binary(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool scalar_other, bool has_alpha,
                  BinaryArgs* a) {
  const size_t n = has_alpha ? 5 : 4;
  if (!kernels::check_arg_count(ctx, args, n, op)) return false;
  if (!kernels::tensor_arg(ctx, args, 0, op, "self", &a->self)) return false;
  if (scalar_other) {
    if (!kernels::scalar_arg(ctx, args, 1, op, "other", &a->other_scalar)) return false;
  } else if (!kernels::tensor_arg(ctx, args, 1, op, "other", &a->other)) {
    return false;
  }
  if (has_alpha && !kernels::scalar_arg(ctx, args, 2, op, "alpha", &a->alpha)) return false;
  if (!kernels::tensor_arg(ctx, args, n - 2, op, "out", &a->out)) return false;
  if (!kernels::check_real_or_bool(ctx, op, "self", a->self)) return false;
  if (!scalar_other && !kernels::check_real_or_bool(ctx, op, "other", a->other)) return false;
  if (!kernels::check_real_or_bool(ctx, op, "out", a->out)) return false;
  kernels::ResultType rt;
  rt.add(a->self);
  if (scalar_other) {
    rt.add(*a->other_scalar);
  } else {
    rt.add(a->other);
  }
  if (!rt.result(&a->common)) {
    ctx.fail(Error::InvalidArgument, "%s: other: no type promotion with self's %s", op,
             scalar_type_name(a->self.scalar_type()));
    return false;
  }
  return true;
}

// ATen's alpha_check.
bool check_alpha(KernelRuntimeContext& ctx, const char* op, const BinaryArgs& a) {
  if (a.alpha->is_bool() && a.common != ScalarType::Bool) {
    ctx.fail(Error::InvalidArgument, "%s: alpha: a Bool alpha is only supported for Bool results (result dtype %s)",
             op, scalar_type_name(a.common));
    return false;
  }
  if (a.alpha->is_double() && !is_floating_type(a.common)) {
    ctx.fail(Error::InvalidArgument, "%s: alpha: must not be floating-point for integral inputs (result dtype %s)", op,
             scalar_type_name(a.common));
    return false;
  }
  return true;
}

// Checks that the result dtype can be stored in out and sizes out.
bool prepare_out(KernelRuntimeContext& ctx, const char* op, const BinaryArgs& a) {
  if (!kernels::can_cast(a.common, a.out.scalar_type())) {
    ctx.fail(Error::InvalidArgument, "%s: out: result dtype %s cannot be cast to out's dtype %s", op,
             scalar_type_name(a.common), scalar_type_name(a.out.scalar_type()));
    return false;
  }
  if (a.other_scalar != nullptr) {
    return kernels::resize_out(ctx, op, a.out, a.self.sizes());
  }
  const NamedTensor inputs[] = {{"self", a.self}, {"other", a.other}};
  return kernels::resize_to_broadcast(ctx, op, inputs, a.out);
}

// Runs `op(x, y)` in compute type CT over self and other (tensor or Scalar).
template <typename CT, typename Op>
void run_binary(const BinaryArgs& a, Op op) {
  if (a.other_scalar != nullptr) {
    const CT s = kernels::scalar_to<CT>(*a.other_scalar);
    const Tensor in[] = {a.self};
    kernels::apply_elementwise<CT>(in, a.out, [op, s](CT x) { return op(x, s); });
  } else {
    const Tensor in[] = {a.self, a.other};
    kernels::apply_elementwise<CT>(in, a.out, op);
  }
}

void add_impl(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool scalar_other) {
  BinaryArgs a;
  if (!parse_binary(ctx, args, op, scalar_other, true, &a) || !check_alpha(ctx, op, a) || !prepare_out(ctx, op, a)) {
    return;
  }
  kernels::dispatch_real_bool(a.common, [&](auto tag) {
    using CT = typename decltype(tag)::type;
    const CT alpha = kernels::scalar_to<CT>(*a.alpha);
    if (alpha == CT(1)) {
      run_binary<CT>(a, [](CT x, CT y) -> CT { return kernels::arith::add(x, y); });
    } else {
      run_binary<CT>(a, [alpha](CT x, CT y) -> CT { return kernels::arith::add(x, kernels::arith::mul(alpha, y)); });
    }
  });
}

void sub_impl(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool scalar_other) {
  BinaryArgs a;
  if (!parse_binary(ctx, args, op, scalar_other, true, &a)) return;
  if (a.common == ScalarType::Bool) {
    ctx.fail(Error::InvalidArgument, "%s: self: subtraction with two bool operands is not supported", op);
    return;
  }
  if (!check_alpha(ctx, op, a) || !prepare_out(ctx, op, a)) return;
  kernels::dispatch_real(a.common, [&](auto tag) {
    using CT = typename decltype(tag)::type;
    const CT alpha = kernels::scalar_to<CT>(*a.alpha);
    if (alpha == CT(1)) {
      run_binary<CT>(a, [](CT x, CT y) -> CT { return kernels::arith::sub(x, y); });
    } else {
      run_binary<CT>(a, [alpha](CT x, CT y) -> CT { return kernels::arith::sub(x, kernels::arith::mul(alpha, y)); });
    }
  });
}

void mul_impl(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool scalar_other) {
  BinaryArgs a;
  if (!parse_binary(ctx, args, op, scalar_other, false, &a) || !prepare_out(ctx, op, a)) return;
  kernels::dispatch_real_bool(a.common, [&](auto tag) {
    using CT = typename decltype(tag)::type;
    run_binary<CT>(a, [](CT x, CT y) -> CT { return kernels::arith::mul(x, y); });
  });
}

// True division: integer and bool inputs compute in the default float dtype.
void div_impl(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool scalar_other) {
  BinaryArgs a;
  if (!parse_binary(ctx, args, op, scalar_other, false, &a)) return;
  if (!is_floating_type(a.common)) a.common = ScalarType::Float;
  if (!prepare_out(ctx, op, a)) return;
  kernels::dispatch_floating(a.common, [&](auto tag) {
    using CT = typename decltype(tag)::type;
    run_binary<CT>(a, [](CT x, CT y) -> CT { return x / y; });
  });
}

}  // namespace

void add_out(KernelRuntimeContext& ctx, Span<EValue*> args) { add_impl(ctx, args, "aten::add.out", false); }
void add_scalar_out(KernelRuntimeContext& ctx, Span<EValue*> args) { add_impl(ctx, args, "aten::add.Scalar_out", true); }
void sub_out(KernelRuntimeContext& ctx, Span<EValue*> args) { sub_impl(ctx, args, "aten::sub.out", false); }
void sub_scalar_out(KernelRuntimeContext& ctx, Span<EValue*> args) { sub_impl(ctx, args, "aten::sub.Scalar_out", true); }
void mul_out(KernelRuntimeContext& ctx, Span<EValue*> args) { mul_impl(ctx, args, "aten::mul.out", false); }
void mul_scalar_out(KernelRuntimeContext& ctx, Span<EValue*> args) { mul_impl(ctx, args, "aten::mul.Scalar_out", true); }
void div_out(KernelRuntimeContext& ctx, Span<EValue*> args) { div_impl(ctx, args, "aten::div.out", false); }
void div_scalar_out(KernelRuntimeContext& ctx, Span<EValue*> args) { div_impl(ctx, args, "aten::div.Scalar_out", true); }

}  // namespace ember::portable
