// Widening of the 16-bit float formats (IEEE half, bfloat16) to float, for
// code that reads Half/BFloat16 tensor bytes without computing in them
// (bundled-program comparison, value printing). Pure functions on bit
// patterns; nothing is owned.
#pragma once

#include <cstdint>

namespace ember {

// IEEE 754 binary16 bits to float, exact for every finite value, subnormals
// and infinities; a NaN keeps its sign but not its payload.
float half_to_float(uint16_t bits);

// bfloat16 bits to float (exact: the upper half of a float's bits).
float bfloat16_to_float(uint16_t bits);

}  // namespace ember
