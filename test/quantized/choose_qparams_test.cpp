// choose_qparams.Tensor_out and choose_qparams_per_token_asymmetric.out on
// inputs whose qparams are computed by hand from the fbgemm algorithm.
#include "test/quantized/quant_test_util.h"
#include "test/support/tensor_factory.h"

namespace ember::test {
namespace {

constexpr const char* kChoose = "quantized_decomposed::choose_qparams.Tensor_out";
constexpr const char* kPerToken = "quantized_decomposed::choose_qparams_per_token_asymmetric.out";

struct QP {
  double scale;
  int64_t zero_point;
};

QP choose(const std::vector<float>& x, int64_t qmin, int64_t qmax) {
  auto in = TensorFactory::make<float>({static_cast<SizesType>(x.size())}, x);
  auto scale = TensorFactory::zeros(ScalarType::Double, {1});
  auto zp = TensorFactory::zeros(ScalarType::Long, {1});
  // eps is ignored by ExecuTorch: a large value must not change anything.
  std::vector<EValue> args = {T(in), I(qmin), I(qmax), D(0.5), DT(ScalarType::Byte), T(scale), T(zp), T(scale), T(zp)};
  const KernelResult r = run_q(kChoose, args);
  EXPECT_TRUE(r.ok()) << r.message;
  return {scale.to_vector<double>()[0], zp.to_vector<int64_t>()[0]};
}

TEST(ChooseQParams, HandComputed) {
  // [-1, 2] in [0, 255]: scale 3/255; zp from min = 0 + 1/scale = 85 (smaller error term).
  QP q = choose({-1.f, 0.5f, 2.f}, 0, 255);
  EXPECT_DOUBLE_EQ(q.scale, 3.0 / 255);
  EXPECT_EQ(q.zero_point, 85);
  // All zeros: scale 0 is replaced by 0.1; zp from min (error 0 < 255) = 0.
  q = choose({0.f, 0.f, 0.f}, 0, 255);
  EXPECT_EQ(q.scale, 0.1);
  EXPECT_EQ(q.zero_point, 0);
  // All zeros in [-128, 127]: the max side's error term (127) beats the
  // min side's (128), so zp = 127 - 0 = 127.
  q = choose({0.f, 0.f}, -128, 127);
  EXPECT_EQ(q.scale, 0.1);
  EXPECT_EQ(q.zero_point, 127);
  // Constant positive: range extended to [0, 3]; zp 0.
  q = choose({3.f, 3.f, 3.f, 3.f}, 0, 255);
  EXPECT_DOUBLE_EQ(q.scale, 3.0 / 255);
  EXPECT_EQ(q.zero_point, 0);
  // Constant negative: range [-2, 0]; zp from min = 0 + 2 / (2/255) = 255.
  q = choose({-2.f, -2.f}, 0, 255);
  EXPECT_DOUBLE_EQ(q.scale, 2.0 / 255);
  EXPECT_EQ(q.zero_point, 255);
  // Symmetric-ish in int8: [-1, 1], scale 2/255, zp from max = 127 - 127.5 = -0.5 -> nearbyint -> 0 (ties to even).
  q = choose({-1.f, 1.f}, -128, 127);
  EXPECT_DOUBLE_EQ(q.scale, 2.0 / 255);
  EXPECT_EQ(q.zero_point, 0);
}

TEST(ChooseQParams, SmallScaleIsRaised) {
  // [0, 1e-3] / 255 is below 6.1e-5: scale becomes 6.1e-5 (float) and, min
  // being 0, max is moved to 6.1e-5 * 255, so zp stays 0.
  QP q = choose({0.f, 1e-3f}, 0, 255);
  EXPECT_EQ(q.scale, static_cast<double>(6.1e-5f));
  EXPECT_EQ(q.zero_point, 0);
  // max 0 side: min moves to -6.1e-5 * 255, zp from min = 255.
  q = choose({-1e-3f, 0.f}, 0, 255);
  EXPECT_EQ(q.scale, static_cast<double>(6.1e-5f));
  EXPECT_EQ(q.zero_point, 255);
  // Both sides: min and max are amplified together; zp stays inside the range.
  q = choose({-1e-4f, 3e-4f}, -128, 127);
  EXPECT_EQ(q.scale, static_cast<double>(6.1e-5f));
  EXPECT_GE(q.zero_point, -128);
  EXPECT_LE(q.zero_point, 127);
}

TEST(ChooseQParams, Errors) {
  auto in = TensorFactory::make<float>({2}, {1.f, 2.f});
  auto scale = TensorFactory::zeros(ScalarType::Double, {1});
  auto zp = TensorFactory::zeros(ScalarType::Long, {1});
  std::vector<EValue> order = {T(in), I(5), I(5), D(0), DT(ScalarType::Byte), T(scale), T(zp), T(scale), T(zp)};
  EXPECT_KERNEL_FAILS(run_q(kChoose, order), kChoose, "quant_min");
  auto empty = TensorFactory::make<float>({0});
  std::vector<EValue> none = {T(empty), I(0), I(255), D(0), DT(ScalarType::Byte), T(scale), T(zp), T(scale), T(zp)};
  EXPECT_KERNEL_FAILS(run_q(kChoose, none), kChoose, "empty");
  auto fscale = TensorFactory::zeros(ScalarType::Float, {1});
  std::vector<EValue> sdt = {T(in), I(0), I(255), D(0), DT(ScalarType::Byte), T(fscale), T(zp), T(fscale), T(zp)};
  EXPECT_KERNEL_FAILS(run_q(kChoose, sdt), kChoose, "scale_out");
  auto two = TensorFactory::zeros(ScalarType::Long, {2});
  std::vector<EValue> numel = {T(in), I(0), I(255), D(0), DT(ScalarType::Byte), T(scale), T(two), T(scale), T(two)};
  EXPECT_KERNEL_FAILS(run_q(kChoose, numel), kChoose, "zero_point_out");
  auto dbl = TensorFactory::make<double>({2}, {1.0, 2.0});
  std::vector<EValue> idt = {T(dbl), I(0), I(255), D(0), DT(ScalarType::Byte), T(scale), T(zp), T(scale), T(zp)};
  EXPECT_KERNEL_FAILS(run_q(kChoose, idt), kChoose, "input");
}

TEST(ChooseQParamsPerToken, RowsHandComputed) {
  // Row 0: [-0.5, 1.2] -> scale 1.7/255, zp = -128 + 0.5/scale = -53.
  // Row 1: [-0.8, 2.1] -> scale 2.9/255, zp = -128 + 0.8/scale = -57.66 -> -58.
  auto in = TensorFactory::make<float>({1, 2, 3}, {-0.5f, 0.3f, 1.2f, 0.1f, -0.8f, 2.1f});
  auto scale = TensorFactory::dynamic_bound(ScalarType::Double, {1, 2, 3});
  auto zp = TensorFactory::dynamic_bound(ScalarType::Long, {1, 2, 3});
  std::vector<EValue> args = {T(in), DT(ScalarType::Float), T(scale), T(zp), T(scale), T(zp)};
  ASSERT_TRUE(run_q(kPerToken, args).ok());
  EXPECT_EQ(scale.sizes(), (std::vector<SizesType>{1, 2, 1}));
  EXPECT_EQ(zp.sizes(), (std::vector<SizesType>{1, 2, 1}));
  const std::vector<double> s = scale.to_vector<double>();
  EXPECT_DOUBLE_EQ(s[0], (static_cast<double>(1.2f) - static_cast<double>(-0.5f)) / 255);
  EXPECT_DOUBLE_EQ(s[1], (static_cast<double>(2.1f) - static_cast<double>(-0.8f)) / 255);
  EXPECT_EQ(zp.to_vector<int64_t>(), (std::vector<int64_t>{-53, -58}));
  // A constant-zero token gets scale 0.1, zp 127 (int8 range, see above).
  auto zeros = TensorFactory::make<float>({2, 2}, {0.f, 0.f, 1.f, -1.f});
  auto s2 = TensorFactory::zeros(ScalarType::Double, {2, 1});
  auto z2 = TensorFactory::zeros(ScalarType::Long, {2, 1});
  std::vector<EValue> args2 = {T(zeros), DT(ScalarType::Char), T(s2), T(z2), T(s2), T(z2)};
  ASSERT_TRUE(run_q(kPerToken, args2).ok());
  EXPECT_EQ(s2.to_vector<double>()[0], 0.1);
  EXPECT_EQ(z2.to_vector<int64_t>(), (std::vector<int64_t>{127, 0}));
  auto wrong = TensorFactory::zeros(ScalarType::Double, {3, 1});
  std::vector<EValue> bad = {T(zeros), DT(ScalarType::Char), T(wrong), T(z2), T(wrong), T(z2)};
  EXPECT_KERNEL_FAILS(run_q(kPerToken, bad), kPerToken, "scale_out");
}

}  // namespace
}  // namespace ember::test
