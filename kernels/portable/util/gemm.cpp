#include "kernels/portable/util/gemm.h"

#include <cpuinfo.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "kernels/portable/util/gemm_ukernel.h"
#include "runtime/kernel/thread_pool.h"

namespace ember::kernels {
namespace gemm_detail {
namespace {

// 4 x 8 with two 4-lane vectors per row: SSE2 / NEON registers on any target.
typedef float v4f __attribute__((vector_size(16)));

v4f load4(const float* p) {
  v4f v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

void ukernel_generic_4x8(size_t kc, const float* a, const float* b, float* c, ptrdiff_t ldc, size_t m, size_t n,
                         float alpha, bool accumulate) {
  v4f acc[4][2] = {};
  for (size_t k = 0; k < kc; ++k) {
    const v4f b0 = load4(b);
    const v4f b1 = load4(b + 4);
    for (size_t i = 0; i < 4; ++i) {
      const v4f x = {a[i], a[i], a[i], a[i]};
      acc[i][0] += x * b0;
      acc[i][1] += x * b1;
    }
    a += 4;
    b += 8;
  }
  float tile[4 * 8];
  std::memcpy(tile, acc, sizeof(tile));
  store_partial_tile(tile, 8, c, ldc, m, n, alpha, accumulate);
}

}  // namespace

const UKernel kUKernelGeneric = {ukernel_generic_4x8, 4, 8, "generic"};

}  // namespace gemm_detail

namespace {

using gemm_detail::kMaxMr;
using gemm_detail::kMaxNr;
using gemm_detail::UKernel;

// Block sizes: a KC x NR panel of B (32 KiB for the AVX-512 kernel) stays in
// L1 while it meets every A panel of an MC x KC block (128 KiB, L2); a KC x NC
// block of B is packed once per (column block, depth block).
constexpr size_t kKc = 256;
constexpr size_t kMc = 128;
constexpr size_t kNc = 512;
// The stack fallback's much smaller blocks (40 KiB in all).
constexpr size_t kStackKc = 128;
constexpr size_t kStackMc = 48;
constexpr size_t kStackNc = 32;
// Below this many multiply-adds per thread, more threads cost more than they save.
constexpr size_t kMinMacsPerThread = size_t{1} << 18;

const UKernel* dispatch_ukernel() {
  static const UKernel* chosen = [] {
#if defined(__x86_64__) || defined(__i386__)
    if (cpuinfo_initialize()) {
      if (cpuinfo_has_x86_avx512f()) return &gemm_detail::kUKernelAvx512;
      if (cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3()) return &gemm_detail::kUKernelAvx2;
    }
#endif
    return &gemm_detail::kUKernelGeneric;
  }();
  return chosen;
}

const UKernel* g_override = nullptr;

const UKernel& select_ukernel() { return g_override != nullptr ? *g_override : *dispatch_ukernel(); }

size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }
size_t ceil_div(size_t x, size_t y) { return (x + y - 1) / y; }

void pack_a(const GemmMatrix& a, size_t i0, size_t mc, size_t k0, size_t kc, size_t mr, float* dst) {
  for (size_t ir = 0; ir < mc; ir += mr) {
    const size_t rows = std::min(mr, mc - ir);
    for (size_t k = 0; k < kc; ++k) {
      const float* src =
          a.data + static_cast<ptrdiff_t>(i0 + ir) * a.row_stride + static_cast<ptrdiff_t>(k0 + k) * a.col_stride;
      size_t i = 0;
      for (; i < rows; ++i) dst[i] = src[static_cast<ptrdiff_t>(i) * a.row_stride];
      for (; i < mr; ++i) dst[i] = 0.0f;
      dst += mr;
    }
  }
}

void pack_b_matrix(const GemmMatrix& b, size_t k0, size_t kc, size_t n0, size_t nc, size_t nr, float* dst) {
  for (size_t jr = 0; jr < nc; jr += nr) {
    const size_t cols = std::min(nr, nc - jr);
    for (size_t k = 0; k < kc; ++k) {
      const float* src =
          b.data + static_cast<ptrdiff_t>(k0 + k) * b.row_stride + static_cast<ptrdiff_t>(n0 + jr) * b.col_stride;
      if (b.col_stride == 1) {
        copy_panel_floats(dst, src, static_cast<int64_t>(cols));
      } else {
        for (size_t j = 0; j < cols; ++j) dst[j] = src[static_cast<ptrdiff_t>(j) * b.col_stride];
      }
      zero_panel_floats(dst + cols, static_cast<int64_t>(nr - cols));
      dst += nr;
    }
  }
}

// Depth blocks of equal size (at most `cap`): a short last block would
// spend relatively more on loading and storing C tiles.
size_t balanced_kc(size_t k, size_t cap) { return ceil_div(k, ceil_div(k, cap)); }

struct Blocks {
  size_t mc, nc, kc;
};

// One region of C: rows [m0, m1), columns [n0, n1), all of K.
void gemm_region(const GemmProblem& p, const UKernel& uk, size_t m0, size_t m1, size_t n0, size_t n1, const Blocks& blk,
                 float* a_buf, float* b_buf) {
  for (size_t jc = n0; jc < n1; jc += blk.nc) {
    const size_t nc = std::min(blk.nc, n1 - jc);
    for (size_t pc = 0; pc < p.k; pc += blk.kc) {
      const size_t kc = std::min(blk.kc, p.k - pc);
      const bool accumulate = p.accumulate || pc > 0;
      if (p.pack_b != nullptr) {
        p.pack_b(p.pack_b_source, pc, kc, jc, nc, uk.nr, b_buf);
      } else {
        pack_b_matrix(p.b, pc, kc, jc, nc, uk.nr, b_buf);
      }
      for (size_t ic = m0; ic < m1; ic += blk.mc) {
        const size_t mc = std::min(blk.mc, m1 - ic);
        pack_a(p.a, ic, mc, pc, kc, uk.mr, a_buf);
        for (size_t jr = 0; jr < nc; jr += uk.nr) {
          const float* b_panel = b_buf + jr * kc;
          for (size_t ir = 0; ir < mc; ir += uk.mr) {
            float* c = p.c + static_cast<ptrdiff_t>(ic + ir) * p.ldc + static_cast<ptrdiff_t>(jc + jr);
            uk.fn(kc, a_buf + ir * kc, b_panel, c, p.ldc, std::min(uk.mr, mc - ir), std::min(uk.nr, nc - jr), p.alpha,
                  accumulate);
          }
        }
      }
    }
  }
}

// Per-region workspace bound: full problem sizes rounded to the largest
// tile, capped by the block sizes (every kernel's MR/NR divide kMaxMr/kMaxNr
// or the caps, so this bounds what gemm_region packs).
size_t region_floats(size_t m, size_t n, size_t k) {
  const size_t kc = std::min(k, kKc);
  const size_t mc = std::min(m + kMaxMr, kMc);
  const size_t nc = std::min(n + kMaxNr, kNc);
  return mc * kc + kc * nc;
}

// The float offset of each region's slice, 64-byte aligned.
size_t region_stride_floats(size_t m, size_t n, size_t k) { return round_up(region_floats(m, n, k), 16); }

struct Split {
  bool along_n;
  size_t chunk;
  size_t count;
};

Split split_problem(size_t m, size_t n, size_t regions, const UKernel& uk) {
  if (n >= m) {
    const size_t chunk = round_up(ceil_div(n, regions), uk.nr);
    return {true, chunk, ceil_div(n, chunk)};
  }
  const size_t chunk = round_up(ceil_div(m, regions), uk.mr);
  return {false, chunk, ceil_div(m, chunk)};
}

struct RegionTask {
  const GemmProblem* p;
  const UKernel* uk;
  Split split;
  float* workspace;
  size_t stride_floats;
};

void run_region(void* context, size_t r) {
  const RegionTask& t = *static_cast<const RegionTask*>(context);
  const GemmProblem& p = *t.p;
  size_t m0 = 0, m1 = p.m, n0 = 0, n1 = p.n;
  if (t.split.along_n) {
    n0 = r * t.split.chunk;
    n1 = std::min(p.n, n0 + t.split.chunk);
  } else {
    m0 = r * t.split.chunk;
    m1 = std::min(p.m, m0 + t.split.chunk);
  }
  if (m0 >= m1 || n0 >= n1) return;
  if (t.workspace != nullptr) {
    const size_t kc = std::min(p.k, kKc);
    const Blocks blk{kMc / t.uk->mr * t.uk->mr, kNc / t.uk->nr * t.uk->nr, balanced_kc(p.k, kKc)};
    float* a_buf = t.workspace + r * t.stride_floats;
    float* b_buf = a_buf + std::min(p.m + kMaxMr, kMc) * kc;
    gemm_region(p, *t.uk, m0, m1, n0, n1, blk, a_buf, b_buf);
  } else {
    alignas(64) float a_buf[kStackMc * kStackKc];
    alignas(64) float b_buf[kStackKc * kStackNc];
    const Blocks blk{kStackMc / t.uk->mr * t.uk->mr, kStackNc / t.uk->nr * t.uk->nr, balanced_kc(p.k, kStackKc)};
    gemm_region(p, *t.uk, m0, m1, n0, n1, blk, a_buf, b_buf);
  }
}

}  // namespace

size_t gemm_num_threads(size_t m, size_t n, size_t k, const ThreadPool* pool) {
  if (pool == nullptr || m == 0 || n == 0 || k == 0) return 1;
  const size_t threads = pool->num_threads();
  const double macs = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  const double useful = macs / static_cast<double>(kMinMacsPerThread);
  if (useful < 2.0) return 1;
  return useful < static_cast<double>(threads) ? static_cast<size_t>(useful) : threads;
}

size_t gemm_workspace_bytes(size_t m, size_t n, size_t k, size_t num_threads) {
  if (m == 0 || n == 0 || k == 0) return 0;
  return region_stride_floats(m, n, k) * std::max<size_t>(num_threads, 1) * sizeof(float);
}

const char* gemm_kernel_name() { return select_ukernel().name; }

bool gemm_select_kernel(const char* name) {
  if (name == nullptr) {
    g_override = nullptr;
    return true;
  }
  const UKernel* candidates[] = {
#if defined(__x86_64__) || defined(__i386__)
    cpuinfo_initialize() && cpuinfo_has_x86_avx512f() ? &gemm_detail::kUKernelAvx512 : nullptr,
    cpuinfo_initialize() && cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3() ? &gemm_detail::kUKernelAvx2 : nullptr,
#endif
    &gemm_detail::kUKernelGeneric,
  };
  for (const UKernel* k : candidates) {
    if (k != nullptr && std::strcmp(k->name, name) == 0) {
      g_override = k;
      return true;
    }
  }
  return false;
}

void gemm(const GemmProblem& p, const ThreadPool* pool, void* workspace) {
  if (p.m == 0 || p.n == 0) return;
  if (p.k == 0) {
    // An empty sum: C = 0 (or stays C when accumulating).
    if (!p.accumulate) {
      for (size_t i = 0; i < p.m; ++i) std::fill_n(p.c + static_cast<ptrdiff_t>(i) * p.ldc, p.n, 0.0f);
    }
    return;
  }
  const UKernel& uk = select_ukernel();
  const size_t regions = gemm_num_threads(p.m, p.n, p.k, pool);
  RegionTask task{&p, &uk, split_problem(p.m, p.n, regions, uk), static_cast<float*>(workspace),
                  region_stride_floats(p.m, p.n, p.k)};
  if (task.split.count <= 1) {
    run_region(&task, 0);
  } else {
    pool->parallel_for(task.split.count, run_region, &task);
  }
}

}  // namespace ember::kernels
