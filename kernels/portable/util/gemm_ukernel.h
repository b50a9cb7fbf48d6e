// Register-tiled SGEMM micro-kernels (internal to gemm.cpp).
//
// A micro-kernel computes one mr x nr tile of C (m <= mr rows and n <= nr
// columns of it are stored) from packed panels: `a` holds kc groups of mr
// values (one per row), `b` kc groups of nr values (one per column). Tiles
// are written as C = alpha·acc or, with `accumulate`, C += alpha·acc.
#pragma once

#include <cstddef>

namespace ember::kernels::gemm_detail {

using UKernelFn = void (*)(size_t kc, const float* a, const float* b, float* c, ptrdiff_t ldc, size_t m, size_t n,
                           float alpha, bool accumulate);

struct UKernel {
  UKernelFn fn;
  size_t mr;
  size_t nr;
  const char* name;
};

// Largest tile any kernel uses (for sizing buffers the same on every CPU).
constexpr size_t kMaxMr = 8;
constexpr size_t kMaxNr = 32;

// The x86 kernels exist only in x86 builds; they must only be called when the
// CPU has the named features.
#if defined(__x86_64__) || defined(__i386__)
extern const UKernel kUKernelAvx512;  // 8 x 32, AVX-512F
extern const UKernel kUKernelAvx2;    // 6 x 16, AVX2 + FMA3
#endif
extern const UKernel kUKernelGeneric;  // 4 x 8, compiler vector extensions

// Writes an m x n corner of a full tile held in `tile` (row stride nr).
inline void store_partial_tile(const float* tile, size_t nr, float* c, ptrdiff_t ldc, size_t m, size_t n, float alpha,
                               bool accumulate) {
  for (size_t i = 0; i < m; ++i) {
    float* row = c + static_cast<ptrdiff_t>(i) * ldc;
    const float* t = tile + i * nr;
    if (accumulate) {
      for (size_t j = 0; j < n; ++j) row[j] += alpha * t[j];
    } else {
      for (size_t j = 0; j < n; ++j) row[j] = alpha * t[j];
    }
  }
}

}  // namespace ember::kernels::gemm_detail
