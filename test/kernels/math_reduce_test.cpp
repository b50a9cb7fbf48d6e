// Reductions (sum, mean, amax, amin, argmax), softmax/log_softmax and cumsum
// against a scalar reference over random shapes, random dim lists (negative
// dims, empty list = all), keepdim, channels-last inputs and dtypes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "test/kernels/math_test_util.h"

namespace ember::test {
namespace {

enum class Red { kSum, kMean, kAmax, kAmin, kArgmax };

// Scalar reference: reduces `x` (row-major, `shape`) over `mask` dims.
std::vector<double> reference(const std::vector<double>& x, const std::vector<SizesType>& shape,
                              const std::vector<bool>& mask, bool keepdim, Red red, std::vector<SizesType>* out_shape) {
  std::vector<SizesType> kept;  // shape with reduced dims as 1
  out_shape->clear();
  for (size_t d = 0; d < shape.size(); ++d) {
    kept.push_back(mask[d] ? 1 : shape[d]);
    if (!mask[d] || keepdim) out_shape->push_back(mask[d] ? 1 : shape[d]);
  }
  const size_t n_out = numel_of(kept);
  std::vector<double> acc(n_out, red == Red::kAmax ? -INFINITY : red == Red::kAmin ? INFINITY : 0.0);
  std::vector<double> best(n_out, -INFINITY);
  std::vector<int64_t> count(n_out, 0);
  std::vector<SizesType> red_shape;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (mask[d]) red_shape.push_back(shape[d]);
  }
  for (size_t i = 0; i < x.size(); ++i) {
    std::vector<int64_t> idx = unravel(i, shape);
    std::vector<int64_t> ridx;
    for (size_t d = 0; d < shape.size(); ++d) {
      if (mask[d]) {
        ridx.push_back(idx[d]);
        idx[d] = 0;
      }
    }
    const size_t o = ravel(idx, kept);
    const double v = x[i];
    switch (red) {
      case Red::kSum:
      case Red::kMean:
        acc[o] += v;
        break;
      case Red::kAmax:
        acc[o] = std::max(acc[o], v);
        break;
      case Red::kAmin:
        acc[o] = std::min(acc[o], v);
        break;
      case Red::kArgmax:
        if (v > best[o]) {
          best[o] = v;
          acc[o] = static_cast<double>(ravel(ridx, red_shape));
        }
        break;
    }
    ++count[o];
  }
  if (red == Red::kMean) {
    for (size_t o = 0; o < n_out; ++o) acc[o] /= static_cast<double>(count[o]);
  }
  return acc;
}

// Random distinct dims of a rank-r tensor, some given negative.
std::vector<int64_t> random_dims(std::mt19937& rng, size_t rank, std::vector<bool>* mask) {
  mask->assign(rank, false);
  std::vector<int64_t> dims;
  for (size_t d = 0; d < rank; ++d) {
    if (rng() % 2 == 0) continue;
    (*mask)[d] = true;
    dims.push_back(rng() % 2 == 0 ? static_cast<int64_t>(d) : static_cast<int64_t>(d) - static_cast<int64_t>(rank));
  }
  std::shuffle(dims.begin(), dims.end(), rng);
  if (dims.empty()) mask->assign(rank, true);  // empty list = all dims
  return dims;
}

TEST(Reduce, RandomShapesAndDimsMatchReference) {
  std::mt19937 rng(42);
  for (int trial = 0; trial < 60; ++trial) {
    std::vector<SizesType> shape = random_shape(rng, 4, 4);
    const bool channels_last = shape.size() == 4 && trial % 2 == 0;
    const size_t n = numel_of(shape);
    std::vector<float> xf = random_values<float>(n, -10, 10, 1000 + trial);
    std::vector<double> x(xf.begin(), xf.end());
    auto in =
        channels_last ? TensorFactory::make_channels_last<float>(shape, xf) : TensorFactory::make<float>(shape, xf);
    std::vector<bool> mask;
    OwnedIntList dims(random_dims(rng, shape.size(), &mask));
    const bool keepdim = trial % 3 == 0;
    bool empty_reduced = false;
    for (size_t d = 0; d < shape.size(); ++d) empty_reduced = empty_reduced || (mask[d] && shape[d] == 0);
    for (Red red : {Red::kSum, Red::kMean, Red::kAmax, Red::kAmin}) {
      std::vector<SizesType> out_shape;
      std::vector<double> want = reference(x, shape, mask, keepdim, red, &out_shape);
      auto out = TensorFactory::dynamic_bound(ScalarType::Float, std::vector<SizesType>(out_shape.size(), 5));
      KernelResult r;
      switch (red) {
        case Red::kSum:
          r = call("aten::sum.IntList_out", {ev(in), dims.evalue(), ev_bool(keepdim), EValue()}, {ev(out)});
          break;
        case Red::kMean:
          r = call("aten::mean.out", {ev(in), dims.evalue(), ev_bool(keepdim), EValue()}, {ev(out)});
          break;
        case Red::kAmax:
          r = call("aten::amax.out", {ev(in), dims.evalue(), ev_bool(keepdim)}, {ev(out)});
          break;
        default:
          r = call("aten::amin.out", {ev(in), dims.evalue(), ev_bool(keepdim)}, {ev(out)});
          break;
      }
      if (empty_reduced && (red == Red::kAmax || red == Red::kAmin)) {
        EXPECT_FALSE(r.ok());
        continue;
      }
      ASSERT_TRUE(r.ok()) << r.message;
      EXPECT_EQ(out.sizes(), out_shape);
      expect_close(out.to_vector<float>(), want, 1e-6, 1e-5, "reduce");
    }
  }
}

TEST(Reduce, NoneDimsIntegerDtypesAndDtypeArg) {
  auto a = TensorFactory::make<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  auto out = TensorFactory::zeros(ScalarType::Long, {});
  ASSERT_TRUE(call("aten::sum.IntList_out", {ev(a), EValue(), ev_bool(false), ev_int(4)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<int64_t>(), (std::vector<int64_t>{21}));
  auto mean = TensorFactory::zeros(ScalarType::Double, {1, 3});
  OwnedIntList dim0({-2});
  ASSERT_TRUE(call("aten::mean.out", {ev(a), dim0.evalue(), ev_bool(true), EValue()}, {ev(mean)}).ok());
  EXPECT_EQ(mean.to_vector<double>(), (std::vector<double>{2.5, 3.5, 4.5}));
  auto b = TensorFactory::make<bool>({4}, {true, false, true, true});
  auto cnt = TensorFactory::zeros(ScalarType::Long, {});
  OwnedIntList none({});
  ASSERT_TRUE(call("aten::sum.IntList_out", {ev(b), none.evalue(), ev_bool(false), EValue()}, {ev(cnt)}).ok());
  EXPECT_EQ(cnt.to_vector<int64_t>(), (std::vector<int64_t>{3}));
  auto imax = TensorFactory::zeros(ScalarType::Int, {2});
  OwnedIntList dim1({1});
  ASSERT_TRUE(call("aten::amax.out", {ev(a), dim1.evalue(), ev_bool(false)}, {ev(imax)}).ok());
  EXPECT_EQ(imax.to_vector<int32_t>(), (std::vector<int32_t>{3, 6}));
  // NaN wins in amax/amin.
  auto f = TensorFactory::make<float>({3}, {1, std::nanf(""), 3});
  auto fo = TensorFactory::zeros(ScalarType::Float, {});
  OwnedIntList all({});
  ASSERT_TRUE(call("aten::amin.out", {ev(f), all.evalue(), ev_bool(false)}, {ev(fo)}).ok());
  EXPECT_TRUE(std::isnan(fo.to_vector<float>()[0]));
  // Errors.
  EXPECT_KERNEL_FAILS(call("aten::sum.IntList_out", {ev(a), EValue(), ev_bool(false), ev_int(6)}, {ev(out)}),
                      "aten::sum.IntList_out", "dtype");
  OwnedIntList dup({1, -1});
  EXPECT_KERNEL_FAILS(call("aten::amax.out", {ev(a), dup.evalue(), ev_bool(false)}, {ev(imax)}), "aten::amax.out",
                      "more than once");
  OwnedIntList far({2});
  EXPECT_KERNEL_FAILS(call("aten::mean.out", {ev(a), far.evalue(), ev_bool(false), EValue()}, {ev(mean)}),
                      "aten::mean.out", "dim");
  auto int_out = TensorFactory::zeros(ScalarType::Int, {3});
  EXPECT_KERNEL_FAILS(call("aten::mean.out", {ev(a), dim0.evalue(), ev_bool(false), EValue()}, {ev(int_out)}),
                      "aten::mean.out", "out");
}

TEST(Argmax, DimNoneTiesNaNAndChannelsLast) {
  auto a = TensorFactory::make<float>({2, 3}, {1, 5, 5, 7, 0, 7});
  auto out = TensorFactory::zeros(ScalarType::Long, {2});
  ASSERT_TRUE(call("aten::argmax.out", {ev(a), ev_int(-1), ev_bool(false)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<int64_t>(), (std::vector<int64_t>{1, 0}));
  auto flat = TensorFactory::zeros(ScalarType::Long, {});
  ASSERT_TRUE(call("aten::argmax.out", {ev(a), EValue(), ev_bool(false)}, {ev(flat)}).ok());
  EXPECT_EQ(flat.to_vector<int64_t>(), (std::vector<int64_t>{3}));
  auto keep = TensorFactory::zeros(ScalarType::Long, {1, 1});
  ASSERT_TRUE(call("aten::argmax.out", {ev(a), EValue(), ev_bool(true)}, {ev(keep)}).ok());
  EXPECT_EQ(keep.to_vector<int64_t>(), (std::vector<int64_t>{3}));
  auto n = TensorFactory::make<float>({4}, {1, std::nanf(""), 9, std::nanf("")});
  ASSERT_TRUE(call("aten::argmax.out", {ev(n), EValue(), ev_bool(false)}, {ev(flat)}).ok());
  EXPECT_EQ(flat.to_vector<int64_t>(), (std::vector<int64_t>{1}));

  std::vector<float> x = random_values<float>(2 * 3 * 2 * 2, -5, 5, 9);
  auto cl = TensorFactory::make_channels_last<float>({2, 3, 2, 2}, x);
  auto co = TensorFactory::zeros(ScalarType::Long, {2, 2, 2});
  ASSERT_TRUE(call("aten::argmax.out", {ev(cl), ev_int(1), ev_bool(false)}, {ev(co)}).ok());
  std::vector<double> xd(x.begin(), x.end());
  std::vector<SizesType> shape;
  auto want = reference(xd, {2, 3, 2, 2}, {false, true, false, false}, false, Red::kArgmax, &shape);
  expect_close(co.to_vector<int64_t>(), want, 0, 0);
  auto empty = TensorFactory::make<float>({0, 3});
  auto eo = TensorFactory::zeros(ScalarType::Long, {3});
  EXPECT_KERNEL_FAILS(call("aten::argmax.out", {ev(empty), ev_int(0), ev_bool(false)}, {ev(eo)}), "aten::argmax.out",
                      "size 0");
  auto fo = TensorFactory::zeros(ScalarType::Float, {2});
  EXPECT_KERNEL_FAILS(call("aten::argmax.out", {ev(a), ev_int(1), ev_bool(false)}, {ev(fo)}), "aten::argmax.out",
                      "out");
}

TEST(Softmax, StableAlongEveryDim) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<SizesType> shape = random_shape(rng, 4, 5);
    const bool channels_last = shape.size() == 4 && trial % 2 == 1;
    const size_t n = numel_of(shape);
    // Large values: a naive exp would overflow.
    std::vector<float> x = random_values<float>(n, 500, 520, 300 + trial);
    auto in = channels_last ? TensorFactory::make_channels_last<float>(shape, x) : TensorFactory::make<float>(shape, x);
    const size_t rank = shape.size();
    const int64_t dim =
        rank == 0 ? -1 : static_cast<int64_t>(rng() % rank) - (trial % 2 ? static_cast<int64_t>(rank) : 0);
    const size_t d = rank == 0 ? 0 : static_cast<size_t>(dim < 0 ? dim + static_cast<int64_t>(rank) : dim);
    std::vector<double> soft(n), logsoft(n);
    for (size_t i = 0; i < n; ++i) {
      std::vector<int64_t> idx = unravel(i, shape);
      double mx = -INFINITY, sum = 0;
      const SizesType len = rank == 0 ? 1 : shape[d];
      for (SizesType k = 0; k < len; ++k) {
        if (rank > 0) idx[d] = k;
        mx = std::max(mx, static_cast<double>(x[ravel(idx, shape)]));
      }
      for (SizesType k = 0; k < len; ++k) {
        if (rank > 0) idx[d] = k;
        sum += std::exp(x[ravel(idx, shape)] - mx);
      }
      soft[i] = std::exp(x[i] - mx) / sum;
      logsoft[i] = x[i] - mx - std::log(sum);
    }
    auto out = TensorFactory::zeros(ScalarType::Float, shape);
    ASSERT_TRUE(call("aten::_softmax.out", {ev(in), ev_int(dim), ev_bool(false)}, {ev(out)}).ok());
    expect_close(out.to_vector<float>(), soft, 1e-5, 1e-7, "softmax");
    ASSERT_TRUE(call("aten::_log_softmax.out", {ev(in), ev_int(dim), ev_bool(false)}, {ev(out)}).ok());
    expect_close(out.to_vector<float>(), logsoft, 1e-5, 1e-5, "log_softmax");
  }
  auto a = TensorFactory::make<float>({2}, {1, 2});
  auto o = TensorFactory::zeros(ScalarType::Float, {2});
  EXPECT_KERNEL_FAILS(call("aten::_softmax.out", {ev(a), ev_int(1), ev_bool(false)}, {ev(o)}), "aten::_softmax.out",
                      "dim");
  EXPECT_KERNEL_FAILS(call("aten::_softmax.out", {ev(a), ev_int(0), ev_bool(true)}, {ev(o)}), "aten::_softmax.out",
                      "half_to_float");
  auto i = TensorFactory::make<int32_t>({2}, {1, 2});
  EXPECT_KERNEL_FAILS(call("aten::_log_softmax.out", {ev(i), ev_int(0), ev_bool(false)}, {ev(o)}),
                      "aten::_log_softmax.out", "self");
}

TEST(Cumsum, DimsDtypesAndChannelsLast) {
  auto a = TensorFactory::make<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  auto out = TensorFactory::zeros(ScalarType::Long, {2, 3});
  ASSERT_TRUE(call("aten::cumsum.out", {ev(a), ev_int(1), ev_int(4)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<int64_t>(), (std::vector<int64_t>{1, 3, 6, 4, 9, 15}));
  ASSERT_TRUE(call("aten::cumsum.out", {ev(a), ev_int(-2), EValue()}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<int64_t>(), (std::vector<int64_t>{1, 2, 3, 5, 7, 9}));
  auto b = TensorFactory::make<bool>({3}, {true, false, true});
  auto bo = TensorFactory::zeros(ScalarType::Long, {3});
  ASSERT_TRUE(call("aten::cumsum.out", {ev(b), ev_int(0), EValue()}, {ev(bo)}).ok());
  EXPECT_EQ(bo.to_vector<int64_t>(), (std::vector<int64_t>{1, 1, 2}));
  std::vector<float> x = random_values<float>(24, -1, 1, 77);
  auto cl = TensorFactory::make_channels_last<float>({1, 4, 3, 2}, x);
  auto fo = TensorFactory::zeros(ScalarType::Float, {1, 4, 3, 2});
  ASSERT_TRUE(call("aten::cumsum.out", {ev(cl), ev_int(1), EValue()}, {ev(fo)}).ok());
  std::vector<double> want(24);
  for (size_t i = 0; i < 24; ++i) {
    std::vector<int64_t> idx = unravel(i, {1, 4, 3, 2});
    double s = 0;
    for (int64_t c = 0; c <= idx[1]; ++c) {
      std::vector<int64_t> j = idx;
      j[1] = c;
      s += x[ravel(j, {1, 4, 3, 2})];
    }
    want[i] = s;
  }
  expect_close(fo.to_vector<float>(), want, 1e-6, 1e-6, "cumsum");
  EXPECT_KERNEL_FAILS(call("aten::cumsum.out", {ev(a), ev_int(1), ev_int(6)}, {ev(out)}), "aten::cumsum.out", "dtype");
  EXPECT_KERNEL_FAILS(call("aten::cumsum.out", {ev(a), ev_int(2), EValue()}, {ev(out)}), "aten::cumsum.out", "dim");
}

}  // namespace
}  // namespace ember::test
