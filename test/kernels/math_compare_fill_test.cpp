// Comparisons, logical ops, where, masked_fill, and the fill/arange ops.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "test/kernels/math_test_util.h"

namespace ember::test {
namespace {

struct CmpCase {
  const char* name;
  bool (*ref)(double, double);
};

const CmpCase kCmps[] = {
    {"eq", [](double x, double y) { return x == y; }}, {"ne", [](double x, double y) { return x != y; }},
    {"lt", [](double x, double y) { return x < y; }},  {"le", [](double x, double y) { return x <= y; }},
    {"gt", [](double x, double y) { return x > y; }},  {"ge", [](double x, double y) { return x >= y; }},
};

TEST(Compare, TensorBroadcastAndScalar) {
  auto a = TensorFactory::make<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  auto b = TensorFactory::make<float>({3}, {2, 2, 5.5f});
  auto out = TensorFactory::zeros(ScalarType::Bool, {2, 3});
  for (const CmpCase& c : kCmps) {
    const std::string tensor_op = std::string("aten::") + c.name + ".Tensor_out";
    const std::string scalar_op = std::string("aten::") + c.name + ".Scalar_out";
    ASSERT_TRUE(call(tensor_op.c_str(), {ev(a), ev(b)}, {ev(out)}).ok()) << tensor_op;
    std::vector<bool> want;
    const std::vector<double> bv = {2, 2, 5.5};
    for (int i = 0; i < 6; ++i) want.push_back(c.ref(i + 1, bv[i % 3]));
    EXPECT_EQ(out.to_vector<bool>(), want) << tensor_op;
    // A Double Scalar promotes the int tensor: 3 vs 2.5 compares as floats.
    ASSERT_TRUE(call(scalar_op.c_str(), {ev(a), ev_double(3.5)}, {ev(out)}).ok()) << scalar_op;
    want.clear();
    for (int i = 0; i < 6; ++i) want.push_back(c.ref(i + 1, 3.5));
    EXPECT_EQ(out.to_vector<bool>(), want) << scalar_op;
  }
}

TEST(Compare, NaNChannelsLastAndFloatOut) {
  const float nan = std::nanf("");
  std::vector<float> x = random_values<float>(16, -1, 1, 3);
  x[3] = nan;
  auto a = TensorFactory::make_channels_last<float>({1, 4, 2, 2}, x);
  auto out = TensorFactory::zeros(ScalarType::Float, {1, 4, 2, 2});
  ASSERT_TRUE(call("aten::ge.Scalar_out", {ev(a), ev_int(0)}, {ev(out)}).ok());
  std::vector<float> want;
  for (float v : x) want.push_back(v >= 0 ? 1.0f : 0.0f);
  EXPECT_EQ(out.to_vector<float>(), want);
  auto outb = TensorFactory::zeros(ScalarType::Bool, {1, 4, 2, 2});
  ASSERT_TRUE(call("aten::ne.Tensor_out", {ev(a), ev(a)}, {ev(outb)}).ok());
  auto ne = outb.to_vector<bool>();
  for (size_t i = 0; i < ne.size(); ++i) EXPECT_EQ(ne[i], i == 3) << i;
  auto bad = TensorFactory::make<float>({3}, {1, 2, 3});
  EXPECT_KERNEL_FAILS(call("aten::eq.Tensor_out", {ev(a), ev(bad)}, {ev(outb)}), "aten::eq.Tensor_out", "broadcast");
}

TEST(Logical, AndWithMixedDtypes) {
  auto a = TensorFactory::make<float>({4}, {0, 1, std::nanf(""), -2});
  auto b = TensorFactory::make<int64_t>({4}, {1, 1, 3, 0});
  auto out = TensorFactory::zeros(ScalarType::Bool, {4});
  ASSERT_TRUE(call("aten::logical_and.out", {ev(a), ev(b)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<bool>(), (std::vector<bool>{false, true, true, false}));
}

TEST(Where, ThreeWayBroadcastAndPromotion) {
  auto cond = TensorFactory::make<bool>({2, 1}, {true, false});
  auto x = TensorFactory::make<int32_t>({3}, {1, 2, 3});
  auto y = TensorFactory::make<float>({2, 3}, {10, 20, 30, 40, 50, 60});
  auto out = TensorFactory::dynamic_bound(ScalarType::Float, {4, 4});
  ASSERT_TRUE(call("aten::where.self_out", {ev(cond), ev(x), ev(y)}, {ev(out)}).ok());
  EXPECT_EQ(out.sizes(), (std::vector<SizesType>{2, 3}));
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{1, 2, 3, 40, 50, 60}));
  auto iout = TensorFactory::zeros(ScalarType::Int, {2, 3});
  EXPECT_KERNEL_FAILS(call("aten::where.self_out", {ev(cond), ev(x), ev(y)}, {ev(iout)}), "aten::where.self_out",
                      "out");
  auto fcond = TensorFactory::make<float>({2, 1}, {1, 0});
  EXPECT_KERNEL_FAILS(call("aten::where.self_out", {ev(fcond), ev(x), ev(y)}, {ev(out)}), "aten::where.self_out",
                      "condition");
}

TEST(MaskedFill, BroadcastMask) {
  auto a = TensorFactory::make_channels_last<float>({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  auto mask = TensorFactory::make<bool>({2}, {true, false});
  auto out = TensorFactory::zeros(ScalarType::Float, {1, 2, 2, 2});
  ASSERT_TRUE(call("aten::masked_fill.Scalar_out", {ev(a), ev(mask), ev_double(-1.5)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{-1.5f, 2, -1.5f, 4, -1.5f, 6, -1.5f, 8}));
  auto i = TensorFactory::make<int64_t>({2}, {5, 6});
  auto iout = TensorFactory::zeros(ScalarType::Long, {2});
  ASSERT_TRUE(call("aten::masked_fill.Scalar_out", {ev(i), ev(mask), ev_int(0)}, {ev(iout)}).ok());
  EXPECT_EQ(iout.to_vector<int64_t>(), (std::vector<int64_t>{0, 6}));
  auto imask = TensorFactory::make<int32_t>({2}, {1, 0});
  EXPECT_KERNEL_FAILS(call("aten::masked_fill.Scalar_out", {ev(i), ev(imask), ev_int(0)}, {ev(iout)}),
                      "aten::masked_fill.Scalar_out", "mask");
}

TEST(Fill, FullZerosOnesFullLike) {
  OwnedIntList size({2, 3});
  auto out = TensorFactory::dynamic_bound(ScalarType::Int, {4, 4});
  ASSERT_TRUE(call("aten::full.out", {size.evalue(), ev_int(7)}, {ev(out)}).ok());
  EXPECT_EQ(out.sizes(), (std::vector<SizesType>{2, 3}));
  EXPECT_EQ(out.to_vector<int32_t>(), std::vector<int32_t>(6, 7));
  auto f = TensorFactory::zeros(ScalarType::Float, {2, 3});
  ASSERT_TRUE(call("aten::ones.out", {size.evalue()}, {ev(f)}).ok());
  EXPECT_EQ(f.to_vector<float>(), std::vector<float>(6, 1.0f));
  ASSERT_TRUE(call("aten::zeros.out", {size.evalue()}, {ev(f)}).ok());
  EXPECT_EQ(f.to_vector<float>(), std::vector<float>(6, 0.0f));
  auto b = TensorFactory::make_channels_last<bool>({1, 2, 1, 2});
  auto like = TensorFactory::make<float>({1, 2, 1, 2});
  ASSERT_TRUE(call("aten::full_like.out", {ev(like), ev_bool(true), EValue()}, {ev(b)}).ok());
  EXPECT_EQ(b.to_vector<bool>(), std::vector<bool>(4, true));
  auto c = TensorFactory::zeros(ScalarType::Char, {2, 3});
  EXPECT_KERNEL_FAILS(call("aten::full.out", {size.evalue(), ev_int(300)}, {ev(c)}), "aten::full.out", "fill_value");
  OwnedIntList bad({2, -1});
  EXPECT_KERNEL_FAILS(call("aten::zeros.out", {bad.evalue()}, {ev(f)}), "aten::zeros.out", "size");
  OwnedIntList other({3, 3});
  EXPECT_KERNEL_FAILS(call("aten::ones.out", {other.evalue()}, {ev(f)}), "aten::ones.out", "out");
}

TEST(Arange, IntegerFloatAndNegativeSteps) {
  auto out = TensorFactory::dynamic_bound(ScalarType::Long, {16});
  ASSERT_TRUE(call("aten::arange.start_out", {ev_int(2), ev_int(11), ev_int(3)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<int64_t>(), (std::vector<int64_t>{2, 5, 8}));
  ASSERT_TRUE(call("aten::arange.start_out", {ev_int(5), ev_int(0), ev_int(-2)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<int64_t>(), (std::vector<int64_t>{5, 3, 1}));
  ASSERT_TRUE(call("aten::arange.start_out", {ev_int(3), ev_int(3), ev_int(1)}, {ev(out)}).ok());
  EXPECT_EQ(out.sizes(), (std::vector<SizesType>{0}));
  auto f = TensorFactory::dynamic_bound(ScalarType::Float, {16});
  ASSERT_TRUE(call("aten::arange.start_out", {ev_double(0), ev_double(1), ev_double(0.25)}, {ev(f)}).ok());
  EXPECT_EQ(f.to_vector<float>(), (std::vector<float>{0, 0.25f, 0.5f, 0.75f}));
  ASSERT_TRUE(call("aten::arange.start_out", {ev_int(-1), ev_double(1.1), ev_double(0.5)}, {ev(f)}).ok());
  EXPECT_EQ(f.to_vector<float>(), (std::vector<float>{-1, -0.5f, 0, 0.5f, 1}));
  EXPECT_KERNEL_FAILS(call("aten::arange.start_out", {ev_int(0), ev_int(5), ev_int(0)}, {ev(out)}),
                      "aten::arange.start_out", "step");
  EXPECT_KERNEL_FAILS(call("aten::arange.start_out", {ev_int(0), ev_int(5), ev_int(-1)}, {ev(out)}),
                      "aten::arange.start_out", "step");
  auto small = TensorFactory::dynamic_bound(ScalarType::Long, {2});
  EXPECT_KERNEL_FAILS(call("aten::arange.start_out", {ev_int(0), ev_int(5), ev_int(1)}, {ev(small)}),
                      "aten::arange.start_out", "out");
}

}  // namespace
}  // namespace ember::test
