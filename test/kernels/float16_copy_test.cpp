// aten::_to_copy.out to and from Half / BFloat16: narrowing rounds to nearest
// with ties to even; expected bit patterns are worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "test/kernels/kernel_test_util.h"
#include "test/support/tensor_factory.h"

namespace ember::test {
namespace {

OwnedTensor bits_tensor(ScalarType t, const std::vector<uint16_t>& bits) {
  auto out = TensorFactory::zeros(t, {static_cast<SizesType>(bits.size())});
  std::memcpy(out.tensor().mutable_data_ptr(), bits.data(), bits.size() * sizeof(uint16_t));
  return out;
}

std::vector<uint16_t> bits_of(const OwnedTensor& t) {
  std::vector<uint16_t> bits(static_cast<size_t>(t.tensor().numel()));
  std::memcpy(bits.data(), t.tensor().const_data_ptr(), bits.size() * sizeof(uint16_t));
  return bits;
}

KernelResult to_copy(OwnedTensor& in, OwnedTensor& out) {
  EValue vi(in.tensor()), vo(out.tensor()), nb(false), none;
  return run_kernel("aten::_to_copy.out", {&vi, &nb, &none, &vo, &vo});
}

float from_bits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

TEST(ToCopyFloat16, FloatToHalfRoundsToNearestEven) {
  const float inf = std::numeric_limits<float>::infinity();
  auto in = TensorFactory::make<float>(
      {12}, {1.0f, -2.0f, 1.0f + std::ldexp(1.0f, -11), 1.0f + 3 * std::ldexp(1.0f, -11), 0.1f, 65504.0f, 65519.0f,
             65520.0f, std::ldexp(1.0f, -25), 3 * std::ldexp(1.0f, -25), -0.0f,
             std::numeric_limits<float>::quiet_NaN()});
  auto out = TensorFactory::zeros(ScalarType::Half, {12});
  ASSERT_TRUE(to_copy(in, out).ok());
  // 1 + 2^-11 is halfway between 0x3c00 and 0x3c01: the even one; 1 + 3 * 2^-11
  // halfway between 0x3c01 and 0x3c02: 0x3c02. 0.1 is 0x2e66 (0.0999755859375).
  // 65520 is halfway between 65504 (odd mantissa) and 2^16: infinity. 2^-25
  // is half the smallest subnormal: 0; 3 * 2^-25 rounds to 2 units.
  EXPECT_EQ(bits_of(out), (std::vector<uint16_t>{0x3c00, 0xc000, 0x3c00, 0x3c02, 0x2e66, 0x7bff, 0x7bff, 0x7c00,
                                                 0x0000, 0x0002, 0x8000, 0x7e00}));
  auto big = TensorFactory::make<float>({2}, {inf, -1e10f});
  auto big_out = TensorFactory::zeros(ScalarType::Half, {2});
  ASSERT_TRUE(to_copy(big, big_out).ok());
  EXPECT_EQ(bits_of(big_out), (std::vector<uint16_t>{0x7c00, 0xfc00}));
}

TEST(ToCopyFloat16, FloatToBFloat16RoundsToNearestEven) {
  auto in = TensorFactory::make<float>({6}, {1.0f, from_bits(0x3f808000), from_bits(0x3f818000),
                                             from_bits(0x3ef5eeb0), std::numeric_limits<float>::max(),
                                             -std::numeric_limits<float>::quiet_NaN()});
  auto out = TensorFactory::zeros(ScalarType::BFloat16, {6});
  ASSERT_TRUE(to_copy(in, out).ok());
  // Ties 0x3f80|8000 -> 0x3f80 and 0x3f81|8000 -> 0x3f82; 0x3ef5|eeb0 rounds
  // up; FLT_MAX rounds up to infinity; NaN stays a (negative) quiet NaN.
  EXPECT_EQ(bits_of(out), (std::vector<uint16_t>{0x3f80, 0x3f80, 0x3f82, 0x3ef6, 0x7f80, 0xffc0}));
}

TEST(ToCopyFloat16, WidensAndConvertsToIntegers) {
  // 0x3555 = 0.333251953125, 0xc0e0 = -2.4375, 0x0001 = 2^-24, 0xfc00 = -inf.
  auto half = bits_tensor(ScalarType::Half, {0x3555, 0xc0e0, 0x0001, 0xfc00});
  auto as_float = TensorFactory::zeros(ScalarType::Float, {4});
  ASSERT_TRUE(to_copy(half, as_float).ok());
  EXPECT_EQ(as_float.to_vector<float>(),
            (std::vector<float>{0.333251953125f, -2.4375f, std::ldexp(1.0f, -24), -std::numeric_limits<float>::infinity()}));
  auto as_double = TensorFactory::zeros(ScalarType::Double, {4});
  ASSERT_TRUE(to_copy(half, as_double).ok());
  EXPECT_EQ(as_double.to_vector<double>()[1], -2.4375);
  auto as_int = TensorFactory::zeros(ScalarType::Int, {4});
  ASSERT_TRUE(to_copy(half, as_int).ok());
  EXPECT_EQ(as_int.to_vector<int32_t>(), (std::vector<int32_t>{0, -2, 0, std::numeric_limits<int32_t>::min()}));

  // bfloat16 0xc0a0 = -5, 0x3e80 = 0.25; to Half: 0xc500 and 0x3400.
  auto bf = bits_tensor(ScalarType::BFloat16, {0xc0a0, 0x3e80});
  auto bf_float = TensorFactory::zeros(ScalarType::Float, {2});
  ASSERT_TRUE(to_copy(bf, bf_float).ok());
  EXPECT_EQ(bf_float.to_vector<float>(), (std::vector<float>{-5.0f, 0.25f}));
  auto bf_half = TensorFactory::zeros(ScalarType::Half, {2});
  ASSERT_TRUE(to_copy(bf, bf_half).ok());
  EXPECT_EQ(bits_of(bf_half), (std::vector<uint16_t>{0xc500, 0x3400}));

  // Double straight to Half: 1 + 2^-11 + 2^-40 is just above the tie, so it
  // rounds up (a float step first would have landed on the tie and gone down).
  auto d = TensorFactory::make<double>({1}, {1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40)});
  auto d_half = TensorFactory::zeros(ScalarType::Half, {1});
  ASSERT_TRUE(to_copy(d, d_half).ok());
  EXPECT_EQ(bits_of(d_half), (std::vector<uint16_t>{0x3c01}));
}

}  // namespace
}  // namespace ember::test
