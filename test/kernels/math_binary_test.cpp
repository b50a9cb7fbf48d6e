// div.out_mode, rsub.Scalar_out, pow (Tensor_Scalar, Tensor_Tensor),
// activations and clamp against hand-computed and scalar references.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "test/kernels/math_test_util.h"

namespace ember::test {
namespace {

TEST(DivMode, FloatTruncFloorNone) {
  auto a = TensorFactory::make<float>({6}, {7, -7, 7, -7, 5.5f, 0});
  auto b = TensorFactory::make<float>({6}, {2, 2, -2, -2, 0, -3});
  auto out = TensorFactory::zeros(ScalarType::Float, {6});
  const float inf = std::numeric_limits<float>::infinity();
  ASSERT_TRUE(call("aten::div.out_mode", {ev(a), ev(b), ev_str("trunc")}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{3, -3, -3, 3, inf, -0.0f}));
  ASSERT_TRUE(call("aten::div.out_mode", {ev(a), ev(b), ev_str("floor")}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{3, -4, -4, 3, inf, -0.0f}));
  EXPECT_TRUE(std::signbit(out.to_vector<float>()[5]));
  ASSERT_TRUE(call("aten::div.out_mode", {ev(a), ev(b), EValue()}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{3.5f, -3.5f, -3.5f, 3.5f, inf, -0.0f}));
}

TEST(DivMode, IntegersBroadcastAndDivisionByZero) {
  auto a = TensorFactory::make<int32_t>({2, 3}, {7, -7, 9, -9, 0, std::numeric_limits<int32_t>::min()});
  auto b = TensorFactory::make<int32_t>({3}, {2, 2, -1});
  auto out = TensorFactory::zeros(ScalarType::Int, {2, 3});
  ASSERT_TRUE(call("aten::div.out_mode", {ev(a), ev(b), ev_str("floor")}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<int32_t>(), (std::vector<int32_t>{3, -4, -9, -5, 0, std::numeric_limits<int32_t>::min()}));
  ASSERT_TRUE(call("aten::div.out_mode", {ev(a), ev(b), ev_str("trunc")}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<int32_t>(), (std::vector<int32_t>{3, -3, -9, -4, 0, std::numeric_limits<int32_t>::min()}));
  // No rounding mode: true division into Float.
  auto outf = TensorFactory::zeros(ScalarType::Float, {2, 3});
  ASSERT_TRUE(call("aten::div.out_mode", {ev(a), ev(b), EValue()}, {ev(outf)}).ok());
  EXPECT_EQ(outf.to_vector<float>()[1], -3.5f);
  auto zero = TensorFactory::make<int32_t>({3}, {1, 0, 1});
  EXPECT_KERNEL_FAILS(call("aten::div.out_mode", {ev(a), ev(zero), ev_str("floor")}, {ev(out)}), "aten::div.out_mode",
                      "division by zero");
  EXPECT_KERNEL_FAILS(call("aten::div.out_mode", {ev(a), ev(b), ev_str("round")}, {ev(out)}), "aten::div.out_mode",
                      "rounding_mode");
  // Float results cannot go into an Int out.
  EXPECT_KERNEL_FAILS(call("aten::div.out_mode", {ev(a), ev(b), EValue()}, {ev(out)}), "aten::div.out_mode", "out");
}

TEST(Rsub, ScalarMinusAlphaTimesSelf) {
  auto a = TensorFactory::make<float>({3}, {1, 2, 3});
  auto out = TensorFactory::zeros(ScalarType::Float, {3});
  ASSERT_TRUE(call("aten::rsub.Scalar_out", {ev(a), ev_double(10), ev_int(2)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{8, 6, 4}));
  auto i = TensorFactory::make<int64_t>({2}, {5, -5});
  auto outi = TensorFactory::zeros(ScalarType::Long, {2});
  ASSERT_TRUE(call("aten::rsub.Scalar_out", {ev(i), ev_int(1), ev_int(1)}, {ev(outi)}).ok());
  EXPECT_EQ(outi.to_vector<int64_t>(), (std::vector<int64_t>{-4, 6}));
  // int tensor with a Double scalar promotes to Float.
  auto outf = TensorFactory::zeros(ScalarType::Float, {2});
  ASSERT_TRUE(call("aten::rsub.Scalar_out", {ev(i), ev_double(0.5), ev_int(1)}, {ev(outf)}).ok());
  EXPECT_EQ(outf.to_vector<float>(), (std::vector<float>{-4.5f, 5.5f}));
  EXPECT_KERNEL_FAILS(call("aten::rsub.Scalar_out", {ev(i), ev_int(1), ev_double(1.5)}, {ev(outi)}),
                      "aten::rsub.Scalar_out", "alpha");
}

TEST(Pow, TensorScalarAndTensorTensor) {
  auto a = TensorFactory::make<float>({2, 2}, {1, 2, 3, -2});
  auto out = TensorFactory::zeros(ScalarType::Float, {2, 2});
  ASSERT_TRUE(call("aten::pow.Tensor_Scalar_out", {ev(a), ev_double(2.0)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{1, 4, 9, 4}));
  ASSERT_TRUE(call("aten::pow.Tensor_Scalar_out", {ev(a), ev_double(0.5)}, {ev(out)}).ok());
  auto v = out.to_vector<float>();
  EXPECT_FLOAT_EQ(v[1], std::sqrt(2.0f));
  EXPECT_TRUE(std::isnan(v[3]));
  auto e = TensorFactory::make<float>({2}, {3, -1});
  ASSERT_TRUE(call("aten::pow.Tensor_Tensor_out", {ev(a), ev(e)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{1, 0.5f, 27, -0.5f}));

  auto ia = TensorFactory::make<int64_t>({5}, {2, -3, 1, -1, 10});
  auto ie = TensorFactory::make<int64_t>({5}, {10, 3, -5, -3, -2});
  auto iout = TensorFactory::zeros(ScalarType::Long, {5});
  ASSERT_TRUE(call("aten::pow.Tensor_Tensor_out", {ev(ia), ev(ie)}, {ev(iout)}).ok());
  EXPECT_EQ(iout.to_vector<int64_t>(), (std::vector<int64_t>{1024, -27, 1, -1, 0}));
  ASSERT_TRUE(call("aten::pow.Tensor_Scalar_out", {ev(ia), ev_int(3)}, {ev(iout)}).ok());
  EXPECT_EQ(iout.to_vector<int64_t>(), (std::vector<int64_t>{8, -27, 1, -1, 1000}));
  EXPECT_KERNEL_FAILS(call("aten::pow.Tensor_Scalar_out", {ev(ia), ev_int(-1)}, {ev(iout)}),
                      "aten::pow.Tensor_Scalar_out", "negative");
  auto b = TensorFactory::make<bool>({2}, {true, false});
  auto bout = TensorFactory::zeros(ScalarType::Bool, {2});
  EXPECT_KERNEL_FAILS(call("aten::pow.Tensor_Tensor_out", {ev(b), ev(b)}, {ev(bout)}), "aten::pow.Tensor_Tensor_out",
                      "Bool");
}

TEST(Clamp, BoundsPromotionAndNaN) {
  const float nan = std::nanf("");
  auto a = TensorFactory::make<float>({5}, {-3, -1, 0.5f, 4, nan});
  auto out = TensorFactory::zeros(ScalarType::Float, {5});
  ASSERT_TRUE(call("aten::clamp.out", {ev(a), ev_double(-1.5), ev_int(2)}, {ev(out)}).ok());
  auto v = out.to_vector<float>();
  EXPECT_EQ(std::vector<float>(v.begin(), v.end() - 1), (std::vector<float>{-1.5f, -1, 0.5f, 2}));
  EXPECT_TRUE(std::isnan(v[4]));
  ASSERT_TRUE(call("aten::clamp.out", {ev(a), EValue(), ev_int(0)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<float>()[3], 0.0f);
  EXPECT_EQ(out.to_vector<float>()[0], -3.0f);
  // min > max gives max everywhere (ATen's min(max(x, lo), hi)).
  ASSERT_TRUE(call("aten::clamp.out", {ev(a), ev_int(5), ev_int(1)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<float>()[1], 1.0f);

  auto i = TensorFactory::make<int32_t>({3}, {-5, 3, 9});
  auto iout = TensorFactory::zeros(ScalarType::Int, {3});
  ASSERT_TRUE(call("aten::clamp.out", {ev(i), ev_int(0), ev_int(5)}, {ev(iout)}).ok());
  EXPECT_EQ(iout.to_vector<int32_t>(), (std::vector<int32_t>{0, 3, 5}));
  auto fout = TensorFactory::zeros(ScalarType::Float, {3});
  ASSERT_TRUE(call("aten::clamp.out", {ev(i), ev_double(0.5), EValue()}, {ev(fout)}).ok());
  EXPECT_EQ(fout.to_vector<float>(), (std::vector<float>{0.5f, 3, 9}));
  // A Double bound makes the result Float, which an Int out cannot hold.
  EXPECT_KERNEL_FAILS(call("aten::clamp.out", {ev(i), ev_double(0.5), EValue()}, {ev(iout)}), "aten::clamp.out", "out");
  EXPECT_KERNEL_FAILS(call("aten::clamp.out", {ev(i), EValue(), EValue()}, {ev(iout)}), "aten::clamp.out", "min");
  auto c = TensorFactory::make<int8_t>({1}, {1});
  auto cout = TensorFactory::zeros(ScalarType::Char, {1});
  EXPECT_KERNEL_FAILS(call("aten::clamp.out", {ev(c), ev_int(-1000), EValue()}, {ev(cout)}), "aten::clamp.out",
                      "out of range");
}

TEST(Activations, MatchScalarReferences) {
  auto x = random_values<float>(64, -4, 4, 11);
  x[0] = 0;
  auto a = TensorFactory::make_channels_last<float>({2, 2, 4, 4}, x);
  auto out = TensorFactory::zeros(ScalarType::Float, {2, 2, 4, 4});
  struct Case {
    const char* op;
    std::vector<EValue> extra;
    double (*ref)(double);
  };
  const Case cases[] = {
      {"aten::hardtanh.out", {ev_double(-1), ev_double(2)}, [](double v) { return std::min(std::max(v, -1.0), 2.0); }},
      {"aten::gelu.out", {ev_str("none")}, [](double v) { return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))); }},
      {"aten::gelu.out",
       {ev_str("tanh")},
       [](double v) { return 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v))); }},
      {"aten::leaky_relu.out", {ev_double(0.1)}, [](double v) { return v > 0 ? v : 0.1 * v; }},
      {"aten::elu.out",
       {ev_double(1.5), ev_int(2), ev_double(0.5)},
       [](double v) { return v > 0 ? 2 * v : 1.5 * 2 * (std::exp(0.5 * v) - 1); }},
  };
  for (const Case& c : cases) {
    std::vector<EValue> in = {ev(a)};
    in.insert(in.end(), c.extra.begin(), c.extra.end());
    KernelResult r = call(c.op, in, {ev(out)});
    ASSERT_TRUE(r.ok()) << c.op << ": " << r.message;
    std::vector<double> want;
    for (float v : x) want.push_back(c.ref(v));
    expect_close(out.to_vector<float>(), want, 3e-6, 3e-7, c.op);
  }
  auto i = TensorFactory::make<int32_t>({3}, {-5, 0, 5});
  auto iout = TensorFactory::zeros(ScalarType::Int, {3});
  ASSERT_TRUE(call("aten::hardtanh.out", {ev(i), ev_int(-2), ev_int(2)}, {ev(iout)}).ok());
  EXPECT_EQ(iout.to_vector<int32_t>(), (std::vector<int32_t>{-2, 0, 2}));
  EXPECT_KERNEL_FAILS(call("aten::gelu.out", {ev(i), ev_str("none")}, {ev(iout)}), "aten::gelu.out", "self");
  EXPECT_KERNEL_FAILS(call("aten::gelu.out", {ev(a), ev_str("erf")}, {ev(out)}), "aten::gelu.out", "approximate");
  EXPECT_KERNEL_FAILS(call("aten::leaky_relu.out", {ev(a), ev_str("x")}, {ev(out)}), "aten::leaky_relu.out",
                      "negative_slope");
}

}  // namespace
}  // namespace ember::test
