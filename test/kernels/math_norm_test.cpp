// native_layer_norm, native_group_norm and
// _native_batch_norm_legit_no_training against scalar references (all three
// outputs), with and without weight/bias, channels-last inputs and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "test/kernels/math_test_util.h"

namespace ember::test {
namespace {

// Normalizes groups of `x`: group_of(i) says which group element i is in.
struct Stats {
  std::vector<double> mean, rstd;
};
template <typename GroupOf>
Stats group_stats(const std::vector<float>& x, size_t groups, GroupOf group_of, double eps) {
  Stats s{std::vector<double>(groups, 0), std::vector<double>(groups, 0)};
  std::vector<double> count(groups, 0), sq(groups, 0);
  for (size_t i = 0; i < x.size(); ++i) {
    s.mean[group_of(i)] += x[i];
    count[group_of(i)] += 1;
  }
  for (size_t g = 0; g < groups; ++g) s.mean[g] /= count[g];
  for (size_t i = 0; i < x.size(); ++i) sq[group_of(i)] += (x[i] - s.mean[group_of(i)]) * (x[i] - s.mean[group_of(i)]);
  for (size_t g = 0; g < groups; ++g) s.rstd[g] = 1 / std::sqrt(sq[g] / count[g] + eps);
  return s;
}

TEST(LayerNorm, MatchesReferenceWithAndWithoutAffine) {
  const std::vector<SizesType> shape = {2, 3, 4};
  std::vector<float> x = random_values<float>(24, -3, 3, 1);
  std::vector<float> w = random_values<float>(12, 0.5, 1.5, 2);
  std::vector<float> b = random_values<float>(12, -1, 1, 3);
  const double eps = 1e-5;
  OwnedIntList normalized({3, 4});
  auto in = TensorFactory::make<float>(shape, x);
  auto wt = TensorFactory::make<float>({3, 4}, w);
  auto bt = TensorFactory::make<float>({3, 4}, b);
  Stats s = group_stats(
      x, 2, [](size_t i) { return i / 12; }, eps);
  for (bool affine : {true, false}) {
    auto out = TensorFactory::zeros(ScalarType::Float, shape);
    auto mean = TensorFactory::dynamic_bound(ScalarType::Float, {4, 4, 4});
    auto rstd = TensorFactory::zeros(ScalarType::Float, {2, 1, 1});
    KernelResult r =
        call("aten::native_layer_norm.out",
             {ev(in), normalized.evalue(), affine ? ev(wt) : EValue(), affine ? ev(bt) : EValue(), ev_double(eps)},
             {ev(out), ev(mean), ev(rstd)});
    ASSERT_TRUE(r.ok()) << r.message;
    std::vector<double> want(24);
    for (size_t i = 0; i < 24; ++i) {
      want[i] = (x[i] - s.mean[i / 12]) * s.rstd[i / 12];
      if (affine) want[i] = want[i] * w[i % 12] + b[i % 12];
    }
    expect_close(out.to_vector<float>(), want, 1e-5, 1e-5, "layer_norm out");
    EXPECT_EQ(mean.sizes(), (std::vector<SizesType>{2, 1, 1}));
    expect_close(mean.to_vector<float>(), s.mean, 1e-5, 1e-6, "mean");
    expect_close(rstd.to_vector<float>(), s.rstd, 1e-5, 1e-6, "rstd");
  }
  // Normalizing only the last dim of a channels-last tensor.
  std::vector<float> y = random_values<float>(16, -2, 2, 4);
  auto cl = TensorFactory::make_channels_last<float>({1, 2, 2, 4}, y);
  auto clo = TensorFactory::make_channels_last<float>({1, 2, 2, 4});
  auto m = TensorFactory::zeros(ScalarType::Float, {1, 2, 2, 1});
  auto rs = TensorFactory::zeros(ScalarType::Float, {1, 2, 2, 1});
  OwnedIntList last({4});
  ASSERT_TRUE(call("aten::native_layer_norm.out", {ev(cl), last.evalue(), EValue(), EValue(), ev_double(eps)},
                   {ev(clo), ev(m), ev(rs)})
                  .ok());
  Stats t = group_stats(
      y, 4, [](size_t i) { return i / 4; }, eps);
  std::vector<double> want(16);
  for (size_t i = 0; i < 16; ++i) want[i] = (y[i] - t.mean[i / 4]) * t.rstd[i / 4];
  expect_close(clo.to_vector<float>(), want, 1e-5, 1e-5, "channels-last layer_norm");

  OwnedIntList wrong({4, 3});
  auto out = TensorFactory::zeros(ScalarType::Float, shape);
  EXPECT_KERNEL_FAILS(call("aten::native_layer_norm.out", {ev(in), wrong.evalue(), EValue(), EValue(), ev_double(eps)},
                           {ev(out), ev(m), ev(rs)}),
                      "aten::native_layer_norm.out", "normalized_shape");
  auto bad_w = TensorFactory::make<float>({4}, {1, 1, 1, 1});
  EXPECT_KERNEL_FAILS(
      call("aten::native_layer_norm.out", {ev(in), normalized.evalue(), ev(bad_w), EValue(), ev_double(eps)},
           {ev(out), ev(m), ev(rs)}),
      "aten::native_layer_norm.out", "weight");
}

TEST(GroupNorm, MatchesReferenceIncludingChannelsLast) {
  const SizesType N = 2, C = 4, H = 3, W = 2, G = 2;
  const std::vector<SizesType> shape = {N, C, H, W};
  std::vector<float> x = random_values<float>(N * C * H * W, -3, 3, 10);
  std::vector<float> w = random_values<float>(C, 0.5, 1.5, 11);
  std::vector<float> b = random_values<float>(C, -1, 1, 12);
  const double eps = 1e-5;
  auto group_of = [&](size_t i) { return (i / (C * H * W)) * G + (i / (H * W) % C) / (C / G); };
  Stats s = group_stats(x, N * G, group_of, eps);
  std::vector<double> want(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const size_t c = i / (H * W) % C;
    want[i] = (x[i] - s.mean[group_of(i)]) * s.rstd[group_of(i)] * w[c] + b[c];
  }
  auto wt = TensorFactory::make<float>({C}, w);
  auto bt = TensorFactory::make<float>({C}, b);
  for (bool channels_last : {false, true}) {
    auto in = channels_last ? TensorFactory::make_channels_last<float>(shape, x) : TensorFactory::make<float>(shape, x);
    auto out = channels_last ? TensorFactory::make_channels_last<float>(shape) : TensorFactory::make<float>(shape);
    auto mean = TensorFactory::zeros(ScalarType::Float, {N, G});
    auto rstd = TensorFactory::zeros(ScalarType::Float, {N, G});
    KernelResult r = call("aten::native_group_norm.out",
                          {ev(in), ev(wt), ev(bt), ev_int(N), ev_int(C), ev_int(H * W), ev_int(G), ev_double(eps)},
                          {ev(out), ev(mean), ev(rstd)});
    ASSERT_TRUE(r.ok()) << r.message;
    expect_close(out.to_vector<float>(), want, 1e-5, 1e-5, "group_norm out");
    expect_close(mean.to_vector<float>(), s.mean, 1e-5, 1e-6, "mean");
    expect_close(rstd.to_vector<float>(), s.rstd, 1e-5, 1e-6, "rstd");
  }
  auto in = TensorFactory::make<float>(shape, x);
  auto out = TensorFactory::make<float>(shape);
  auto mean = TensorFactory::zeros(ScalarType::Float, {N, 3});
  EXPECT_KERNEL_FAILS(call("aten::native_group_norm.out",
                           {ev(in), EValue(), EValue(), ev_int(N), ev_int(C), ev_int(H * W), ev_int(3), ev_double(eps)},
                           {ev(out), ev(mean), ev(mean)}),
                      "aten::native_group_norm.out", "group");
  EXPECT_KERNEL_FAILS(call("aten::native_group_norm.out",
                           {ev(in), EValue(), EValue(), ev_int(N), ev_int(5), ev_int(H * W), ev_int(G), ev_double(eps)},
                           {ev(out), ev(mean), ev(mean)}),
                      "aten::native_group_norm.out", "C");
}

TEST(BatchNormNoTraining, MatchesReferenceAndEmptiesSaveOutputs) {
  const std::vector<SizesType> shape = {2, 3, 2, 2};
  std::vector<float> x = random_values<float>(24, -3, 3, 20);
  const std::vector<float> m = {0.5f, -1, 2}, v = {1, 0.25f, 4}, w = {1, 2, 0.5f}, b = {0, 1, -1};
  const double eps = 1e-3;
  auto mt = TensorFactory::make<float>({3}, m);
  auto vt = TensorFactory::make<float>({3}, v);
  auto wt = TensorFactory::make<float>({3}, w);
  auto bt = TensorFactory::make<float>({3}, b);
  for (bool channels_last : {false, true}) {
    for (bool affine : {true, false}) {
      auto in =
          channels_last ? TensorFactory::make_channels_last<float>(shape, x) : TensorFactory::make<float>(shape, x);
      auto out = TensorFactory::make<float>(shape);
      auto save_mean = TensorFactory::dynamic_bound(ScalarType::Float, {3});
      auto save_invstd = TensorFactory::dynamic_bound(ScalarType::Float, {3});
      KernelResult r = call("aten::_native_batch_norm_legit_no_training.out",
                            {ev(in), affine ? ev(wt) : EValue(), affine ? ev(bt) : EValue(), ev(mt), ev(vt),
                             ev_double(0.1), ev_double(eps)},
                            {ev(out), ev(save_mean), ev(save_invstd)});
      ASSERT_TRUE(r.ok()) << r.message;
      std::vector<double> want(24);
      for (size_t i = 0; i < 24; ++i) {
        const size_t c = i / 4 % 3;
        want[i] = (x[i] - m[c]) / std::sqrt(v[c] + eps);
        if (affine) want[i] = want[i] * w[c] + b[c];
      }
      expect_close(out.to_vector<float>(), want, 1e-5, 1e-5, "batch_norm");
      EXPECT_EQ(save_mean.sizes(), (std::vector<SizesType>{0}));
      EXPECT_EQ(save_invstd.sizes(), (std::vector<SizesType>{0}));
    }
  }
  auto in = TensorFactory::make<float>(shape, x);
  auto out = TensorFactory::make<float>(shape);
  auto e = TensorFactory::dynamic_bound(ScalarType::Float, {3});
  auto short_mean = TensorFactory::make<float>({2}, {0, 0});
  EXPECT_KERNEL_FAILS(call("aten::_native_batch_norm_legit_no_training.out",
                           {ev(in), EValue(), EValue(), ev(short_mean), ev(vt), ev_double(0.1), ev_double(eps)},
                           {ev(out), ev(e), ev(e)}),
                      "aten::_native_batch_norm_legit_no_training.out", "running_mean");
  EXPECT_KERNEL_FAILS(
      call("aten::_native_batch_norm_legit_no_training.out",
           {ev(in), EValue(), EValue(), EValue(), ev(vt), ev_double(0.1), ev_double(eps)}, {ev(out), ev(e), ev(e)}),
      "aten::_native_batch_norm_legit_no_training.out", "running_mean");
}

}  // namespace
}  // namespace ember::test
