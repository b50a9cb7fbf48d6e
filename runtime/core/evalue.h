// EValue: one value of a method (None, scalar, string, tensor or list).
//
// EValues are small tagged unions. Strings and lists are views: their storage
// belongs to the program (strings, double/bool lists point into the .pte) or to
// the method allocator (boxed lists). Boxed lists hold pointers to other EValues
// of the same method, so a list sees values that earlier instructions changed.
#pragma once

#include <cstdint>

#include "runtime/core/array_ref.h"
#include "runtime/core/span.h"
#include "runtime/core/tensor.h"

namespace ember {

class EValue;

enum class Tag : uint8_t {
  None = 0,
  Tensor,
  String,
  Double,
  Int,
  Bool,
  ListBool,
  ListDouble,
  ListInt,
  ListTensor,
  ListScalar,
  ListOptionalTensor,
};

const char* tag_name(Tag tag);

// An optional tensor: a tensor list item that may be None.
struct OptionalTensor {
  bool has_value = false;
  Tensor value;
};

// A list whose items are other EValues. `get()` re-reads every item into the
// scratch array `unboxed` and returns it. Both arrays are owned by whoever
// built the list (the method allocator in a loaded Method).
template <typename T>
class BoxedEValueList final {
 public:
  BoxedEValueList() = default;
  BoxedEValueList(EValue** wrapped, T* unboxed, size_t size) : wrapped_(wrapped), unboxed_(unboxed), size_(size) {}
  size_t size() const { return size_; }
  EValue* const* wrapped() const { return wrapped_; }
  ArrayRef<T> get() const;

 private:
  EValue** wrapped_ = nullptr;
  T* unboxed_ = nullptr;
  size_t size_ = 0;
};

// The get() specializations are defined after EValue (they read its items)
// but declared here, before EValue's inline accessors instantiate them.
template <>
inline ArrayRef<int64_t> BoxedEValueList<int64_t>::get() const;
template <>
inline ArrayRef<Tensor> BoxedEValueList<Tensor>::get() const;
template <>
inline ArrayRef<OptionalTensor> BoxedEValueList<OptionalTensor>::get() const;

class EValue final {
 public:
  EValue() : tag_(Tag::None) { payload_.i = 0; }
  explicit EValue(int64_t v) : tag_(Tag::Int) { payload_.i = v; }
  explicit EValue(double v) : tag_(Tag::Double) { payload_.d = v; }
  explicit EValue(bool v) : tag_(Tag::Bool) { payload_.b = v; }
  explicit EValue(Tensor t) : tag_(Tag::Tensor) { payload_.tensor = t; }
  explicit EValue(ArrayRef<char> s) : tag_(Tag::String) { payload_.str = s; }
  explicit EValue(ArrayRef<double> v) : tag_(Tag::ListDouble) { payload_.doubles = v; }
  explicit EValue(ArrayRef<bool> v) : tag_(Tag::ListBool) { payload_.bools = v; }
  explicit EValue(BoxedEValueList<int64_t> v) : tag_(Tag::ListInt) { payload_.ints = v; }
  explicit EValue(BoxedEValueList<Tensor> v) : tag_(Tag::ListTensor) { payload_.tensors = v; }
  explicit EValue(BoxedEValueList<OptionalTensor> v) : tag_(Tag::ListOptionalTensor) { payload_.opt_tensors = v; }

  Tag tag() const { return tag_; }
  bool is_none() const { return tag_ == Tag::None; }
  bool is_int() const { return tag_ == Tag::Int; }
  bool is_double() const { return tag_ == Tag::Double; }
  bool is_bool() const { return tag_ == Tag::Bool; }
  bool is_tensor() const { return tag_ == Tag::Tensor; }
  bool is_string() const { return tag_ == Tag::String; }
  bool is_int_list() const { return tag_ == Tag::ListInt; }
  bool is_double_list() const { return tag_ == Tag::ListDouble; }
  bool is_bool_list() const { return tag_ == Tag::ListBool; }
  bool is_tensor_list() const { return tag_ == Tag::ListTensor; }
  bool is_optional_tensor_list() const { return tag_ == Tag::ListOptionalTensor; }
  // Int, Double or Bool.
  bool is_scalar() const { return tag_ == Tag::Int || tag_ == Tag::Double || tag_ == Tag::Bool; }

  // Accessors require the matching tag; check it first (kernels validate their
  // arguments' tags before reading them).
  int64_t to_int() const { return payload_.i; }
  double to_double() const { return payload_.d; }
  bool to_bool() const { return payload_.b; }
  Tensor to_tensor() const { return payload_.tensor; }
  ArrayRef<char> to_string() const { return payload_.str; }
  ArrayRef<double> to_double_list() const { return payload_.doubles; }
  ArrayRef<bool> to_bool_list() const { return payload_.bools; }
  ArrayRef<int64_t> to_int_list() const { return payload_.ints.get(); }
  ArrayRef<Tensor> to_tensor_list() const { return payload_.tensors.get(); }
  ArrayRef<OptionalTensor> to_optional_tensor_list() const { return payload_.opt_tensors.get(); }
  const BoxedEValueList<int64_t>& boxed_int_list() const { return payload_.ints; }
  const BoxedEValueList<Tensor>& boxed_tensor_list() const { return payload_.tensors; }

  // A scalar as double (Int, Double or Bool), for kernels taking `Scalar`.
  double scalar_as_double() const {
    return tag_ == Tag::Double ? payload_.d : tag_ == Tag::Int ? static_cast<double>(payload_.i) : payload_.b ? 1.0 : 0.0;
  }

 private:
  union Payload {
    Payload() : i(0) {}
    int64_t i;
    double d;
    bool b;
    Tensor tensor;
    ArrayRef<char> str;
    ArrayRef<double> doubles;
    ArrayRef<bool> bools;
    BoxedEValueList<int64_t> ints;
    BoxedEValueList<Tensor> tensors;
    BoxedEValueList<OptionalTensor> opt_tensors;
  } payload_;
  Tag tag_;
};

template <>
inline ArrayRef<int64_t> BoxedEValueList<int64_t>::get() const {
  for (size_t i = 0; i < size_; ++i) unboxed_[i] = wrapped_[i]->to_int();
  return {unboxed_, size_};
}
template <>
inline ArrayRef<Tensor> BoxedEValueList<Tensor>::get() const {
  for (size_t i = 0; i < size_; ++i) unboxed_[i] = wrapped_[i]->to_tensor();
  return {unboxed_, size_};
}
template <>
inline ArrayRef<OptionalTensor> BoxedEValueList<OptionalTensor>::get() const {
  for (size_t i = 0; i < size_; ++i) {
    unboxed_[i] = wrapped_[i] == nullptr || !wrapped_[i]->is_tensor()
                      ? OptionalTensor{}
                      : OptionalTensor{true, wrapped_[i]->to_tensor()};
  }
  return {unboxed_, size_};
}

}  // namespace ember
