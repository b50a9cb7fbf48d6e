#include "test/support/tensor_factory.h"

#include <gtest/gtest.h>

#include <cstring>

namespace ember::test {

OwnedTensor::OwnedTensor(ScalarType type, std::vector<SizesType> sizes, std::vector<DimOrderType> dim_order,
                         TensorShapeDynamism dynamism)
    : sizes_(std::move(sizes)), dim_order_(std::move(dim_order)), strides_(sizes_.size()) {
  if (dim_order_.empty()) {
    for (size_t i = 0; i < sizes_.size(); ++i) dim_order_.push_back(static_cast<DimOrderType>(i));
  }
  EXPECT_EQ(dim_order_.size(), sizes_.size()) << "dim order and sizes differ in rank";
  size_t numel = 1;
  for (SizesType s : sizes_) numel *= static_cast<size_t>(s);
  const size_t bytes = numel * element_size(type);
  data_.assign((bytes + sizeof(uint64_t) - 1) / sizeof(uint64_t) + 1, 0);
  impl_ = std::make_unique<TensorImpl>(type, sizes_.size(), sizes_.data(), data_.data(), dim_order_.data(),
                                       strides_.data(), dynamism);
}

std::vector<SizesType> OwnedTensor::sizes() const {
  ArrayRef<SizesType> s = impl_->sizes();
  return std::vector<SizesType>(s.begin(), s.end());
}

size_t OwnedTensor::byte_offset(size_t i) const {
  size_t offset = 0;
  for (size_t d = impl_->dim(); d-- > 0;) {
    const size_t size = static_cast<size_t>(impl_->size(d));
    offset += (i % size) * static_cast<size_t>(impl_->strides()[d]);
    i /= size;
  }
  return offset * impl_->element_size();
}

void OwnedTensor::check_type(ScalarType t) const {
  EXPECT_EQ(static_cast<int>(t), static_cast<int>(impl_->scalar_type()))
      << "element type " << scalar_type_name(t) << " used on a " << scalar_type_name(impl_->scalar_type())
      << " tensor";
}

template <typename T>
void OwnedTensor::set_values(const std::vector<T>& values) {
  check_type(ScalarTypeOf<T>::value);
  EXPECT_EQ(values.size(), impl_->numel()) << "value count does not match the shape";
  char* base = static_cast<char*>(impl_->mutable_data());
  for (size_t i = 0; i < values.size() && i < impl_->numel(); ++i) {
    const T v = values[i];
    std::memcpy(base + byte_offset(i), &v, sizeof(T));
  }
}

template <typename T>
std::vector<T> OwnedTensor::to_vector() const {
  check_type(ScalarTypeOf<T>::value);
  std::vector<T> out(impl_->numel());
  const char* base = static_cast<const char*>(impl_->data());
  for (size_t i = 0; i < out.size(); ++i) {
    T v;
    std::memcpy(&v, base + byte_offset(i), sizeof(T));
    out[i] = v;
  }
  return out;
}

#define EMBER_INSTANTIATE(T)                                              \
  template void OwnedTensor::set_values<T>(const std::vector<T>&);       \
  template std::vector<T> OwnedTensor::to_vector<T>() const;
EMBER_INSTANTIATE(uint8_t)
EMBER_INSTANTIATE(int8_t)
EMBER_INSTANTIATE(int16_t)
EMBER_INSTANTIATE(int32_t)
EMBER_INSTANTIATE(int64_t)
EMBER_INSTANTIATE(float)
EMBER_INSTANTIATE(double)
EMBER_INSTANTIATE(bool)
EMBER_INSTANTIATE(uint16_t)
EMBER_INSTANTIATE(uint32_t)
EMBER_INSTANTIATE(uint64_t)
#undef EMBER_INSTANTIATE

}  // namespace ember::test
