// TensorFactory: builds tensors for tests.
//
// An OwnedTensor owns everything its TensorImpl points at (sizes, dim order,
// strides, data), so the Tensor it hands out stays valid as long as the
// OwnedTensor lives; it is move-only (moving keeps the Tensor valid). Values
// are always given and read in logical row-major order, whatever the dim
// order, so tests can compare a channels-last result with the same list as a
// contiguous one.
//
//   auto a = TensorFactory::make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
//   auto nhwc = TensorFactory::make_channels_last<float>({1, 2, 2, 2}, {...});
//   auto out = TensorFactory::zeros(ScalarType::Float, {2, 3});
//   auto dyn = TensorFactory::dynamic_bound(ScalarType::Float, {8});  // resizable up to 8 elements
//   EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{...}));
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/core/scalar_type.h"
#include "runtime/core/tensor.h"

namespace ember::test {

class OwnedTensor final {
 public:
  // A zero-filled tensor. An empty `dim_order` means contiguous (0..n-1). The
  // data buffer holds numel(sizes) elements: the capacity of a DynamicBound
  // tensor.
  OwnedTensor(ScalarType type, std::vector<SizesType> sizes, std::vector<DimOrderType> dim_order = {},
              TensorShapeDynamism dynamism = TensorShapeDynamism::Static);
  OwnedTensor(OwnedTensor&&) = default;
  OwnedTensor& operator=(OwnedTensor&&) = default;
  OwnedTensor(const OwnedTensor&) = delete;
  OwnedTensor& operator=(const OwnedTensor&) = delete;

  Tensor tensor() const { return Tensor(impl_.get()); }
  TensorImpl* impl() const { return impl_.get(); }
  // Current sizes (they change when a kernel resizes the tensor).
  std::vector<SizesType> sizes() const;

  // Writes `values` (logical row-major order, numel() of them) into memory
  // through the dim order. T must be the tensor's C++ type.
  template <typename T>
  void set_values(const std::vector<T>& values);
  // Reads all numel() values in logical row-major order.
  template <typename T>
  std::vector<T> to_vector() const;

 private:
  // Byte offset of the element at logical row-major index `i`.
  size_t byte_offset(size_t i) const;
  void check_type(ScalarType t) const;

  std::vector<SizesType> sizes_;
  std::vector<DimOrderType> dim_order_;
  std::vector<StridesType> strides_;
  std::vector<uint64_t> data_;  // uint64_t keeps every element type aligned
  std::unique_ptr<TensorImpl> impl_;
};

class TensorFactory final {
 public:
  // Contiguous tensor of T with `values` in row-major order (empty: zeros).
  template <typename T>
  static OwnedTensor make(std::vector<SizesType> sizes, const std::vector<T>& values = {}) {
    return make_with_dim_order<T>(std::move(sizes), {}, values);
  }

  // 4-D NCHW tensor stored channels-last (dim order 0, 2, 3, 1); values are
  // given in logical NCHW row-major order.
  template <typename T>
  static OwnedTensor make_channels_last(std::vector<SizesType> sizes, const std::vector<T>& values = {}) {
    return make_with_dim_order<T>(std::move(sizes), {0, 2, 3, 1}, values);
  }

  template <typename T>
  static OwnedTensor make_with_dim_order(std::vector<SizesType> sizes, std::vector<DimOrderType> dim_order,
                                         const std::vector<T>& values = {}) {
    OwnedTensor t(ScalarTypeOf<T>::value, std::move(sizes), std::move(dim_order));
    if (!values.empty()) t.set_values(values);
    return t;
  }

  static OwnedTensor zeros(ScalarType type, std::vector<SizesType> sizes, std::vector<DimOrderType> dim_order = {}) {
    return OwnedTensor(type, std::move(sizes), std::move(dim_order));
  }

  // A DYNAMIC_BOUND tensor whose initial shape is `max_sizes`; kernels may
  // resize it to any same-rank shape of at most that many elements.
  static OwnedTensor dynamic_bound(ScalarType type, std::vector<SizesType> max_sizes) {
    return OwnedTensor(type, std::move(max_sizes), {}, TensorShapeDynamism::DynamicBound);
  }
};

}  // namespace ember::test
