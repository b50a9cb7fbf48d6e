#include "backends/xnnpack/runtime/nodes/transpose_kernel.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

namespace ember::xnnpack {
namespace {

// Output rows per task (and per cache block) of the 2-D transpose.
constexpr size_t kRowBlock = 32;

template <typename T>
void tile_scalar(const uint8_t* src, size_t ld, uint8_t* dst, size_t c, size_t i0, size_t i1, size_t j0,
                 size_t j1) {
  const T* s = reinterpret_cast<const T*>(src);
  T* d = reinterpret_cast<T*>(dst);
  for (size_t i = i0; i < i1; ++i) {
    for (size_t j = j0; j < j1; ++j) {
      T v;
      std::memcpy(&v, s + j * ld + i, sizeof(T));
      std::memcpy(d + i * c + j, &v, sizeof(T));
    }
  }
}

void tile_bytes(const uint8_t* src, size_t ld, uint8_t* dst, size_t c, size_t es, size_t i0, size_t i1, size_t j0,
                size_t j1) {
  for (size_t i = i0; i < i1; ++i) {
    for (size_t j = j0; j < j1; ++j) std::memcpy(dst + (i * c + j) * es, src + (j * ld + i) * es, es);
  }
}

#if defined(__SSE2__)
// dst[i][j] = src[j][i] for an 8x8 block of bytes.
inline void block8x8_u8(const uint8_t* s, size_t ld, uint8_t* d, size_t c) {
  __m128i r0 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s + 0 * ld));
  __m128i r1 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s + 1 * ld));
  __m128i r2 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s + 2 * ld));
  __m128i r3 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s + 3 * ld));
  __m128i r4 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s + 4 * ld));
  __m128i r5 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s + 5 * ld));
  __m128i r6 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s + 6 * ld));
  __m128i r7 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s + 7 * ld));
  __m128i a0 = _mm_unpacklo_epi8(r0, r1), a1 = _mm_unpacklo_epi8(r2, r3);
  __m128i a2 = _mm_unpacklo_epi8(r4, r5), a3 = _mm_unpacklo_epi8(r6, r7);
  __m128i b0 = _mm_unpacklo_epi16(a0, a1), b1 = _mm_unpackhi_epi16(a0, a1);
  __m128i b2 = _mm_unpacklo_epi16(a2, a3), b3 = _mm_unpackhi_epi16(a2, a3);
  __m128i c0 = _mm_unpacklo_epi32(b0, b2), c1 = _mm_unpackhi_epi32(b0, b2);
  __m128i c2 = _mm_unpacklo_epi32(b1, b3), c3 = _mm_unpackhi_epi32(b1, b3);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(d + 0 * c), c0);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(d + 1 * c), _mm_srli_si128(c0, 8));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(d + 2 * c), c1);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(d + 3 * c), _mm_srli_si128(c1, 8));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(d + 4 * c), c2);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(d + 5 * c), _mm_srli_si128(c2, 8));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(d + 6 * c), c3);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(d + 7 * c), _mm_srli_si128(c3, 8));
}

// dst[i][j] = src[j][i] for a 4x4 block of 32-bit values (moved as floats:
// bit patterns are preserved).
inline void block4x4_u32(const uint8_t* s, size_t ld, uint8_t* d, size_t c) {
  const float* f = reinterpret_cast<const float*>(s);
  float* g = reinterpret_cast<float*>(d);
  __m128 r0 = _mm_loadu_ps(f + 0 * ld), r1 = _mm_loadu_ps(f + 1 * ld);
  __m128 r2 = _mm_loadu_ps(f + 2 * ld), r3 = _mm_loadu_ps(f + 3 * ld);
  _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
  _mm_storeu_ps(g + 0 * c, r0);
  _mm_storeu_ps(g + 1 * c, r1);
  _mm_storeu_ps(g + 2 * c, r2);
  _mm_storeu_ps(g + 3 * c, r3);
}
#endif

// dst[i * c + j] = src[j * ld + i] for output rows [i0, i1) and all c columns.
void transpose_rows(const uint8_t* src, size_t ld, uint8_t* dst, size_t c, size_t es, size_t i0, size_t i1) {
#if defined(__SSE2__)
  if (es == 1 || es == 4) {
    const size_t t = es == 1 ? 8 : 4;
    size_t i_full = i0 + (i1 - i0) / t * t;
    size_t j_full = c / t * t;
    for (size_t i = i0; i < i_full; i += t) {
      for (size_t j = 0; j < j_full; j += t) {
        if (es == 1) {
          block8x8_u8(src + j * ld + i, ld, dst + i * c + j, c);
        } else {
          block4x4_u32(src + (j * ld + i) * 4, ld, dst + (i * c + j) * 4, c);
        }
      }
    }
    // Edges: the rows below the last full tile, the columns right of it.
    if (es == 1) {
      tile_scalar<uint8_t>(src, ld, dst, c, i0, i_full, j_full, c);
      tile_scalar<uint8_t>(src, ld, dst, c, i_full, i1, 0, c);
    } else {
      tile_scalar<uint32_t>(src, ld, dst, c, i0, i_full, j_full, c);
      tile_scalar<uint32_t>(src, ld, dst, c, i_full, i1, 0, c);
    }
    return;
  }
#endif
  switch (es) {
    case 1: tile_scalar<uint8_t>(src, ld, dst, c, i0, i1, 0, c); break;
    case 2: tile_scalar<uint16_t>(src, ld, dst, c, i0, i1, 0, c); break;
    case 4: tile_scalar<uint32_t>(src, ld, dst, c, i0, i1, 0, c); break;
    case 8: tile_scalar<uint64_t>(src, ld, dst, c, i0, i1, 0, c); break;
    default: tile_bytes(src, ld, dst, c, es, i0, i1, 0, c); break;
  }
}

// Element offset in the input of outer index `outer` over dims[0, n).
ptrdiff_t outer_offset(const TransposePlan& p, size_t n, size_t outer) {
  ptrdiff_t off = 0;
  for (size_t d = n; d-- > 0;) {
    off += static_cast<ptrdiff_t>(outer % p.dims[d]) * p.in_strides[d];
    outer /= p.dims[d];
  }
  return off;
}

struct Transpose2dTask {
  const TransposePlan* plan;
  const uint8_t* src;
  uint8_t* dst;
  size_t row_blocks;
};

void transpose2d_task(void* context, size_t task) {
  const auto* t = static_cast<const Transpose2dTask*>(context);
  const TransposePlan& p = *t->plan;
  size_t r = p.rank;
  size_t rows = p.dims[r - 2], cols = p.dims[r - 1], es = p.esize;
  size_t outer = task / t->row_blocks;
  size_t i0 = (task % t->row_blocks) * kRowBlock;
  size_t i1 = i0 + kRowBlock < rows ? i0 + kRowBlock : rows;
  const uint8_t* src = t->src + outer_offset(p, r - 2, outer) * static_cast<ptrdiff_t>(es);
  uint8_t* dst = t->dst + outer * rows * cols * es;
  transpose_rows(src, static_cast<size_t>(p.in_strides[r - 1]), dst, cols, es, i0, i1);
}

template <typename T>
void gather_row(const uint8_t* src, ptrdiff_t stride, size_t n, uint8_t* dst) {
  const T* s = reinterpret_cast<const T*>(src);
  T* d = reinterpret_cast<T*>(dst);
  for (size_t k = 0; k < n; ++k) std::memcpy(d + k, s + static_cast<ptrdiff_t>(k) * stride, sizeof(T));
}

}  // namespace

TransposePlan plan_transpose(const size_t* in_dims, const uint32_t* perm, size_t rank, size_t esize) {
  TransposePlan p;
  p.esize = esize;
  ptrdiff_t in_stride[6];
  ptrdiff_t s = 1;
  for (size_t d = rank; d-- > 0;) {
    in_stride[d] = s;
    s *= static_cast<ptrdiff_t>(in_dims[d]);
  }
  p.numel = static_cast<size_t>(s);
  for (size_t d = 0; d < rank; ++d) {
    size_t size = in_dims[perm[d]];
    ptrdiff_t stride = in_stride[perm[d]];
    if (size == 1) continue;
    // Merge with the previous output dim when they are adjacent in the input too.
    if (p.rank > 0 && p.in_strides[p.rank - 1] == stride * static_cast<ptrdiff_t>(size)) {
      p.dims[p.rank - 1] *= size;
      p.in_strides[p.rank - 1] = stride;
      continue;
    }
    p.dims[p.rank] = size;
    p.in_strides[p.rank] = stride;
    ++p.rank;
  }
  if (p.numel == 0 || p.rank <= 1) {
    p.path = TransposePlan::Path::Copy;
  } else if (p.in_strides[p.rank - 1] == 1) {
    p.path = TransposePlan::Path::Rows;
  } else if (p.in_strides[p.rank - 2] == 1) {
    p.path = TransposePlan::Path::Transpose2d;
  } else {
    p.path = TransposePlan::Path::Gather;
  }
  return p;
}

void run_transpose(const TransposePlan& p, const void* src_ptr, void* dst_ptr, pthreadpool_t pool) {
  const auto* src = static_cast<const uint8_t*>(src_ptr);
  auto* dst = static_cast<uint8_t*>(dst_ptr);
  const size_t es = p.esize;
  if (p.path == TransposePlan::Path::Copy) {
    if (p.numel > 0) std::memcpy(dst, src, p.numel * es);
    return;
  }
  size_t r = p.rank;
  if (p.path == TransposePlan::Path::Transpose2d) {
    size_t rows = p.dims[r - 2];
    Transpose2dTask task{&p, src, dst, (rows + kRowBlock - 1) / kRowBlock};
    size_t outer = p.numel / (rows * p.dims[r - 1]);
    size_t tasks = outer * task.row_blocks;
    if (pool != nullptr && pthreadpool_get_threads_count(pool) > 1 && p.numel * es >= (size_t{1} << 16)) {
      pthreadpool_parallelize_1d(pool, transpose2d_task, &task, tasks, 0);
    } else {
      for (size_t t = 0; t < tasks; ++t) transpose2d_task(&task, t);
    }
    return;
  }
  // Rows and Gather: walk the outer dims with an odometer, one output row at a time.
  size_t row = p.dims[r - 1];
  ptrdiff_t inner = p.in_strides[r - 1];
  size_t idx[6] = {};
  ptrdiff_t off = 0;
  for (size_t done = 0; done < p.numel; done += row) {
    const uint8_t* s = src + off * static_cast<ptrdiff_t>(es);
    if (p.path == TransposePlan::Path::Rows) {
      std::memcpy(dst, s, row * es);
    } else {
      switch (es) {
        case 1: gather_row<uint8_t>(s, inner, row, dst); break;
        case 2: gather_row<uint16_t>(s, inner, row, dst); break;
        case 4: gather_row<uint32_t>(s, inner, row, dst); break;
        case 8: gather_row<uint64_t>(s, inner, row, dst); break;
        default:
          for (size_t k = 0; k < row; ++k) std::memcpy(dst + k * es, s + static_cast<ptrdiff_t>(k) * inner * static_cast<ptrdiff_t>(es), es);
      }
    }
    dst += row * es;
    for (size_t d = r - 1; d-- > 0;) {
      off += p.in_strides[d];
      if (++idx[d] < p.dims[d]) break;
      off -= p.in_strides[d] * static_cast<ptrdiff_t>(p.dims[d]);
      idx[d] = 0;
    }
  }
}

}  // namespace ember::xnnpack
