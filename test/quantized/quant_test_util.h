// Test helpers for the quantized kernels: a private registry holding them,
// a runner returning the context's failure (KernelResult from the portable
// kernel tests), shorthands for scalar / dtype / None EValues, and the scalar
// references the kernels must match bit for bit.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/quantized/register_quantized_kernels.h"
#include "runtime/core/evalue.h"
#include "test/kernels/kernel_test_util.h"
#include "test/support/tensor_factory.h"

namespace ember::test {

inline const KernelRegistry& quantized_registry() {
  static const KernelRegistry* registry = [] {
    auto* r = new KernelRegistry();
    EXPECT_EQ(register_quantized_kernels(*r), Error::Ok);
    return r;
  }();
  return *registry;
}

// Calls the quantized kernel `name` with `args`; an EValue vector is copied
// into pointers so tests can write the argument list inline.
inline KernelResult run_q(const char* name, std::vector<EValue>& values) {
  std::vector<EValue*> args;
  for (EValue& v : values) args.push_back(&v);
  return run_kernel(quantized_registry(), name, std::move(args));
}

inline EValue I(int64_t v) { return EValue(v); }
inline EValue D(double v) { return EValue(v); }
inline EValue T(const OwnedTensor& t) { return EValue(t.tensor()); }
inline EValue DT(ScalarType t) { return EValue(static_cast<int64_t>(t)); }
inline EValue None() { return EValue(); }

// Reference quantization written from the ExecuTorch formula: multiply by the
// float reciprocal, round half to even in float, add the zero point (as a
// float), clamp.
inline int64_t ref_quantize(double x, double scale, int64_t zero_point, int64_t qmin, int64_t qmax) {
  const float inv = 1.0f / static_cast<float>(scale);
  const float r = std::nearbyint(static_cast<float>(inv * x));
  int64_t q = static_cast<int64_t>(static_cast<float>(static_cast<int32_t>(zero_point)) + r);
  if (q < qmin) q = qmin;
  if (q > qmax) q = qmax;
  return q;
}

// Reference dequantization: (q - zp) in integers, times the float scale.
inline float ref_dequantize(int64_t q, double scale, int64_t zero_point) {
  return static_cast<float>(q - static_cast<int32_t>(zero_point)) * static_cast<float>(scale);
}

}  // namespace ember::test
