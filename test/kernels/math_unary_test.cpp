// Unary math kernels against std:: references: every registered dtype path
// (float, double, integer/bool inputs to floating outs, same-dtype neg/abs),
// random shapes with empty and size-1 dims, channels-last, and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "test/kernels/math_test_util.h"

namespace ember::test {
namespace {

struct FloatUnary {
  const char* op;
  std::function<double(double)> ref;
  double lo, hi;  // input range where the op is defined
};

const FloatUnary kFloatUnaries[] = {
    {"aten::exp.out", [](double x) { return std::exp(x); }, -5, 5},
    {"aten::log.out", [](double x) { return std::log(x); }, 0.01, 10},
    {"aten::sqrt.out", [](double x) { return std::sqrt(x); }, 0, 10},
    {"aten::rsqrt.out", [](double x) { return 1 / std::sqrt(x); }, 0.01, 10},
    {"aten::reciprocal.out", [](double x) { return 1 / x; }, 0.1, 10},
    {"aten::erf.out", [](double x) { return std::erf(x); }, -3, 3},
    {"aten::sigmoid.out", [](double x) { return 1 / (1 + std::exp(-x)); }, -10, 10},
    {"aten::tanh.out", [](double x) { return std::tanh(x); }, -4, 4},
};

TEST(FloatUnary, RandomShapesFloatAndDouble) {
  std::mt19937 rng(7);
  for (const FloatUnary& u : kFloatUnaries) {
    for (int trial = 0; trial < 6; ++trial) {
      const std::vector<SizesType> shape = random_shape(rng, 4, 5);
      const size_t n = numel_of(shape);
      auto xf = random_values<float>(n, u.lo, u.hi, 100 + trial);
      auto xd = random_values<double>(n, u.lo, u.hi, 200 + trial);
      std::vector<double> wf, wd;
      for (float x : xf) wf.push_back(u.ref(x));
      for (double x : xd) wd.push_back(u.ref(x));
      auto a = TensorFactory::make<float>(shape, xf);
      auto out = TensorFactory::zeros(ScalarType::Float, shape);
      KernelResult r = call(u.op, {ev(a)}, {ev(out)});
      ASSERT_TRUE(r.ok()) << u.op << ": " << r.message;
      expect_close(out.to_vector<float>(), wf, 2e-6, 1e-7, u.op);
      auto b = TensorFactory::make<double>(shape, xd);
      auto outd = TensorFactory::zeros(ScalarType::Double, shape);
      ASSERT_TRUE(call(u.op, {ev(b)}, {ev(outd)}).ok()) << u.op;
      expect_close(outd.to_vector<double>(), wd, 1e-14, 1e-15, u.op);
    }
  }
}

TEST(FloatUnary, IntegerAndBoolInputsGiveFloat) {
  for (const FloatUnary& u : kFloatUnaries) {
    auto a = TensorFactory::make<int32_t>({2, 2}, {1, 2, 3, 4});
    auto out = TensorFactory::zeros(ScalarType::Float, {2, 2});
    ASSERT_TRUE(call(u.op, {ev(a)}, {ev(out)}).ok()) << u.op;
    expect_close(out.to_vector<float>(), {u.ref(1), u.ref(2), u.ref(3), u.ref(4)}, 2e-6, 1e-7, u.op);
    auto b = TensorFactory::make<bool>({2}, {true, true});
    auto outd = TensorFactory::zeros(ScalarType::Double, {2});
    ASSERT_TRUE(call(u.op, {ev(b)}, {ev(outd)}).ok()) << u.op;
    expect_close(outd.to_vector<double>(), {u.ref(1), u.ref(1)}, 1e-14, 0, u.op);
  }
}

TEST(FloatUnary, ChannelsLastMatchesContiguous) {
  const std::vector<SizesType> shape = {2, 3, 2, 2};
  auto x = random_values<float>(24, -2, 2, 5);
  std::vector<double> want;
  for (float v : x) want.push_back(std::tanh(v));
  auto a = TensorFactory::make_channels_last<float>(shape, x);
  auto out_cl = TensorFactory::make_channels_last<float>(shape);
  auto out_c = TensorFactory::zeros(ScalarType::Float, shape);
  ASSERT_TRUE(call("aten::tanh.out", {ev(a)}, {ev(out_cl)}).ok());
  ASSERT_TRUE(call("aten::tanh.out", {ev(a)}, {ev(out_c)}).ok());
  expect_close(out_cl.to_vector<float>(), want, 2e-6, 1e-7);
  expect_close(out_c.to_vector<float>(), want, 2e-6, 1e-7);
}

TEST(FloatUnary, SpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  auto a = TensorFactory::make<float>({4}, {0.0f, -1.0f, inf, -inf});
  auto out = TensorFactory::zeros(ScalarType::Float, {4});
  ASSERT_TRUE(call("aten::log.out", {ev(a)}, {ev(out)}).ok());
  auto v = out.to_vector<float>();
  EXPECT_EQ(v[0], -inf);
  EXPECT_TRUE(std::isnan(v[1]));
  EXPECT_EQ(v[2], inf);
  ASSERT_TRUE(call("aten::sigmoid.out", {ev(a)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{0.5f, 1 / (1 + std::exp(1.0f)), 1.0f, 0.0f}));
}

TEST(NegAbs, EveryRealDtype) {
  auto check = [](auto tag, ScalarType st) {
    using T = decltype(tag);
    std::vector<T> x = {T(0), T(1), T(5), T(100)};
    if constexpr (std::is_signed_v<T>) x = {T(-3), T(0), T(7), std::numeric_limits<T>::lowest()};
    auto a = TensorFactory::make<T>({2, 2}, x);
    auto out = TensorFactory::zeros(st, {2, 2});
    ASSERT_TRUE(call("aten::neg.out", {ev(a)}, {ev(out)}).ok());
    std::vector<T> want_neg, want_abs;
    for (T v : x) {
      if constexpr (std::is_floating_point_v<T>) {
        want_neg.push_back(-v);
        want_abs.push_back(std::fabs(v));
      } else {
        // Two's complement wrap: -lowest == lowest.
        using U = std::make_unsigned_t<T>;
        want_neg.push_back(static_cast<T>(U(0) - static_cast<U>(v)));
        want_abs.push_back(v < T(0) ? static_cast<T>(U(0) - static_cast<U>(v)) : v);
      }
    }
    EXPECT_EQ(out.template to_vector<T>(), want_neg) << scalar_type_name(st);
    ASSERT_TRUE(call("aten::abs.out", {ev(a)}, {ev(out)}).ok());
    EXPECT_EQ(out.template to_vector<T>(), want_abs) << scalar_type_name(st);
  };
  check(uint8_t{}, ScalarType::Byte);
  check(int8_t{}, ScalarType::Char);
  check(int16_t{}, ScalarType::Short);
  check(int32_t{}, ScalarType::Int);
  check(int64_t{}, ScalarType::Long);
  check(float{}, ScalarType::Float);
  check(double{}, ScalarType::Double);
}

TEST(LogicalNot, AnyDtypeInAndOut) {
  auto a = TensorFactory::make<float>({4}, {0.0f, 1.5f, -0.0f, std::nanf("")});
  auto out = TensorFactory::zeros(ScalarType::Bool, {4});
  ASSERT_TRUE(call("aten::logical_not.out", {ev(a)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<bool>(), (std::vector<bool>{true, false, true, false}));
  auto b = TensorFactory::make<int64_t>({3}, {0, 2, -1});
  auto outf = TensorFactory::zeros(ScalarType::Float, {3});
  ASSERT_TRUE(call("aten::logical_not.out", {ev(b)}, {ev(outf)}).ok());
  EXPECT_EQ(outf.to_vector<float>(), (std::vector<float>{1, 0, 0}));
}

TEST(UnaryErrors, ReportedWithOpName) {
  auto f = TensorFactory::make<float>({2}, {1, 2});
  auto i = TensorFactory::zeros(ScalarType::Int, {2});
  EXPECT_KERNEL_FAILS(call("aten::exp.out", {ev(f)}, {ev(i)}), "aten::exp.out", "out");
  auto b = TensorFactory::make<bool>({2}, {true, false});
  auto bo = TensorFactory::zeros(ScalarType::Bool, {2});
  EXPECT_KERNEL_FAILS(call("aten::neg.out", {ev(b)}, {ev(bo)}), "aten::neg.out", "Bool");
  auto fo = TensorFactory::zeros(ScalarType::Double, {2});
  EXPECT_KERNEL_FAILS(call("aten::abs.out", {ev(f)}, {ev(fo)}), "aten::abs.out", "out");
  auto wrong = TensorFactory::zeros(ScalarType::Float, {3});
  EXPECT_KERNEL_FAILS(call("aten::sqrt.out", {ev(f)}, {ev(wrong)}), "aten::sqrt.out", "out");
  EXPECT_KERNEL_FAILS(call("aten::sqrt.out", {ev_int(3)}, {ev(f)}), "aten::sqrt.out", "self");
  EXPECT_KERNEL_FAILS(run_kernel("aten::tanh.out", {}), "aten::tanh.out", "arguments");
}

}  // namespace
}  // namespace ember::test
