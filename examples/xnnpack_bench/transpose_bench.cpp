// Host StaticTranspose throughput (the kernel behind the XNNPACK delegate's
// transpose node) for NCHW <-> NHWC at 1x64x56x56, fp32 and int8, one thread.
// GB/s counts bytes read plus bytes written; median of many runs, after a
// check against a scalar reference.
//
//   xnnpack_transpose_bench [runs=2000]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "backends/xnnpack/runtime/nodes/transpose_kernel.h"

namespace {

bool check(const std::vector<uint8_t>& in, const std::vector<uint8_t>& out, const size_t* dims, const uint32_t* perm,
           size_t es) {
  size_t is[4], od[4];
  is[3] = 1;
  for (int d = 2; d >= 0; --d) is[d] = is[d + 1] * dims[d + 1];
  for (int d = 0; d < 4; ++d) od[d] = dims[perm[d]];
  size_t flat = 0;
  for (size_t a = 0; a < od[0]; ++a)
    for (size_t b = 0; b < od[1]; ++b)
      for (size_t c = 0; c < od[2]; ++c)
        for (size_t e = 0; e < od[3]; ++e, ++flat) {
          size_t src = a * is[perm[0]] + b * is[perm[1]] + c * is[perm[2]] + e * is[perm[3]];
          if (std::memcmp(&out[flat * es], &in[src * es], es) != 0) return false;
        }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 2000;
  struct Case {
    const char* name;
    size_t dims[4];
    uint32_t perm[4];
  };
  const Case cases[] = {{"NCHW->NHWC", {1, 64, 56, 56}, {0, 2, 3, 1}}, {"NHWC->NCHW", {1, 56, 56, 64}, {0, 3, 1, 2}}};
  std::printf("%-11s %-5s %10s %10s %8s\n", "case", "type", "bytes", "median_us", "GB/s");
  for (size_t es : {size_t{4}, size_t{1}}) {
    for (const Case& c : cases) {
      size_t n = c.dims[0] * c.dims[1] * c.dims[2] * c.dims[3];
      std::vector<uint8_t> in(n * es), out(n * es);
      for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint8_t>(i * 131 + (i >> 7));
      ember::xnnpack::TransposePlan plan = ember::xnnpack::plan_transpose(c.dims, c.perm, 4, es);
      ember::xnnpack::run_transpose(plan, in.data(), out.data(), nullptr);
      if (!check(in, out, c.dims, c.perm, es)) {
        std::fprintf(stderr, "%s: wrong result\n", c.name);
        return 1;
      }
      std::vector<double> times;
      for (int r = 0; r < runs; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        ember::xnnpack::run_transpose(plan, in.data(), out.data(), nullptr);
        auto t1 = std::chrono::steady_clock::now();
        times.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
      }
      std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
      double us = times[times.size() / 2];
      std::printf("%-11s %-5s %10zu %10.2f %8.2f\n", c.name, es == 4 ? "fp32" : "int8", n * es, us,
                  2.0 * n * es / (us * 1e3));
    }
  }
  return 0;
}
