// Conversions between the 16-bit float formats (IEEE half, bfloat16) and
// float/double, for code that reads or writes Half/BFloat16 tensor bytes
// without computing in them (bundled-program comparison, value printing,
// dtype-converting copies). Pure functions on bit patterns; nothing is owned.
#pragma once

#include <cstdint>

namespace ember {

// IEEE 754 binary16 bits to float, exact for every finite value, subnormals
// and infinities; a NaN keeps its sign but not its payload.
float half_to_float(uint16_t bits);

// bfloat16 bits to float (exact: the upper half of a float's bits).
float bfloat16_to_float(uint16_t bits);

// Narrowing to the 16-bit formats, rounding to nearest with ties to even
// (as IEEE conversions and ATen do), straight from double so that no double
// rounding happens; values past the largest finite one become infinities,
// NaNs quiet NaNs of the same sign.
uint16_t half_from_double(double value);
uint16_t bfloat16_from_double(double value);

}  // namespace ember
