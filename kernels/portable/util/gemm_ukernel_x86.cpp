// x86 micro-kernels, each compiled for its instruction set with a target
// attribute (the rest of the library stays plain x86-64); gemm.cpp calls them
// only after cpuinfo reported the features.
#include "kernels/portable/util/gemm_ukernel.h"

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>

namespace ember::kernels::gemm_detail {
namespace {

// 8 rows x 32 columns: 16 zmm accumulators, two B vectors and one broadcast
// per k, enough independent FMAs to cover their latency on two FMA pipes.
__attribute__((target("avx512f"))) void ukernel_avx512_8x32(size_t kc, const float* a, const float* b, float* c,
                                                            ptrdiff_t ldc, size_t m, size_t n, float alpha,
                                                            bool accumulate) {
  __m512 lo0 = _mm512_setzero_ps(), hi0 = _mm512_setzero_ps(), lo1 = _mm512_setzero_ps(), hi1 = _mm512_setzero_ps();
  __m512 lo2 = _mm512_setzero_ps(), hi2 = _mm512_setzero_ps(), lo3 = _mm512_setzero_ps(), hi3 = _mm512_setzero_ps();
  __m512 lo4 = _mm512_setzero_ps(), hi4 = _mm512_setzero_ps(), lo5 = _mm512_setzero_ps(), hi5 = _mm512_setzero_ps();
  __m512 lo6 = _mm512_setzero_ps(), hi6 = _mm512_setzero_ps(), lo7 = _mm512_setzero_ps(), hi7 = _mm512_setzero_ps();
  for (size_t k = 0; k < kc; ++k) {
    const __m512 b0 = _mm512_loadu_ps(b);
    const __m512 b1 = _mm512_loadu_ps(b + 16);
    __m512 x;
    x = _mm512_set1_ps(a[0]); lo0 = _mm512_fmadd_ps(x, b0, lo0); hi0 = _mm512_fmadd_ps(x, b1, hi0);
    x = _mm512_set1_ps(a[1]); lo1 = _mm512_fmadd_ps(x, b0, lo1); hi1 = _mm512_fmadd_ps(x, b1, hi1);
    x = _mm512_set1_ps(a[2]); lo2 = _mm512_fmadd_ps(x, b0, lo2); hi2 = _mm512_fmadd_ps(x, b1, hi2);
    x = _mm512_set1_ps(a[3]); lo3 = _mm512_fmadd_ps(x, b0, lo3); hi3 = _mm512_fmadd_ps(x, b1, hi3);
    x = _mm512_set1_ps(a[4]); lo4 = _mm512_fmadd_ps(x, b0, lo4); hi4 = _mm512_fmadd_ps(x, b1, hi4);
    x = _mm512_set1_ps(a[5]); lo5 = _mm512_fmadd_ps(x, b0, lo5); hi5 = _mm512_fmadd_ps(x, b1, hi5);
    x = _mm512_set1_ps(a[6]); lo6 = _mm512_fmadd_ps(x, b0, lo6); hi6 = _mm512_fmadd_ps(x, b1, hi6);
    x = _mm512_set1_ps(a[7]); lo7 = _mm512_fmadd_ps(x, b0, lo7); hi7 = _mm512_fmadd_ps(x, b1, hi7);
    a += 8;
    b += 32;
  }
  const __m512 lo[8] = {lo0, lo1, lo2, lo3, lo4, lo5, lo6, lo7};
  const __m512 hi[8] = {hi0, hi1, hi2, hi3, hi4, hi5, hi6, hi7};
  const __m512 va = _mm512_set1_ps(alpha);
  if (m == 8 && n == 32) {
    for (size_t i = 0; i < 8; ++i) {
      float* row = c + static_cast<ptrdiff_t>(i) * ldc;
      __m512 r0 = _mm512_mul_ps(va, lo[i]);
      __m512 r1 = _mm512_mul_ps(va, hi[i]);
      if (accumulate) {
        r0 = _mm512_add_ps(r0, _mm512_loadu_ps(row));
        r1 = _mm512_add_ps(r1, _mm512_loadu_ps(row + 16));
      }
      _mm512_storeu_ps(row, r0);
      _mm512_storeu_ps(row + 16, r1);
    }
    return;
  }
  alignas(64) float tile[8 * 32];
  for (size_t i = 0; i < 8; ++i) {
    _mm512_store_ps(tile + i * 32, lo[i]);
    _mm512_store_ps(tile + i * 32 + 16, hi[i]);
  }
  store_partial_tile(tile, 32, c, ldc, m, n, alpha, accumulate);
}

// 6 rows x 16 columns: 12 ymm accumulators + 2 B vectors + 1 broadcast of
// the 16 registers.
__attribute__((target("avx2,fma"))) void ukernel_avx2_6x16(size_t kc, const float* a, const float* b, float* c,
                                                           ptrdiff_t ldc, size_t m, size_t n, float alpha,
                                                           bool accumulate) {
  __m256 lo0 = _mm256_setzero_ps(), hi0 = _mm256_setzero_ps(), lo1 = _mm256_setzero_ps(), hi1 = _mm256_setzero_ps();
  __m256 lo2 = _mm256_setzero_ps(), hi2 = _mm256_setzero_ps(), lo3 = _mm256_setzero_ps(), hi3 = _mm256_setzero_ps();
  __m256 lo4 = _mm256_setzero_ps(), hi4 = _mm256_setzero_ps(), lo5 = _mm256_setzero_ps(), hi5 = _mm256_setzero_ps();
  for (size_t k = 0; k < kc; ++k) {
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
    __m256 x;
    x = _mm256_broadcast_ss(a + 0); lo0 = _mm256_fmadd_ps(x, b0, lo0); hi0 = _mm256_fmadd_ps(x, b1, hi0);
    x = _mm256_broadcast_ss(a + 1); lo1 = _mm256_fmadd_ps(x, b0, lo1); hi1 = _mm256_fmadd_ps(x, b1, hi1);
    x = _mm256_broadcast_ss(a + 2); lo2 = _mm256_fmadd_ps(x, b0, lo2); hi2 = _mm256_fmadd_ps(x, b1, hi2);
    x = _mm256_broadcast_ss(a + 3); lo3 = _mm256_fmadd_ps(x, b0, lo3); hi3 = _mm256_fmadd_ps(x, b1, hi3);
    x = _mm256_broadcast_ss(a + 4); lo4 = _mm256_fmadd_ps(x, b0, lo4); hi4 = _mm256_fmadd_ps(x, b1, hi4);
    x = _mm256_broadcast_ss(a + 5); lo5 = _mm256_fmadd_ps(x, b0, lo5); hi5 = _mm256_fmadd_ps(x, b1, hi5);
    a += 6;
    b += 16;
  }
  const __m256 lo[6] = {lo0, lo1, lo2, lo3, lo4, lo5};
  const __m256 hi[6] = {hi0, hi1, hi2, hi3, hi4, hi5};
  const __m256 va = _mm256_set1_ps(alpha);
  if (m == 6 && n == 16) {
    for (size_t i = 0; i < 6; ++i) {
      float* row = c + static_cast<ptrdiff_t>(i) * ldc;
      __m256 r0 = _mm256_mul_ps(va, lo[i]);
      __m256 r1 = _mm256_mul_ps(va, hi[i]);
      if (accumulate) {
        r0 = _mm256_add_ps(r0, _mm256_loadu_ps(row));
        r1 = _mm256_add_ps(r1, _mm256_loadu_ps(row + 8));
      }
      _mm256_storeu_ps(row, r0);
      _mm256_storeu_ps(row + 8, r1);
    }
    return;
  }
  alignas(32) float tile[6 * 16];
  for (size_t i = 0; i < 6; ++i) {
    _mm256_store_ps(tile + i * 16, lo[i]);
    _mm256_store_ps(tile + i * 16 + 8, hi[i]);
  }
  store_partial_tile(tile, 16, c, ldc, m, n, alpha, accumulate);
}

}  // namespace

const UKernel kUKernelAvx512 = {ukernel_avx512_8x32, 8, 32, "avx512f"};
const UKernel kUKernelAvx2 = {ukernel_avx2_6x16, 6, 16, "avx2+fma"};

}  // namespace ember::kernels::gemm_detail

#endif
