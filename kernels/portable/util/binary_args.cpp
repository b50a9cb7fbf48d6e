#include "kernels/portable/util/binary_args.h"

#include "kernels/portable/util/broadcast_util.h"
#include "kernels/portable/util/kernel_args.h"

namespace ember::kernels {

bool parse_binary(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool scalar_other, bool has_alpha,
                  BinaryArgs* a, size_t extra) {
  const size_t n = (has_alpha ? 5 : 4) + extra;
  if (!check_arg_count(ctx, args, n, op)) return false;
  if (!tensor_arg(ctx, args, 0, op, "self", &a->self)) return false;
  if (scalar_other) {
    if (!scalar_arg(ctx, args, 1, op, "other", &a->other_scalar)) return false;
  } else if (!tensor_arg(ctx, args, 1, op, "other", &a->other)) {
    return false;
  }
  if (has_alpha && !scalar_arg(ctx, args, 2, op, "alpha", &a->alpha)) return false;
  if (!tensor_arg(ctx, args, n - 2, op, "out", &a->out)) return false;
  if (!check_real_or_bool(ctx, op, "self", a->self)) return false;
  if (!scalar_other && !check_real_or_bool(ctx, op, "other", a->other)) return false;
  if (!check_real_or_bool(ctx, op, "out", a->out)) return false;
  ResultType rt;
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

bool check_alpha(KernelRuntimeContext& ctx, const char* op, const BinaryArgs& a) {
  if (a.alpha->is_bool() && a.common != ScalarType::Bool) {
    ctx.fail(Error::InvalidArgument, "%s: alpha: a Bool alpha is only supported for Bool results (result dtype %s)", op,
             scalar_type_name(a.common));
    return false;
  }
  if (a.alpha->is_double() && !is_floating_type(a.common)) {
    ctx.fail(Error::InvalidArgument, "%s: alpha: must not be floating-point for integral inputs (result dtype %s)", op,
             scalar_type_name(a.common));
    return false;
  }
  return true;
}

bool prepare_binary_out(KernelRuntimeContext& ctx, const char* op, const BinaryArgs& a) {
  if (!can_cast(a.common, a.out.scalar_type())) {
    ctx.fail(Error::InvalidArgument, "%s: out: result dtype %s cannot be cast to out's dtype %s", op,
             scalar_type_name(a.common), scalar_type_name(a.out.scalar_type()));
    return false;
  }
  if (a.other_scalar != nullptr) {
    return resize_out(ctx, op, a.out, a.self.sizes());
  }
  const NamedTensor inputs[] = {{"self", a.self}, {"other", a.other}};
  return resize_to_broadcast(ctx, op, inputs, a.out);
}

}  // namespace ember::kernels
