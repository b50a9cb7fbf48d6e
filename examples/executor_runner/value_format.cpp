#include "examples/executor_runner/value_format.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "runtime/module/npy.h"
#include "runtime/core/half_float.h"

namespace ember::runner {

namespace {

// Elements shown at each end of a tensor in summary mode.
constexpr size_t kSummaryEdge = 4;

template <typename T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

std::string format(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), fmt, v);
  return buf;
}

std::string format_int(long long v) { return std::to_string(v); }

}  // namespace

std::string shape_string(ArrayRef<int32_t> sizes) {
  std::string s = "[";
  for (size_t i = 0; i < sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(sizes[i]);
  return s + "]";
}

std::string element_string(ScalarType dtype, const uint8_t* data, size_t index) {
  switch (dtype) {
    case ScalarType::Float: return format("%g", load<float>(data + 4 * index));
    case ScalarType::Double: return format("%.15g", load<double>(data + 8 * index));
    case ScalarType::Half: return format("%g", half_to_float(load<uint16_t>(data + 2 * index)));
    case ScalarType::BFloat16: return format("%g", bfloat16_to_float(load<uint16_t>(data + 2 * index)));
    case ScalarType::Bool: return data[index] != 0 ? "true" : "false";
    case ScalarType::Byte:
    case ScalarType::QUInt8: return format_int(data[index]);
    case ScalarType::Char:
    case ScalarType::QInt8: return format_int(load<int8_t>(data + index));
    case ScalarType::Short: return format_int(load<int16_t>(data + 2 * index));
    case ScalarType::UInt16: return format_int(load<uint16_t>(data + 2 * index));
    case ScalarType::Int:
    case ScalarType::QInt32: return format_int(load<int32_t>(data + 4 * index));
    case ScalarType::UInt32: return format_int(load<uint32_t>(data + 4 * index));
    case ScalarType::Long: return format_int(load<int64_t>(data + 8 * index));
    case ScalarType::UInt64: return std::to_string(load<uint64_t>(data + 8 * index));
    default: return "?";
  }
}

std::string value_string(const HostValue& value, PrintMode mode) {
  switch (value.tag) {
    case Tag::None: return "none";
    case Tag::Int: return "int " + format_int(value.int_value);
    case Tag::Double: return "double " + format("%.15g", value.double_value);
    case Tag::Bool: return std::string("bool ") + (value.bool_value ? "true" : "false");
    case Tag::String: return "string \"" + value.string_value + "\"";
    case Tag::Tensor: break;
    default: return tag_name(value.tag);
  }
  const HostTensor t = npy::to_contiguous(value.tensor);
  std::string s = std::string("tensor ") + scalar_type_name(t.dtype) + " " + shape_string(t.sizes);
  if (mode == PrintMode::None) return s;
  size_t numel = t.numel();
  size_t elem = element_size(t.dtype);
  if (elem == 0 || t.data.size() != numel * elem) return s + " = <data does not match shape>";
  s += " = [";
  bool cut = mode == PrintMode::Summary && numel > 2 * kSummaryEdge;
  for (size_t i = 0; i < numel; ++i) {
    if (cut && i == kSummaryEdge) {
      s += ", ...";
      i = numel - kSummaryEdge;
    }
    s += (i ? ", " : "") + element_string(t.dtype, t.data.data(), i);
  }
  return s + "]";
}

HostTensor ones(ScalarType dtype, const std::vector<int32_t>& sizes) {
  HostTensor t;
  t.dtype = dtype;
  t.sizes = sizes;
  size_t numel = t.numel();
  size_t elem = element_size(dtype);
  t.data.assign(numel * elem, 0);
  for (size_t i = 0; i < numel; ++i) {
    uint8_t* p = t.data.data() + i * elem;
    switch (dtype) {
      case ScalarType::Float: {
        float one = 1.0f;
        std::memcpy(p, &one, sizeof(one));
        break;
      }
      case ScalarType::Double: {
        double one = 1.0;
        std::memcpy(p, &one, sizeof(one));
        break;
      }
      case ScalarType::Half: {
        uint16_t one = 0x3c00;
        std::memcpy(p, &one, sizeof(one));
        break;
      }
      case ScalarType::BFloat16: {
        uint16_t one = 0x3f80;
        std::memcpy(p, &one, sizeof(one));
        break;
      }
      default:
        // Integer and bool types are little-endian: the low byte is 1.
        if (elem != 0) p[0] = 1;
        break;
    }
  }
  return t;
}

}  // namespace ember::runner
