#include "kernels/portable/util/op_args.h"

#include <cfloat>
#include <cmath>
#include <cstring>

#include "kernels/portable/util/scalar_type_util.h"

namespace ember::kernels {
namespace {

// Inclusive range of an integral dtype as long double (exact for 64 bits).
void integral_range(ScalarType t, long double* lo, long double* hi) {
  dispatch_real_bool(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    *lo = static_cast<long double>(std::numeric_limits<T>::lowest());
    *hi = static_cast<long double>(std::numeric_limits<T>::max());
  });
}

}  // namespace

bool int_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name, int64_t* out) {
  const EValue& v = *args[i];
  if (!v.is_int()) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected an Int, got %s", op, name, tag_name(v.tag()));
    return false;
  }
  *out = v.to_int();
  return true;
}

bool double_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                double* out) {
  const EValue& v = *args[i];
  if (v.is_double()) {
    *out = v.to_double();
  } else if (v.is_int()) {
    *out = static_cast<double>(v.to_int());
  } else {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected a Double, got %s", op, name, tag_name(v.tag()));
    return false;
  }
  return true;
}

bool string_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                ArrayRef<char>* out) {
  const EValue& v = *args[i];
  if (!v.is_string()) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected a String, got %s", op, name, tag_name(v.tag()));
    return false;
  }
  *out = v.to_string();
  return true;
}

bool string_equals(ArrayRef<char> s, const char* text) {
  const size_t n = std::strlen(text);
  return s.size() == n && (n == 0 || std::memcmp(s.data(), text, n) == 0);
}

bool optional_dtype_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                        bool* present, ScalarType* out) {
  const EValue& v = *args[i];
  *present = false;
  if (v.is_none()) return true;
  if (!v.is_int()) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected None or an Int dtype, got %s", op, name, tag_name(v.tag()));
    return false;
  }
  const int64_t code = v.to_int();
  const ScalarType t = static_cast<ScalarType>(static_cast<int8_t>(code));
  if (code < 0 || code > 127 || !is_real_or_bool(t)) {
    ctx.fail(Error::InvalidArgument, "%s: %s: dtype %lld is not supported", op, name, static_cast<long long>(code));
    return false;
  }
  *present = true;
  *out = t;
  return true;
}

bool optional_tensor_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                         bool* present, Tensor* out) {
  const EValue& v = *args[i];
  *present = false;
  if (v.is_none()) return true;
  if (!v.is_tensor() || v.to_tensor().impl() == nullptr) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected None or a Tensor, got %s", op, name, tag_name(v.tag()));
    return false;
  }
  *present = true;
  *out = v.to_tensor();
  return true;
}

bool normalize_dim(KernelRuntimeContext& ctx, const char* op, const char* name, int64_t dim, size_t rank, size_t* out) {
  const int64_t r = rank == 0 ? 1 : static_cast<int64_t>(rank);
  if (dim < -r || dim >= r) {
    ctx.fail(Error::InvalidArgument, "%s: %s: dim %lld is out of range for rank %zu", op, name,
             static_cast<long long>(dim), rank);
    return false;
  }
  *out = static_cast<size_t>(dim < 0 ? dim + r : dim);
  return true;
}

bool check_scalar_fits(KernelRuntimeContext& ctx, const char* op, const char* name, const EValue& scalar,
                       ScalarType type) {
  if (type == ScalarType::Bool || type == ScalarType::Double || scalar.is_bool()) return true;
  bool fits = true;
  if (type == ScalarType::Float) {
    const double d = scalar.scalar_as_double();
    fits = !std::isfinite(d) || std::fabs(d) <= static_cast<double>(FLT_MAX);
  } else if (is_integral_type(type, false)) {
    long double lo = 0;
    long double hi = 0;
    integral_range(type, &lo, &hi);
    const long double v =
        scalar.is_int() ? static_cast<long double>(scalar.to_int()) : static_cast<long double>(scalar.to_double());
    // A Double into an integral dtype truncates; NaN and infinities never fit.
    fits = !std::isnan(v) && std::trunc(v) >= lo && std::trunc(v) <= hi;
  }
  if (!fits) {
    ctx.fail(Error::InvalidArgument, "%s: %s: value %g is out of range for dtype %s", op, name,
             scalar.scalar_as_double(), scalar_type_name(type));
    return false;
  }
  return true;
}

bool check_dtype(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t, ScalarType type) {
  if (t.scalar_type() != type) {
    ctx.fail(Error::InvalidArgument, "%s: %s: dtype %s, expected %s", op, name, scalar_type_name(t.scalar_type()),
             scalar_type_name(type));
    return false;
  }
  return true;
}

bool check_floating(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t) {
  if (t.scalar_type() != ScalarType::Float && t.scalar_type() != ScalarType::Double) {
    ctx.fail(Error::InvalidArgument, "%s: %s: dtype %s is not supported (Float or Double)", op, name,
             scalar_type_name(t.scalar_type()));
    return false;
  }
  return true;
}

}  // namespace ember::kernels
