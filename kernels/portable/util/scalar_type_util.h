// Dtype helpers shared by kernels: the dtypes portable kernels compute in, a
// compile-time dispatch from ScalarType to C++ type, ATen type promotion and
// castability, and well-defined value conversion.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "runtime/core/evalue.h"
#include "runtime/core/scalar_type.h"
#include "runtime/core/tensor.h"

namespace ember::kernels {

// Carries a C++ type through a generic lambda: `[&](auto tag) { using T = typename decltype(tag)::type; }`.
template <typename T>
struct TypeTag {
  using type = T;
};

// Calls f(TypeTag<T>{}) for the C++ type of `t` among the eight "real + bool"
// dtypes (uint8, int8, int16, int32, int64, float, double, bool). Returns false
// (without calling f) for any other dtype.
template <typename F>
bool dispatch_real_bool(ScalarType t, F&& f) {
  switch (t) {
    case ScalarType::Byte: f(TypeTag<uint8_t>{}); return true;
    case ScalarType::Char: f(TypeTag<int8_t>{}); return true;
    case ScalarType::Short: f(TypeTag<int16_t>{}); return true;
    case ScalarType::Int: f(TypeTag<int32_t>{}); return true;
    case ScalarType::Long: f(TypeTag<int64_t>{}); return true;
    case ScalarType::Float: f(TypeTag<float>{}); return true;
    case ScalarType::Double: f(TypeTag<double>{}); return true;
    case ScalarType::Bool: f(TypeTag<bool>{}); return true;
    default: return false;
  }
}

// dispatch_real_bool without Bool.
template <typename F>
bool dispatch_real(ScalarType t, F&& f) {
  switch (t) {
    case ScalarType::Byte: f(TypeTag<uint8_t>{}); return true;
    case ScalarType::Char: f(TypeTag<int8_t>{}); return true;
    case ScalarType::Short: f(TypeTag<int16_t>{}); return true;
    case ScalarType::Int: f(TypeTag<int32_t>{}); return true;
    case ScalarType::Long: f(TypeTag<int64_t>{}); return true;
    case ScalarType::Float: f(TypeTag<float>{}); return true;
    case ScalarType::Double: f(TypeTag<double>{}); return true;
    default: return false;
  }
}

// Float and Double only.
template <typename F>
bool dispatch_floating(ScalarType t, F&& f) {
  switch (t) {
    case ScalarType::Float: f(TypeTag<float>{}); return true;
    case ScalarType::Double: f(TypeTag<double>{}); return true;
    default: return false;
  }
}

// True for the dtypes dispatch_real_bool handles.
inline bool is_real_or_bool(ScalarType t) {
  return t == ScalarType::Byte || t == ScalarType::Char || t == ScalarType::Short || t == ScalarType::Int ||
         t == ScalarType::Long || t == ScalarType::Float || t == ScalarType::Double || t == ScalarType::Bool;
}

// ATen promoteTypes for bool, the signed/unsigned 8..64-bit integers, Half,
// BFloat16, Float and Double: the larger category/width wins; uint8 with int8
// gives int16 and Half with BFloat16 gives Float. Not defined for UInt16/32/64
// and quantized types: returns false for those.
bool promote_types(ScalarType a, ScalarType b, ScalarType* out);

// ATen canCast: float -> integer and non-bool -> bool are not allowed.
bool can_cast(ScalarType from, ScalarType to);

// ATen's result_type over tensors and Scalars. Tensors with dim > 0 take part
// fully; 0-dim tensors and Scalars ("wrapped numbers") only raise the result
// when their category (bool < integral < floating) is higher than what the
// dimensioned tensors give. An Int Scalar counts as Long, a Double Scalar as
// the default dtype Float, a Bool Scalar as Bool.
class ResultType final {
 public:
  void add(const Tensor& t);
  void add(const EValue& scalar);  // must be Int, Double or Bool
  // False when two dtypes have no promotion (see promote_types).
  bool result(ScalarType* out) const;

 private:
  struct Slot {
    bool set = false;
    bool valid = true;
    ScalarType type = ScalarType::Bool;
    void add(ScalarType t);
  };
  Slot dim_, zero_dim_, wrapped_;
};

// The dtype of a Scalar EValue as ATen sees it when it is an argument (not the
// wrapped-number default): Int -> Long, Double -> Double, Bool -> Bool.
ScalarType scalar_dtype(const EValue& scalar);

// Converts between arithmetic types with defined results everywhere: to bool
// is `v != 0`; floating to integer truncates toward zero, saturates at the
// target's range and maps NaN to 0 (C++ leaves those undefined).
template <typename To, typename From>
inline To convert(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    if (std::isnan(v)) return To(0);
    // The bounds are powers of two (or zero), so the comparisons are exact.
    constexpr long double lo = static_cast<long double>(std::numeric_limits<To>::min());
    constexpr long double hi = static_cast<long double>(std::numeric_limits<To>::max()) + 1.0L;
    long double x = static_cast<long double>(v);
    if (x <= lo) return std::numeric_limits<To>::min();
    if (x >= hi) return std::numeric_limits<To>::max();
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}

// A Scalar EValue (Int, Double or Bool) converted to T.
template <typename T>
inline T scalar_to(const EValue& s) {
  if (s.is_double()) return convert<T>(s.to_double());
  if (s.is_bool()) return convert<T>(s.to_bool());
  return convert<T>(s.to_int());
}

}  // namespace ember::kernels
