// XNNConvert between 8-bit types (RequantizeNode): the uint8 <-> int8 sign-bit
// fast path (same scale, zero point moved by 128) and the general rounding
// path, over all 256 input values against hand-computed references.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "test/support/xnnpack_program.h"

namespace ember {
namespace {

using xnnpack::DataType;
using xnnpack::NodeKind;
using xnnpack::Quantization;
using xnnpack::XnnpackBlobBuilder;

std::vector<uint8_t> run_convert(DataType from, Quantization qin, DataType to, Quantization qout) {
  XnnpackBlobBuilder b;
  uint32_t x = b.add_input(from, {256}, 0, qin);
  uint32_t y = b.add_output(to, {256}, 1, qout);
  b.add_unary(NodeKind::Convert, x, y);
  Result<std::unique_ptr<test::XnnpackProgram>> program = test::XnnpackProgram::load(b);
  EXPECT_TRUE(program.ok()) << error_message();
  if (!program.ok()) return {};
  HostTensor t;
  t.dtype = from == DataType::QInt8 ? ScalarType::Char : ScalarType::Byte;
  t.sizes = {256};
  for (int i = 0; i < 256; ++i) t.data.push_back(static_cast<uint8_t>(i));
  Result<std::vector<HostValue>> out = (*program)->run({HostValue::from_tensor(t)});
  EXPECT_TRUE(out.ok()) << error_message();
  if (!out.ok()) return {};
  return (*out)[0].tensor.data;
}

TEST(RequantizeNode, Uint8ToInt8AtTheSameScaleSubtracts128) {
  std::vector<uint8_t> y =
      run_convert(DataType::QUInt8, Quantization::per_tensor(0.1f, 130), DataType::QInt8, Quantization::per_tensor(0.1f, 2));
  ASSERT_EQ(y.size(), 256u);
  for (int q = 0; q < 256; ++q) EXPECT_EQ(static_cast<int8_t>(y[q]), q - 128) << q;
}

TEST(RequantizeNode, Int8ToUint8AtTheSameScaleAdds128) {
  std::vector<uint8_t> y =
      run_convert(DataType::QInt8, Quantization::per_tensor(0.25f, -7), DataType::QUInt8, Quantization::per_tensor(0.25f, 121));
  ASSERT_EQ(y.size(), 256u);
  for (int i = 0; i < 256; ++i) {
    int q = static_cast<int8_t>(static_cast<uint8_t>(i));
    EXPECT_EQ(y[i], q + 128) << q;
  }
}

TEST(RequantizeNode, OtherScalesRoundHalfToEvenAndClamp) {
  // q_out = clamp(nearbyint((q - 128) * 0.5) + 0) in int8.
  std::vector<uint8_t> y =
      run_convert(DataType::QUInt8, Quantization::per_tensor(0.1f, 128), DataType::QInt8, Quantization::per_tensor(0.2f, 0));
  ASSERT_EQ(y.size(), 256u);
  for (int q = 0; q < 256; ++q) {
    float r = std::nearbyint(static_cast<float>(q - 128) * 0.5f);
    EXPECT_EQ(static_cast<int8_t>(y[q]), static_cast<int>(r)) << q;
  }
  // Zero points 128 apart but different scales: not the sign-bit path.
  y = run_convert(DataType::QUInt8, Quantization::per_tensor(0.1f, 128), DataType::QInt8, Quantization::per_tensor(0.05f, 0));
  ASSERT_EQ(y.size(), 256u);
  for (int q = 0; q < 256; ++q) {
    int expected = std::min(127, std::max(-128, (q - 128) * 2));
    EXPECT_EQ(static_cast<int8_t>(y[q]), expected) << q;
  }
}

}  // namespace
}  // namespace ember
