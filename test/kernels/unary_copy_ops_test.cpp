// aten::relu, the copy kernels (clone, _to_copy, _to_dim_order_copy,
// _clone_dim_order) and aten::view_copy.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "test/kernels/kernel_test_util.h"
#include "test/support/evalue_list.h"
#include "test/support/tensor_factory.h"

namespace ember::test {
namespace {

KernelResult relu(OwnedTensor& in, OwnedTensor& out) {
  EValue vi(in.tensor()), vo(out.tensor());
  return run_kernel("aten::relu.out", {&vi, &vo, &vo});
}

// [self, non_blocking, dim_order, out, ret]
KernelResult dim_order_op(const char* op, OwnedTensor& in, EValue dim_order, OwnedTensor& out) {
  EValue vi(in.tensor()), vo(out.tensor()), nb(false);
  return run_kernel(op, {&vi, &nb, &dim_order, &vo, &vo});
}

TEST(ReluOut, FloatIntAndNaN) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  auto a = TensorFactory::make<float>({2, 2}, {-1.5f, 0.0f, 2.0f, nan});
  auto out = TensorFactory::zeros(ScalarType::Float, {2, 2});
  ASSERT_TRUE(relu(a, out).ok());
  auto v = out.to_vector<float>();
  EXPECT_EQ(v[0], 0.0f);
  EXPECT_EQ(v[1], 0.0f);
  EXPECT_EQ(v[2], 2.0f);
  EXPECT_TRUE(std::isnan(v[3]));

  auto b = TensorFactory::make_channels_last<int32_t>({1, 2, 1, 2}, {-3, 4, 5, -6});
  auto outb = TensorFactory::make_channels_last<int32_t>({1, 2, 1, 2});
  ASSERT_TRUE(relu(b, outb).ok());
  EXPECT_EQ(outb.to_vector<int32_t>(), (std::vector<int32_t>{0, 4, 5, 0}));

  auto p = TensorFactory::make<bool>({1}, {true});
  auto outp = TensorFactory::zeros(ScalarType::Bool, {1});
  EXPECT_KERNEL_FAILS(relu(p, outp), "aten::relu.out", "self");
  auto outd = TensorFactory::zeros(ScalarType::Double, {2, 2});
  EXPECT_KERNEL_FAILS(relu(a, outd), "aten::relu.out", "out");
}

TEST(CloneOut, CopiesAndChecks) {
  auto a = TensorFactory::make<int64_t>({3}, {1, -2, 3});
  auto out = TensorFactory::dynamic_bound(ScalarType::Long, {5});
  EValue va(a.tensor()), vo(out.tensor()), none;
  ASSERT_TRUE(run_kernel("aten::clone.out", {&va, &none, &vo, &vo}).ok());
  EXPECT_EQ(out.sizes(), (std::vector<SizesType>{3}));
  EXPECT_EQ(out.to_vector<int64_t>(), (std::vector<int64_t>{1, -2, 3}));

  auto wrong = TensorFactory::zeros(ScalarType::Int, {3});
  EValue vw(wrong.tensor());
  EXPECT_KERNEL_FAILS(run_kernel("aten::clone.out", {&va, &none, &vw, &vw}), "aten::clone.out", "dtype");
  EValue channels_last_format(int64_t{2});
  EXPECT_KERNEL_FAILS(run_kernel("aten::clone.out", {&va, &channels_last_format, &vo, &vo}), "aten::clone.out",
                      "memory_format");
}

TEST(ToCopyOut, ConvertsDtypes) {
  auto a = TensorFactory::make<float>({5}, {1.75f, -2.5f, 0.0f, 1e20f, std::numeric_limits<float>::quiet_NaN()});
  auto out = TensorFactory::zeros(ScalarType::Int, {5});
  EValue va(a.tensor()), vo(out.tensor()), nb(false), none;
  ASSERT_TRUE(run_kernel("aten::_to_copy.out", {&va, &nb, &none, &vo, &vo}).ok());
  // Truncation toward zero; out-of-range saturates and NaN gives 0 (defined here, undefined in C++).
  EXPECT_EQ(out.to_vector<int32_t>(), (std::vector<int32_t>{1, -2, 0, std::numeric_limits<int32_t>::max(), 0}));

  auto outb = TensorFactory::zeros(ScalarType::Bool, {5});
  EValue vb(outb.tensor());
  ASSERT_TRUE(run_kernel("aten::_to_copy.out", {&va, &nb, &none, &vb, &vb}).ok());
  EXPECT_EQ(outb.to_vector<bool>(), (std::vector<bool>{true, true, false, true, true}));

  auto i = TensorFactory::make<uint8_t>({2}, {255, 7});
  auto outd = TensorFactory::zeros(ScalarType::Double, {2});
  EValue vi(i.tensor()), vd(outd.tensor());
  EValue preserve(int64_t{1});
  ASSERT_TRUE(run_kernel("aten::_to_copy.out", {&vi, &nb, &preserve, &vd, &vd}).ok());
  EXPECT_EQ(outd.to_vector<double>(), (std::vector<double>{255.0, 7.0}));

  EXPECT_KERNEL_FAILS(run_kernel("aten::_to_copy.out", {&vi, &none, &none, &vd, &vd}), "aten::_to_copy.out",
                      "non_blocking");
}

TEST(ToDimOrderCopy, ContiguousToChannelsLastAndDtype) {
  std::vector<float> values(12);
  for (size_t k = 0; k < values.size(); ++k) values[k] = static_cast<float>(k);
  auto a = TensorFactory::make<float>({1, 3, 2, 2}, values);
  auto out = TensorFactory::make_channels_last<double>({1, 3, 2, 2});
  OwnedIntList order({0, 2, 3, 1});
  ASSERT_TRUE(dim_order_op("dim_order_ops::_to_dim_order_copy.out", a, order.evalue(), out).ok());
  std::vector<double> want(values.begin(), values.end());
  EXPECT_EQ(out.to_vector<double>(), want);
  // NHWC memory: c varies fastest.
  const double* mem = out.tensor().const_data_ptr<double>();
  EXPECT_EQ((std::vector<double>(mem, mem + 6)), (std::vector<double>{0, 4, 8, 1, 5, 9}));

  // dim_order None: out's layout decides.
  auto back = TensorFactory::zeros(ScalarType::Float, {1, 3, 2, 2});
  ASSERT_TRUE(dim_order_op("dim_order_ops::_to_dim_order_copy.out", out, EValue(), back).ok());
  EXPECT_EQ(back.to_vector<float>(), values);

  // A dim_order that disagrees with out's.
  OwnedIntList contiguous({0, 1, 2, 3});
  EXPECT_KERNEL_FAILS(dim_order_op("dim_order_ops::_to_dim_order_copy.out", a, contiguous.evalue(), out),
                      "dim_order_ops::_to_dim_order_copy.out", "dim_order");
  EXPECT_KERNEL_FAILS(dim_order_op("dim_order_ops::_to_dim_order_copy.out", a, EValue(int64_t{0}), out),
                      "dim_order_ops::_to_dim_order_copy.out", "dim_order");
}

TEST(ToDimOrderCopy, ZeroDimWithEmptyList) {
  auto a = TensorFactory::make<int64_t>({}, {42});
  auto out = TensorFactory::zeros(ScalarType::Float, {});
  OwnedIntList empty({});
  ASSERT_TRUE(dim_order_op("dim_order_ops::_to_dim_order_copy.out", a, empty.evalue(), out).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{42.0f}));
}

TEST(CloneDimOrder, ChannelsLastToContiguous) {
  auto a = TensorFactory::make_channels_last<int8_t>({2, 2, 1, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  auto out = TensorFactory::zeros(ScalarType::Char, {2, 2, 1, 2});
  OwnedIntList order({0, 1, 2, 3});
  ASSERT_TRUE(dim_order_op("dim_order_ops::_clone_dim_order.out", a, order.evalue(), out).ok());
  EXPECT_EQ(out.to_vector<int8_t>(), (std::vector<int8_t>{1, 2, 3, 4, 5, 6, 7, 8}));
  const int8_t* mem = out.tensor().const_data_ptr<int8_t>();
  EXPECT_EQ((std::vector<int8_t>(mem, mem + 8)), (std::vector<int8_t>{1, 2, 3, 4, 5, 6, 7, 8}));

  auto wrong = TensorFactory::zeros(ScalarType::Float, {2, 2, 1, 2});
  EXPECT_KERNEL_FAILS(dim_order_op("dim_order_ops::_clone_dim_order.out", a, EValue(), wrong),
                      "dim_order_ops::_clone_dim_order.out", "dtype");
}

TEST(ViewCopyOut, ReshapesWithInference) {
  auto a = TensorFactory::make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  auto out = TensorFactory::dynamic_bound(ScalarType::Float, {6, 6});
  OwnedIntList size({3, -1});
  EValue va(a.tensor()), vs(size.evalue()), vo(out.tensor());
  ASSERT_TRUE(run_kernel("aten::view_copy.out", {&va, &vs, &vo, &vo}).ok());
  EXPECT_EQ(out.sizes(), (std::vector<SizesType>{3, 2}));
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{1, 2, 3, 4, 5, 6}));

  OwnedIntList bad({4, 2});
  EValue vbad(bad.evalue());
  EXPECT_KERNEL_FAILS(run_kernel("aten::view_copy.out", {&va, &vbad, &vo, &vo}), "aten::view_copy.out",
                      "size: 8 elements requested, self has 6");
  OwnedIntList two_infer({-1, -1});
  EValue vti(two_infer.evalue());
  EXPECT_KERNEL_FAILS(run_kernel("aten::view_copy.out", {&va, &vti, &vo, &vo}), "aten::view_copy.out",
                      "size: entry 1 (-1) is invalid");
  EXPECT_KERNEL_FAILS(run_kernel("aten::view_copy.out", {&va, &vs, &vo}), "aten::view_copy.out",
                      "expected 4 arguments, got 3");
  auto cl = TensorFactory::make_channels_last<float>({1, 2, 1, 3});
  OwnedIntList flat({2, 3});
  EValue vcl(cl.tensor()), vflat(flat.evalue());
  EXPECT_KERNEL_FAILS(run_kernel("aten::view_copy.out", {&vcl, &vflat, &vo, &vo}), "aten::view_copy.out", "self");
}

}  // namespace
}  // namespace ember::test
