// ATen type promotion and castability (kernels/portable/util/scalar_type_util.h).
#include <gtest/gtest.h>

#include "kernels/portable/util/scalar_type_util.h"
#include "test/support/tensor_factory.h"

namespace ember::kernels {
namespace {

using test::TensorFactory;
using ST = ScalarType;

ST promote(ST a, ST b) {
  ST out = ST::Bool;
  EXPECT_TRUE(promote_types(a, b, &out));
  return out;
}

TEST(Promotion, PromoteTypes) {
  EXPECT_EQ(promote(ST::Bool, ST::Bool), ST::Bool);
  EXPECT_EQ(promote(ST::Bool, ST::Byte), ST::Byte);
  EXPECT_EQ(promote(ST::Byte, ST::Char), ST::Short);
  EXPECT_EQ(promote(ST::Char, ST::Byte), ST::Short);
  EXPECT_EQ(promote(ST::Byte, ST::Short), ST::Short);
  EXPECT_EQ(promote(ST::Char, ST::Int), ST::Int);
  EXPECT_EQ(promote(ST::Int, ST::Long), ST::Long);
  EXPECT_EQ(promote(ST::Long, ST::Float), ST::Float);
  EXPECT_EQ(promote(ST::Float, ST::Double), ST::Double);
  EXPECT_EQ(promote(ST::Half, ST::BFloat16), ST::Float);
  EXPECT_EQ(promote(ST::Long, ST::Half), ST::Half);
  ST out;
  EXPECT_FALSE(promote_types(ST::UInt16, ST::Int, &out));
}

TEST(Promotion, CanCast) {
  EXPECT_TRUE(can_cast(ST::Int, ST::Float));
  EXPECT_TRUE(can_cast(ST::Long, ST::Char));
  EXPECT_TRUE(can_cast(ST::Double, ST::Float));
  EXPECT_TRUE(can_cast(ST::Bool, ST::Float));
  EXPECT_FALSE(can_cast(ST::Float, ST::Int));
  EXPECT_FALSE(can_cast(ST::Float, ST::Bool));
  EXPECT_FALSE(can_cast(ST::Int, ST::Bool));
}

ST result_of(std::initializer_list<Tensor> tensors, std::initializer_list<EValue> scalars) {
  ResultType rt;
  for (const Tensor& t : tensors) rt.add(t);
  for (const EValue& s : scalars) rt.add(s);
  ST out = ST::Bool;
  EXPECT_TRUE(rt.result(&out));
  return out;
}

TEST(Promotion, ResultTypeWrappedNumbersAndZeroDim) {
  auto i8 = TensorFactory::zeros(ST::Char, {2});
  auto u8 = TensorFactory::zeros(ST::Byte, {2});
  auto i32 = TensorFactory::zeros(ST::Int, {2});
  auto f32 = TensorFactory::zeros(ST::Float, {2});
  auto f64 = TensorFactory::zeros(ST::Double, {2});
  auto b = TensorFactory::zeros(ST::Bool, {2});
  auto f64_0d = TensorFactory::zeros(ST::Double, {});
  auto i64_0d = TensorFactory::zeros(ST::Long, {});

  EXPECT_EQ(result_of({i8.tensor(), u8.tensor()}, {}), ST::Short);
  // Int scalars do not widen integer tensors; Double scalars give Float.
  EXPECT_EQ(result_of({i8.tensor()}, {EValue(int64_t{1000})}), ST::Char);
  EXPECT_EQ(result_of({i32.tensor()}, {EValue(2.5)}), ST::Float);
  EXPECT_EQ(result_of({f64.tensor()}, {EValue(2.5)}), ST::Double);
  EXPECT_EQ(result_of({f32.tensor()}, {EValue(int64_t{1})}), ST::Float);
  EXPECT_EQ(result_of({b.tensor()}, {EValue(int64_t{1})}), ST::Long);
  EXPECT_EQ(result_of({b.tensor()}, {EValue(true)}), ST::Bool);
  EXPECT_EQ(result_of({b.tensor()}, {EValue(1.0)}), ST::Float);
  // 0-dim tensors count only across categories.
  EXPECT_EQ(result_of({f32.tensor(), f64_0d.tensor()}, {}), ST::Float);
  EXPECT_EQ(result_of({i32.tensor(), i64_0d.tensor()}, {}), ST::Int);
  EXPECT_EQ(result_of({i32.tensor(), f64_0d.tensor()}, {}), ST::Double);
  EXPECT_EQ(result_of({f64_0d.tensor(), i64_0d.tensor()}, {}), ST::Double);
}

TEST(Promotion, ConvertIsDefinedEverywhere) {
  EXPECT_EQ((convert<int8_t>(1e9f)), 127);
  EXPECT_EQ((convert<int8_t>(-1e9)), -128);
  EXPECT_EQ((convert<int64_t>(1e30)), INT64_MAX);
  EXPECT_EQ((convert<int32_t>(-2.9)), -2);
  EXPECT_EQ((convert<uint8_t>(-5.0f)), 0);
  EXPECT_EQ((convert<int32_t>(std::nan(""))), 0);
  EXPECT_TRUE((convert<bool>(0.1)));
  EXPECT_FALSE((convert<bool>(int64_t{0})));
}

}  // namespace
}  // namespace ember::kernels
