// quantize_per_tensor (.out, .Tensor_out), quantize_per_channel, quantize_per_token:
// bit-exact against the scalar reference, ties, saturation, every dtype and axis.
#include <cmath>
#include <limits>
#include <random>

#include "test/quantized/quant_test_util.h"
#include "test/support/tensor_factory.h"

namespace ember::test {
namespace {

constexpr const char* kPerTensor = "quantized_decomposed::quantize_per_tensor.out";
constexpr const char* kPerTensorT = "quantized_decomposed::quantize_per_tensor.Tensor_out";
constexpr const char* kPerChannel = "quantized_decomposed::quantize_per_channel.out";
constexpr const char* kPerToken = "quantized_decomposed::quantize_per_token.out";

// The out tensor's values widened to int64 (any quantized storage type).
std::vector<int64_t> ints(const OwnedTensor& t) {
  std::vector<int64_t> v(t.tensor().numel());
  const void* p = t.tensor().const_data_ptr();
  for (size_t i = 0; i < v.size(); ++i) {
    switch (t.tensor().scalar_type()) {
      case ScalarType::Byte: v[i] = static_cast<const uint8_t*>(p)[i]; break;
      case ScalarType::Char: v[i] = static_cast<const int8_t*>(p)[i]; break;
      case ScalarType::Short: v[i] = static_cast<const int16_t*>(p)[i]; break;
      case ScalarType::Int: v[i] = static_cast<const int32_t*>(p)[i]; break;
      default: v[i] = static_cast<const uint16_t*>(p)[i]; break;  // Bits16, UInt16
    }
  }
  return v;
}

std::vector<float> random_floats(size_t n, float lo, float hi, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(gen);
  return v;
}

TEST(QuantizePerTensor, TiesRoundHalfToEven) {
  // scale 1: x * 1 is exactly .5 away from two integers.
  auto in = TensorFactory::make<float>({8}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 3.5f, 0.4999999f});
  auto out = TensorFactory::zeros(ScalarType::Char, {8});
  std::vector<EValue> args = {T(in), D(1.0), I(0), I(-128), I(127), DT(ScalarType::Char), T(out), T(out)};
  ASSERT_TRUE(run_q(kPerTensor, args).ok());
  EXPECT_EQ(ints(out), (std::vector<int64_t>{0, 2, 2, 0, -2, -2, 4, 0}));

  // scale 0.5: inv_scale 2, so 0.25 -> 0.5 -> 0 and 0.75 -> 1.5 -> 2; zero point 10 added after rounding.
  auto in2 = TensorFactory::make<float>({4}, {0.25f, 0.75f, 1.25f, -0.25f});
  auto out2 = TensorFactory::zeros(ScalarType::Byte, {4});
  std::vector<EValue> args2 = {T(in2), D(0.5), I(10), I(0), I(255), DT(ScalarType::Byte), T(out2), T(out2)};
  ASSERT_TRUE(run_q(kPerTensor, args2).ok());
  EXPECT_EQ(ints(out2), (std::vector<int64_t>{10, 12, 12, 10}));
}

TEST(QuantizePerTensor, SaturatesAtQuantMinAndMax) {
  auto in = TensorFactory::make<float>({6}, {-1000.f, -3.f, 0.f, 3.f, 1000.f, 12.f});
  auto out = TensorFactory::zeros(ScalarType::Byte, {6});
  // Narrow range [10, 20] with zero point 15 and scale 1.
  std::vector<EValue> args = {T(in), D(1.0), I(15), I(10), I(20), DT(ScalarType::Byte), T(out), T(out)};
  ASSERT_TRUE(run_q(kPerTensor, args).ok());
  EXPECT_EQ(ints(out), (std::vector<int64_t>{10, 12, 15, 18, 20, 20}));
  // Full int8 range: +-inf and huge values saturate, NaN goes to quant_min.
  auto in2 = TensorFactory::make<float>({4}, {std::numeric_limits<float>::infinity(),
                                              -std::numeric_limits<float>::infinity(), 1e30f,
                                              std::numeric_limits<float>::quiet_NaN()});
  auto out2 = TensorFactory::zeros(ScalarType::Char, {4});
  std::vector<EValue> args2 = {T(in2), D(0.1), I(0), I(-128), I(127), DT(ScalarType::Char), T(out2), T(out2)};
  ASSERT_TRUE(run_q(kPerTensor, args2).ok());
  EXPECT_EQ(ints(out2), (std::vector<int64_t>{127, -128, 127, -128}));
}

TEST(QuantizePerTensor, EveryDtypeMatchesReference) {
  struct Case {
    ScalarType dtype;
    int64_t qmin, qmax, zp;
    double scale;
  };
  const Case cases[] = {
      {ScalarType::Byte, 0, 255, 128, 0.02},       {ScalarType::Char, -128, 127, -3, 0.013},
      {ScalarType::Short, -32768, 32767, 7, 1e-4}, {ScalarType::Int, -2000000, 2000000, -11, 1e-6},
      {ScalarType::UInt16, 0, 65535, 30000, 3e-4}, {ScalarType::Bits16, 0, 65535, 100, 3e-4},
  };
  uint32_t seed = 1;
  for (const Case& c : cases) {
    for (const std::vector<SizesType>& shape : {std::vector<SizesType>{3, 5}, {0, 4}, {1}, {2, 1, 3}}) {
      size_t n = 1;
      for (SizesType s : shape) n *= static_cast<size_t>(s);
      const std::vector<float> x = random_floats(n, -4.f, 4.f, seed++);
      auto in = TensorFactory::make<float>(shape, x);
      auto out = TensorFactory::zeros(c.dtype, shape);
      std::vector<EValue> args = {T(in), D(c.scale), I(c.zp), I(c.qmin), I(c.qmax), DT(c.dtype), T(out), T(out)};
      ASSERT_TRUE(run_q(kPerTensor, args).ok()) << scalar_type_name(c.dtype);
      std::vector<int64_t> want(n);
      for (size_t i = 0; i < n; ++i) want[i] = ref_quantize(x[i], c.scale, c.zp, c.qmin, c.qmax);
      EXPECT_EQ(ints(out), want) << scalar_type_name(c.dtype);
    }
  }
}

// quantize_val's definition with saturation spelled out (ref_quantize casts
// out-of-range floats to int64, which is undefined for the huge values here).
int64_t saturating_reference(float x, double scale, int64_t zero_point, int64_t qmin, int64_t qmax) {
  const float inv = 1.0f / static_cast<float>(scale);
  const float sum = static_cast<float>(static_cast<int32_t>(zero_point)) + std::nearbyint(inv * x);
  if (sum != sum || sum <= static_cast<float>(qmin)) return qmin;
  if (sum >= static_cast<float>(qmax)) return qmax;
  return static_cast<int64_t>(sum);
}

TEST(QuantizePerTensor, VectorizedEightBitPathMatchesReferenceOnEdgeValues) {
  // Ties at every half step, values around the +-2^22 clamp of the fast path,
  // huge values, infinities, NaN, denormals and random values, at several
  // scales and zero points (the last one beyond the fast path's 2^16 bound).
  std::vector<float> x;
  for (int i = -600; i <= 600; ++i) x.push_back(static_cast<float>(i) * 0.5f);
  for (float v : {4194303.5f, 4194304.f, 4194305.f, 8388607.f, 8388608.f, 16777216.f, 3e9f, 1e30f, 1e-40f, -0.f}) {
    x.push_back(v);
    x.push_back(-v);
  }
  x.push_back(std::numeric_limits<float>::infinity());
  x.push_back(-std::numeric_limits<float>::infinity());
  x.push_back(std::numeric_limits<float>::quiet_NaN());
  const std::vector<float> r = random_floats(1000, -300.f, 300.f, 5);
  x.insert(x.end(), r.begin(), r.end());
  struct Case {
    ScalarType dtype;
    int64_t qmin, qmax, zp;
    double scale;
  };
  const Case cases[] = {{ScalarType::Char, -128, 127, 0, 1.0},     {ScalarType::Char, -128, 127, -5, 0.37},
                        {ScalarType::Byte, 0, 255, 128, 1.0},      {ScalarType::Byte, 0, 255, 3, 2.5e-3},
                        {ScalarType::Char, -100, 90, 17, 0.5},     {ScalarType::Byte, 0, 255, 65536, 1.0},
                        {ScalarType::Char, -128, 127, -70000, 1e-4}};
  for (const Case& c : cases) {
    auto in = TensorFactory::make<float>({static_cast<SizesType>(x.size())}, x);
    auto out = TensorFactory::zeros(c.dtype, {static_cast<SizesType>(x.size())});
    std::vector<EValue> args = {T(in), D(c.scale), I(c.zp), I(c.qmin), I(c.qmax), DT(c.dtype), T(out), T(out)};
    ASSERT_TRUE(run_q(kPerTensor, args).ok());
    std::vector<int64_t> got = ints(out);
    for (size_t i = 0; i < x.size(); ++i) {
      ASSERT_EQ(got[i], saturating_reference(x[i], c.scale, c.zp, c.qmin, c.qmax))
          << "x = " << x[i] << ", scale " << c.scale << ", zero point " << c.zp;
    }
  }
}

TEST(QuantizePerTensor, DoubleInputAndTensorArgs) {
  const std::vector<double> x = {0.1, -0.37, 2.5e-3, 1.999, -0.0126};
  auto in = TensorFactory::make<double>({5}, x);
  auto out = TensorFactory::zeros(ScalarType::Char, {5});
  auto scale = TensorFactory::make<double>({1}, {0.0125});
  auto zp = TensorFactory::make<int64_t>({1}, {-1});
  std::vector<EValue> args = {T(in), T(scale), T(zp), I(-128), I(127), DT(ScalarType::Char), T(out), T(out)};
  ASSERT_TRUE(run_q(kPerTensorT, args).ok());
  std::vector<int64_t> want;
  for (double v : x) want.push_back(ref_quantize(v, 0.0125, -1, -128, 127));
  EXPECT_EQ(ints(out), want);
}

TEST(QuantizePerTensor, ChannelsLastMatchesContiguous) {
  const std::vector<float> x = random_floats(2 * 3 * 2 * 2, -2.f, 2.f, 77);
  auto in = TensorFactory::make_channels_last<float>({2, 3, 2, 2}, x);
  auto out = TensorFactory::make_channels_last<uint8_t>({2, 3, 2, 2});
  std::vector<EValue> args = {T(in), D(0.03), I(100), I(0), I(255), DT(ScalarType::Byte), T(out), T(out)};
  ASSERT_TRUE(run_q(kPerTensor, args).ok());
  const std::vector<uint8_t> got = out.to_vector<uint8_t>();
  for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(got[i], ref_quantize(x[i], 0.03, 100, 0, 255)) << i;
  // A contiguous out for a channels-last input is refused, not silently wrong.
  auto contiguous_out = TensorFactory::zeros(ScalarType::Byte, {2, 3, 2, 2});
  std::vector<EValue> bad = {T(in), D(0.03), I(100), I(0), I(255), DT(ScalarType::Byte), T(contiguous_out),
                             T(contiguous_out)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensor, bad), kPerTensor, "dim order");
}

TEST(QuantizePerTensor, Errors) {
  auto in = TensorFactory::make<float>({2}, {1.f, 2.f});
  auto out = TensorFactory::zeros(ScalarType::Byte, {2});
  std::vector<EValue> wrong_dtype = {T(in), D(1.0), I(0), I(0), I(255), DT(ScalarType::Char), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensor, wrong_dtype), kPerTensor, "dtype argument");
  std::vector<EValue> low = {T(in), D(1.0), I(0), I(-1), I(255), DT(ScalarType::Byte), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensor, low), kPerTensor, "quant_min");
  std::vector<EValue> high = {T(in), D(1.0), I(0), I(0), I(256), DT(ScalarType::Byte), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensor, high), kPerTensor, "quant_max");
  auto long_out = TensorFactory::zeros(ScalarType::Long, {2});
  std::vector<EValue> long_dtype = {T(in), D(1.0), I(0), I(0), I(5), DT(ScalarType::Long), T(long_out), T(long_out)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensor, long_dtype), kPerTensor, "not a quantized integer dtype");
  auto int_in = TensorFactory::make<int32_t>({2}, {1, 2});
  std::vector<EValue> int_input = {T(int_in), D(1.0), I(0), I(0), I(255), DT(ScalarType::Byte), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensor, int_input), kPerTensor, "input");
  auto wrong_shape = TensorFactory::zeros(ScalarType::Byte, {3});
  std::vector<EValue> shape = {T(in), D(1.0), I(0), I(0), I(255), DT(ScalarType::Byte), T(wrong_shape),
                               T(wrong_shape)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensor, shape), kPerTensor, "out");
  auto float_scale = TensorFactory::make<float>({1}, {1.f});
  auto zp = TensorFactory::make<int64_t>({1}, {0});
  std::vector<EValue> tensor_scale = {T(in), T(float_scale), T(zp), I(0), I(255), DT(ScalarType::Byte), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensorT, tensor_scale), kPerTensorT, "scale");
  auto two_scales = TensorFactory::make<double>({2}, {1.0, 2.0});
  std::vector<EValue> numel = {T(in), T(two_scales), T(zp), I(0), I(255), DT(ScalarType::Byte), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensorT, numel), kPerTensorT, "one element");
  std::vector<EValue> few = {T(in), D(1.0), I(0)};
  EXPECT_KERNEL_FAILS(run_q(kPerTensor, few), kPerTensor, "arguments");
}

TEST(QuantizePerChannel, EveryAxisIncludingNegative) {
  const std::vector<std::vector<SizesType>> shapes = {{5}, {3, 4}, {2, 1, 3}, {2, 3, 0}, {1, 2, 3, 2}};
  uint32_t seed = 100;
  for (const auto& shape : shapes) {
    const int64_t rank = static_cast<int64_t>(shape.size());
    size_t n = 1;
    for (SizesType s : shape) n *= static_cast<size_t>(s);
    for (int64_t axis = -rank; axis < rank; ++axis) {
      const size_t ax = static_cast<size_t>(axis < 0 ? axis + rank : axis);
      const size_t channels = static_cast<size_t>(shape[ax]);
      std::vector<double> scales(channels);
      std::vector<int64_t> zps(channels);
      for (size_t c = 0; c < channels; ++c) {
        scales[c] = 0.01 * static_cast<double>(c + 1);
        zps[c] = static_cast<int64_t>(c) * 3 - 2;
      }
      const std::vector<float> x = random_floats(n, -1.f, 1.f, seed++);
      auto in = TensorFactory::make<float>(shape, x);
      auto s = TensorFactory::make<double>({static_cast<SizesType>(channels)}, scales);
      auto z = TensorFactory::make<int64_t>({static_cast<SizesType>(channels)}, zps);
      auto out = TensorFactory::zeros(ScalarType::Char, shape);
      std::vector<EValue> args = {T(in), T(s), T(z), I(axis), I(-128), I(127), DT(ScalarType::Char), T(out), T(out)};
      ASSERT_TRUE(run_q(kPerChannel, args).ok()) << "axis " << axis;
      // Channel of a row-major index: (i / inner) % channels.
      size_t inner = 1;
      for (size_t d = ax + 1; d < shape.size(); ++d) inner *= static_cast<size_t>(shape[d]);
      std::vector<int64_t> want(n);
      for (size_t i = 0; i < n; ++i) {
        const size_t c = (i / inner) % channels;
        want[i] = ref_quantize(x[i], scales[c], zps[c], -128, 127);
      }
      EXPECT_EQ(ints(out), want) << "rank " << rank << " axis " << axis;
    }
  }
}

TEST(QuantizePerChannel, Errors) {
  auto in = TensorFactory::make<float>({2, 3});
  auto s = TensorFactory::make<double>({3}, {1, 1, 1});
  auto z = TensorFactory::make<int64_t>({3}, {0, 0, 0});
  auto out = TensorFactory::zeros(ScalarType::Byte, {2, 3});
  std::vector<EValue> axis = {T(in), T(s), T(z), I(2), I(0), I(255), DT(ScalarType::Byte), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerChannel, axis), kPerChannel, "axis");
  std::vector<EValue> count = {T(in), T(s), T(z), I(0), I(0), I(255), DT(ScalarType::Byte), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerChannel, count), kPerChannel, "scales");
  auto fs = TensorFactory::make<float>({3}, {1, 1, 1});
  std::vector<EValue> dtype = {T(in), T(fs), T(z), I(1), I(0), I(255), DT(ScalarType::Byte), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerChannel, dtype), kPerChannel, "Double");
  auto iz = TensorFactory::make<int32_t>({3}, {0, 0, 0});
  std::vector<EValue> zdtype = {T(in), T(s), T(iz), I(1), I(0), I(255), DT(ScalarType::Byte), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerChannel, zdtype), kPerChannel, "zero_points");
}

TEST(QuantizePerToken, OneScalePerRow) {
  const std::vector<float> x = random_floats(2 * 3 * 4, -3.f, 3.f, 9);
  auto in = TensorFactory::make<float>({2, 3, 4}, x);
  std::vector<double> scales = {0.01, 0.02, 0.03, 0.04, 0.05, 0.06};
  std::vector<int64_t> zps = {-5, 0, 5, 10, -10, 1};
  auto s = TensorFactory::make<double>({2, 3, 1}, scales);
  auto z = TensorFactory::make<int64_t>({2, 3, 1}, zps);
  auto out = TensorFactory::zeros(ScalarType::Char, {2, 3, 4});
  std::vector<EValue> args = {T(in), T(s), T(z), I(-128), I(127), DT(ScalarType::Char), T(out), T(out)};
  ASSERT_TRUE(run_q(kPerToken, args).ok());
  std::vector<int64_t> want(x.size());
  for (size_t i = 0; i < x.size(); ++i) want[i] = ref_quantize(x[i], scales[i / 4], zps[i / 4], -128, 127);
  EXPECT_EQ(ints(out), want);
  auto few = TensorFactory::make<double>({5}, {1, 1, 1, 1, 1});
  std::vector<EValue> bad = {T(in), T(few), T(z), I(-128), I(127), DT(ScalarType::Char), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kPerToken, bad), kPerToken, "scales");
}

}  // namespace
}  // namespace ember::test
