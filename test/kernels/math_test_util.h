// Helpers for the math kernel tests: calling a kernel with owned EValues,
// random data, row-major index arithmetic for scalar references, and
// tolerant comparison. Everything here owns its data (no borrowed pointers
// outlive a call).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "test/kernels/kernel_test_util.h"
#include "test/support/evalue_list.h"
#include "test/support/tensor_factory.h"

namespace ember::test {

// Runs `op` with args = inputs..., outs..., outs... (the return values alias
// the outs, as in a program).
inline KernelResult call(const char* op, std::vector<EValue> inputs, std::vector<EValue> outs) {
  std::vector<EValue*> args;
  for (EValue& v : inputs) args.push_back(&v);
  for (EValue& v : outs) args.push_back(&v);
  for (EValue& v : outs) args.push_back(&v);
  return run_kernel(op, args);
}

inline EValue ev(const OwnedTensor& t) { return EValue(t.tensor()); }
inline EValue ev_int(int64_t v) { return EValue(v); }
inline EValue ev_double(double v) { return EValue(v); }
inline EValue ev_bool(bool v) { return EValue(v); }
// A string EValue viewing a string literal.
inline EValue ev_str(const char* s) { return EValue(ArrayRef<char>(s, std::char_traits<char>::length(s))); }

inline size_t numel_of(const std::vector<SizesType>& sizes) {
  size_t n = 1;
  for (SizesType s : sizes) n *= static_cast<size_t>(s);
  return n;
}

template <typename T>
std::vector<T> random_values(size_t n, double lo, double hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<T> v(n);
  for (T& x : v) {
    const double d = dist(rng);
    if constexpr (std::is_same_v<T, bool>) {
      x = d > (lo + hi) / 2;
    } else if constexpr (std::is_integral_v<T>) {
      x = static_cast<T>(std::floor(d));
    } else {
      x = static_cast<T>(d);
    }
  }
  return v;
}

// Random shape of rank 0..max_rank with sizes 0..max_size (size 0 rarely).
inline std::vector<SizesType> random_shape(std::mt19937& rng, size_t max_rank, int max_size) {
  std::uniform_int_distribution<size_t> rank_dist(0, max_rank);
  std::uniform_int_distribution<int> size_dist(1, max_size);
  std::uniform_int_distribution<int> zero_dist(0, 19);
  std::vector<SizesType> s(rank_dist(rng));
  for (SizesType& x : s) x = zero_dist(rng) == 0 ? 0 : size_dist(rng);
  return s;
}

// Row-major multi-index of linear index i.
inline std::vector<int64_t> unravel(size_t i, const std::vector<SizesType>& sizes) {
  std::vector<int64_t> idx(sizes.size());
  for (size_t d = sizes.size(); d-- > 0;) {
    idx[d] = static_cast<int64_t>(i % static_cast<size_t>(sizes[d]));
    i /= static_cast<size_t>(sizes[d]);
  }
  return idx;
}

inline size_t ravel(const std::vector<int64_t>& idx, const std::vector<SizesType>& sizes) {
  size_t i = 0;
  for (size_t d = 0; d < sizes.size(); ++d) i = i * static_cast<size_t>(sizes[d]) + static_cast<size_t>(idx[d]);
  return i;
}

// |a - b| <= atol + rtol * |b| elementwise; NaN matches NaN, inf matches inf.
template <typename T>
void expect_close(const std::vector<T>& got, const std::vector<double>& want, double rtol, double atol,
                  const char* what = "") {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    const double g = static_cast<double>(got[i]);
    const double w = want[i];
    if (std::isnan(w)) {
      EXPECT_TRUE(std::isnan(g)) << what << " [" << i << "] got " << g;
    } else if (std::isinf(w)) {
      EXPECT_EQ(g, w) << what << " [" << i << "]";
    } else {
      EXPECT_NEAR(g, w, atol + rtol * std::fabs(w)) << what << " [" << i << "]";
    }
  }
}

}  // namespace ember::test
