// aten::mm.out / bmm.out / convolution.out in int32 (the lowering of ONNX's
// MatMulInteger / ConvInteger): exact against an int64 reference over random
// shapes and values as large as widened 8-bit operands minus zero points;
// int32 wrap on overflow; dtype mismatches fail naming the argument.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "test/kernels/gemm_conv_test_util.h"
#include "test/support/evalue_list.h"
#include "test/support/tensor_factory.h"

namespace ember::test {
namespace {

std::vector<int32_t> random_ints(size_t count, std::mt19937& rng, int32_t lo = -255, int32_t hi = 255) {
  std::uniform_int_distribution<int32_t> d(lo, hi);
  std::vector<int32_t> v(count);
  for (int32_t& x : v) x = d(rng);
  return v;
}

TEST(IntGemmTest, MmAndBmmAreExact) {
  std::mt19937 rng(7);
  const int32_t shapes[][4] = {{1, 1, 1, 1}, {1, 4, 3, 2}, {1, 17, 33, 9}, {3, 5, 7, 64}, {2, 0, 3, 4}, {1, 3, 4, 0}};
  for (const auto& s : shapes) {
    const int32_t batches = s[0], m = s[1], n = s[2], k = s[3];
    const auto av = random_ints(static_cast<size_t>(batches * m * k), rng);
    const auto bv = random_ints(static_cast<size_t>(batches * k * n), rng);
    std::vector<int32_t> want(static_cast<size_t>(batches * m * n));
    for (int32_t b = 0; b < batches; ++b) {
      for (int32_t i = 0; i < m; ++i) {
        for (int32_t j = 0; j < n; ++j) {
          int64_t acc = 0;
          for (int32_t p = 0; p < k; ++p) acc += int64_t{av[(b * m + i) * k + p]} * bv[(b * k + p) * n + j];
          want[static_cast<size_t>((b * m + i) * n + j)] = static_cast<int32_t>(acc);
        }
      }
    }
    const bool batched = batches > 1;
    auto a = batched ? TensorFactory::make<int32_t>({batches, m, k}, av) : TensorFactory::make<int32_t>({m, k}, av);
    auto w = batched ? TensorFactory::make<int32_t>({batches, k, n}, bv) : TensorFactory::make<int32_t>({k, n}, bv);
    auto out = batched ? TensorFactory::make<int32_t>({batches, m, n}) : TensorFactory::make<int32_t>({m, n});
    EValue ea(a.tensor()), ew(w.tensor()), eo(out.tensor());
    const KernelResult r = run_kernel(batched ? "aten::bmm.out" : "aten::mm.out", {&ea, &ew, &eo, &eo});
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(out.to_vector<int32_t>(), want) << batches << "x" << m << "x" << n << "x" << k;
  }
}

TEST(IntGemmTest, MmWrapsLikeInt32) {
  // 2 * (2^30 * 2) = 2^32: wraps to 0, as int32 accumulation does.
  auto a = TensorFactory::make<int32_t>({1, 2}, {1 << 30, 1 << 30});
  auto w = TensorFactory::make<int32_t>({2, 1}, {2, 2});
  auto out = TensorFactory::make<int32_t>({1, 1});
  EValue ea(a.tensor()), ew(w.tensor()), eo(out.tensor());
  ASSERT_TRUE(run_kernel("aten::mm.out", {&ea, &ew, &eo, &eo}).ok());
  EXPECT_EQ(out.to_vector<int32_t>()[0], 0);
}

TEST(IntGemmTest, MixedDtypesFail) {
  auto a = TensorFactory::make<int32_t>({2, 3});
  auto w = TensorFactory::make<float>({3, 2});
  auto out = TensorFactory::make<int32_t>({2, 2});
  EValue ea(a.tensor()), ew(w.tensor()), eo(out.tensor());
  EXPECT_KERNEL_FAILS(run_kernel("aten::mm.out", {&ea, &ew, &eo, &eo}), "aten::mm.out", "mat2: dtype");
  auto bias = TensorFactory::make<float>({2});
  auto outf = TensorFactory::make<float>({2, 2});
  auto wi = TensorFactory::make<int32_t>({3, 2});
  EValue eb(bias.tensor()), ewi(wi.tensor()), eof(outf.tensor()), one(int64_t{1});
  EXPECT_KERNEL_FAILS(run_kernel("aten::addmm.out", {&eb, &ea, &ewi, &one, &one, &eof, &eof}), "aten::addmm.out",
                      "mat1: dtype");
}

struct IntConvCase {
  int32_t n, cin, h, w, cout, kh, kw;
  int64_t sh, sw, ph, pw, dh, dw, groups;
  bool bias;
};

TEST(IntConvTest, MatchesDirectInt64Reference) {
  std::mt19937 rng(11);
  const IntConvCase cases[] = {
      {1, 1, 3, 3, 1, 2, 2, 1, 1, 0, 0, 1, 1, 1, false}, {1, 1, 3, 3, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, true},
      {2, 4, 7, 6, 6, 3, 3, 2, 1, 1, 2, 1, 2, 2, true},  {1, 3, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3, false},
      {1, 8, 9, 9, 16, 1, 1, 1, 1, 0, 0, 1, 1, 1, true}, {1, 2, 8, 8, 4, 3, 2, 3, 2, 0, 1, 2, 1, 1, true}};
  for (const IntConvCase& c : cases) {
    const int64_t oh = (c.h + 2 * c.ph - c.dh * (c.kh - 1) - 1) / c.sh + 1;
    const int64_t ow = (c.w + 2 * c.pw - c.dw * (c.kw - 1) - 1) / c.sw + 1;
    const int32_t cin_g = static_cast<int32_t>(c.cin / c.groups), cout_g = static_cast<int32_t>(c.cout / c.groups);
    const auto xv = random_ints(static_cast<size_t>(c.n * c.cin * c.h * c.w), rng);
    const auto wv = random_ints(static_cast<size_t>(c.cout * cin_g * c.kh * c.kw), rng);
    const auto bv = random_ints(static_cast<size_t>(c.cout), rng, -100000, 100000);
    std::vector<int32_t> want(static_cast<size_t>(c.n * c.cout * oh * ow));
    for (int64_t b = 0; b < c.n; ++b) {
      for (int64_t co = 0; co < c.cout; ++co) {
        const int64_t g = co / cout_g;
        for (int64_t y = 0; y < oh; ++y) {
          for (int64_t x = 0; x < ow; ++x) {
            int64_t acc = c.bias ? bv[static_cast<size_t>(co)] : 0;
            for (int64_t ci = 0; ci < cin_g; ++ci) {
              for (int64_t i = 0; i < c.kh; ++i) {
                for (int64_t j = 0; j < c.kw; ++j) {
                  const int64_t ih = y * c.sh - c.ph + i * c.dh, iw = x * c.sw - c.pw + j * c.dw;
                  if (ih < 0 || ih >= c.h || iw < 0 || iw >= c.w) continue;
                  acc += int64_t{xv[static_cast<size_t>(((b * c.cin + g * cin_g + ci) * c.h + ih) * c.w + iw)]} *
                         wv[static_cast<size_t>(((co * cin_g + ci) * c.kh + i) * c.kw + j)];
                }
              }
            }
            want[static_cast<size_t>(((b * c.cout + co) * oh + y) * ow + x)] = static_cast<int32_t>(acc);
          }
        }
      }
    }
    auto x = TensorFactory::make<int32_t>({c.n, c.cin, c.h, c.w}, xv);
    auto w = TensorFactory::make<int32_t>({c.cout, cin_g, c.kh, c.kw}, wv);
    auto bias = TensorFactory::make<int32_t>({c.cout}, bv);
    auto out = TensorFactory::make<int32_t>({c.n, c.cout, static_cast<int32_t>(oh), static_cast<int32_t>(ow)});
    OwnedIntList s({c.sh, c.sw}), p({c.ph, c.pw}), d({c.dh, c.dw}), opad({0, 0});
    EValue ex(x.tensor()), ew(w.tensor()), eb(bias.tensor()), none, eo(out.tensor());
    EValue es = s.evalue(), ep = p.evalue(), ed = d.evalue(), eop = opad.evalue(), et(false), eg(c.groups);
    const KernelResult r = run_kernel("aten::convolution.out",
                                      {&ex, &ew, c.bias ? &eb : &none, &es, &ep, &ed, &et, &eop, &eg, &eo, &eo});
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(out.to_vector<int32_t>(), want) << "case cin=" << c.cin << " cout=" << c.cout << " groups=" << c.groups;
  }
}

TEST(IntConvTest, TransposedAndMixedDtypesFail) {
  constexpr const char* op = "aten::convolution.out";
  auto x = TensorFactory::make<int32_t>({1, 1, 3, 3});
  auto w = TensorFactory::make<int32_t>({1, 1, 1, 1});
  auto wf = TensorFactory::make<float>({1, 1, 1, 1});
  auto out = TensorFactory::make<int32_t>({1, 1, 3, 3});
  OwnedIntList s({1, 1}), p({0, 0}), d({1, 1}), opad({0, 0});
  EValue ex(x.tensor()), ew(w.tensor()), ewf(wf.tensor()), none, eo(out.tensor());
  EValue es = s.evalue(), ep = p.evalue(), ed = d.evalue(), eop = opad.evalue(), et(true), ef(false), eg(int64_t{1});
  EXPECT_KERNEL_FAILS(run_kernel(op, {&ex, &ew, &none, &es, &ep, &ed, &et, &eop, &eg, &eo, &eo}), op, "transposed");
  EXPECT_KERNEL_FAILS(run_kernel(op, {&ex, &ewf, &none, &es, &ep, &ed, &ef, &eop, &eg, &eo, &eo}), op, "weight: dtype");
}

}  // namespace
}  // namespace ember::test
