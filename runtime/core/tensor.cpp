#include "runtime/core/tensor.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace ember {

bool checked_mul(size_t a, size_t b, size_t* out) { return !__builtin_mul_overflow(a, b, out); }
bool checked_add(size_t a, size_t b, size_t* out) { return !__builtin_add_overflow(a, b, out); }

bool checked_numel(ArrayRef<SizesType> sizes, size_t* out) {
  size_t n = 1;
  for (SizesType s : sizes) {
    if (s < 0 || !checked_mul(n, static_cast<size_t>(s), &n)) return false;
  }
  *out = n;
  return true;
}

bool is_valid_dim_order(ArrayRef<DimOrderType> dim_order) {
  if (dim_order.size() > kTensorDimensionLimit) return false;
  bool seen[kTensorDimensionLimit] = {};
  for (DimOrderType d : dim_order) {
    if (d >= dim_order.size() || seen[d]) return false;
    seen[d] = true;
  }
  return true;
}

TensorImpl::TensorImpl(ScalarType type, size_t dim, SizesType* sizes, void* data, DimOrderType* dim_order,
                       StridesType* strides, TensorShapeDynamism dynamism)
    : sizes_(sizes), dim_order_(dim_order), strides_(strides), data_(data), dim_(dim), type_(type),
      dynamism_(dynamism) {
  recompute_strides_and_numel();
  numel_capacity_ = numel_;
}

void TensorImpl::recompute_strides_and_numel() {
  size_t n = 1;
  for (size_t i = 0; i < dim_; ++i) {
    n *= static_cast<size_t>(sizes_[i] < 0 ? 0 : sizes_[i]);
  }
  numel_ = n;
  if (strides_ == nullptr || dim_ == 0) return;
  // Innermost dimension in memory is dim_order[dim-1].
  // Computed wide and saturated: sizes whose span exceeds int32 are refused
  // by the program verifier, but this must not overflow on any input.
  int64_t stride = 1;
  constexpr int64_t kMaxStride = std::numeric_limits<StridesType>::max();
  for (size_t i = dim_; i-- > 0;) {
    DimOrderType d = dim_order_ != nullptr ? dim_order_[i] : static_cast<DimOrderType>(i);
    strides_[d] = static_cast<StridesType>(stride);
    stride = std::min(stride * (sizes_[d] > 1 ? sizes_[d] : 1), kMaxStride);
  }
}

bool TensorImpl::is_contiguous_dim_order() const {
  if (dim_order_ == nullptr) return true;
  for (size_t i = 0; i < dim_; ++i) {
    if (dim_order_[i] != i) return false;
  }
  return true;
}

Error TensorImpl::resize(ArrayRef<SizesType> new_sizes) {
  EMBER_CHECK_OR_RETURN(new_sizes.size() == dim_, Error::InvalidArgument,
                        "resize: rank %zu does not match tensor rank %zu", new_sizes.size(), dim_);
  size_t n = 0;
  EMBER_CHECK_OR_RETURN(checked_numel(new_sizes, &n), Error::InvalidArgument,
                        "resize: negative size or numel overflow");
  bool same = true;
  for (size_t i = 0; i < dim_; ++i) same = same && new_sizes[i] == sizes_[i];
  if (same) return Error::Ok;
  switch (dynamism_) {
    case TensorShapeDynamism::Static:
      for (size_t i = 0; i < dim_; ++i) {
        EMBER_CHECK_OR_RETURN(new_sizes[i] == sizes_[i], Error::InvalidArgument,
                              "resize: static tensor dim %zu is %d, got %d", i, sizes_[i], new_sizes[i]);
      }
      break;
    case TensorShapeDynamism::DynamicBound:
      EMBER_CHECK_OR_RETURN(n <= numel_capacity_, Error::InvalidArgument,
                            "resize: %zu elements exceed the tensor's bound of %zu", n, numel_capacity_);
      break;
    case TensorShapeDynamism::DynamicUnbound:
      return fail(Error::NotSupported, "resize: DYNAMIC_UNBOUND tensors are not supported");
  }
  std::memcpy(sizes_, new_sizes.data(), dim_ * sizeof(SizesType));
  recompute_strides_and_numel();
  return Error::Ok;
}

}  // namespace ember
