// HostValue: a method input or output owned by the host (std::vector storage),
// the currency of Module::run and executor_runner. A HostValue owns all of its
// bytes; copies are deep, and nothing in it points into a Method or Program.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/core/evalue.h"
#include "runtime/core/scalar_type.h"

namespace ember {

struct HostTensor {
  ScalarType dtype = ScalarType::Float;
  std::vector<int32_t> sizes;
  std::vector<uint8_t> dim_order;  // empty = contiguous
  std::vector<uint8_t> data;       // numel * element_size bytes, in dim_order

  // Product of sizes (1 for rank 0); 0 when a size is negative or the
  // product overflows, so validate sizes before trusting it.
  size_t numel() const;
  template <typename T>
  const T* data_as() const {
    return reinterpret_cast<const T*>(data.data());
  }
  template <typename T>
  T* data_as() {
    return reinterpret_cast<T*>(data.data());
  }
  // A contiguous tensor filled from `values` (numel must match sizes).
  template <typename T>
  static HostTensor from(std::vector<int32_t> sizes, const std::vector<T>& values) {
    HostTensor t;
    t.dtype = ScalarTypeOf<T>::value;
    t.sizes = std::move(sizes);
    t.data.resize(values.size() * sizeof(T));
    // Element by element: std::vector<bool> has no data().
    for (size_t i = 0; i < values.size(); ++i) {
      const T v = values[i];
      std::memcpy(t.data.data() + i * sizeof(T), &v, sizeof(T));
    }
    return t;
  }
};

struct HostValue {
  Tag tag = Tag::None;
  int64_t int_value = 0;
  double double_value = 0;
  bool bool_value = false;
  std::string string_value;
  HostTensor tensor;

  static HostValue none() { return {}; }
  static HostValue from_int(int64_t v) {
    HostValue h;
    h.tag = Tag::Int;
    h.int_value = v;
    return h;
  }
  static HostValue from_double(double v) {
    HostValue h;
    h.tag = Tag::Double;
    h.double_value = v;
    return h;
  }
  static HostValue from_bool(bool v) {
    HostValue h;
    h.tag = Tag::Bool;
    h.bool_value = v;
    return h;
  }
  static HostValue from_tensor(HostTensor t) {
    HostValue h;
    h.tag = Tag::Tensor;
    h.tensor = std::move(t);
    return h;
  }
  // Deep copy of an EValue (tensor data copied out of the method's memory).
  // Lists other than tensors are not representable and give a None.
  static HostValue copy_of(const EValue& value);
};

}  // namespace ember
