// mixed_linear / mixed_mm against a double-precision float reference, and the
// quantized add against a scalar dequant-add-requant reference (bit-exact).
#include <cmath>
#include <random>

#include "test/quantized/quant_test_util.h"
#include "test/support/tensor_factory.h"

namespace ember::test {
namespace {

constexpr const char* kLinear = "quantized_decomposed::mixed_linear.out";
constexpr const char* kMm = "quantized_decomposed::mixed_mm.out";
constexpr const char* kAdd = "quantized_decomposed::add.out";

std::vector<float> random_floats(size_t n, float lo, float hi, std::mt19937& gen) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(gen);
  return v;
}

std::vector<int8_t> random_int8(size_t n, std::mt19937& gen) {
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<int8_t> v(n);
  for (int8_t& x : v) x = static_cast<int8_t>(dist(gen));
  return v;
}

TEST(MixedLinear, MatchesFloatReference) {
  std::mt19937 gen(31);
  struct Shape {
    SizesType m, n, p, groups;  // groups 0: rank-1 scales
  };
  for (const Shape& sh : {Shape{3, 8, 5, 0}, Shape{1, 16, 4, 4}, Shape{2, 10, 3, 4}, Shape{0, 4, 2, 0},
                          Shape{2, 1, 1, 1}, Shape{4, 7, 3, 7}}) {
    const SizesType g = sh.groups == 0 ? 1 : sh.groups;
    const std::vector<float> x = random_floats(sh.m * sh.n, -1.f, 1.f, gen);
    const std::vector<int8_t> w = random_int8(sh.p * sh.n, gen);
    const std::vector<float> s = random_floats(sh.p * g, 0.001f, 0.02f, gen);
    auto in = TensorFactory::make<float>({sh.m, sh.n}, x);
    auto weight = TensorFactory::make<int8_t>({sh.p, sh.n}, w);
    auto scales = sh.groups == 0 ? TensorFactory::make<float>({sh.p}, s) : TensorFactory::make<float>({sh.p, g}, s);
    auto out = TensorFactory::zeros(ScalarType::Float, {sh.m, sh.p});
    std::vector<EValue> args = {T(in), T(weight), T(scales), None(), None(), T(out), T(out)};
    ASSERT_TRUE(run_q(kLinear, args).ok()) << sh.m << "x" << sh.n << "x" << sh.p;
    // Group size along the contraction dim is ceil(n / groups).
    const SizesType gs = (sh.n + g - 1) / g;
    const std::vector<float> got = out.to_vector<float>();
    for (SizesType i = 0; i < sh.m; ++i) {
      for (SizesType j = 0; j < sh.p; ++j) {
        double want = 0;
        for (SizesType k = 0; k < sh.n; ++k) want += double(x[i * sh.n + k]) * w[j * sh.n + k] * s[j * g + k / gs];
        EXPECT_NEAR(got[i * sh.p + j], want, 1e-5 + 1e-5 * std::fabs(want)) << i << "," << j;
      }
    }
  }
}

TEST(MixedLinear, DoubleOutAndErrors) {
  auto in = TensorFactory::make<float>({1, 2}, {1.f, 2.f});
  auto weight = TensorFactory::make<int8_t>({2, 2}, {1, 2, 3, -4});
  auto scales = TensorFactory::make<float>({2}, {0.5f, 0.25f});
  auto out = TensorFactory::zeros(ScalarType::Double, {1, 2});
  std::vector<EValue> args = {T(in), T(weight), T(scales), None(), DT(ScalarType::Double), T(out), T(out)};
  ASSERT_TRUE(run_q(kLinear, args).ok());
  EXPECT_EQ(out.to_vector<double>(), (std::vector<double>{2.5, -1.25}));
  auto zp = TensorFactory::make<float>({2}, {0.f, 0.f});
  std::vector<EValue> with_zp = {T(in), T(weight), T(scales), T(zp), None(), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kLinear, with_zp), kLinear, "zero points are not supported");
  auto uweight = TensorFactory::make<uint8_t>({2, 2});
  std::vector<EValue> wdt = {T(in), T(uweight), T(scales), None(), None(), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kLinear, wdt), kLinear, "weight");
  auto narrow = TensorFactory::make<int8_t>({2, 3});
  std::vector<EValue> shape = {T(in), T(narrow), T(scales), None(), None(), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kLinear, shape), kLinear, "columns");
  std::vector<EValue> dtype = {T(in), T(weight), T(scales), None(), DT(ScalarType::Float), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kLinear, dtype), kLinear, "dtype argument");
}

TEST(MixedMm, MatchesFloatReference) {
  std::mt19937 gen(32);
  const SizesType m = 3, n = 6, p = 4;
  const std::vector<float> x = random_floats(m * n, -1.f, 1.f, gen);
  const std::vector<int8_t> w = random_int8(n * p, gen);
  const std::vector<float> s = random_floats(n, 0.001f, 0.02f, gen);
  auto in = TensorFactory::make<float>({m, n}, x);
  auto weight = TensorFactory::make<int8_t>({n, p}, w);
  auto scales = TensorFactory::make<float>({n}, s);
  auto out = TensorFactory::zeros(ScalarType::Float, {m, p});
  std::vector<EValue> args = {T(in), T(weight), T(scales), None(), T(out), T(out)};
  ASSERT_TRUE(run_q(kMm, args).ok());
  const std::vector<float> got = out.to_vector<float>();
  for (SizesType i = 0; i < m; ++i) {
    for (SizesType j = 0; j < p; ++j) {
      double want = 0;
      for (SizesType k = 0; k < n; ++k) want += double(x[i * n + k]) * w[k * p + j] * s[k];
      EXPECT_NEAR(got[i * p + j], want, 1e-5 + 1e-5 * std::fabs(want));
    }
  }
  auto scales2 = TensorFactory::make<float>({n, 1});
  std::vector<EValue> rank = {T(in), T(weight), T(scales2), None(), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kMm, rank), kMm, "weight_scales");
  auto dout = TensorFactory::zeros(ScalarType::Double, {m, p});
  std::vector<EValue> dt = {T(in), T(weight), T(scales), None(), T(dout), T(dout)};
  EXPECT_KERNEL_FAILS(run_q(kMm, dt), kMm, "share a dtype");
}

// Reference quantized add: each side dequantized in double then narrowed to
// float, summed in float, requantized with the out params.
int64_t ref_add(int64_t a, double as, int64_t az, int64_t b, double bs, int64_t bz, double os, int64_t oz,
                int64_t qmin, int64_t qmax) {
  const float da = static_cast<float>(static_cast<double>(a - az) * static_cast<float>(as));
  const float db = static_cast<float>(static_cast<double>(b - bz) * static_cast<float>(bs));
  return ref_quantize(da + db, os, oz, qmin, qmax);
}

TEST(QuantizedAdd, Uint8AndInt8MatchReference) {
  std::mt19937 gen(41);
  std::uniform_int_distribution<int> u8(0, 255);
  const size_t n = 24;
  std::vector<uint8_t> a(n), b(n);
  for (size_t i = 0; i < n; ++i) {
    a[i] = static_cast<uint8_t>(u8(gen));
    b[i] = static_cast<uint8_t>(u8(gen));
  }
  auto ta = TensorFactory::make<uint8_t>({2, 3, 4}, a);
  auto tb = TensorFactory::make<uint8_t>({2, 3, 4}, b);
  auto out = TensorFactory::zeros(ScalarType::Byte, {2, 3, 4});
  std::vector<EValue> args = {T(ta), D(0.02),  I(120), I(0),   I(255), T(tb),  D(0.05), I(7),
                              I(0),  I(255),   D(0.1), I(100), I(10),  I(240), T(out),  T(out)};
  ASSERT_TRUE(run_q(kAdd, args).ok());
  const std::vector<uint8_t> got = out.to_vector<uint8_t>();
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(got[i], ref_add(a[i], 0.02, 120, b[i], 0.05, 7, 0.1, 100, 10, 240)) << i;
  }
  // int8 storage with a tie: (4 - 0) * 0.25 + (2 - 0) * 0.25 = 1.5 -> /1 -> 2 (even).
  auto ca = TensorFactory::make<int8_t>({3}, {4, 1, 100});
  auto cb = TensorFactory::make<int8_t>({3}, {2, 1, 100});
  auto cout = TensorFactory::zeros(ScalarType::Char, {3});
  std::vector<EValue> args2 = {T(ca), D(0.25), I(0), I(0),  I(255), T(cb),   D(0.25), I(0),
                               I(0),  I(255),  D(1.0), I(0), I(0), I(20),  T(cout), T(cout)};
  ASSERT_TRUE(run_q(kAdd, args2).ok());
  EXPECT_EQ(cout.to_vector<int8_t>(), (std::vector<int8_t>{2, 0, 20}));  // 0.5 -> 0, 50 saturates at 20
}

TEST(QuantizedAdd, Errors) {
  auto a = TensorFactory::make<uint8_t>({2}, {1, 2});
  auto b = TensorFactory::make<uint8_t>({3}, {1, 2, 3});
  auto out = TensorFactory::zeros(ScalarType::Byte, {2});
  std::vector<EValue> shape = {T(a), D(1.0), I(0), I(0), I(255), T(b),   D(1.0), I(0),
                               I(0), I(255), D(1.0), I(0), I(0), I(255), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kAdd, shape), kAdd, "shape");
  std::vector<EValue> range = {T(a), D(1.0), I(0), I(0), I(256), T(a),   D(1.0), I(0),
                               I(0), I(255), D(1.0), I(0), I(0), I(255), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kAdd, range), kAdd, "a_quant_max");
  auto f = TensorFactory::make<float>({2}, {1.f, 2.f});
  auto fo = TensorFactory::zeros(ScalarType::Float, {2});
  std::vector<EValue> dt = {T(f), D(1.0), I(0), I(0), I(255), T(f),  D(1.0), I(0),
                            I(0), I(255), D(1.0), I(0), I(0), I(255), T(fo), T(fo)};
  EXPECT_KERNEL_FAILS(run_q(kAdd, dt), kAdd, "integer dtype");
}

}  // namespace
}  // namespace ember::test
