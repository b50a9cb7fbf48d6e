// Tensor: a non-owning view of typed, shaped data.
//
// TensorImpl holds pointers to sizes, dim order, strides and data; it owns none
// of them. In a loaded Method the metadata arrays live in the method allocator
// and the data in a planned arena, a constant segment or caller memory, so a
// Tensor is valid as long as the Method (or whoever built it) is. Sizes and
// strides are int32 (as in the .pte format); rank is at most 16.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/array_ref.h"
#include "runtime/core/error.h"
#include "runtime/core/scalar_type.h"

namespace ember {

using SizesType = int32_t;
using DimOrderType = uint8_t;
using StridesType = int32_t;

constexpr size_t kTensorDimensionLimit = 16;

enum class TensorShapeDynamism : uint8_t { Static = 0, DynamicBound = 1, DynamicUnbound = 2 };

class TensorImpl final {
 public:
  TensorImpl() = default;
  // `sizes`, `dim_order` and `strides` point at `dim` elements each (may be null
  // when dim == 0). The numel at construction is the capacity a resize may not
  // exceed. `strides` is filled from sizes and dim_order by this constructor.
  TensorImpl(ScalarType type, size_t dim, SizesType* sizes, void* data, DimOrderType* dim_order,
             StridesType* strides, TensorShapeDynamism dynamism = TensorShapeDynamism::Static);

  ScalarType scalar_type() const { return type_; }
  size_t dim() const { return dim_; }
  size_t numel() const { return numel_; }
  size_t numel_capacity() const { return numel_capacity_; }
  size_t element_size() const { return ember::element_size(type_); }
  size_t nbytes() const { return numel_ * element_size(); }
  TensorShapeDynamism shape_dynamism() const { return dynamism_; }

  ArrayRef<SizesType> sizes() const { return {sizes_, dim_}; }
  ArrayRef<DimOrderType> dim_order() const { return {dim_order_, dim_}; }
  ArrayRef<StridesType> strides() const { return {strides_, dim_}; }
  SizesType size(size_t d) const { return sizes_[d]; }

  const void* data() const { return data_; }
  void* mutable_data() const { return data_; }
  void set_data(void* data) { data_ = data; }

  // Changes the shape in place. Static tensors accept only their own shape;
  // DynamicBound tensors any shape of the same rank whose numel fits the
  // capacity. Fails with a message otherwise.
  Error resize(ArrayRef<SizesType> new_sizes);

  // True when dim_order is 0, 1, ..., dim-1.
  bool is_contiguous_dim_order() const;

 private:
  void recompute_strides_and_numel();

  SizesType* sizes_ = nullptr;
  DimOrderType* dim_order_ = nullptr;
  StridesType* strides_ = nullptr;
  void* data_ = nullptr;
  size_t dim_ = 0;
  size_t numel_ = 1;
  size_t numel_capacity_ = 1;
  ScalarType type_ = ScalarType::Float;
  TensorShapeDynamism dynamism_ = TensorShapeDynamism::Static;
};

// A handle to a TensorImpl (pointer-sized, copyable). Does not own the impl.
class Tensor final {
 public:
  Tensor() = default;
  explicit Tensor(TensorImpl* impl) : impl_(impl) {}

  TensorImpl* impl() const { return impl_; }
  ScalarType scalar_type() const { return impl_->scalar_type(); }
  size_t dim() const { return impl_->dim(); }
  size_t numel() const { return impl_->numel(); }
  size_t nbytes() const { return impl_->nbytes(); }
  size_t element_size() const { return impl_->element_size(); }
  ArrayRef<SizesType> sizes() const { return impl_->sizes(); }
  ArrayRef<DimOrderType> dim_order() const { return impl_->dim_order(); }
  ArrayRef<StridesType> strides() const { return impl_->strides(); }
  SizesType size(size_t d) const { return impl_->size(d); }
  TensorShapeDynamism shape_dynamism() const { return impl_->shape_dynamism(); }
  bool is_contiguous_dim_order() const { return impl_->is_contiguous_dim_order(); }

  const void* const_data_ptr() const { return impl_->data(); }
  void* mutable_data_ptr() const { return impl_->mutable_data(); }
  template <typename T>
  const T* const_data_ptr() const {
    return static_cast<const T*>(impl_->data());
  }
  template <typename T>
  T* mutable_data_ptr() const {
    return static_cast<T*>(impl_->mutable_data());
  }

 private:
  TensorImpl* impl_ = nullptr;
};

// Overflow-checked product of sizes (each must be >= 0). Returns false on a
// negative size or overflow of size_t.
bool checked_numel(ArrayRef<SizesType> sizes, size_t* out);
// Overflow-checked a * b.
bool checked_mul(size_t a, size_t b, size_t* out);
// Overflow-checked a + b.
bool checked_add(size_t a, size_t b, size_t* out);
// True when `dim_order` is a permutation of 0..size-1.
bool is_valid_dim_order(ArrayRef<DimOrderType> dim_order);

}  // namespace ember
