// embedding_byte / embedding_4bit / embedding_2bit (.out, .dtype_out): per-row
// and group-wise scales, optional zero points, packed layouts, index checks.
#include <random>

#include "test/quantized/quant_test_util.h"
#include "test/support/tensor_factory.h"

namespace ember::test {
namespace {

constexpr const char* kByte = "quantized_decomposed::embedding_byte.out";
constexpr const char* kByteDtype = "quantized_decomposed::embedding_byte.dtype_out";
constexpr const char* k4 = "quantized_decomposed::embedding_4bit.out";
constexpr const char* k4Dtype = "quantized_decomposed::embedding_4bit.dtype_out";
constexpr const char* k2 = "quantized_decomposed::embedding_2bit.out";
constexpr const char* k2Dtype = "quantized_decomposed::embedding_2bit.dtype_out";

// Reference: out[i, j] = (w[idx, j] - zp[idx, j / group]) * scale[idx, j / group], in float.
std::vector<float> reference(const std::vector<int32_t>& w, size_t dim, const std::vector<float>& scales,
                             const std::vector<float>& zps, size_t groups, const std::vector<int64_t>& indices) {
  std::vector<float> out;
  const size_t group = dim / groups;
  for (int64_t idx : indices) {
    for (size_t j = 0; j < dim; ++j) {
      const size_t g = static_cast<size_t>(idx) * groups + j / group;
      const float zp = zps.empty() ? 0.f : zps[g];
      out.push_back((static_cast<float>(w[static_cast<size_t>(idx) * dim + j]) - zp) * scales[g]);
    }
  }
  return out;
}

std::vector<float> random_floats(size_t n, float lo, float hi, std::mt19937& gen) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(gen);
  return v;
}

// A [rows, dim] Byte or Char weight of uniform random values, also returned
// as int32 in `values` for the reference.
OwnedTensor random_weight(ScalarType wt, SizesType rows, SizesType dim, std::mt19937& gen,
                          std::vector<int32_t>* values) {
  std::uniform_int_distribution<int32_t> wd(wt == ScalarType::Byte ? 0 : -128, wt == ScalarType::Byte ? 255 : 127);
  std::vector<int32_t>& w = *values;
  w.assign(static_cast<size_t>(rows) * dim, 0);
  for (int32_t& v : w) v = wd(gen);
  OwnedTensor weight = TensorFactory::zeros(wt, {rows, dim});
  for (size_t i = 0; i < w.size(); ++i) {
    if (wt == ScalarType::Byte) {
      weight.tensor().mutable_data_ptr<uint8_t>()[i] = static_cast<uint8_t>(w[i]);
    } else {
      weight.tensor().mutable_data_ptr<int8_t>()[i] = static_cast<int8_t>(w[i]);
    }
  }
  return weight;
}

TEST(EmbeddingByte, PerRowAndGroupwiseEveryWeightDtype) {
  std::mt19937 gen(21);
  const SizesType rows = 7, dim = 12;
  for (ScalarType wt : {ScalarType::Byte, ScalarType::Char}) {
    for (SizesType groups : {0, 1, 3, 12}) {  // 0: rank-1 scales
      for (bool with_zp : {false, true}) {
        const size_t ng = groups == 0 ? 1 : static_cast<size_t>(groups);
        std::vector<int32_t> w;
        OwnedTensor weight = random_weight(wt, rows, dim, gen, &w);
        const std::vector<float> scales = random_floats(rows * ng, 0.001f, 0.1f, gen);
        const std::vector<float> zps = with_zp ? random_floats(rows * ng, -5.f, 5.f, gen) : std::vector<float>{};
        std::vector<SizesType> qshape = groups == 0 ? std::vector<SizesType>{rows} : std::vector<SizesType>{rows, groups};
        auto s = TensorFactory::make<float>(qshape, scales);
        auto z = TensorFactory::make<float>(qshape, zps.empty() ? std::vector<float>(rows * ng) : zps);
        const std::vector<int64_t> idx = {6, 0, 3, 3, 1, 6};
        auto indices = TensorFactory::make<int64_t>({2, 3}, idx);
        auto out = TensorFactory::zeros(ScalarType::Float, {2, 3, dim});
        std::vector<EValue> args = {T(weight), T(s), with_zp ? T(z) : None(), I(-128), I(127), T(indices), T(out),
                                    T(out)};
        ASSERT_TRUE(run_q(kByte, args).ok()) << "groups " << groups;
        EXPECT_EQ(out.to_vector<float>(), reference(w, dim, scales, zps, ng, idx)) << "groups " << groups;
      }
    }
  }
}

TEST(EmbeddingByte, LargeOutputStreamingPathIsBitExact) {
  // >= 4 MiB of output takes the streaming-store path; an odd dim and two
  // groups exercise its unaligned head and scalar tail.
  std::mt19937 gen(22);
  const SizesType rows = 64, dim = 1030, groups = 2;
  const std::vector<int64_t> idx = [&] {
    std::uniform_int_distribution<int64_t> d(0, rows - 1);
    std::vector<int64_t> v(1100);
    for (int64_t& x : v) x = d(gen);
    return v;
  }();
  for (ScalarType wt : {ScalarType::Byte, ScalarType::Char}) {
    std::vector<int32_t> w;
    OwnedTensor weight = random_weight(wt, rows, dim, gen, &w);
    const std::vector<float> scales = random_floats(rows * groups, 0.001f, 0.1f, gen);
    const std::vector<float> zps = random_floats(rows * groups, -5.f, 5.f, gen);
    auto s = TensorFactory::make<float>({rows, groups}, scales);
    auto z = TensorFactory::make<float>({rows, groups}, zps);
    auto indices = TensorFactory::make<int64_t>({static_cast<SizesType>(idx.size())}, idx);
    auto out = TensorFactory::zeros(ScalarType::Float, {static_cast<SizesType>(idx.size()), dim});
    std::vector<EValue> args = {T(weight), T(s), T(z), I(-128), I(127), T(indices), T(out), T(out)};
    ASSERT_TRUE(run_q(kByte, args).ok());
    EXPECT_EQ(out.to_vector<float>(), reference(w, dim, scales, zps, groups, idx)) << scalar_type_name(wt);
  }
}

TEST(EmbeddingByte, DtypeOutEmptyIndicesAndResize) {
  auto weight = TensorFactory::make<int8_t>({2, 2}, {1, -2, 3, -4});
  auto s = TensorFactory::make<float>({2}, {0.5f, 2.f});
  auto indices = TensorFactory::make<int64_t>({3}, {1, 0, 1});
  auto out = TensorFactory::dynamic_bound(ScalarType::Float, {4, 2});
  std::vector<EValue> args = {T(weight), T(s), None(), I(-128), I(127), T(indices), DT(ScalarType::Float), T(out),
                              T(out)};
  ASSERT_TRUE(run_q(kByteDtype, args).ok());
  EXPECT_EQ(out.sizes(), (std::vector<SizesType>{3, 2}));
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{6.f, -8.f, 0.5f, -1.f, 6.f, -8.f}));
  auto none_idx = TensorFactory::make<int64_t>({0});
  std::vector<EValue> empty = {T(weight), T(s), None(), I(-128), I(127), T(none_idx), None(), T(out), T(out)};
  ASSERT_TRUE(run_q(kByteDtype, empty).ok());
  EXPECT_EQ(out.sizes(), (std::vector<SizesType>{0, 2}));
  std::vector<EValue> wrong = {T(weight), T(s), None(), I(-128), I(127), T(indices), DT(ScalarType::Double), T(out),
                               T(out)};
  EXPECT_KERNEL_FAILS(run_q(kByteDtype, wrong), kByteDtype, "dtype argument");
}

TEST(EmbeddingByte, IndexAndArgumentErrors) {
  auto weight = TensorFactory::make<uint8_t>({4, 6});
  auto s = TensorFactory::make<float>({4}, {1, 1, 1, 1});
  auto out = TensorFactory::zeros(ScalarType::Float, {3, 6});
  auto high = TensorFactory::make<int64_t>({3}, {0, 4, 1});
  std::vector<EValue> a = {T(weight), T(s), None(), I(0), I(255), T(high), T(out), T(out)};
  KernelResult r = run_q(kByte, a);
  EXPECT_KERNEL_FAILS(r, kByte, "value 4 at flat position 1");
  auto negative = TensorFactory::make<int64_t>({3}, {0, 1, -1});
  std::vector<EValue> b = {T(weight), T(s), None(), I(0), I(255), T(negative), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kByte, b), kByte, "value -1 at flat position 2");
  auto int_idx = TensorFactory::make<int32_t>({3}, {0, 1, 2});
  std::vector<EValue> c = {T(weight), T(s), None(), I(0), I(255), T(int_idx), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kByte, c), kByte, "indices");
  // 4 groups do not divide 6 columns.
  auto s4 = TensorFactory::make<float>({4, 4});
  auto ok_idx = TensorFactory::make<int64_t>({3}, {0, 1, 2});
  std::vector<EValue> d = {T(weight), T(s4), None(), I(0), I(255), T(ok_idx), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kByte, d), kByte, "do not divide");
  auto short_scales = TensorFactory::make<float>({3}, {1, 1, 1});
  std::vector<EValue> e = {T(weight), T(short_scales), None(), I(0), I(255), T(ok_idx), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kByte, e), kByte, "weight_scales");
  auto zp_double = TensorFactory::make<double>({4}, {0, 0, 0, 0});
  std::vector<EValue> f = {T(weight), T(s), T(zp_double), I(0), I(255), T(ok_idx), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kByte, f), kByte, "weight_zero_points");
  std::vector<EValue> g = {T(weight), T(s), None(), I(10), I(0), T(ok_idx), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(kByte, g), kByte, "weight_quant_min");
  auto rank3 = TensorFactory::zeros(ScalarType::Float, {3, 6, 1});
  std::vector<EValue> h = {T(weight), T(s), None(), I(0), I(255), T(ok_idx), T(rank3), T(rank3)};
  EXPECT_KERNEL_FAILS(run_q(kByte, h), kByte, "out");
}

TEST(Embedding4Bit, HandPackedNibbles) {
  // Row 0 bytes 0x9F 0x08: j0 = 9-8 = 1, j1 = 15-8 = 7, j2 = 0-8 = -8, j3 = 8-8 = 0.
  // Row 1 bytes 0x7A 0xC3: j0 = -1, j1 = 2, j2 = 4, j3 = -5.
  auto weight = TensorFactory::make<uint8_t>({2, 2}, {0x9F, 0x08, 0x7A, 0xC3});
  auto s = TensorFactory::make<float>({2}, {0.5f, 2.f});
  auto indices = TensorFactory::make<int32_t>({2}, {0, 1});  // Int indices are allowed for 4/2-bit.
  auto out = TensorFactory::zeros(ScalarType::Float, {2, 4});
  std::vector<EValue> args = {T(weight), T(s), None(), I(-8), I(7), T(indices), T(out), T(out)};
  ASSERT_TRUE(run_q(k4, args).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{0.5f, 3.5f, -4.f, 0.f, -2.f, 4.f, 8.f, -10.f}));
  // Group-wise (2 groups of 2) with zero points, through .dtype_out with Long indices.
  auto sg = TensorFactory::make<float>({2, 2}, {1.f, 10.f, 1.f, 0.5f});
  auto zg = TensorFactory::make<float>({2, 2}, {1.f, -1.f, 0.f, 2.f});
  auto lidx = TensorFactory::make<int64_t>({1}, {1});
  auto out2 = TensorFactory::zeros(ScalarType::Float, {1, 4});
  std::vector<EValue> args2 = {T(weight), T(sg), T(zg), I(-8), I(7), T(lidx), None(), T(out2), T(out2)};
  ASSERT_TRUE(run_q(k4Dtype, args2).ok());
  EXPECT_EQ(out2.to_vector<float>(), (std::vector<float>{-1.f, 2.f, 1.f, -3.5f}));
  // 3 groups do not divide the unpacked dim 4.
  auto s3 = TensorFactory::make<float>({2, 3});
  std::vector<EValue> bad = {T(weight), T(s3), None(), I(-8), I(7), T(indices), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(k4, bad), k4, "do not divide");
  auto high = TensorFactory::make<int32_t>({2}, {0, 2});
  std::vector<EValue> oob = {T(weight), T(s), None(), I(-8), I(7), T(high), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(k4, oob), k4, "value 2 at flat position 1");
  auto char_weight = TensorFactory::make<int8_t>({2, 2});
  std::vector<EValue> wdt = {T(char_weight), T(s), None(), I(-8), I(7), T(indices), T(out), T(out)};
  EXPECT_KERNEL_FAILS(run_q(k4, wdt), k4, "weight");
}

TEST(Embedding2Bit, HandPackedPairs) {
  // 0xE4 = 0b11'10'01'00: j0 = 0-2, j1 = 1-2, j2 = 2-2, j3 = 3-2 (LSB first).
  // 0x1B = 0b00'01'10'11: j4 = 1, j5 = 0, j6 = -1, j7 = -2.
  auto weight = TensorFactory::make<uint8_t>({1, 2}, {0xE4, 0x1B});
  auto s = TensorFactory::make<float>({1}, {2.f});
  auto indices = TensorFactory::make<int64_t>({1, 1}, {0});
  auto out = TensorFactory::zeros(ScalarType::Float, {1, 1, 8});
  std::vector<EValue> args = {T(weight), T(s), None(), I(-2), I(1), T(indices), T(out), T(out)};
  ASSERT_TRUE(run_q(k2, args).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{-4.f, -2.f, 0.f, 2.f, 2.f, 0.f, -2.f, -4.f}));
  // Group-wise: 4 groups of 2 with zero points, random table vs reference.
  std::mt19937 gen(8);
  std::uniform_int_distribution<int> byte(0, 255);
  const SizesType rows = 5, packed = 3;  // dim 12
  std::vector<uint8_t> bytes(rows * packed);
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(byte(gen));
  std::vector<int32_t> w;
  for (uint8_t b : bytes) {
    for (int k = 0; k < 4; ++k) w.push_back(((b >> (2 * k)) & 3) - 2);
  }
  auto table = TensorFactory::make<uint8_t>({rows, packed}, bytes);
  const std::vector<float> scales = random_floats(rows * 4, 0.1f, 1.f, gen);
  const std::vector<float> zps = random_floats(rows * 4, -1.f, 1.f, gen);
  auto sg = TensorFactory::make<float>({rows, 4}, scales);
  auto zg = TensorFactory::make<float>({rows, 4}, zps);
  const std::vector<int64_t> idx = {4, 2, 0};
  auto li = TensorFactory::make<int64_t>({3}, idx);
  auto out2 = TensorFactory::zeros(ScalarType::Float, {3, 12});
  std::vector<EValue> args2 = {T(table), T(sg), T(zg), I(-2), I(1), T(li), DT(ScalarType::Float), T(out2), T(out2)};
  ASSERT_TRUE(run_q(k2Dtype, args2).ok());
  EXPECT_EQ(out2.to_vector<float>(), reference(w, 12, scales, zps, 4, idx));
  auto s5 = TensorFactory::make<float>({5, 5});
  std::vector<EValue> bad = {T(table), T(s5), None(), I(-2), I(1), T(li), None(), T(out2), T(out2)};
  EXPECT_KERNEL_FAILS(run_q(k2Dtype, bad), k2Dtype, "do not divide");
}

}  // namespace
}  // namespace ember::test
