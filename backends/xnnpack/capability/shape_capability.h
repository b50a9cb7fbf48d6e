// Capability rules of the data-movement and host-math nodes (static
// transpose / reshape / slice, concatenate 2-5, copy, constant pad, bilinear
// resize, batch matrix multiply, scaled dot-product attention). This XNNPACK
// has no transpose, slice, concatenate, copy, batch-matmul or attention
// operator, so these run on the backend's host code (resize on XNNPACK's
// resize_bilinear2d operators). Pure functions over Value descriptions, part
// of the capability table (included by capability.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/xnnpack/runtime/xnnpack_value.h"
#include "runtime/core/error.h"

namespace ember::xnnpack {

// Pure data movement keeps the values: 8-bit output quantization must equal
// the input's. Any element size the backend stores.
Error check_same_quantization(const Value& in, const Value& out);

// perm is a permutation of [0, rank); output dims = input dims permuted.
Error check_transpose(const Value& in, const Value& out, const uint32_t* perm, size_t num_dims);

// new_shape has the output's rank; at most one 0, which stands for the dim
// inferred from the element count (ExecuTorch writes 0 for dynamic dims).
Error check_reshape(const Value& in, const Value& out, const uint32_t* new_shape, size_t num_dims);

// offsets[d] + sizes[d] <= input dim d, sizes > 0, output dims = sizes.
Error check_slice(const Value& in, const Value& out, const uint32_t* offsets, const uint32_t* sizes, size_t num_dims);

// 2 to 5 inputs of the output's type and rank, equal dims except `axis`,
// whose sizes add up to the output's. 8-bit inputs quantized unlike the output
// are requantized on the host exactly as Convert does (round half to even).
Error check_concatenate(const Value* const* inputs, size_t num_inputs, const Value& out, uint32_t axis);

// Same type, element count and quantization.
Error check_copy(const Value& in, const Value& out);

// One pre and one post padding per dim; output = input + pre + post. The
// padding value is real and quantized (round half to even, saturated) for
// 8-bit outputs.
Error check_constant_pad(const Value& in, const Value& out, const uint32_t* pre, size_t num_pre, const uint32_t* post,
                         size_t num_post);

// NHWC 4-D, fp32 / qint8 / quint8 (8-bit: same quantization in and out),
// output [N, new_h, new_w, C], flags a subset of {ALIGN_CORNERS (8),
// TENSORFLOW_LEGACY_MODE (4)}, not both. Runs on XNNPACK's
// resize_bilinear2d_nhwc operators.
constexpr uint32_t kResizeAlignCorners = 0x8;
constexpr uint32_t kResizeLegacyMode = 0x4;
Error check_resize_bilinear(const Value& in, const Value& out, uint32_t new_height, uint32_t new_width,
                            uint32_t flags);

// fp32 [..., M, K] x [..., K, N] (or [..., N, K] with flag TRANSPOSE_B = 1)
// -> [..., M, N]; batch dims equal or 1 (broadcast). Host GEMM.
constexpr uint32_t kBmmTransposeB = 0x1;
Error check_batch_matmul(const Value& a, const Value& b, const Value& out, uint32_t flags);

// fp32 softmax((Q * scale) K^T + mask) V. Q [..., L, E], K [..., S, E],
// V [..., S, Ev], out [..., L, Ev], batch dims of K/V equal to Q's or 1;
// scale a constant [E] (per channel, as ExecuTorch writes it); mask absent
// or [L, S]. Host code.
Error check_sdpa(const Value& q, const Value& k, const Value& v, const Value& scale, const Value* mask,
                 const Value& out);

}  // namespace ember::xnnpack
