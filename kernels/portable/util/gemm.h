// SGEMM shared by mm/bmm/addmm and convolution: C = alpha * A·B (+ C).
//
// Cache-blocked (Goto-style): a KC x NC block of B and an MC x KC block of A
// are packed into panels that a register-tiled micro-kernel streams. The
// micro-kernel is chosen once at run time from the CPU (AVX-512F, AVX2+FMA,
// or a portable scalar/vector-extension kernel), so the library itself is
// built for plain x86-64 (or any other target).
//
// Memory: packing uses a caller-provided workspace of gemm_workspace_bytes()
// bytes (kernels take it from ctx.allocate_temp once per instruction). Without
// one (null), the GEMM still runs, packing small blocks into a fixed stack
// buffer (~40 KiB per thread): correct but slower, because the A block is
// packed again for every few B columns.
//
// Threads: the C matrix is split into one region per thread of the pool
// (along N, or along M when M is larger); each region packs its own blocks.
// Nothing here allocates or keeps pointers after gemm() returns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ember {
class ThreadPool;
}

namespace ember::kernels {

// A strided matrix operand: element (r, c) is data[r * row_stride + c * col_stride].
struct GemmMatrix {
  const float* data = nullptr;
  ptrdiff_t row_stride = 0;
  ptrdiff_t col_stride = 1;
};

// Packs columns [n0, n0 + nc) and depth [k0, k0 + kc) of a B operand that is
// not stored as a matrix (convolution's implicit im2col). `dst` receives
// ceil(nc / nr) panels one after the other; panel p holds, for each k in
// order, nr values for columns n0 + p*nr ... (zero past column n0 + nc).
using GemmPackB = void (*)(const void* source, size_t k0, size_t kc, size_t n0, size_t nc, size_t nr, float* dst);

// Short copies and zero fills for filling panel rows (a few dozen floats):
// whole 8-float chunks are fixed-size moves the compiler inlines, where a
// libc call per row would cost more than the copy itself.
inline void copy_panel_floats(float* dst, const float* src, int64_t n) {
  for (; n >= 8; n -= 8, dst += 8, src += 8) std::memcpy(dst, src, 8 * sizeof(float));
  for (int64_t i = 0; i < n; ++i) dst[i] = src[i];
}

inline void zero_panel_floats(float* dst, int64_t n) {
  static constexpr float kZeros[8] = {};
  for (; n >= 8; n -= 8, dst += 8) std::memcpy(dst, kZeros, sizeof(kZeros));
  for (int64_t i = 0; i < n; ++i) dst[i] = 0.0f;
}

struct GemmProblem {
  size_t m = 0, n = 0, k = 0;
  GemmMatrix a;  // m x k
  GemmMatrix b;  // k x n (unused when pack_b is set)
  GemmPackB pack_b = nullptr;
  const void* pack_b_source = nullptr;
  float* c = nullptr;  // m x n, row-major with row stride ldc
  ptrdiff_t ldc = 0;
  float alpha = 1.0f;
  bool accumulate = false;  // C += alpha·A·B; otherwise C = alpha·A·B
};

// Bytes of workspace gemm() uses for a problem of this size run as
// `num_threads` regions (an upper bound for every micro-kernel the CPU
// dispatch may pick, so it is the same on every machine). 0 when m, n or k is 0.
size_t gemm_workspace_bytes(size_t m, size_t n, size_t k, size_t num_threads);

// Number of regions gemm() splits a problem into with `pool` (1 without one
// or for small problems); size the workspace with this count.
size_t gemm_num_threads(size_t m, size_t n, size_t k, const ThreadPool* pool);

// Runs the product. `workspace` must be null or hold
// gemm_workspace_bytes(m, n, k, gemm_num_threads(m, n, k, pool)) bytes,
// 64-byte aligned.
void gemm(const GemmProblem& p, const ThreadPool* pool, void* workspace);

// Name of the micro-kernel in use ("avx512f", "avx2+fma", "generic").
const char* gemm_kernel_name();

// Replaces the CPU dispatch's choice by the named micro-kernel for the whole
// process (tests and benchmarks compare them); null restores the dispatch.
// Returns false, changing nothing, for an unknown name or one this CPU cannot
// run. Not safe while another thread runs a GEMM.
bool gemm_select_kernel(const char* name);

}  // namespace ember::kernels
