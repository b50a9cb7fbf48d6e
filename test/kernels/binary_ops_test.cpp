// aten::add/sub/mul/div (.out and .Scalar_out) against a scalar reference:
// broadcasting, alpha, type promotion, dim orders, and the error cases.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "test/kernels/kernel_test_util.h"
#include "test/support/tensor_factory.h"

namespace ember::test {
namespace {

// Row-major broadcast reference: out[i] = f(a[ia], b[ib]).
template <typename R, typename A, typename B, typename F>
std::vector<R> reference(const std::vector<SizesType>& as, const std::vector<A>& av, const std::vector<SizesType>& bs,
                         const std::vector<B>& bv, F f, std::vector<SizesType>* out_sizes) {
  const size_t nd = std::max(as.size(), bs.size());
  std::vector<SizesType> a(nd, 1), b(nd, 1), o(nd, 1);
  std::copy(as.begin(), as.end(), a.begin() + (nd - as.size()));
  std::copy(bs.begin(), bs.end(), b.begin() + (nd - bs.size()));
  size_t n = 1;
  for (size_t d = 0; d < nd; ++d) {
    o[d] = a[d] == 1 ? b[d] : a[d];
    n *= static_cast<size_t>(o[d]);
  }
  std::vector<R> out(n);
  for (size_t i = 0; i < n; ++i) {
    size_t rem = i, ia = 0, ib = 0, sa = 1, sb = 1;
    for (size_t d = nd; d-- > 0;) {
      const size_t idx = rem % static_cast<size_t>(o[d]);
      rem /= static_cast<size_t>(o[d]);
      ia += (a[d] == 1 ? 0 : idx) * sa;
      ib += (b[d] == 1 ? 0 : idx) * sb;
      sa *= static_cast<size_t>(a[d]);
      sb *= static_cast<size_t>(b[d]);
    }
    out[i] = f(av[ia], bv[ib]);
  }
  *out_sizes = o;
  return out;
}

std::vector<float> iota_f(size_t n, float start, float step) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = start + step * static_cast<float>(i);
  return v;
}

// Calls a binary Tensor-Tensor kernel: [self, other, (alpha), out, out].
KernelResult binary(const char* op, OwnedTensor& a, OwnedTensor& b, OwnedTensor& out, const EValue* alpha = nullptr) {
  EValue va(a.tensor()), vb(b.tensor()), vo(out.tensor());
  EValue al = alpha != nullptr ? *alpha : EValue();
  if (alpha != nullptr) return run_kernel(op, {&va, &vb, &al, &vo, &vo});
  return run_kernel(op, {&va, &vb, &vo, &vo});
}

// Calls a binary Tensor-Scalar kernel.
KernelResult binary_scalar(const char* op, OwnedTensor& a, EValue s, OwnedTensor& out, const EValue* alpha = nullptr) {
  EValue va(a.tensor()), vo(out.tensor());
  EValue al = alpha != nullptr ? *alpha : EValue();
  if (alpha != nullptr) return run_kernel(op, {&va, &s, &al, &vo, &vo});
  return run_kernel(op, {&va, &s, &vo, &vo});
}

struct BroadcastCase {
  std::vector<SizesType> a, b;
};

TEST(AddOut, BroadcastShapesMatchReference) {
  const BroadcastCase cases[] = {
      {{2, 3}, {2, 3}}, {{2, 3}, {3}}, {{2, 1}, {1, 3}}, {{3}, {2, 3}},     {{1}, {2, 3}},
      {{0, 3}, {3}},    {{2, 0}, {1}}, {{4, 1, 5}, {3, 1}}, {{}, {2, 2}}, {{1, 1}, {1, 1}},
  };
  const EValue alpha(int64_t{1});
  for (const BroadcastCase& c : cases) {
    size_t na = 1, nb = 1;
    for (SizesType s : c.a) na *= static_cast<size_t>(s);
    for (SizesType s : c.b) nb *= static_cast<size_t>(s);
    auto a = TensorFactory::make<float>(c.a, iota_f(na, 1.0f, 1.0f));
    auto b = TensorFactory::make<float>(c.b, iota_f(nb, 0.5f, -0.25f));
    std::vector<SizesType> out_sizes;
    auto want = reference<float>(c.a, a.to_vector<float>(), c.b, b.to_vector<float>(),
                                 [](float x, float y) { return x + y; }, &out_sizes);
    auto out = TensorFactory::dynamic_bound(ScalarType::Float, std::vector<SizesType>(out_sizes.size(), 8));
    KernelResult r = binary("aten::add.out", a, b, out, &alpha);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(out.sizes(), out_sizes);
    EXPECT_EQ(out.to_vector<float>(), want);
  }
}

TEST(AddOut, FloatAlpha) {
  auto a = TensorFactory::make<float>({2, 2}, {1, 2, 3, 4});
  auto b = TensorFactory::make<float>({2}, {10, 20});
  auto out = TensorFactory::zeros(ScalarType::Float, {2, 2});
  const EValue alpha(2.5);
  ASSERT_TRUE(binary("aten::add.out", a, b, out, &alpha).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{26, 52, 28, 54}));
}

TEST(AddOut, IntegerAlphaAndWraparound) {
  auto a = TensorFactory::make<int32_t>({3}, {1, -2, 3});
  auto b = TensorFactory::make<int32_t>({3}, {4, 5, -6});
  auto out = TensorFactory::zeros(ScalarType::Int, {3});
  const EValue alpha(int64_t{3});
  ASSERT_TRUE(binary("aten::add.out", a, b, out, &alpha).ok());
  EXPECT_EQ(out.to_vector<int32_t>(), (std::vector<int32_t>{13, 13, -15}));

  const int64_t max = std::numeric_limits<int64_t>::max();
  auto c = TensorFactory::make<int64_t>({2}, {max, 5});
  auto d = TensorFactory::make<int64_t>({2}, {1, -7});
  auto out64 = TensorFactory::zeros(ScalarType::Long, {2});
  const EValue one(int64_t{1});
  ASSERT_TRUE(binary("aten::add.out", c, d, out64, &one).ok());
  EXPECT_EQ(out64.to_vector<int64_t>(), (std::vector<int64_t>{std::numeric_limits<int64_t>::min(), -2}));
}

TEST(AddOut, TypePromotion) {
  // int64 + float -> float.
  auto a = TensorFactory::make<int64_t>({3}, {1, 2, 3});
  auto b = TensorFactory::make<float>({3}, {0.5f, 0.25f, -4.0f});
  auto out = TensorFactory::zeros(ScalarType::Float, {3});
  const EValue one(int64_t{1});
  ASSERT_TRUE(binary("aten::add.out", a, b, out, &one).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{1.5f, 2.25f, -1.0f}));

  // int8 + uint8 -> int16: the sum leaves both 8-bit ranges.
  auto c = TensorFactory::make<int8_t>({2, 1}, {-100, 100});
  auto d = TensorFactory::make<uint8_t>({2}, {200, 255});
  auto out16 = TensorFactory::zeros(ScalarType::Short, {2, 2});
  ASSERT_TRUE(binary("aten::add.out", c, d, out16, &one).ok());
  EXPECT_EQ(out16.to_vector<int16_t>(), (std::vector<int16_t>{100, 155, 300, 355}));

  // int32 + int32 may be stored into a float out (int -> float is a legal cast).
  auto e = TensorFactory::make<int32_t>({2}, {7, -8});
  auto f = TensorFactory::make<int32_t>({2}, {1, 1});
  auto outf = TensorFactory::zeros(ScalarType::Double, {2});
  ASSERT_TRUE(binary("aten::add.out", e, f, outf, &one).ok());
  EXPECT_EQ(outf.to_vector<double>(), (std::vector<double>{8, -7}));

  // A 0-dim double does not raise a float tensor to double: computed in float.
  auto g = TensorFactory::make<float>({1}, {1.0f});
  auto h = TensorFactory::make<double>({}, {1e-10});
  auto outg = TensorFactory::zeros(ScalarType::Double, {1});
  ASSERT_TRUE(binary("aten::add.out", g, h, outg, &one).ok());
  EXPECT_EQ(outg.to_vector<double>(), (std::vector<double>{1.0}));

  // bool + bool stays bool (logical or).
  auto p = TensorFactory::make<bool>({4}, {false, true, false, true});
  auto q = TensorFactory::make<bool>({4}, {false, false, true, true});
  auto outb = TensorFactory::zeros(ScalarType::Bool, {4});
  ASSERT_TRUE(binary("aten::add.out", p, q, outb, &one).ok());
  EXPECT_EQ(outb.to_vector<bool>(), (std::vector<bool>{false, true, true, true}));
}

TEST(AddOut, AllDtypesSameShape) {
  const EValue one(int64_t{1});
  auto check = [&](auto tag) {
    using T = decltype(tag);
    auto a = TensorFactory::make<T>({4}, {T(1), T(2), T(3), T(4)});
    auto b = TensorFactory::make<T>({4}, {T(10), T(20), T(30), T(40)});
    auto out = TensorFactory::zeros(ScalarTypeOf<T>::value, {4});
    ASSERT_TRUE(binary("aten::add.out", a, b, out, &one).ok());
    EXPECT_EQ(out.template to_vector<T>(), (std::vector<T>{T(11), T(22), T(33), T(44)}));
  };
  check(uint8_t{});
  check(int8_t{});
  check(int16_t{});
  check(int32_t{});
  check(int64_t{});
  check(float{});
  check(double{});
}

TEST(AddOut, ChannelsLastInputsAndOutput) {
  // NCHW [1, 3, 2, 2]; a channels-last, b contiguous, bias [3, 1, 1].
  const std::vector<SizesType> shape = {1, 3, 2, 2};
  auto av = iota_f(12, 0.0f, 1.0f);
  auto bv = iota_f(12, 100.0f, 10.0f);
  auto a = TensorFactory::make_channels_last<float>(shape, av);
  auto b = TensorFactory::make<float>(shape, bv);
  const EValue one(int64_t{1});
  std::vector<SizesType> out_sizes;
  auto want = reference<float>(shape, av, shape, bv, [](float x, float y) { return x + y; }, &out_sizes);

  auto out = TensorFactory::zeros(ScalarType::Float, shape);
  ASSERT_TRUE(binary("aten::add.out", a, b, out, &one).ok());
  EXPECT_EQ(out.to_vector<float>(), want);

  auto out_cl = TensorFactory::make_channels_last<float>(shape);
  ASSERT_TRUE(binary("aten::add.out", a, b, out_cl, &one).ok());
  EXPECT_EQ(out_cl.to_vector<float>(), want);
  // Memory really is NHWC: element (c=1, h=0, w=0) sits at offset 1.
  EXPECT_EQ(out_cl.tensor().const_data_ptr<float>()[1], want[4]);

  auto bias = TensorFactory::make<float>({3, 1, 1}, {1000, 2000, 3000});
  auto want_bias = reference<float>(shape, av, {3, 1, 1}, bias.to_vector<float>(),
                                    [](float x, float y) { return x - 2 * y; }, &out_sizes);
  auto out_cl2 = TensorFactory::make_channels_last<float>(shape);
  const EValue two(int64_t{2});
  ASSERT_TRUE(binary("aten::sub.out", a, bias, out_cl2, &two).ok());
  EXPECT_EQ(out_cl2.to_vector<float>(), want_bias);

  // Mixed dtypes through the converting path, channels-last in and out.
  auto ai = TensorFactory::make_channels_last<int32_t>(shape, std::vector<int32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  auto out_cl3 = TensorFactory::make_channels_last<float>(shape);
  ASSERT_TRUE(binary("aten::mul.out", ai, bias, out_cl3).ok());
  auto want_mul = reference<float>(shape, ai.to_vector<int32_t>(), {3, 1, 1}, bias.to_vector<float>(),
                                   [](int32_t x, float y) { return static_cast<float>(x) * y; }, &out_sizes);
  EXPECT_EQ(out_cl3.to_vector<float>(), want_mul);
}

TEST(SubOut, MatchesReferenceAndRejectsBool) {
  auto a = TensorFactory::make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  auto b = TensorFactory::make<float>({3}, {0.5f, 1.5f, 2.5f});
  auto out = TensorFactory::zeros(ScalarType::Float, {2, 3});
  const EValue alpha(2.0);
  ASSERT_TRUE(binary("aten::sub.out", a, b, out, &alpha).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{0, -1, -2, 3, 2, 1}));

  auto p = TensorFactory::make<bool>({2}, {true, false});
  auto outb = TensorFactory::zeros(ScalarType::Bool, {2});
  const EValue one(int64_t{1});
  EXPECT_KERNEL_FAILS(binary("aten::sub.out", p, p, outb, &one), "aten::sub.out", "bool");
}

TEST(MulOut, BroadcastAndBool) {
  auto a = TensorFactory::make<int32_t>({2, 1}, {3, -4});
  auto b = TensorFactory::make<int32_t>({1, 3}, {1, 2, 3});
  auto out = TensorFactory::zeros(ScalarType::Int, {2, 3});
  ASSERT_TRUE(binary("aten::mul.out", a, b, out).ok());
  EXPECT_EQ(out.to_vector<int32_t>(), (std::vector<int32_t>{3, 6, 9, -4, -8, -12}));

  auto p = TensorFactory::make<bool>({4}, {false, true, false, true});
  auto q = TensorFactory::make<bool>({4}, {false, false, true, true});
  auto outb = TensorFactory::zeros(ScalarType::Bool, {4});
  ASSERT_TRUE(binary("aten::mul.out", p, q, outb).ok());
  EXPECT_EQ(outb.to_vector<bool>(), (std::vector<bool>{false, false, false, true}));
}

TEST(DivOut, TrueDivision) {
  auto a = TensorFactory::make<int32_t>({4}, {7, -7, 1, 0});
  auto b = TensorFactory::make<int32_t>({4}, {2, 2, 0, 0});
  auto out = TensorFactory::zeros(ScalarType::Float, {4});
  ASSERT_TRUE(binary("aten::div.out", a, b, out).ok());
  auto v = out.to_vector<float>();
  EXPECT_EQ(v[0], 3.5f);
  EXPECT_EQ(v[1], -3.5f);
  EXPECT_TRUE(std::isinf(v[2]) && v[2] > 0);
  EXPECT_TRUE(std::isnan(v[3]));

  // The quotient of integers is Float: an integer out cannot hold it.
  auto outi = TensorFactory::zeros(ScalarType::Int, {4});
  EXPECT_KERNEL_FAILS(binary("aten::div.out", a, b, outi), "aten::div.out", "out");

  auto c = TensorFactory::make<double>({2, 2}, {1, 2, 3, 4});
  auto d = TensorFactory::make<double>({2}, {4, 8});
  auto outd = TensorFactory::zeros(ScalarType::Double, {2, 2});
  ASSERT_TRUE(binary("aten::div.out", c, d, outd).ok());
  EXPECT_EQ(outd.to_vector<double>(), (std::vector<double>{0.25, 0.25, 0.75, 0.5}));
}

TEST(ScalarVariants, PromotionAndValues) {
  const EValue one(int64_t{1});
  auto a = TensorFactory::make<int32_t>({3}, {1, 2, 3});

  // An Int scalar keeps the integer dtype.
  auto out = TensorFactory::zeros(ScalarType::Int, {3});
  const EValue two(int64_t{2});
  ASSERT_TRUE(binary_scalar("aten::add.Scalar_out", a, EValue(int64_t{5}), out, &two).ok());
  EXPECT_EQ(out.to_vector<int32_t>(), (std::vector<int32_t>{11, 12, 13}));

  // A Double scalar promotes an integer tensor to Float; an Int out is refused.
  auto outf = TensorFactory::zeros(ScalarType::Float, {3});
  ASSERT_TRUE(binary_scalar("aten::add.Scalar_out", a, EValue(0.5), outf, &one).ok());
  EXPECT_EQ(outf.to_vector<float>(), (std::vector<float>{1.5f, 2.5f, 3.5f}));
  EXPECT_KERNEL_FAILS(binary_scalar("aten::add.Scalar_out", a, EValue(0.5), out, &one), "aten::add.Scalar_out",
                      "cannot be cast");

  // bool tensor + Int scalar -> Long.
  auto p = TensorFactory::make<bool>({2}, {true, false});
  auto outl = TensorFactory::zeros(ScalarType::Long, {2});
  ASSERT_TRUE(binary_scalar("aten::add.Scalar_out", p, EValue(int64_t{3}), outl, &one).ok());
  EXPECT_EQ(outl.to_vector<int64_t>(), (std::vector<int64_t>{4, 3}));

  auto s = TensorFactory::make<float>({2, 2}, {1, 2, 3, 4});
  auto outs = TensorFactory::zeros(ScalarType::Float, {2, 2});
  ASSERT_TRUE(binary_scalar("aten::sub.Scalar_out", s, EValue(1.0), outs, &two).ok());
  EXPECT_EQ(outs.to_vector<float>(), (std::vector<float>{-1, 0, 1, 2}));
  ASSERT_TRUE(binary_scalar("aten::mul.Scalar_out", s, EValue(int64_t{3}), outs).ok());
  EXPECT_EQ(outs.to_vector<float>(), (std::vector<float>{3, 6, 9, 12}));
  ASSERT_TRUE(binary_scalar("aten::div.Scalar_out", s, EValue(4.0), outs).ok());
  EXPECT_EQ(outs.to_vector<float>(), (std::vector<float>{0.25f, 0.5f, 0.75f, 1.0f}));

  // Integer tensor / Int scalar is true division into Float.
  ASSERT_TRUE(binary_scalar("aten::div.Scalar_out", a, EValue(int64_t{2}), outf).ok());
  EXPECT_EQ(outf.to_vector<float>(), (std::vector<float>{0.5f, 1.0f, 1.5f}));

  // int8 tensor * Int scalar stays int8 and wraps like ATen.
  auto c = TensorFactory::make<int8_t>({2}, {100, -3});
  auto outc = TensorFactory::zeros(ScalarType::Char, {2});
  ASSERT_TRUE(binary_scalar("aten::mul.Scalar_out", c, EValue(int64_t{2}), outc).ok());
  EXPECT_EQ(outc.to_vector<int8_t>(), (std::vector<int8_t>{-56, -6}));
}

TEST(BinaryErrors, ReportedThroughContext) {
  const EValue one(int64_t{1});
  auto a = TensorFactory::make<float>({2, 3});
  auto b4 = TensorFactory::make<float>({4});
  auto out = TensorFactory::zeros(ScalarType::Float, {2, 3});

  EXPECT_KERNEL_FAILS(binary("aten::add.out", a, b4, out, &one), "aten::add.out", "other");

  auto half = TensorFactory::zeros(ScalarType::Half, {2, 3});
  EXPECT_KERNEL_FAILS(binary("aten::add.out", a, half, out, &one), "aten::add.out", "Half");

  // Static out of another shape cannot be resized.
  auto wrong = TensorFactory::zeros(ScalarType::Float, {3, 2});
  EXPECT_KERNEL_FAILS(binary("aten::mul.out", a, a, wrong), "aten::mul.out", "out");
  auto wrong_rank = TensorFactory::zeros(ScalarType::Float, {6});
  EXPECT_KERNEL_FAILS(binary("aten::mul.out", a, a, wrong_rank), "aten::mul.out", "rank");

  // A dynamic out too small for the result.
  auto small = TensorFactory::dynamic_bound(ScalarType::Float, {2, 2});
  EXPECT_KERNEL_FAILS(binary("aten::mul.out", a, a, small), "aten::mul.out", "bound");

  // Wrong tags: an Int where a Tensor belongs, a Tensor where alpha belongs.
  EValue va(a.tensor()), vo(out.tensor()), vi(int64_t{3});
  EXPECT_KERNEL_FAILS(run_kernel("aten::add.out", {&va, &vi, &vi, &vo, &vo}), "aten::add.out", "other");
  EXPECT_KERNEL_FAILS(run_kernel("aten::add.out", {&va, &va, &va, &vo, &vo}), "aten::add.out", "alpha");
  EXPECT_KERNEL_FAILS(run_kernel("aten::mul.out", {&va, &va, &vo}), "aten::mul.out", "arguments");
  EXPECT_KERNEL_FAILS(run_kernel("aten::mul.out", {&va, &va, nullptr, &vo}), "aten::mul.out", "null");

  // Float alpha with integer inputs; float result into an integer out.
  auto ia = TensorFactory::make<int32_t>({2}, {1, 2});
  auto iout = TensorFactory::zeros(ScalarType::Int, {2});
  const EValue half_alpha(0.5);
  EXPECT_KERNEL_FAILS(binary("aten::add.out", ia, ia, iout, &half_alpha), "aten::add.out", "alpha");
  auto fa = TensorFactory::make<float>({2}, {1, 2});
  EXPECT_KERNEL_FAILS(binary("aten::sub.out", fa, ia, iout, &one), "aten::sub.out", "cannot be cast");
  const EValue bool_alpha(true);
  EXPECT_KERNEL_FAILS(binary("aten::add.out", fa, fa, a, &bool_alpha), "aten::add.out", "alpha");
}

}  // namespace
}  // namespace ember::test
