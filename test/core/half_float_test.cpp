// half_to_float / bfloat16_to_float on hand-picked bit patterns.
#include <gtest/gtest.h>

#include <cmath>

#include "runtime/core/half_float.h"

namespace ember {
namespace {

TEST(HalfFloatTest, HalfNormalsSubnormalsAndSpecials) {
  EXPECT_EQ(half_to_float(0x0000), 0.0f);
  EXPECT_TRUE(std::signbit(half_to_float(0x8000)));
  EXPECT_EQ(half_to_float(0x3c00), 1.0f);
  EXPECT_EQ(half_to_float(0xc000), -2.0f);
  EXPECT_EQ(half_to_float(0x3555), 0.333251953125f);
  EXPECT_EQ(half_to_float(0x7bff), 65504.0f);               // largest finite
  EXPECT_EQ(half_to_float(0x0400), std::ldexp(1.0f, -14));  // smallest normal
  EXPECT_EQ(half_to_float(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
  EXPECT_EQ(half_to_float(0x83ff), -std::ldexp(1023.0f, -24));
  EXPECT_EQ(half_to_float(0x7c00), INFINITY);
  EXPECT_EQ(half_to_float(0xfc00), -INFINITY);
  EXPECT_TRUE(std::isnan(half_to_float(0x7e00)));
  EXPECT_TRUE(std::signbit(half_to_float(0xfe00)));
}

TEST(HalfFloatTest, BFloat16IsTheUpperHalfOfAFloat) {
  EXPECT_EQ(bfloat16_to_float(0x3f80), 1.0f);
  EXPECT_EQ(bfloat16_to_float(0xc0a0), -5.0f);
  EXPECT_EQ(bfloat16_to_float(0x3e80), 0.25f);
  EXPECT_EQ(bfloat16_to_float(0x7f80), INFINITY);
  EXPECT_EQ(bfloat16_to_float(0x0001), std::ldexp(1.0f, -133));
  EXPECT_TRUE(std::isnan(bfloat16_to_float(0x7fc0)));
}

}  // namespace
}  // namespace ember
