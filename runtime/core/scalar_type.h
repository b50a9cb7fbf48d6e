// Element types, numbered as ExecuTorch / c10 ScalarType (the .pte values).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ember {

enum class ScalarType : int8_t {
  Byte = 0,
  Char = 1,
  Short = 2,
  Int = 3,
  Long = 4,
  Half = 5,
  Float = 6,
  Double = 7,
  Bool = 11,
  QInt8 = 12,
  QUInt8 = 13,
  QInt32 = 14,
  BFloat16 = 15,
  QUInt4x2 = 16,
  QUInt2x4 = 17,
  Bits16 = 22,
  Float8_e5m2 = 23,
  Float8_e4m3fn = 24,
  Float8_e5m2fnuz = 25,
  Float8_e4m3fnuz = 26,
  UInt16 = 27,
  UInt32 = 28,
  UInt64 = 29,
};

// True for every value above (the numbers a file may carry).
bool is_valid_scalar_type(int value);
// Bytes per element; 0 for an invalid type.
size_t element_size(ScalarType type);
// "Float", "Long", ...; "Unknown(N)" is never returned: invalid gives "Invalid".
const char* scalar_type_name(ScalarType type);

inline bool is_floating_type(ScalarType t) {
  return t == ScalarType::Float || t == ScalarType::Double || t == ScalarType::Half || t == ScalarType::BFloat16;
}
inline bool is_integral_type(ScalarType t, bool include_bool) {
  switch (t) {
    case ScalarType::Byte:
    case ScalarType::Char:
    case ScalarType::Short:
    case ScalarType::Int:
    case ScalarType::Long:
    case ScalarType::UInt16:
    case ScalarType::UInt32:
    case ScalarType::UInt64:
      return true;
    case ScalarType::Bool:
      return include_bool;
    default:
      return false;
  }
}

// Compile-time mapping from C++ type to ScalarType.
template <typename T>
struct ScalarTypeOf;
#define EMBER_SCALAR_TYPE_OF(ctype, st) \
  template <>                           \
  struct ScalarTypeOf<ctype> {          \
    static constexpr ScalarType value = ScalarType::st; \
  };
EMBER_SCALAR_TYPE_OF(uint8_t, Byte)
EMBER_SCALAR_TYPE_OF(int8_t, Char)
EMBER_SCALAR_TYPE_OF(int16_t, Short)
EMBER_SCALAR_TYPE_OF(int32_t, Int)
EMBER_SCALAR_TYPE_OF(int64_t, Long)
EMBER_SCALAR_TYPE_OF(float, Float)
EMBER_SCALAR_TYPE_OF(double, Double)
EMBER_SCALAR_TYPE_OF(bool, Bool)
EMBER_SCALAR_TYPE_OF(uint16_t, UInt16)
EMBER_SCALAR_TYPE_OF(uint32_t, UInt32)
EMBER_SCALAR_TYPE_OF(uint64_t, UInt64)
#undef EMBER_SCALAR_TYPE_OF

}  // namespace ember
