// aten::relu.out: max(x, 0); NaN stays NaN (as ATen's clamp_min).
#include "kernels/portable/cpu/portable_ops.h"
#include "kernels/portable/util/elementwise.h"
#include "kernels/portable/util/kernel_args.h"

namespace ember::portable {

void relu_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::relu.out";
  Tensor self;
  Tensor out;
  if (!kernels::check_arg_count(ctx, args, 3, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::tensor_arg(ctx, args, 1, op, "out", &out)) {
    return;
  }
  if (self.scalar_type() == ScalarType::Bool || !kernels::is_real_or_bool(self.scalar_type())) {
    ctx.fail(Error::InvalidArgument, "%s: self: dtype %s is not supported", op, scalar_type_name(self.scalar_type()));
    return;
  }
  if (out.scalar_type() != self.scalar_type()) {
    ctx.fail(Error::InvalidArgument, "%s: out: dtype %s differs from self's %s", op,
             scalar_type_name(out.scalar_type()), scalar_type_name(self.scalar_type()));
    return;
  }
  if (!kernels::resize_out(ctx, op, out, self.sizes())) return;
  kernels::dispatch_real(self.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const Tensor in[] = {self};
    kernels::apply_elementwise<T>(in, out, [](T x) -> T { return x < T(0) ? T(0) : x; });
  });
}

}  // namespace ember::portable
