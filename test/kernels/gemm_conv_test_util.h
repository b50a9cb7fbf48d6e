// Helpers for the mm/bmm/addmm/convolution tests: run a kernel with a chosen
// execution environment (temp memory or none, thread pool or none), random
// data, and a tolerance check against double-precision references.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kernels/portable/util/gemm.h"
#include "runtime/core/memory_allocator.h"
#include "runtime/kernel/thread_pool.h"
#include "test/kernels/kernel_test_util.h"

namespace ember::test {

// How a kernel runs: with/without temp memory (the GEMM falls back to stack
// packing without it) and with/without a 2-thread pool.
struct ExecEnv {
  bool temp = true;
  size_t threads = 0;  // 0: no pool
  const char* name = "";
};

inline const ThreadPool* pool_of(size_t threads) {
  if (threads == 0) return nullptr;
  static ThreadPool* pool2 = [] {
    Result<ThreadPool*> p = ThreadPool::create(2);
    EXPECT_TRUE(p.ok());
    return p.ok() ? *p : nullptr;
  }();
  return pool2;
}

inline KernelResult run_kernel_env(const char* name, std::vector<EValue*> args, const ExecEnv& env) {
  static std::vector<uint8_t> temp_bytes(size_t{16} << 20);
  MemoryAllocator temp(temp_bytes.size(), temp_bytes.data());
  KernelRuntimeContext ctx(env.temp ? &temp : nullptr, pool_of(env.threads));
  return run_kernel(test_registry(), name, std::move(args), ctx);
}

// Every GEMM micro-kernel this CPU can run (the generic one always).
inline std::vector<const char*> available_gemm_kernels() {
  std::vector<const char*> names;
  for (const char* name : {"avx512f", "avx2+fma", "generic"}) {
    if (kernels::gemm_select_kernel(name)) names.push_back(name);
  }
  kernels::gemm_select_kernel(nullptr);
  return names;
}

// Forces one micro-kernel for the scope, then restores the CPU dispatch.
class ScopedGemmKernel {
 public:
  explicit ScopedGemmKernel(const char* name) { EXPECT_TRUE(kernels::gemm_select_kernel(name)) << name; }
  ~ScopedGemmKernel() { kernels::gemm_select_kernel(nullptr); }
  ScopedGemmKernel(const ScopedGemmKernel&) = delete;
  ScopedGemmKernel& operator=(const ScopedGemmKernel&) = delete;
};

inline std::vector<float> random_floats(size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// A reference value with the sum of |terms| that produced it, so the float
// kernel is held to a relative error of the accumulated magnitude.
struct RefValue {
  double value = 0;
  double magnitude = 0;
};

inline void expect_close(const std::vector<float>& got, const std::vector<RefValue>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  size_t bad = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double tol = 1e-4 * want[i].magnitude + 1e-6;
    if (!(std::fabs(got[i] - want[i].value) <= tol) && bad++ < 5) {
      ADD_FAILURE() << what << ": element " << i << " is " << got[i] << ", expected " << want[i].value;
    }
  }
  EXPECT_EQ(bad, 0u) << what;
}

}  // namespace ember::test
