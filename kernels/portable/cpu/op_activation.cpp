// Activations: aten::hardtanh, clamp (optional bounds, ATen result_type),
// gelu (exact and tanh approximation), leaky_relu, elu. NaN inputs stay NaN.
#include <cmath>

#include "kernels/portable/cpu/math_ops.h"
#include "kernels/portable/util/elementwise.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/op_args.h"

namespace ember::portable {
namespace {

// Reads self (index 0) and out (index n - 2) of an n-value instruction whose
// out has self's dtype; `floating` limits self to Float/Double, otherwise any
// real dtype. Sizes out.
bool parse_same_type(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, size_t n, bool floating,
                     Tensor* self, Tensor* out) {
  if (!kernels::check_arg_count(ctx, args, n, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", self) ||
      !kernels::tensor_arg(ctx, args, n - 2, op, "out", out)) {
    return false;
  }
  if (floating) {
    if (!kernels::check_floating(ctx, op, "self", *self)) return false;
  } else if (!kernels::check_real_or_bool(ctx, op, "self", *self) || self->scalar_type() == ScalarType::Bool) {
    ctx.fail(Error::InvalidArgument, "%s: self: dtype %s is not supported", op, scalar_type_name(self->scalar_type()));
    return false;
  }
  return kernels::check_dtype(ctx, op, "out", *out, self->scalar_type()) &&
         kernels::resize_out(ctx, op, *out, self->sizes());
}

// x limited to [lo, hi] where given; NaN passes through.
template <typename T>
T clamp_value(T x, bool has_lo, T lo, bool has_hi, T hi) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x)) return x;
  }
  if (has_lo && x < lo) x = lo;
  if (has_hi && x > hi) x = hi;
  return x;
}

template <typename F>
void run_floating(const Tensor& self, const Tensor& out, F f) {
  kernels::dispatch_floating(self.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const Tensor in[] = {self};
    kernels::apply_elementwise<T>(in, out, [f](T x) -> T { return f(x); });
  });
}

}  // namespace

void hardtanh_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::hardtanh.out";
  Tensor self;
  Tensor out;
  const EValue* lo = nullptr;
  const EValue* hi = nullptr;
  if (!parse_same_type(ctx, args, op, 5, false, &self, &out) ||
      !kernels::scalar_arg(ctx, args, 1, op, "min_val", &lo) ||
      !kernels::scalar_arg(ctx, args, 2, op, "max_val", &hi) ||
      !kernels::check_scalar_fits(ctx, op, "min_val", *lo, self.scalar_type()) ||
      !kernels::check_scalar_fits(ctx, op, "max_val", *hi, self.scalar_type())) {
    return;
  }
  kernels::dispatch_real(self.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T l = kernels::scalar_to<T>(*lo);
    const T h = kernels::scalar_to<T>(*hi);
    const Tensor in[] = {self};
    kernels::apply_elementwise<T>(in, out, [l, h](T x) -> T { return clamp_value(x, true, l, true, h); });
  });
}

void clamp_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::clamp.out";
  Tensor self;
  Tensor out;
  if (!kernels::check_arg_count(ctx, args, 5, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::tensor_arg(ctx, args, 3, op, "out", &out) || !kernels::check_real_or_bool(ctx, op, "self", self) ||
      !kernels::check_real_or_bool(ctx, op, "out", out)) {
    return;
  }
  const EValue* bound[2] = {nullptr, nullptr};
  const char* names[2] = {"min", "max"};
  kernels::ResultType rt;
  rt.add(self);
  for (size_t k = 0; k < 2; ++k) {
    if (args[1 + k]->is_none()) continue;
    if (!kernels::scalar_arg(ctx, args, 1 + k, op, names[k], &bound[k])) return;
    rt.add(*bound[k]);
  }
  EMBER_KERNEL_CHECK(ctx, bound[0] != nullptr || bound[1] != nullptr, Error::InvalidArgument,
                     "%s: min: at least one of min and max must not be None", op);
  ScalarType common = self.scalar_type();
  EMBER_KERNEL_CHECK(ctx, rt.result(&common), Error::InvalidArgument, "%s: min: no type promotion with self", op);
  EMBER_KERNEL_CHECK(ctx, kernels::can_cast(common, out.scalar_type()), Error::InvalidArgument,
                     "%s: out: result dtype %s cannot be cast to out's dtype %s", op, scalar_type_name(common),
                     scalar_type_name(out.scalar_type()));
  for (size_t k = 0; k < 2; ++k) {
    if (bound[k] != nullptr && !kernels::check_scalar_fits(ctx, op, names[k], *bound[k], common)) return;
  }
  if (!kernels::resize_out(ctx, op, out, self.sizes())) return;
  kernels::dispatch_real_bool(common, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const bool has_lo = bound[0] != nullptr;
    const bool has_hi = bound[1] != nullptr;
    const T l = has_lo ? kernels::scalar_to<T>(*bound[0]) : T(0);
    const T h = has_hi ? kernels::scalar_to<T>(*bound[1]) : T(0);
    const Tensor in[] = {self};
    kernels::apply_elementwise<T>(in, out, [=](T x) -> T { return clamp_value(x, has_lo, l, has_hi, h); });
  });
}

void gelu_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::gelu.out";
  Tensor self;
  Tensor out;
  ArrayRef<char> approximate;
  if (!parse_same_type(ctx, args, op, 4, true, &self, &out) ||
      !kernels::string_arg(ctx, args, 1, op, "approximate", &approximate)) {
    return;
  }
  if (kernels::string_equals(approximate, "none")) {
    run_floating(self, out, [](auto x) {
      using T = decltype(x);
      return T(0.5) * x * (T(1) + std::erf(x * T(M_SQRT1_2)));
    });
  } else if (kernels::string_equals(approximate, "tanh")) {
    run_floating(self, out, [](auto x) {
      using T = decltype(x);
      const T k = T(M_2_SQRTPI * M_SQRT1_2);  // sqrt(2 / pi)
      return T(0.5) * x * (T(1) + std::tanh(k * (x + T(0.044715) * x * x * x)));
    });
  } else {
    ctx.fail(Error::InvalidArgument, "%s: approximate: must be \"none\" or \"tanh\"", op);
  }
}

void leaky_relu_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::leaky_relu.out";
  Tensor self;
  Tensor out;
  const EValue* slope = nullptr;
  if (!parse_same_type(ctx, args, op, 4, true, &self, &out) ||
      !kernels::scalar_arg(ctx, args, 1, op, "negative_slope", &slope)) {
    return;
  }
  const double s = slope->scalar_as_double();
  run_floating(self, out, [s](auto x) {
    using T = decltype(x);
    return x > T(0) ? x : x * T(s);
  });
}

void elu_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::elu.out";
  Tensor self;
  Tensor out;
  const EValue* alpha = nullptr;
  const EValue* scale = nullptr;
  const EValue* input_scale = nullptr;
  if (!parse_same_type(ctx, args, op, 6, true, &self, &out) ||
      !kernels::scalar_arg(ctx, args, 1, op, "alpha", &alpha) ||
      !kernels::scalar_arg(ctx, args, 2, op, "scale", &scale) ||
      !kernels::scalar_arg(ctx, args, 3, op, "input_scale", &input_scale)) {
    return;
  }
  const double neg = alpha->scalar_as_double() * scale->scalar_as_double();
  const double pos = scale->scalar_as_double();
  const double in_scale = input_scale->scalar_as_double();
  run_floating(self, out, [=](auto x) {
    using T = decltype(x);
    return x > T(0) ? x * T(pos) : std::expm1(x * T(in_scale)) * T(neg);
  });
}

}  // namespace ember::portable
