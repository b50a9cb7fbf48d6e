// aten::add / sub / mul / div, Tensor and Scalar variants.
#include "kernels/portable/cpu/portable_ops.h"
#include "kernels/portable/util/arith.h"
#include "kernels/portable/util/binary_args.h"
#include "kernels/portable/util/elementwise.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/scalar_type_util.h"

namespace ember::portable {
namespace {

using kernels::BinaryArgs;
using kernels::check_alpha;
using kernels::parse_binary;
using kernels::prepare_binary_out;
using kernels::run_binary;

void add_impl(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool scalar_other) {
  BinaryArgs a;
  if (!parse_binary(ctx, args, op, scalar_other, true, &a) || !check_alpha(ctx, op, a) ||
      !prepare_binary_out(ctx, op, a)) {
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
  if (!check_alpha(ctx, op, a) || !prepare_binary_out(ctx, op, a)) return;
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
  if (!parse_binary(ctx, args, op, scalar_other, false, &a) || !prepare_binary_out(ctx, op, a)) return;
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
  if (!prepare_binary_out(ctx, op, a)) return;
  kernels::dispatch_floating(a.common, [&](auto tag) {
    using CT = typename decltype(tag)::type;
    run_binary<CT>(a, [](CT x, CT y) -> CT { return x / y; });
  });
}

}  // namespace

void add_out(KernelRuntimeContext& ctx, Span<EValue*> args) { add_impl(ctx, args, "aten::add.out", false); }
void add_scalar_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  add_impl(ctx, args, "aten::add.Scalar_out", true);
}
void sub_out(KernelRuntimeContext& ctx, Span<EValue*> args) { sub_impl(ctx, args, "aten::sub.out", false); }
void sub_scalar_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  sub_impl(ctx, args, "aten::sub.Scalar_out", true);
}
void mul_out(KernelRuntimeContext& ctx, Span<EValue*> args) { mul_impl(ctx, args, "aten::mul.out", false); }
void mul_scalar_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  mul_impl(ctx, args, "aten::mul.Scalar_out", true);
}
void div_out(KernelRuntimeContext& ctx, Span<EValue*> args) { div_impl(ctx, args, "aten::div.out", false); }
void div_scalar_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  div_impl(ctx, args, "aten::div.Scalar_out", true);
}

}  // namespace ember::portable
