// Host N-d transpose for any element size, the kernel behind the delegate's
// StaticTranspose node (this XNNPACK has no transpose operator, and every
// ExecuTorch CNN blob starts and ends with an NCHW <-> NHWC transpose).
//
// A plan collapses the permutation first (size-1 dims dropped, dims that stay
// adjacent merged), then runs one of: a plain copy; contiguous row copies
// when the innermost dim does not move; a blocked 2-D transpose (SSE2 8x8
// byte and 4x4 dword tiles) when the two innermost dims swap, which is what
// NCHW <-> NHWC collapses to; or a strided gather otherwise.
//
// Plans hold no pointers; run_transpose reads `src` and writes `dst`, which
// must not overlap, and allocates nothing.
#pragma once

#include <pthreadpool.h>

#include <cstddef>
#include <cstdint>

namespace ember::xnnpack {

struct TransposePlan {
  enum class Path : uint8_t { Copy, Rows, Transpose2d, Gather };
  Path path = Path::Copy;
  size_t esize = 1;
  size_t rank = 0;                 // collapsed output rank
  size_t dims[6] = {};             // collapsed output dims
  ptrdiff_t in_strides[6] = {};    // input stride (elements) of each output dim
  size_t numel = 0;
};

// Output dim d is input dim perm[d]; in_dims is the input's shape. `perm`
// must be a permutation of [0, rank) (checked by the capability table).
TransposePlan plan_transpose(const size_t* in_dims, const uint32_t* perm, size_t rank, size_t esize);

// Splits large 2-D transposes over the pool's threads (null: caller thread).
void run_transpose(const TransposePlan& plan, const void* src, void* dst, pthreadpool_t pool);

}  // namespace ember::xnnpack
