#include "runtime/core/half_float.h"

#include <cmath>
#include <cstring>

namespace ember {

float half_to_float(uint16_t bits) {
  const uint32_t exp = (bits >> 10) & 0x1fu;
  const uint32_t mant = bits & 0x3ffu;
  float value;
  if (exp == 0) {
    value = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    value = mant == 0 ? INFINITY : NAN;
  } else {
    value = std::ldexp(static_cast<float>(mant | 0x400u), static_cast<int>(exp) - 25);
  }
  return (bits & 0x8000u) != 0 ? -value : value;
}

float bfloat16_to_float(uint16_t bits) {
  const uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float f;
  std::memcpy(&f, &wide, sizeof(f));
  return f;
}

namespace {

// Rounds |value| to a binary format with `mant` stored mantissa bits and
// exponents in [min_exp, max_exp] (no sign, no NaN).
uint16_t round_magnitude(double a, int mant, int min_exp, int max_exp, int bias) {
  const double unit = std::ldexp(1.0, mant);
  // At or past the midpoint between the largest finite value and the next
  // power of two: infinity (the largest finite mantissa is odd).
  if (a >= std::ldexp(2.0 - std::ldexp(1.0, -mant - 1), max_exp)) {
    return static_cast<uint16_t>((max_exp + bias + 1) << mant);
  }
  if (a < std::ldexp(1.0, min_exp)) {
    // Subnormal: a multiple of 2^(min_exp - mant). Rounding up to `unit`
    // yields the smallest normal's bits, as it should.
    return static_cast<uint16_t>(std::nearbyint(std::ldexp(a, mant - min_exp)));
  }
  int e = 0;
  std::frexp(a, &e);  // a = f * 2^e, f in [0.5, 1)
  int exp = e - 1;
  double m = std::nearbyint(std::ldexp(a, mant - exp));  // in [unit, 2 * unit]
  if (m == 2 * unit) {
    m = unit;
    ++exp;
  }
  return static_cast<uint16_t>(((exp + bias) << mant) | (static_cast<uint32_t>(m) - static_cast<uint32_t>(unit)));
}

uint16_t narrow(double value, int mant, int min_exp, int max_exp, int bias, uint16_t quiet_nan) {
  const uint16_t sign = std::signbit(value) ? 0x8000u : 0u;
  if (std::isnan(value)) return static_cast<uint16_t>(sign | quiet_nan);
  return static_cast<uint16_t>(sign | round_magnitude(std::fabs(value), mant, min_exp, max_exp, bias));
}

}  // namespace

uint16_t half_from_double(double value) { return narrow(value, 10, -14, 15, 15, 0x7e00u); }

uint16_t bfloat16_from_double(double value) { return narrow(value, 7, -126, 127, 127, 0x7fc0u); }

}  // namespace ember
