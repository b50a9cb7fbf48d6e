// dequantize_per_tensor (.out, .Tensor_out), dequantize_per_channel,
// dequantize_per_token: bit-exact against (q - zp) * (float)scale.
#include <random>

#include "test/quantized/quant_test_util.h"
#include "test/support/tensor_factory.h"

namespace ember::test {
namespace {

constexpr const char* kPerTensor = "quantized_decomposed::dequantize_per_tensor.out";
constexpr const char* kPerTensorT = "quantized_decomposed::dequantize_per_tensor.Tensor_out";
constexpr const char* kPerChannel = "quantized_decomposed::dequantize_per_channel.out";
constexpr const char* kPerToken = "quantized_decomposed::dequantize_per_token.out";

// A tensor of `dtype` holding `values` (row-major, contiguous).
OwnedTensor quantized(ScalarType dtype, std::vector<SizesType> shape, const std::vector<int64_t>& values) {
  OwnedTensor t = TensorFactory::zeros(dtype, std::move(shape));
  void* p = t.tensor().mutable_data_ptr();
  for (size_t i = 0; i < values.size(); ++i) {
    switch (dtype) {
      case ScalarType::Byte: static_cast<uint8_t*>(p)[i] = static_cast<uint8_t>(values[i]); break;
      case ScalarType::Char: static_cast<int8_t*>(p)[i] = static_cast<int8_t>(values[i]); break;
      case ScalarType::Short: static_cast<int16_t*>(p)[i] = static_cast<int16_t>(values[i]); break;
      case ScalarType::Int: static_cast<int32_t*>(p)[i] = static_cast<int32_t>(values[i]); break;
      default: static_cast<uint16_t*>(p)[i] = static_cast<uint16_t>(values[i]); break;
    }
  }
  return t;
}

std::vector<int64_t> random_ints(size_t n, int64_t lo, int64_t hi, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  std::vector<int64_t> v(n);
  for (int64_t& x : v) x = dist(gen);
  return v;
}

TEST(DequantizePerTensor, EveryDtypeMatchesReference) {
  struct Case {
    ScalarType dtype;
    int64_t lo, hi, zp;
  };
  const Case cases[] = {{ScalarType::Byte, 0, 255, 128},          {ScalarType::Char, -128, 127, -7},
                        {ScalarType::Short, -32768, 32767, 100},  {ScalarType::Int, -2147483647, 2147483647, -5},
                        {ScalarType::UInt16, 0, 65535, 32768},    {ScalarType::Bits16, 0, 65535, 1}};
  uint32_t seed = 5;
  for (const Case& c : cases) {
    const std::vector<int64_t> q = random_ints(12, c.lo, c.hi, seed++);
    auto in = quantized(c.dtype, {3, 4}, q);
    auto out = TensorFactory::zeros(ScalarType::Float, {3, 4});
    // out_dtype given (Float) in the 9-argument schema.
    std::vector<EValue> args = {T(in), D(0.037), I(c.zp), I(c.lo), I(c.hi), DT(c.dtype), DT(ScalarType::Float),
                                T(out), T(out)};
    ASSERT_TRUE(run_q(kPerTensor, args).ok()) << scalar_type_name(c.dtype);
    const std::vector<float> got = out.to_vector<float>();
    for (size_t i = 0; i < q.size(); ++i) EXPECT_EQ(got[i], ref_dequantize(q[i], 0.037, c.zp)) << i;
  }
}

TEST(DequantizePerTensor, DoubleOutOldSchemaAndTensorArgs) {
  auto in = quantized(ScalarType::Byte, {4}, {0, 10, 128, 255});
  auto out = TensorFactory::zeros(ScalarType::Double, {4});
  // The 8-argument schema (no out_dtype).
  std::vector<EValue> args = {T(in), D(0.5), I(10), I(0), I(255), DT(ScalarType::Byte), T(out), T(out)};
  ASSERT_TRUE(run_q(kPerTensor, args).ok());
  EXPECT_EQ(out.to_vector<double>(), (std::vector<double>{-5.0, 0.0, 59.0, 122.5}));

  auto s = TensorFactory::make<double>({1}, {0.25});
  auto z = TensorFactory::make<int64_t>({1}, {-3});
  auto in2 = quantized(ScalarType::Char, {3}, {-128, -3, 127});
  auto out2 = TensorFactory::zeros(ScalarType::Float, {3});
  std::vector<EValue> args2 = {T(in2), T(s), T(z), I(-128), I(127), DT(ScalarType::Char), None(), T(out2), T(out2)};
  ASSERT_TRUE(run_q(kPerTensorT, args2).ok());
  EXPECT_EQ(out2.to_vector<float>(), (std::vector<float>{-31.25f, 0.f, 32.5f}));
}

TEST(DequantizePerTensor, Errors) {
  auto in = quantized(ScalarType::Byte, {2}, {1, 2});
  auto out = TensorFactory::zeros(ScalarType::Float, {2});
  std::vector<EValue> mismatch = {T(in), D(1.0), I(0), I(0), I(255), DT(ScalarType::Char), None(), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensor, mismatch), kPerTensor, "dtype argument");
  std::vector<EValue> out_dtype = {T(in), D(1.0), I(0), I(0), I(255), DT(ScalarType::Byte), DT(ScalarType::Double),
                                   T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensor, out_dtype), kPerTensor, "out_dtype");
  std::vector<EValue> range = {T(in), D(1.0), I(0), I(10), I(5), DT(ScalarType::Byte), None(), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensor, range), kPerTensor, "quant_min");
  auto long_in = TensorFactory::make<int64_t>({2}, {1, 2});
  std::vector<EValue> long_input = {T(long_in), D(1.0), I(0), I(0), I(255), DT(ScalarType::Long), None(), T(out),
                                    T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensor, long_input), kPerTensor, "input");
  auto int_out = TensorFactory::zeros(ScalarType::Int, {2});
  std::vector<EValue> int_output = {T(in), D(1.0), I(0), I(0), I(255), DT(ScalarType::Byte), None(), T(int_out),
                                    T(int_out)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensor, int_output), kPerTensor, "out");
  auto s1 = TensorFactory::make<double>({1}, {1.0});
  auto z2 = TensorFactory::make<int64_t>({2}, {0, 0});
  std::vector<EValue> two_zps = {T(in), T(s1), T(z2), I(0), I(255), DT(ScalarType::Byte), None(), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensorT, two_zps), kPerTensorT, "zero_point: expected one element, got 2");
  // 8 (old schema) or 9 values; none may be null.
  std::vector<EValue> seven = {T(in), D(1.0), I(0), I(0), I(255), DT(ScalarType::Byte), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensor, seven), kPerTensor, "expected 8 to 9 arguments, got 7");
  std::vector<EValue*> with_null = {&mismatch[0], &mismatch[1], &mismatch[2], &mismatch[3],
                                    &mismatch[4], &mismatch[5], nullptr,      &mismatch[7]};
  EXPECT_KERNEL_FAILS(run_kernel(quantized_registry(), kPerTensor, with_null), kPerTensor, "argument 6 is null");
}

TEST(DequantizePerChannel, EveryAxisScaleAndZeroPointDtype) {
  const std::vector<std::vector<SizesType>> shapes = {{4}, {2, 3}, {3, 1, 2}, {2, 0, 2}, {2, 2, 3, 1}};
  uint32_t seed = 40;
  for (const auto& shape : shapes) {
    const int64_t rank = static_cast<int64_t>(shape.size());
    size_t n = 1;
    for (SizesType s : shape) n *= static_cast<size_t>(s);
    for (int64_t axis = -rank; axis < rank; ++axis) {
      for (int variant = 0; variant < 3; ++variant) {  // Double+Long, Float+Int, Float+None
        const size_t ax = static_cast<size_t>(axis < 0 ? axis + rank : axis);
        const SizesType channels = shape[ax];
        std::vector<double> scales(channels);
        std::vector<int64_t> zps(channels);
        for (SizesType c = 0; c < channels; ++c) {
          scales[c] = 0.0173 * (c + 1);
          zps[c] = variant == 2 ? 0 : c * 5 - 4;
        }
        const std::vector<int64_t> q = random_ints(n, -128, 127, seed++);
        auto in = quantized(ScalarType::Char, shape, q);
        std::vector<float> fscales(scales.begin(), scales.end());
        std::vector<int32_t> izps(zps.begin(), zps.end());
        auto s = variant == 0 ? TensorFactory::make<double>({channels}, scales)
                              : TensorFactory::make<float>({channels}, fscales);
        auto z = variant == 0 ? TensorFactory::make<int64_t>({channels}, zps)
                              : TensorFactory::make<int32_t>({channels}, izps);
        auto out = TensorFactory::zeros(ScalarType::Float, shape);
        std::vector<EValue> args = {T(in),        T(s),      variant == 2 ? None() : T(z), I(axis), I(-128),
                                    I(127),       DT(ScalarType::Char), None(), T(out), T(out)};
        ASSERT_TRUE(run_q(kPerChannel, args).ok()) << "axis " << axis << " variant " << variant;
        size_t inner = 1;
        for (size_t d = ax + 1; d < shape.size(); ++d) inner *= static_cast<size_t>(shape[d]);
        const std::vector<float> got = out.to_vector<float>();
        for (size_t i = 0; i < n; ++i) {
          const size_t c = (i / inner) % static_cast<size_t>(channels);
          // Double scales are narrowed to float first, as ExecuTorch does.
          EXPECT_EQ(got[i], ref_dequantize(q[i], static_cast<float>(scales[c]), zps[c])) << i;
        }
      }
    }
  }
}

TEST(DequantizePerChannel, Errors) {
  auto in = quantized(ScalarType::Char, {2, 3}, {0, 0, 0, 0, 0, 0});
  auto s = TensorFactory::make<float>({3}, {1, 1, 1});
  auto out = TensorFactory::zeros(ScalarType::Float, {2, 3});
  std::vector<EValue> axis = {T(in), T(s), None(), I(-3), I(-128), I(127), DT(ScalarType::Char), None(), T(out),
                              T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerChannel, axis), kPerChannel, "axis");
  auto z = TensorFactory::make<int16_t>({3}, {0, 0, 0});
  std::vector<EValue> zdt = {T(in), T(s), T(z), I(1), I(-128), I(127), DT(ScalarType::Char), None(), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerChannel, zdt), kPerChannel, "zero_points");
  std::vector<EValue> count = {T(in), T(s), None(), I(0), I(-128), I(127), DT(ScalarType::Char), None(), T(out),
                               T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerChannel, count), kPerChannel, "scales");
}

TEST(DequantizePerToken, OneScalePerRow) {
  const std::vector<int64_t> q = random_ints(2 * 2 * 3, 0, 255, 3);
  auto in = quantized(ScalarType::Byte, {2, 2, 3}, q);
  std::vector<double> scales = {0.1, 0.2, 0.3, 0.4};
  std::vector<int64_t> zps = {128, 0, 255, 7};
  auto s = TensorFactory::make<double>({2, 2, 1}, scales);
  auto z = TensorFactory::make<int64_t>({2, 2, 1}, zps);
  auto out = TensorFactory::zeros(ScalarType::Float, {2, 2, 3});
  std::vector<EValue> args = {T(in), T(s), T(z), I(0), I(255), DT(ScalarType::Byte), DT(ScalarType::Float), T(out),
                              T(out)};
  ASSERT_TRUE(run_q(kPerToken, args).ok());
  const std::vector<float> got = out.to_vector<float>();
  for (size_t i = 0; i < q.size(); ++i) {
    EXPECT_EQ(got[i], ref_dequantize(q[i], static_cast<float>(scales[i / 3]), zps[i / 3])) << i;
  }
  std::vector<EValue> bad = {T(in), T(s), T(z), I(0), I(255), DT(ScalarType::Byte), DT(ScalarType::Double), T(out),
                             T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerToken, bad), kPerToken, "out_dtype");
}

TEST(QuantizeDequantize, RoundTripWithinHalfAStep) {
  std::mt19937 gen(11);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> x(64);
  for (float& v : x) v = dist(gen);
  auto in = TensorFactory::make<float>({64}, x);
  auto q = TensorFactory::zeros(ScalarType::Char, {64});
  auto back = TensorFactory::zeros(ScalarType::Float, {64});
  std::vector<EValue> qa = {T(in), D(1.0 / 127), I(0), I(-128), I(127), DT(ScalarType::Char), T(q), T(q)};
  ASSERT_TRUE(run_q("quantized_decomposed::quantize_per_tensor.out", qa).ok());
  std::vector<EValue> da = {T(q), D(1.0 / 127), I(0), I(-128), I(127), DT(ScalarType::Char), None(), T(back), T(back)};
  ASSERT_TRUE(run_q(kPerTensor, da).ok());
  const std::vector<float> got = back.to_vector<float>();
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(got[i], x[i], 0.5 / 127 + 1e-6) << i;
}

}  // namespace
}  // namespace ember::test
