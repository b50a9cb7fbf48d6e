// aten::div.out_mode (true, trunc and floor division), rsub.Scalar_out and
// pow (Tensor_Scalar, Tensor_Tensor), with ATen broadcasting and promotion.
#include <cmath>
#include <type_traits>

#include "kernels/portable/cpu/math_ops.h"
#include "kernels/portable/util/arith.h"
#include "kernels/portable/util/binary_args.h"
#include "kernels/portable/util/op_args.h"

namespace ember::portable {
namespace {

using kernels::BinaryArgs;

enum class Rounding { kNone, kTrunc, kFloor };

// ATen's floor division of floats: exact quotient from fmod, then rounded.
template <typename T>
T floor_divide_floating(T a, T b) {
  if (b == T(0)) return a / b;
  const T mod = std::fmod(a, b);
  T div = (a - mod) / b;
  if (mod != T(0) && ((b < T(0)) != (mod < T(0)))) div -= T(1);
  if (div == T(0)) return std::copysign(T(0), a / b);
  T floored = std::floor(div);
  if (div - floored > T(0.5)) floored += T(1);
  return floored;
}

// Integer division rounded toward zero or down; *zero is set on a zero
// divisor (the caller reports it). -1 divisors wrap like ATen (no UB).
template <typename T>
T divide_integral(T a, T b, Rounding mode, bool* zero) {
  if (b == T(0)) {
    *zero = true;
    return T(0);
  }
  if constexpr (std::is_signed_v<T>) {
    if (b == T(-1)) return kernels::arith::sub(T(0), a);
    T q = static_cast<T>(a / b);
    if (mode == Rounding::kFloor && a % b != 0 && ((a < 0) != (b < 0))) q = static_cast<T>(q - 1);
    return q;
  } else {
    return static_cast<T>(a / b);
  }
}

// base ** exp for integers by squaring, wrapping on overflow; negative
// exponents give ATen's results (1 and -1 keep magnitude 1, others 0).
template <typename T>
T integral_pow(T base, T exp) {
  if constexpr (std::is_signed_v<T>) {
    if (exp < 0) {
      if (base == T(1)) return T(1);
      if (base == T(-1)) return (exp % 2 == 0) ? T(1) : T(-1);
      return T(0);
    }
  }
  T result = T(1);
  while (exp != T(0)) {
    if (exp & T(1)) result = kernels::arith::mul(result, base);
    base = kernels::arith::mul(base, base);
    exp = static_cast<T>(exp >> 1);
  }
  return result;
}

bool refuse_bool(KernelRuntimeContext& ctx, const char* op, const BinaryArgs& a) {
  if (a.common == ScalarType::Bool) {
    ctx.fail(Error::InvalidArgument, "%s: self: Bool operands are not supported", op);
    return true;
  }
  return false;
}

void pow_impl(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool scalar_exponent) {
  BinaryArgs a;
  if (!kernels::parse_binary(ctx, args, op, scalar_exponent, false, &a) || refuse_bool(ctx, op, a)) return;
  if (scalar_exponent && !is_floating_type(a.common) && a.other_scalar->is_int() && a.other_scalar->to_int() < 0) {
    ctx.fail(Error::InvalidArgument, "%s: exponent: integers to negative integer powers are not allowed", op);
    return;
  }
  if (!kernels::prepare_binary_out(ctx, op, a)) return;
  kernels::dispatch_real(a.common, [&](auto tag) {
    using CT = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<CT>) {
      kernels::run_binary<CT>(a, [](CT x, CT y) -> CT { return std::pow(x, y); });
    } else {
      kernels::run_binary<CT>(a, [](CT x, CT y) -> CT { return integral_pow(x, y); });
    }
  });
}

}  // namespace

void div_out_mode(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::div.out_mode";
  BinaryArgs a;
  if (!kernels::parse_binary(ctx, args, op, false, false, &a, /*extra=*/1)) return;
  Rounding mode = Rounding::kNone;
  if (!args[2]->is_none()) {
    ArrayRef<char> s;
    if (!kernels::string_arg(ctx, args, 2, op, "rounding_mode", &s)) return;
    if (kernels::string_equals(s, "trunc")) {
      mode = Rounding::kTrunc;
    } else if (kernels::string_equals(s, "floor")) {
      mode = Rounding::kFloor;
    } else {
      ctx.fail(Error::InvalidArgument, "%s: rounding_mode: must be None, \"trunc\" or \"floor\"", op);
      return;
    }
  }
  if (mode == Rounding::kNone) {
    if (!is_floating_type(a.common)) a.common = ScalarType::Float;
  } else if (refuse_bool(ctx, op, a)) {
    return;
  }
  if (!kernels::prepare_binary_out(ctx, op, a)) return;
  bool zero = false;
  kernels::dispatch_real(a.common, [&](auto tag) {
    using CT = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<CT>) {
      if (mode == Rounding::kNone) {
        kernels::run_binary<CT>(a, [](CT x, CT y) -> CT { return x / y; });
      } else if (mode == Rounding::kTrunc) {
        kernels::run_binary<CT>(a, [](CT x, CT y) -> CT { return std::trunc(x / y); });
      } else {
        kernels::run_binary<CT>(a, [](CT x, CT y) -> CT { return floor_divide_floating(x, y); });
      }
    } else {
      kernels::run_binary<CT>(a, [mode, &zero](CT x, CT y) -> CT { return divide_integral(x, y, mode, &zero); });
    }
  });
  EMBER_KERNEL_CHECK(ctx, !zero, Error::InvalidArgument, "%s: other: integer division by zero", op);
}

void rsub_scalar_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::rsub.Scalar_out";
  BinaryArgs a;
  if (!kernels::parse_binary(ctx, args, op, true, true, &a) || refuse_bool(ctx, op, a) ||
      !kernels::check_alpha(ctx, op, a) || !kernels::prepare_binary_out(ctx, op, a)) {
    return;
  }
  kernels::dispatch_real(a.common, [&](auto tag) {
    using CT = typename decltype(tag)::type;
    const CT alpha = kernels::scalar_to<CT>(*a.alpha);
    kernels::run_binary<CT>(
        a, [alpha](CT x, CT s) -> CT { return kernels::arith::sub(s, kernels::arith::mul(alpha, x)); });
  });
}

void pow_tensor_scalar_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  pow_impl(ctx, args, "aten::pow.Tensor_Scalar_out", true);
}

void pow_tensor_tensor_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  pow_impl(ctx, args, "aten::pow.Tensor_Tensor_out", false);
}

}  // namespace ember::portable
