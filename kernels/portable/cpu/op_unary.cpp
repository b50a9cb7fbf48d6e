// Unary math: aten::neg/abs (dtype kept), exp/log/sqrt/rsqrt/reciprocal/erf/
// sigmoid/tanh (any real or bool input, floating out) and logical_not.
#include <cmath>

#include "kernels/portable/cpu/math_ops.h"
#include "kernels/portable/util/arith.h"
#include "kernels/portable/util/elementwise.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/op_args.h"

namespace ember::portable {
namespace {

// Reads [self, out, ret], checks both are real or bool and sizes out.
bool parse_unary(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, Tensor* self, Tensor* out) {
  return kernels::check_arg_count(ctx, args, 3, op) && kernels::tensor_arg(ctx, args, 0, op, "self", self) &&
         kernels::tensor_arg(ctx, args, 1, op, "out", out) && kernels::check_real_or_bool(ctx, op, "self", *self) &&
         kernels::check_real_or_bool(ctx, op, "out", *out) && kernels::resize_out(ctx, op, *out, self->sizes());
}

// out = f(self) computed in Double when self or out is Double, else Float.
// Integral and bool inputs convert first (ATen's int -> float promotion).
template <typename F>
void floating_unary(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, F f) {
  Tensor self;
  Tensor out;
  if (!parse_unary(ctx, args, op, &self, &out) || !kernels::check_floating(ctx, op, "out", out)) return;
  const bool dbl = self.scalar_type() == ScalarType::Double || out.scalar_type() == ScalarType::Double;
  const Tensor in[] = {self};
  if (dbl) {
    kernels::apply_elementwise<double>(in, out, [f](double x) -> double { return f(x); });
  } else {
    kernels::apply_elementwise<float>(in, out, [f](float x) -> float { return f(x); });
  }
}

// out = f(self) with out of self's dtype; bool is refused (as ATen).
template <typename F>
void same_type_unary(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, F f) {
  Tensor self;
  Tensor out;
  if (!parse_unary(ctx, args, op, &self, &out) || !kernels::check_dtype(ctx, op, "out", out, self.scalar_type())) {
    return;
  }
  if (self.scalar_type() == ScalarType::Bool) {
    ctx.fail(Error::InvalidArgument, "%s: self: dtype Bool is not supported", op);
    return;
  }
  kernels::dispatch_real(self.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const Tensor in[] = {self};
    kernels::apply_elementwise<T>(in, out, [f](T x) -> T { return f(x); });
  });
}

}  // namespace

void neg_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  same_type_unary(ctx, args, "aten::neg.out", [](auto x) { return kernels::arith::sub(decltype(x)(0), x); });
}

void abs_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  same_type_unary(ctx, args, "aten::abs.out", [](auto x) {
    using T = decltype(x);
    if constexpr (std::is_floating_point_v<T>) {
      return std::fabs(x);
    } else if constexpr (std::is_unsigned_v<T>) {
      return x;
    } else {
      return x < T(0) ? kernels::arith::sub(T(0), x) : x;
    }
  });
}

void exp_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  floating_unary(ctx, args, "aten::exp.out", [](auto x) { return std::exp(x); });
}

void log_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  floating_unary(ctx, args, "aten::log.out", [](auto x) { return std::log(x); });
}

void sqrt_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  floating_unary(ctx, args, "aten::sqrt.out", [](auto x) { return std::sqrt(x); });
}

void rsqrt_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  floating_unary(ctx, args, "aten::rsqrt.out", [](auto x) { return decltype(x)(1) / std::sqrt(x); });
}

void reciprocal_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  floating_unary(ctx, args, "aten::reciprocal.out", [](auto x) { return decltype(x)(1) / x; });
}

void erf_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  floating_unary(ctx, args, "aten::erf.out", [](auto x) { return std::erf(x); });
}

void sigmoid_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  floating_unary(ctx, args, "aten::sigmoid.out",
                 [](auto x) { return decltype(x)(1) / (decltype(x)(1) + std::exp(-x)); });
}

void tanh_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  floating_unary(ctx, args, "aten::tanh.out", [](auto x) { return std::tanh(x); });
}

void logical_not_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::logical_not.out";
  Tensor self;
  Tensor out;
  if (!parse_unary(ctx, args, op, &self, &out)) return;
  const Tensor in[] = {self};
  // Loading as bool maps every nonzero (NaN included) to true.
  kernels::apply_elementwise<bool>(in, out, [](bool x) -> bool { return !x; });
}

}  // namespace ember::portable
