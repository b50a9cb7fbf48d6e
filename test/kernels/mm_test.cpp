// aten::mm.out / bmm.out / addmm.out against a double-precision reference
// over random shapes (tile remainders, 1 and 0), with temp memory, without
// (stack-packing fallback) and with a 2-thread pool; plus the error cases.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kernels/portable/util/gemm.h"
#include "test/kernels/gemm_conv_test_util.h"
#include "test/support/tensor_factory.h"

namespace ember::test {
namespace {

const ExecEnv kEnvs[] = {
    {true, 0, "temp"}, {false, 0, "no temp"}, {true, 2, "2 threads"}, {false, 2, "2 threads, no temp"}};

// ref[b][i][j] = beta·bias(i, j) + alpha·Σ a[b][i][k]·w[b][k][j]
std::vector<RefValue> matmul_ref(const std::vector<float>& a, const std::vector<float>& w, size_t batches, size_t m,
                                 size_t n, size_t k, double alpha = 1, const std::vector<double>* bias = nullptr,
                                 double beta = 0) {
  std::vector<RefValue> out(batches * m * n);
  for (size_t b = 0; b < batches; ++b) {
    for (size_t i = 0; i < m; ++i) {
      for (size_t j = 0; j < n; ++j) {
        RefValue r;
        for (size_t p = 0; p < k; ++p) {
          const double t = static_cast<double>(a[(b * m + i) * k + p]) * w[(b * k + p) * n + j];
          r.value += t;
          r.magnitude += std::fabs(t);
        }
        r.value *= alpha;
        r.magnitude *= std::fabs(alpha);
        if (bias != nullptr && beta != 0) {
          r.value += beta * (*bias)[i * n + j];
          r.magnitude += std::fabs(beta * (*bias)[i * n + j]);
        }
        out[(b * m + i) * n + j] = r;
      }
    }
  }
  return out;
}

TEST(MmTest, RandomShapesMatchReference) {
  std::mt19937 rng(42);
  const int32_t dims[] = {0, 1, 2, 5, 8, 9, 17, 31, 33, 64, 70};
  std::uniform_int_distribution<size_t> pick(0, std::size(dims) - 1);
  std::vector<std::array<int32_t, 3>> shapes = {{0, 5, 7}, {5, 0, 7},      {5, 7, 0},
                                                {1, 1, 1}, {70, 600, 300}, {300, 40, 520}};
  for (int i = 0; i < 30; ++i) shapes.push_back({dims[pick(rng)], dims[pick(rng)], dims[pick(rng)]});
  for (const auto& s : shapes) {
    const int32_t m = s[0], n = s[1], k = s[2];
    auto av = random_floats(static_cast<size_t>(m) * k, rng);
    auto wv = random_floats(static_cast<size_t>(k) * n, rng);
    const auto want = matmul_ref(av, wv, 1, m, n, k);
    for (const char* kernel : available_gemm_kernels()) {
      ScopedGemmKernel use(kernel);
      for (const ExecEnv& env : kEnvs) {
        auto a = TensorFactory::make<float>({m, k}, av);
        auto w = TensorFactory::make<float>({k, n}, wv);
        auto out = TensorFactory::dynamic_bound(ScalarType::Float, {m + 1, n + 1});
        EValue ea(a.tensor()), ew(w.tensor()), eo(out.tensor());
        KernelResult r = run_kernel_env("aten::mm.out", {&ea, &ew, &eo, &eo}, env);
        ASSERT_TRUE(r.ok()) << r.message;
        ASSERT_EQ(out.sizes(), (std::vector<SizesType>{m, n}));
        expect_close(out.to_vector<float>(), want,
                     "mm " + std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n) + " " + env.name +
                         " " + kernel);
      }
    }
  }
}

TEST(MmTest, ZeroDepthGivesZeros) {
  auto a = TensorFactory::make<float>({2, 0});
  auto w = TensorFactory::make<float>({0, 3});
  auto out = TensorFactory::make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  EValue ea(a.tensor()), ew(w.tensor()), eo(out.tensor());
  ASSERT_TRUE(run_kernel("aten::mm.out", {&ea, &ew, &eo, &eo}).ok());
  EXPECT_EQ(out.to_vector<float>(), std::vector<float>(6, 0.0f));
}

TEST(MmTest, HandComputed) {
  auto a = TensorFactory::make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  auto w = TensorFactory::make<float>({3, 2}, {7, 8, 9, 10, 11, 12});
  auto out = TensorFactory::make<float>({2, 2});
  EValue ea(a.tensor()), ew(w.tensor()), eo(out.tensor());
  ASSERT_TRUE(run_kernel("aten::mm.out", {&ea, &ew, &eo, &eo}).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{58, 64, 139, 154}));
}

TEST(BmmTest, RandomShapesMatchReference) {
  std::mt19937 rng(7);
  const std::array<int32_t, 4> shapes[] = {{0, 3, 4, 5}, {1, 1, 1, 1}, {3, 9, 33, 17}, {2, 70, 40, 300}, {4, 5, 0, 6}};
  for (const auto& s : shapes) {
    const int32_t b = s[0], m = s[1], n = s[2], k = s[3];
    auto av = random_floats(static_cast<size_t>(b) * m * k, rng);
    auto wv = random_floats(static_cast<size_t>(b) * k * n, rng);
    const auto want = matmul_ref(av, wv, b, m, n, k);
    for (const ExecEnv& env : kEnvs) {
      auto a = TensorFactory::make<float>({b, m, k}, av);
      auto w = TensorFactory::make<float>({b, k, n}, wv);
      auto out = TensorFactory::make<float>({b, m, n});
      EValue ea(a.tensor()), ew(w.tensor()), eo(out.tensor());
      KernelResult r = run_kernel_env("aten::bmm.out", {&ea, &ew, &eo, &eo}, env);
      ASSERT_TRUE(r.ok()) << r.message;
      expect_close(out.to_vector<float>(), want, std::string("bmm ") + env.name);
    }
  }
}

TEST(AddmmTest, BiasBroadcastsAndScalars) {
  std::mt19937 rng(3);
  const int32_t m = 13, n = 37, k = 29;
  auto av = random_floats(static_cast<size_t>(m) * k, rng);
  auto wv = random_floats(static_cast<size_t>(k) * n, rng);
  const std::vector<std::vector<SizesType>> bias_shapes = {{n}, {1, n}, {m, 1}, {m, n}, {}, {1}, {1, 1}};
  for (const auto& bshape : bias_shapes) {
    size_t bnumel = 1;
    for (SizesType d : bshape) bnumel *= static_cast<size_t>(d);
    auto bv = random_floats(bnumel, rng);
    // The bias broadcast to [m, n] for the reference.
    std::vector<double> full(static_cast<size_t>(m) * n);
    for (int32_t i = 0; i < m; ++i) {
      for (int32_t j = 0; j < n; ++j) {
        size_t idx = 0;
        if (bshape.size() == 2) idx = (bshape[0] == 1 ? 0 : i) * bshape[1] + (bshape[1] == 1 ? 0 : j);
        if (bshape.size() == 1) idx = bshape[0] == 1 ? 0 : j;
        full[static_cast<size_t>(i) * n + j] = bv[idx];
      }
    }
    for (const auto& [beta, alpha] : std::vector<std::pair<double, double>>{{1, 1}, {0.5, -2}, {3, 0.25}}) {
      const auto want = matmul_ref(av, wv, 1, m, n, k, alpha, &full, beta);
      for (const ExecEnv& env : kEnvs) {
        auto bias = TensorFactory::make<float>(bshape, bv);
        auto a = TensorFactory::make<float>({m, k}, av);
        auto w = TensorFactory::make<float>({k, n}, wv);
        auto out = TensorFactory::make<float>({m, n});
        EValue eb(bias.tensor()), ea(a.tensor()), ew(w.tensor()), eo(out.tensor()), ebeta(beta), ealpha(alpha);
        KernelResult r = run_kernel_env("aten::addmm.out", {&eb, &ea, &ew, &ebeta, &ealpha, &eo, &eo}, env);
        ASSERT_TRUE(r.ok()) << r.message;
        expect_close(out.to_vector<float>(), want, std::string("addmm ") + env.name);
      }
    }
  }
}

TEST(AddmmTest, IntScalarsAndZeroBetaIgnoresNaN) {
  auto bias = TensorFactory::make<float>({2}, {std::numeric_limits<float>::quiet_NaN(), 1.0f});
  auto a = TensorFactory::make<float>({1, 2}, {1, 2});
  auto w = TensorFactory::make<float>({2, 2}, {1, 2, 3, 4});
  auto out = TensorFactory::make<float>({1, 2});
  EValue eb(bias.tensor()), ea(a.tensor()), ew(w.tensor()), eo(out.tensor());
  EValue beta0(int64_t{0}), alpha2(int64_t{2});
  ASSERT_TRUE(run_kernel("aten::addmm.out", {&eb, &ea, &ew, &beta0, &alpha2, &eo, &eo}).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{14, 20}));
  EValue beta1(true);
  ASSERT_TRUE(run_kernel("aten::addmm.out", {&eb, &ea, &ew, &beta1, &alpha2, &eo, &eo}).ok());
  EXPECT_TRUE(std::isnan(out.to_vector<float>()[0]));
  EXPECT_EQ(out.to_vector<float>()[1], 21.0f);
}

TEST(MmTest, ErrorsFailThroughContext) {
  auto a = TensorFactory::make<float>({2, 3});
  auto w = TensorFactory::make<float>({4, 2});
  auto out = TensorFactory::make<float>({2, 2});
  EValue ea(a.tensor()), ew(w.tensor()), eo(out.tensor());
  EXPECT_KERNEL_FAILS(run_kernel("aten::mm.out", {&ea, &ew, &eo, &eo}), "aten::mm.out", "mat2");

  auto ai = TensorFactory::make<int32_t>({2, 3});
  auto w3 = TensorFactory::make<float>({3, 2});
  EValue eai(ai.tensor()), ew3(w3.tensor());
  EXPECT_KERNEL_FAILS(run_kernel("aten::mm.out", {&eai, &ew3, &eo, &eo}), "aten::mm.out", "self: dtype");

  auto a1 = TensorFactory::make<float>({6});
  EValue ea1(a1.tensor());
  EXPECT_KERNEL_FAILS(run_kernel("aten::mm.out", {&ea1, &ew3, &eo, &eo}), "aten::mm.out", "2-D");

  auto wrong_out = TensorFactory::make<float>({3, 3});
  EValue ewo(wrong_out.tensor());
  EXPECT_KERNEL_FAILS(run_kernel("aten::mm.out", {&ea, &ew3, &ewo, &ewo}), "aten::mm.out", "out");
  EXPECT_KERNEL_FAILS(run_kernel("aten::mm.out", {&ea, &ew3, &eo}), "aten::mm.out", "arguments");

  auto b1 = TensorFactory::make<float>({2, 2, 3});
  auto b2 = TensorFactory::make<float>({3, 3, 2});
  auto bo = TensorFactory::make<float>({2, 2, 2});
  EValue eb1(b1.tensor()), eb2(b2.tensor()), ebo(bo.tensor());
  EXPECT_KERNEL_FAILS(run_kernel("aten::bmm.out", {&eb1, &eb2, &ebo, &ebo}), "aten::bmm.out", "mat2");

  auto bias = TensorFactory::make<float>({3});
  EValue ebias(bias.tensor()), one(1.0), none;
  EXPECT_KERNEL_FAILS(run_kernel("aten::addmm.out", {&ebias, &ea, &ew3, &one, &one, &eo, &eo}), "aten::addmm.out",
                      "self: shape [3] does not broadcast");
  EXPECT_KERNEL_FAILS(run_kernel("aten::addmm.out", {&ebias, &ea, &ew3, &none, &one, &eo, &eo}), "aten::addmm.out",
                      "beta");
}

TEST(GemmTest, WorkspaceBytes) {
  EXPECT_EQ(kernels::gemm_workspace_bytes(0, 5, 5, 1), 0u);
  EXPECT_EQ(kernels::gemm_workspace_bytes(5, 5, 0, 1), 0u);
  // 64x1024x1024: an MC x KC A block and a KC x NC B block per thread.
  const size_t one = kernels::gemm_workspace_bytes(64, 1024, 1024, 1);
  EXPECT_GE(one, (64u * 256u + 256u * 512u) * sizeof(float));
  EXPECT_EQ(kernels::gemm_workspace_bytes(64, 1024, 1024, 2), 2 * one);
  EXPECT_EQ(kernels::gemm_num_threads(64, 1024, 1024, nullptr), 1u);
  EXPECT_EQ(kernels::gemm_num_threads(2, 2, 2, pool_of(2)), 1u);
  EXPECT_EQ(kernels::gemm_num_threads(64, 1024, 1024, pool_of(2)), 2u);
}

TEST(GemmTest, KernelSelection) {
  const std::vector<const char*> names = available_gemm_kernels();
  ASSERT_FALSE(names.empty());
  EXPECT_STREQ(names.back(), "generic");
  EXPECT_FALSE(kernels::gemm_select_kernel("no such kernel"));
  const std::string dispatched = kernels::gemm_kernel_name();
  {
    ScopedGemmKernel use("generic");
    EXPECT_STREQ(kernels::gemm_kernel_name(), "generic");
  }
  EXPECT_EQ(kernels::gemm_kernel_name(), dispatched);
}

TEST(GemmTest, ContiguousOnlyRegistration) {
  for (const char* name : {"aten::mm.out", "aten::bmm.out", "aten::addmm.out", "aten::convolution.out"}) {
    const TensorMeta channels_last[] = {{ScalarType::Float, false}};
    EXPECT_FALSE(test_registry().find(name, channels_last).ok()) << name;
    const TensorMeta contiguous[] = {{ScalarType::Float, true}};
    EXPECT_TRUE(test_registry().find(name, contiguous).ok()) << name;
  }
}

}  // namespace
}  // namespace ember::test
