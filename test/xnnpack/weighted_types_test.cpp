// check_quant8_weighted_types, and that fully connected and convolution both
// apply it: the accepted 8-bit combinations and the refused ones with their
// messages.
#include <gtest/gtest.h>

#include <cstddef>
#include <initializer_list>
#include <string>

#include "backends/xnnpack/capability/capability.h"
#include "runtime/core/error.h"

namespace ember::xnnpack {
namespace {

const float kConstant[64] = {};

Value value(DataType type, std::initializer_list<size_t> dims, bool constant = false) {
  Value v;
  v.type = type;
  v.rank = dims.size();
  size_t i = 0;
  for (size_t d : dims) v.dims[i++] = d;
  v.capacity = v.numel();
  v.quant.scale = 0.5f;
  if (constant) v.constant = kConstant;
  return v;
}

bool message_has(const char* fragment) { return std::string(error_message()).find(fragment) != std::string::npos; }

TEST(WeightedTypesTest, AcceptsQs8Qc8AndQu8) {
  const Value qs8 = value(DataType::QInt8, {1, 4});
  const Value qu8 = value(DataType::QUInt8, {1, 4});
  const Value bias32 = value(DataType::QInt32, {2});
  const Value bias_c32 = value(DataType::QCInt32, {2});
  EXPECT_EQ(check_quant8_weighted_types(qs8, value(DataType::QInt8, {2, 4}), qs8, nullptr), Error::Ok);
  EXPECT_EQ(check_quant8_weighted_types(qs8, value(DataType::QCInt8, {2, 4}), qs8, &bias_c32), Error::Ok);
  EXPECT_EQ(check_quant8_weighted_types(qu8, value(DataType::QUInt8, {2, 4}), qu8, &bias32), Error::Ok);
}

TEST(WeightedTypesTest, RefusesMixedTypesAndFloatBias) {
  const Value qs8 = value(DataType::QInt8, {1, 4});
  const Value qu8 = value(DataType::QUInt8, {1, 4});
  EXPECT_EQ(check_quant8_weighted_types(qs8, value(DataType::QUInt8, {2, 4}), qs8, nullptr), Error::NotSupported);
  EXPECT_TRUE(message_has("are not supported")) << error_message();
  EXPECT_EQ(check_quant8_weighted_types(qu8, value(DataType::QCInt8, {2, 4}), qu8, nullptr), Error::NotSupported);
  EXPECT_EQ(check_quant8_weighted_types(qs8, value(DataType::QInt8, {2, 4}), qu8, nullptr), Error::NotSupported);
  const Value fp_bias = value(DataType::Fp32, {2});
  EXPECT_EQ(check_quant8_weighted_types(qs8, value(DataType::QInt8, {2, 4}), qs8, &fp_bias), Error::InvalidProgram);
  EXPECT_TRUE(message_has("quantized bias must be qint32/qcint32")) << error_message();
}

TEST(WeightedTypesTest, FullyConnectedAndConvolutionApplyIt) {
  const Value in = value(DataType::QInt8, {1, 4});
  const Value out = value(DataType::QInt8, {1, 2});
  const Value w_u8 = value(DataType::QUInt8, {2, 4}, true);
  EXPECT_EQ(check_fully_connected(in, w_u8, nullptr, out, false), Error::NotSupported);
  EXPECT_TRUE(message_has("are not supported")) << error_message();

  ConvGeometry g;
  g.group_in = 2;
  g.group_out = 2;
  const Value cin = value(DataType::QInt8, {1, 3, 3, 2});
  const Value cout = value(DataType::QInt8, {1, 3, 3, 2});
  const Value filter = value(DataType::QInt8, {2, 1, 1, 2}, true);
  const Value fp_bias = value(DataType::Fp32, {2}, true);
  EXPECT_EQ(check_convolution(ConvKind::Conv, g, cin, filter, nullptr, cout, OutputClamp{}), Error::Ok)
      << error_message();
  EXPECT_EQ(check_convolution(ConvKind::Conv, g, cin, filter, &fp_bias, cout, OutputClamp{}), Error::InvalidProgram);
  EXPECT_TRUE(message_has("quantized bias must be qint32/qcint32")) << error_message();
}

}  // namespace
}  // namespace ember::xnnpack
