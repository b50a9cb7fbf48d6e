// Helpers for the shape / indexing / pooling kernel tests: random tensors in
// random dim orders, a loop over the dtypes data-movement kernels take, and a
// scalar reference for "every out element comes from one input element".
// Built on math_test_util.h; everything owns its data.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <type_traits>
#include <vector>

#include "kernels/portable/util/scalar_type_util.h"
#include "test/kernels/math_test_util.h"
#include "test/support/tensor_factory.h"

namespace ember::test {

// A random permutation of 0..rank-1 (half the time the contiguous order).
inline std::vector<DimOrderType> random_dim_order(std::mt19937& rng, size_t rank) {
  std::vector<DimOrderType> order(rank);
  for (size_t i = 0; i < rank; ++i) order[i] = static_cast<DimOrderType>(i);
  if (rng() % 2 == 0) std::shuffle(order.begin(), order.end(), rng);
  return order;
}

// A tensor of `sizes` with random values in a random dim order.
template <typename T>
OwnedTensor random_tensor(std::mt19937& rng, std::vector<SizesType> sizes, double lo = -50, double hi = 50) {
  const size_t rank = sizes.size();
  std::vector<T> values;
  if constexpr (std::is_same_v<T, bool>) {
    // random_values cannot fill a vector<bool>; draw bytes instead.
    for (uint8_t b : random_values<uint8_t>(numel_of(sizes), 0, 2, rng())) values.push_back(b != 0);
  } else {
    values = random_values<T>(numel_of(sizes), lo, hi, rng());
  }
  OwnedTensor t(ScalarTypeOf<T>::value, std::move(sizes), random_dim_order(rng, rank));
  if (!values.empty()) t.set_values(values);
  return t;
}

// A zero tensor of `sizes` in a random dim order.
inline OwnedTensor random_layout_zeros(std::mt19937& rng, ScalarType type, std::vector<SizesType> sizes) {
  const size_t rank = sizes.size();
  return OwnedTensor(type, std::move(sizes), random_dim_order(rng, rank));
}

// Calls f(kernels::TypeTag<T>{}) for every real and bool dtype.
template <typename F>
void for_each_dtype(F&& f) {
  f(kernels::TypeTag<float>{});
  f(kernels::TypeTag<double>{});
  f(kernels::TypeTag<int64_t>{});
  f(kernels::TypeTag<int32_t>{});
  f(kernels::TypeTag<int16_t>{});
  f(kernels::TypeTag<int8_t>{});
  f(kernels::TypeTag<uint8_t>{});
  f(kernels::TypeTag<bool>{});
}

// The reference of a pure data-movement op: out element at multi-index o is
// input element source(o) (a multi-index into in_sizes).
template <typename T>
std::vector<T> moved_values(const std::vector<T>& in, const std::vector<SizesType>& in_sizes,
                            const std::vector<SizesType>& out_sizes,
                            const std::function<std::vector<int64_t>(const std::vector<int64_t>&)>& source) {
  std::vector<T> want(numel_of(out_sizes));
  for (size_t i = 0; i < want.size(); ++i) want[i] = in[ravel(source(unravel(i, out_sizes)), in_sizes)];
  return want;
}

}  // namespace ember::test
