// quantized_decomposed::embedding_byte / embedding_4bit / embedding_2bit
// (.out and .dtype_out): gather rows of a quantized table and dequantize
// them with per-row or group-wise scales and optional (float) zero points.
#include <cinttypes>
#include <cstdint>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kernels/portable/util/kernel_args.h"
#include "kernels/quantized/cpu/quant_util.h"
#include "kernels/quantized/cpu/quantized_ops.h"

namespace ember::quantized {
namespace {

struct EmbeddingArgs {
  Tensor weight;
  Tensor scales;
  bool has_zero_points = false;
  Tensor zero_points;
  int64_t quant_min = 0;
  int64_t quant_max = 0;
  Tensor indices;
  bool has_dtype = false;
  ScalarType dtype = ScalarType::Float;
  Tensor out;
  size_t embedding_dim = 0;  // unpacked columns
  size_t num_groups = 1;     // scales per row
};

// Reads [weight, scales, zero_points?, quant_min, quant_max, indices, (dtype?), out, ret].
bool parse(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool dtype_variant, EmbeddingArgs* a) {
  const size_t n = dtype_variant ? 9 : 8;
  return kernels::check_arg_count(ctx, args, n, op) && kernels::tensor_arg(ctx, args, 0, op, "weight", &a->weight) &&
         kernels::tensor_arg(ctx, args, 1, op, "weight_scales", &a->scales) &&
         optional_tensor_arg(ctx, args, 2, op, "weight_zero_points", &a->has_zero_points, &a->zero_points) &&
         int_arg(ctx, args, 3, op, "weight_quant_min", &a->quant_min) &&
         int_arg(ctx, args, 4, op, "weight_quant_max", &a->quant_max) &&
         kernels::tensor_arg(ctx, args, 5, op, "indices", &a->indices) &&
         (!dtype_variant || optional_dtype_arg(ctx, args, 6, op, "dtype", &a->has_dtype, &a->dtype)) &&
         kernels::tensor_arg(ctx, args, n - 2, op, "out", &a->out);
}

// Index i of the indices tensor (Long or Int).
inline int64_t index_at(const Tensor& indices, size_t i) {
  return indices.scalar_type() == ScalarType::Long ? indices.const_data_ptr<int64_t>()[i]
                                                   : indices.const_data_ptr<int32_t>()[i];
}

// ExecuTorch's check_embedding_{byte,xbit}_args with Float scales and out
// (this library has no Half/BFloat16 arithmetic); then sizes out to
// indices.shape + [embedding_dim] and bounds-checks every index.
bool check(KernelRuntimeContext& ctx, const char* op, int nbit, bool dtype_variant, EmbeddingArgs* a) {
  const Tensor& w = a->weight;
  const Tensor& s = a->scales;
  EMBER_QUANT_CHECK(ctx, w.dim() == 2, "%s: weight: expected rank 2, got %zu", op, w.dim());
  EMBER_QUANT_CHECK(ctx, s.dim() == 1 || s.dim() == 2, "%s: weight_scales: expected rank 1 or 2, got %zu", op,
                    s.dim());
  EMBER_QUANT_CHECK(ctx, s.size(0) == w.size(0), "%s: weight_scales: has %d rows, weight has %d", op, s.size(0),
                    w.size(0));
  a->embedding_dim = static_cast<size_t>(w.size(1)) * static_cast<size_t>(8 / nbit);
  if (s.dim() == 2) {
    EMBER_QUANT_CHECK(ctx, s.size(1) >= 1, "%s: weight_scales: needs at least one group per row", op);
    a->num_groups = static_cast<size_t>(s.size(1));
    EMBER_QUANT_CHECK(ctx, a->embedding_dim % a->num_groups == 0,
                      "%s: weight_scales: %zu groups do not divide the embedding dim %zu", op, a->num_groups,
                      a->embedding_dim);
  }
  if (nbit == 8) {
    EMBER_QUANT_CHECK(ctx, w.scalar_type() == ScalarType::Byte || w.scalar_type() == ScalarType::Char,
                      "%s: weight: dtype %s is not supported (Byte or Char)", op, scalar_type_name(w.scalar_type()));
  } else {
    EMBER_QUANT_CHECK(ctx, w.scalar_type() == ScalarType::Byte, "%s: weight: dtype %s is not supported (packed Byte)",
                      op, scalar_type_name(w.scalar_type()));
  }
  EMBER_QUANT_CHECK(ctx, a->out.scalar_type() == ScalarType::Float, "%s: out: dtype %s is not supported (Float)", op,
                    scalar_type_name(a->out.scalar_type()));
  EMBER_QUANT_CHECK(ctx, s.scalar_type() == ScalarType::Float, "%s: weight_scales: dtype %s is not supported (Float)",
                    op, scalar_type_name(s.scalar_type()));
  if (a->has_zero_points) {
    const Tensor& z = a->zero_points;
    EMBER_QUANT_CHECK(ctx, z.dim() == s.dim(), "%s: weight_zero_points: rank %zu differs from weight_scales' %zu", op,
                      z.dim(), s.dim());
    EMBER_QUANT_CHECK(ctx, z.scalar_type() == a->out.scalar_type(),
                      "%s: weight_zero_points: dtype %s differs from out's %s", op, scalar_type_name(z.scalar_type()),
                      scalar_type_name(a->out.scalar_type()));
    for (size_t d = 0; d < s.dim(); ++d) {
      EMBER_QUANT_CHECK(ctx, z.size(d) == s.size(d), "%s: weight_zero_points: size %d at dim %zu, weight_scales has %d",
                        op, z.size(d), d, s.size(d));
    }
  }
  const ScalarType it = a->indices.scalar_type();
  if (nbit == 8) {
    EMBER_QUANT_CHECK(ctx, it == ScalarType::Long, "%s: indices: dtype %s is not supported (Long)", op,
                      scalar_type_name(it));
  } else {
    EMBER_QUANT_CHECK(ctx, it == ScalarType::Long || it == ScalarType::Int,
                      "%s: indices: dtype %s is not supported (Long or Int)", op, scalar_type_name(it));
  }
  EMBER_QUANT_CHECK(ctx, a->quant_min <= a->quant_max,
                    "%s: weight_quant_min: %" PRId64 " is greater than weight_quant_max %" PRId64, op, a->quant_min,
                    a->quant_max);
  // In .out the scales are read as out's dtype; .dtype_out may name it.
  if (dtype_variant && a->has_dtype) {
    EMBER_QUANT_CHECK(ctx, a->out.scalar_type() == a->dtype, "%s: out: dtype %s does not match dtype argument %s", op,
                      scalar_type_name(a->out.scalar_type()), scalar_type_name(a->dtype));
  }
  EMBER_QUANT_CHECK(ctx, a->indices.dim() + 1 <= kTensorDimensionLimit, "%s: indices: rank %zu is too large", op,
                    a->indices.dim());
  SizesType sizes[kTensorDimensionLimit];
  for (size_t d = 0; d < a->indices.dim(); ++d) sizes[d] = a->indices.size(d);
  sizes[a->indices.dim()] = w.size(1) * (8 / nbit);
  if (!kernels::resize_out(ctx, op, a->out, {sizes, a->indices.dim() + 1})) return false;
  const size_t n = a->indices.numel();
  const int64_t rows = w.size(0);
  for (size_t i = 0; i < n; ++i) {
    const int64_t index = index_at(a->indices, i);
    EMBER_QUANT_CHECK(ctx, index >= 0 && index < rows,
                      "%s: indices: value %" PRId64 " at flat position %zu is out of range [0, %" PRId64 ")", op,
                      index, i, rows);
  }
  return true;
}

// out[j] = (w[j] - zp) * scale over one contiguous group: a plain loop the
// compiler vectorizes (int -> float conversion, subtract, multiply).
template <typename W>
inline void dequantize_run(const W* __restrict w, float* __restrict out, size_t n, float scale, float zero_point) {
  for (size_t j = 0; j < n; ++j) out[j] = (static_cast<float>(w[j]) - zero_point) * scale;
}

// Outputs at least this large are written with non-temporal stores: they do
// not fit the caches anyway, and streaming them skips the read-for-ownership
// of every output line (which otherwise halves the write bandwidth).
constexpr size_t kStreamingOutputBytes = size_t{4} << 20;

#if defined(__SSE2__)
// The same arithmetic as dequantize_run (same IEEE operations in the same
// order, so bit-identical), 16 values at a time with streaming stores. SSE2
// is part of the x86-64 baseline, so no runtime dispatch is needed.
template <typename W>
void dequantize_run_streaming(const W* __restrict w, float* __restrict out, size_t n, float scale, float zero_point) {
  size_t j = 0;
  // Scalar head up to 16-byte output alignment (streaming stores need it).
  while (j < n && (reinterpret_cast<uintptr_t>(out + j) & 15) != 0) {
    out[j] = (static_cast<float>(w[j]) - zero_point) * scale;
    ++j;
  }
  const __m128 vs = _mm_set1_ps(scale);
  const __m128 vz = _mm_set1_ps(zero_point);
  const __m128i zero = _mm_setzero_si128();
  for (; j + 16 <= n; j += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + j));
    __m128i lo16, hi16;
    if constexpr (std::is_signed_v<W>) {
      // Sign-extend: put each byte in the high half of a 16-bit lane, shift down.
      lo16 = _mm_srai_epi16(_mm_unpacklo_epi8(bytes, bytes), 8);
      hi16 = _mm_srai_epi16(_mm_unpackhi_epi8(bytes, bytes), 8);
    } else {
      lo16 = _mm_unpacklo_epi8(bytes, zero);
      hi16 = _mm_unpackhi_epi8(bytes, zero);
    }
    const __m128i q[4] = {_mm_srai_epi32(_mm_unpacklo_epi16(lo16, lo16), 16),
                          _mm_srai_epi32(_mm_unpackhi_epi16(lo16, lo16), 16),
                          _mm_srai_epi32(_mm_unpacklo_epi16(hi16, hi16), 16),
                          _mm_srai_epi32(_mm_unpackhi_epi16(hi16, hi16), 16)};
    for (int k = 0; k < 4; ++k) {
      _mm_stream_ps(out + j + 4 * k, _mm_mul_ps(_mm_sub_ps(_mm_cvtepi32_ps(q[k]), vz), vs));
    }
  }
  for (; j < n; ++j) out[j] = (static_cast<float>(w[j]) - zero_point) * scale;
}
#endif

// Random rows of a large table miss every cache level; asking for the next
// row while this one is converted overlaps those misses with the work.
inline void prefetch_row(const uint8_t* row, size_t bytes) {
#if defined(__SSE2__)
  for (size_t k = 0; k < bytes; k += 64) _mm_prefetch(reinterpret_cast<const char*>(row + k), _MM_HINT_T0);
#else
  (void)row;
  (void)bytes;
#endif
}

template <typename W>
inline void dequantize_group(const W* w, float* out, size_t n, float scale, float zero_point, bool streaming) {
#if defined(__SSE2__)
  if (streaming) {
    dequantize_run_streaming(w, out, n, scale, zero_point);
    return;
  }
#else
  (void)streaming;
#endif
  dequantize_run(w, out, n, scale, zero_point);
}

// The j-th value of a packed row. 4-bit: byte j/2, even j in the high nibble,
// odd j in the low one, minus 8. 2-bit: byte j/4, bits 2*(j%4) upward, minus 2.
template <int kBits>
inline int32_t packed_value(const uint8_t* row, size_t j) {
  if constexpr (kBits == 4) {
    const uint8_t b = row[j >> 1];
    return static_cast<int32_t>((j & 1) ? (b & 0x0F) : (b >> 4)) - 8;
  } else {
    const uint8_t b = row[j >> 2];
    return static_cast<int32_t>((b >> (2 * (j & 3))) & 0x03) - 2;
  }
}

template <int kBits>
void gather(const EmbeddingArgs& a) {
  const size_t dim = a.embedding_dim;
  const size_t groups = a.num_groups;
  const size_t group_size = groups == 0 ? 0 : dim / groups;
  const size_t row_bytes = static_cast<size_t>(a.weight.size(1)) * a.weight.element_size();
  const uint8_t* table = static_cast<const uint8_t*>(a.weight.const_data_ptr());
  const float* scales = a.scales.const_data_ptr<float>();
  const float* zero_points = a.has_zero_points ? a.zero_points.const_data_ptr<float>() : nullptr;
  float* out = a.out.mutable_data_ptr<float>();
  const size_t n = a.indices.numel();
  const bool streaming = n * dim * sizeof(float) >= kStreamingOutputBytes;
  for (size_t i = 0; i < n; ++i, out += dim) {
    const size_t index = static_cast<size_t>(index_at(a.indices, i));
    const uint8_t* row = table + index * row_bytes;
    if (streaming && i + 1 < n) prefetch_row(table + static_cast<size_t>(index_at(a.indices, i + 1)) * row_bytes, row_bytes);
    for (size_t g = 0; g < groups; ++g) {
      const float scale = scales[index * groups + g];
      // (w - 0) * s is bit-identical to w * s, so absent zero points are 0.
      const float zp = zero_points != nullptr ? zero_points[index * groups + g] : 0.0f;
      float* o = out + g * group_size;
      if constexpr (kBits == 8) {
        if (a.weight.scalar_type() == ScalarType::Char) {
          dequantize_group(reinterpret_cast<const int8_t*>(row) + g * group_size, o, group_size, scale, zp,
                           streaming);
        } else {
          dequantize_group(row + g * group_size, o, group_size, scale, zp, streaming);
        }
      } else {
        for (size_t j = 0; j < group_size; ++j) {
          o[j] = (static_cast<float>(packed_value<kBits>(row, g * group_size + j)) - zp) * scale;
        }
      }
    }
  }
#if defined(__SSE2__)
  // Make the streaming stores visible before the kernel returns.
  if (streaming) _mm_sfence();
#endif
}

template <int kBits>
void embedding(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool dtype_variant) {
  EmbeddingArgs a;
  if (!parse(ctx, args, op, dtype_variant, &a) || !check(ctx, op, kBits, dtype_variant, &a)) return;
  gather<kBits>(a);
}

}  // namespace

void embedding_byte_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  embedding<8>(ctx, args, "quantized_decomposed::embedding_byte.out", false);
}
void embedding_byte_dtype_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  embedding<8>(ctx, args, "quantized_decomposed::embedding_byte.dtype_out", true);
}
void embedding_4bit_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  embedding<4>(ctx, args, "quantized_decomposed::embedding_4bit.out", false);
}
void embedding_4bit_dtype_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  embedding<4>(ctx, args, "quantized_decomposed::embedding_4bit.dtype_out", true);
}
void embedding_2bit_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  embedding<2>(ctx, args, "quantized_decomposed::embedding_2bit.out", false);
}
void embedding_2bit_dtype_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  embedding<2>(ctx, args, "quantized_decomposed::embedding_2bit.dtype_out", true);
}

}  // namespace ember::quantized
