// executorch_prim::<op>.Scalar: int/float/bool scalar arithmetic with Python
// semantics. Int op Int stays Int (wrapping on overflow, as the int64 SymInt
// arithmetic ExecuTorch does); a Double operand makes the result Double; Bool
// operands count as 0/1 in arithmetic. Python errors (division by zero,
// converting NaN or inf to int) fail the context.
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/prim/prim_ops.h"

namespace ember::prim {
namespace {

// Checks the arg count and that the inputs are Int/Double/Bool scalars.
bool scalar_args(KernelRuntimeContext& ctx, Span<EValue*> args, size_t inputs, const char* op) {
  if (args.size() != inputs + 1) {
    ctx.fail(Error::InvalidArgument, "%s: expected %zu arguments, got %zu", op, inputs + 1, args.size());
    return false;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == nullptr) {
      ctx.fail(Error::InvalidArgument, "%s: argument %zu is null", op, i);
      return false;
    }
  }
  for (size_t i = 0; i < inputs; ++i) {
    if (!args[i]->is_scalar()) {
      static const char* const kNames[] = {"a", "b", "c"};
      ctx.fail(Error::InvalidArgument, "%s: %s: expected Int, Double or Bool, got %s", op, kNames[i % 3],
               tag_name(args[i]->tag()));
      return false;
    }
  }
  return true;
}

int64_t as_int(const EValue& v) { return v.is_bool() ? (v.to_bool() ? 1 : 0) : v.to_int(); }
bool both_int(const EValue& a, const EValue& b) { return !a.is_double() && !b.is_double(); }

int64_t wrap_add(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b)); }
int64_t wrap_sub(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b)); }
int64_t wrap_mul(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b)); }

// Python's float % : the result has the sign of b.
double py_fmod(double a, double b) {
  double m = std::fmod(a, b);
  if (m != 0.0) {
    if ((b < 0) != (m < 0)) m += b;
  } else {
    m = std::copysign(0.0, b);
  }
  return m;
}

// Python's float // (CPython float_floor_div).
double py_floordiv(double a, double b) {
  const double m = std::fmod(a, b);
  double div = (a - m) / b;
  if (m != 0.0 && ((b < 0) != (m < 0))) div -= 1.0;
  if (div == 0.0) return std::copysign(0.0, a / b);
  double floored = std::floor(div);
  if (div - floored > 0.5) floored += 1.0;
  return floored;
}

// Exact comparison of mixed int64/double values (long double holds every
// int64 exactly on the supported targets).
long double as_long_double(const EValue& v) {
  return v.is_double() ? static_cast<long double>(v.to_double()) : static_cast<long double>(as_int(v));
}

template <typename Cmp>
void compare(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, Cmp cmp) {
  if (!scalar_args(ctx, args, 2, op)) return;
  const EValue& a = *args[0];
  const EValue& b = *args[1];
  const bool r = both_int(a, b) ? cmp(as_int(a), as_int(b)) : cmp(as_long_double(a), as_long_double(b));
  *args[2] = EValue(r);
}

// Double -> Int as Python's int()/math.ceil etc. after `rounded` was applied.
bool to_int_checked(KernelRuntimeContext& ctx, const char* op, double rounded, int64_t* out) {
  // 2^63 is exactly representable; anything at or above it does not fit.
  constexpr double kLimit = 9223372036854775808.0;
  if (!std::isfinite(rounded) || rounded >= kLimit || rounded < -kLimit) {
    ctx.fail(Error::InvalidArgument, "%s: a: %g cannot be converted to an Int", op, rounded);
    return false;
  }
  *out = static_cast<int64_t>(rounded);
  return true;
}

template <double (*Round)(double)>
void round_to_int(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op) {
  if (!scalar_args(ctx, args, 1, op)) return;
  const EValue& a = *args[0];
  if (!a.is_double()) {
    *args[1] = EValue(as_int(a));
    return;
  }
  int64_t r = 0;
  if (!to_int_checked(ctx, op, Round(a.to_double()), &r)) return;
  *args[1] = EValue(r);
}

double ceil_fn(double x) { return std::ceil(x); }
double trunc_fn(double x) { return std::trunc(x); }
// Python's round(): half to even, which is nearbyint in the default mode.
double round_fn(double x) { return std::nearbyint(x); }

}  // namespace

void add(KernelRuntimeContext& ctx, Span<EValue*> args) {
  if (!scalar_args(ctx, args, 2, "executorch_prim::add.Scalar")) return;
  const EValue& a = *args[0];
  const EValue& b = *args[1];
  *args[2] = both_int(a, b) ? EValue(wrap_add(as_int(a), as_int(b))) : EValue(a.scalar_as_double() + b.scalar_as_double());
}

void sub(KernelRuntimeContext& ctx, Span<EValue*> args) {
  if (!scalar_args(ctx, args, 2, "executorch_prim::sub.Scalar")) return;
  const EValue& a = *args[0];
  const EValue& b = *args[1];
  *args[2] = both_int(a, b) ? EValue(wrap_sub(as_int(a), as_int(b))) : EValue(a.scalar_as_double() - b.scalar_as_double());
}

void mul(KernelRuntimeContext& ctx, Span<EValue*> args) {
  if (!scalar_args(ctx, args, 2, "executorch_prim::mul.Scalar")) return;
  const EValue& a = *args[0];
  const EValue& b = *args[1];
  *args[2] = both_int(a, b) ? EValue(wrap_mul(as_int(a), as_int(b))) : EValue(a.scalar_as_double() * b.scalar_as_double());
}

void floordiv(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "executorch_prim::floordiv.Scalar";
  if (!scalar_args(ctx, args, 2, op)) return;
  const EValue& a = *args[0];
  const EValue& b = *args[1];
  if (b.scalar_as_double() == 0.0) {
    ctx.fail(Error::InvalidArgument, "%s: b: division by zero", op);
    return;
  }
  if (!both_int(a, b)) {
    *args[2] = EValue(py_floordiv(a.scalar_as_double(), b.scalar_as_double()));
    return;
  }
  const int64_t x = as_int(a);
  const int64_t y = as_int(b);
  if (x == std::numeric_limits<int64_t>::min() && y == -1) {
    ctx.fail(Error::InvalidArgument, "%s: result of %lld // -1 overflows Int", op, static_cast<long long>(x));
    return;
  }
  int64_t q = x / y;
  if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
  *args[2] = EValue(q);
}

void truediv(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "executorch_prim::truediv.Scalar";
  if (!scalar_args(ctx, args, 2, op)) return;
  const double y = args[1]->scalar_as_double();
  if (y == 0.0) {
    ctx.fail(Error::InvalidArgument, "%s: b: division by zero", op);
    return;
  }
  *args[2] = EValue(args[0]->scalar_as_double() / y);
}

void mod(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "executorch_prim::mod.Scalar";
  if (!scalar_args(ctx, args, 2, op)) return;
  const EValue& a = *args[0];
  const EValue& b = *args[1];
  if (b.scalar_as_double() == 0.0) {
    ctx.fail(Error::InvalidArgument, "%s: b: modulo by zero", op);
    return;
  }
  if (!both_int(a, b)) {
    *args[2] = EValue(py_fmod(a.scalar_as_double(), b.scalar_as_double()));
    return;
  }
  const int64_t x = as_int(a);
  const int64_t y = as_int(b);
  // x % -1 is 0; computing it overflows for INT64_MIN.
  int64_t r = y == -1 ? 0 : x % y;
  if (r != 0 && ((r < 0) != (y < 0))) r += y;
  *args[2] = EValue(r);
}

void eq(KernelRuntimeContext& ctx, Span<EValue*> args) {
  compare(ctx, args, "executorch_prim::eq.Scalar", [](auto x, auto y) { return x == y; });
}
void gt(KernelRuntimeContext& ctx, Span<EValue*> args) {
  compare(ctx, args, "executorch_prim::gt.Scalar", [](auto x, auto y) { return x > y; });
}
void lt(KernelRuntimeContext& ctx, Span<EValue*> args) {
  compare(ctx, args, "executorch_prim::lt.Scalar", [](auto x, auto y) { return x < y; });
}
void ge(KernelRuntimeContext& ctx, Span<EValue*> args) {
  compare(ctx, args, "executorch_prim::ge.Scalar", [](auto x, auto y) { return x >= y; });
}
void le(KernelRuntimeContext& ctx, Span<EValue*> args) {
  compare(ctx, args, "executorch_prim::le.Scalar", [](auto x, auto y) { return x <= y; });
}

void neg(KernelRuntimeContext& ctx, Span<EValue*> args) {
  if (!scalar_args(ctx, args, 1, "executorch_prim::neg.Scalar")) return;
  const EValue& a = *args[0];
  *args[1] = a.is_double() ? EValue(-a.to_double()) : EValue(wrap_sub(0, as_int(a)));
}

void ceil(KernelRuntimeContext& ctx, Span<EValue*> args) {
  round_to_int<ceil_fn>(ctx, args, "executorch_prim::ceil.Scalar");
}
void round(KernelRuntimeContext& ctx, Span<EValue*> args) {
  round_to_int<round_fn>(ctx, args, "executorch_prim::round.Scalar");
}
void trunc(KernelRuntimeContext& ctx, Span<EValue*> args) {
  round_to_int<trunc_fn>(ctx, args, "executorch_prim::trunc.Scalar");
}
void sym_int(KernelRuntimeContext& ctx, Span<EValue*> args) {
  round_to_int<trunc_fn>(ctx, args, "executorch_prim::sym_int.Scalar");
}

void sym_float(KernelRuntimeContext& ctx, Span<EValue*> args) {
  if (!scalar_args(ctx, args, 1, "executorch_prim::sym_float.Scalar")) return;
  *args[1] = EValue(args[0]->scalar_as_double());
}

void sym_max(KernelRuntimeContext& ctx, Span<EValue*> args) {
  if (!scalar_args(ctx, args, 2, "executorch_prim::sym_max.Scalar")) return;
  const EValue& a = *args[0];
  const EValue& b = *args[1];
  if (both_int(a, b)) {
    *args[2] = EValue(as_int(a) < as_int(b) ? as_int(b) : as_int(a));
  } else {
    const double x = a.scalar_as_double();
    const double y = b.scalar_as_double();
    *args[2] = EValue(x < y ? y : x);
  }
}

void sym_min(KernelRuntimeContext& ctx, Span<EValue*> args) {
  if (!scalar_args(ctx, args, 2, "executorch_prim::sym_min.Scalar")) return;
  const EValue& a = *args[0];
  const EValue& b = *args[1];
  if (both_int(a, b)) {
    *args[2] = EValue(as_int(b) < as_int(a) ? as_int(b) : as_int(a));
  } else {
    const double x = a.scalar_as_double();
    const double y = b.scalar_as_double();
    *args[2] = EValue(y < x ? y : x);
  }
}

void sym_not(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "executorch_prim::sym_not.Scalar";
  if (!scalar_args(ctx, args, 1, op)) return;
  if (!args[0]->is_bool()) {
    ctx.fail(Error::InvalidArgument, "%s: a: expected a Bool, got %s", op, tag_name(args[0]->tag()));
    return;
  }
  *args[1] = EValue(!args[0]->to_bool());
}

void sym_ite(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "executorch_prim::sym_ite.Scalar";
  if (!scalar_args(ctx, args, 3, op)) return;
  if (!args[0]->is_bool()) {
    ctx.fail(Error::InvalidArgument, "%s: b: expected a Bool, got %s", op, tag_name(args[0]->tag()));
    return;
  }
  *args[3] = args[0]->to_bool() ? *args[1] : *args[2];
}

}  // namespace ember::prim
