#include "backends/xnnpack/capability/shape_capability.h"

#include <cmath>
#include <initializer_list>

#include "backends/xnnpack/capability/capability.h"

namespace ember::xnnpack {
namespace {

bool is_8bit(DataType t) { return t == DataType::QInt8 || t == DataType::QUInt8; }

Error check_storable(const Value& v, const char* role) {
  EMBER_CHECK_OR_RETURN(data_type_size(v.type) > 0, Error::NotSupported, "%s datatype %s cannot be stored", role,
                        data_type_name(v.type));
  EMBER_CHECK_OR_RETURN(!v.is_per_channel(), Error::NotSupported, "%s is per-channel quantized", role);
  if (is_8bit(v.type)) EMBER_TRY(check_quant8(v, role));
  return Error::Ok;
}

bool same_quant(const Value& a, const Value& b) {
  return !is_8bit(a.type) || (a.quant.scale == b.quant.scale && a.quant.zero_point == b.quant.zero_point);
}

}  // namespace

Error check_same_quantization(const Value& in, const Value& out) {
  EMBER_CHECK_OR_RETURN(in.type == out.type, Error::InvalidProgram, "input type %s differs from output %s",
                        data_type_name(in.type), data_type_name(out.type));
  EMBER_TRY(check_storable(in, "input"));
  EMBER_TRY(check_storable(out, "output"));
  EMBER_CHECK_OR_RETURN(same_quant(in, out), Error::NotSupported,
                        "input quantization (%g, %d) differs from output (%g, %d) on a data-movement node",
                        in.quant.scale, in.quant.zero_point, out.quant.scale, out.quant.zero_point);
  return Error::Ok;
}

Error check_transpose(const Value& in, const Value& out, const uint32_t* perm, size_t n) {
  EMBER_TRY(check_same_quantization(in, out));
  EMBER_CHECK_OR_RETURN(n == in.rank && n == out.rank && n >= 1, Error::InvalidProgram,
                        "perm of %zu dims for input rank %zu, output rank %zu", n, in.rank, out.rank);
  bool seen[kMaxDims] = {};
  for (size_t d = 0; d < n; ++d) {
    EMBER_CHECK_OR_RETURN(perm[d] < n && !seen[perm[d]], Error::InvalidProgram,
                          "perm is not a permutation of [0, %zu) (entry %zu is %u)", n, d, perm[d]);
    seen[perm[d]] = true;
    EMBER_CHECK_OR_RETURN(out.dims[d] == in.dims[perm[d]], Error::InvalidProgram,
                          "output dim %zu is %zu, input dim perm[%zu] = %u is %zu", d, out.dims[d], d, perm[d],
                          in.dims[perm[d]]);
  }
  return Error::Ok;
}

Error check_reshape(const Value& in, const Value& out, const uint32_t* shape, size_t n) {
  EMBER_TRY(check_same_quantization(in, out));
  EMBER_CHECK_OR_RETURN(n == out.rank && n >= 1, Error::InvalidProgram, "new shape of %zu dims, output rank %zu", n,
                        out.rank);
  size_t zeros = 0;
  size_t known = 1;
  for (size_t d = 0; d < n; ++d) {
    if (shape[d] == 0) {
      ++zeros;
    } else {
      EMBER_CHECK_OR_RETURN(shape[d] == out.dims[d], Error::InvalidProgram, "new shape dim %zu is %u, output has %zu",
                            d, shape[d], out.dims[d]);
      known *= shape[d];
    }
  }
  EMBER_CHECK_OR_RETURN(zeros <= 1, Error::InvalidProgram, "new shape has %zu inferred (0) dims; at most one", zeros);
  EMBER_CHECK_OR_RETURN(in.numel() == out.numel(), Error::InvalidProgram,
                        "input has %zu elements, output %zu", in.numel(), out.numel());
  EMBER_CHECK_OR_RETURN(zeros == 1 || known == in.numel(), Error::InvalidProgram,
                        "new shape holds %zu elements, input %zu", known, in.numel());
  return Error::Ok;
}

Error check_slice(const Value& in, const Value& out, const uint32_t* offsets, const uint32_t* sizes, size_t n) {
  EMBER_TRY(check_same_quantization(in, out));
  EMBER_CHECK_OR_RETURN(n == in.rank && n == out.rank && n >= 1, Error::InvalidProgram,
                        "%zu offsets/sizes for input rank %zu, output rank %zu", n, in.rank, out.rank);
  for (size_t d = 0; d < n; ++d) {
    EMBER_CHECK_OR_RETURN(sizes[d] > 0 && offsets[d] <= in.dims[d] && sizes[d] <= in.dims[d] - offsets[d],
                          Error::InvalidProgram, "slice [%u, +%u) of dim %zu is out of range (size %zu)", offsets[d],
                          sizes[d], d, in.dims[d]);
    EMBER_CHECK_OR_RETURN(out.dims[d] == sizes[d], Error::InvalidProgram, "output dim %zu is %zu, slice size %u", d,
                          out.dims[d], sizes[d]);
  }
  return Error::Ok;
}

Error check_concatenate(const Value* const* inputs, size_t count, const Value& out, uint32_t axis) {
  EMBER_CHECK_OR_RETURN(count >= 2 && count <= 5, Error::InvalidProgram, "%zu inputs (2 to 5)", count);
  EMBER_TRY(check_storable(out, "output"));
  EMBER_CHECK_OR_RETURN(axis < out.rank, Error::InvalidProgram, "axis %u out of range for rank %zu", axis, out.rank);
  size_t total = 0;
  for (size_t i = 0; i < count; ++i) {
    const Value& in = *inputs[i];
    EMBER_CHECK_OR_RETURN(in.type == out.type, Error::InvalidProgram, "input %zu type %s differs from output %s",
                          i + 1, data_type_name(in.type), data_type_name(out.type));
    EMBER_TRY(check_storable(in, "input"));
    EMBER_CHECK_OR_RETURN(in.rank == out.rank, Error::InvalidProgram, "input %zu rank %zu, output rank %zu", i + 1,
                          in.rank, out.rank);
    for (size_t d = 0; d < out.rank; ++d) {
      EMBER_CHECK_OR_RETURN(d == axis || in.dims[d] == out.dims[d], Error::InvalidProgram,
                            "input %zu dim %zu is %zu, output has %zu (concatenating along axis %u)", i + 1, d,
                            in.dims[d], out.dims[d], axis);
    }
    total += in.dims[axis];
  }
  EMBER_CHECK_OR_RETURN(total == out.dims[axis], Error::InvalidProgram,
                        "inputs add up to %zu along axis %u, output has %zu", total, axis, out.dims[axis]);
  return Error::Ok;
}

Error check_copy(const Value& in, const Value& out) {
  EMBER_TRY(check_same_quantization(in, out));
  EMBER_CHECK_OR_RETURN(in.numel() == out.numel(), Error::InvalidProgram, "input has %zu elements, output %zu",
                        in.numel(), out.numel());
  return Error::Ok;
}

Error check_constant_pad(const Value& in, const Value& out, const uint32_t* pre, size_t num_pre, const uint32_t* post,
                         size_t num_post) {
  EMBER_TRY(check_same_quantization(in, out));
  EMBER_CHECK_OR_RETURN(num_pre == in.rank && num_post == in.rank && out.rank == in.rank, Error::InvalidProgram,
                        "%zu pre and %zu post paddings for input rank %zu, output rank %zu", num_pre, num_post,
                        in.rank, out.rank);
  for (size_t d = 0; d < in.rank; ++d) {
    EMBER_CHECK_OR_RETURN(static_cast<uint64_t>(in.dims[d]) + pre[d] + post[d] == out.dims[d], Error::InvalidProgram,
                          "dim %zu: %zu + %u + %u != output %zu", d, in.dims[d], pre[d], post[d], out.dims[d]);
  }
  return Error::Ok;
}

Error check_resize_bilinear(const Value& in, const Value& out, uint32_t new_height, uint32_t new_width,
                            uint32_t flags) {
  EMBER_TRY(check_same_quantization(in, out));
  EMBER_CHECK_OR_RETURN(in.type == DataType::Fp32 || is_8bit(in.type), Error::NotSupported,
                        "datatype %s is not supported", data_type_name(in.type));
  EMBER_CHECK_OR_RETURN(in.rank == 4 && out.rank == 4, Error::InvalidProgram, "input rank %zu, output rank %zu (NHWC)",
                        in.rank, out.rank);
  EMBER_CHECK_OR_RETURN((flags & ~(kResizeAlignCorners | kResizeLegacyMode)) == 0 &&
                            flags != (kResizeAlignCorners | kResizeLegacyMode),
                        Error::InvalidProgram, "flags 0x%x (align_corners and legacy mode exclude each other)", flags);
  EMBER_CHECK_OR_RETURN(new_height > 0 && new_width > 0 && new_height < (1u << 24) && new_width < (1u << 24) &&
                            in.dims[1] < (1u << 24) && in.dims[2] < (1u << 24),
                        Error::InvalidProgram, "sizes %zux%zu -> %ux%u outside (0, 2^24)", in.dims[1], in.dims[2],
                        new_height, new_width);
  EMBER_CHECK_OR_RETURN(out.dims[0] == in.dims[0] && out.dims[1] == new_height && out.dims[2] == new_width &&
                            out.dims[3] == in.dims[3],
                        Error::InvalidProgram, "output [%zu, %zu, %zu, %zu] is not [%zu, %u, %u, %zu]", out.dims[0],
                        out.dims[1], out.dims[2], out.dims[3], in.dims[0], new_height, new_width, in.dims[3]);
  return Error::Ok;
}

namespace {

// Batch dims (all but the last two) of `b` equal `out`'s or are 1.
bool broadcastable_batch(const Value& b, const Value& out) {
  if (b.rank != out.rank) return false;
  for (size_t d = 0; d + 2 < out.rank; ++d) {
    if (b.dims[d] != out.dims[d] && b.dims[d] != 1) return false;
  }
  return true;
}

}  // namespace

Error check_batch_matmul(const Value& a, const Value& b, const Value& out, uint32_t flags) {
  EMBER_CHECK_OR_RETURN(a.type == DataType::Fp32 && b.type == DataType::Fp32 && out.type == DataType::Fp32,
                        Error::NotSupported, "only fp32 is supported (%s x %s -> %s)", data_type_name(a.type),
                        data_type_name(b.type), data_type_name(out.type));
  EMBER_CHECK_OR_RETURN((flags & ~kBmmTransposeB) == 0, Error::InvalidProgram, "unknown flags 0x%x", flags);
  EMBER_CHECK_OR_RETURN(out.rank >= 2 && broadcastable_batch(a, out) && broadcastable_batch(b, out),
                        Error::InvalidProgram, "ranks %zu x %zu -> %zu or batch dims disagree", a.rank, b.rank,
                        out.rank);
  size_t r = out.rank;
  size_t m = a.dims[r - 2], k = a.dims[r - 1];
  bool tb = (flags & kBmmTransposeB) != 0;
  size_t bk = tb ? b.dims[r - 1] : b.dims[r - 2];
  size_t n = tb ? b.dims[r - 2] : b.dims[r - 1];
  EMBER_CHECK_OR_RETURN(bk == k && out.dims[r - 2] == m && out.dims[r - 1] == n, Error::InvalidProgram,
                        "[%zu, %zu] x [%zu, %zu] -> [%zu, %zu] do not agree", m, k, bk, n, out.dims[r - 2],
                        out.dims[r - 1]);
  return Error::Ok;
}

Error check_sdpa(const Value& q, const Value& k, const Value& v, const Value& scale, const Value* mask,
                 const Value& out) {
  for (const Value* x : {&q, &k, &v, &scale, &out}) {
    EMBER_CHECK_OR_RETURN(x->type == DataType::Fp32, Error::NotSupported, "only fp32 is supported (found %s)",
                          data_type_name(x->type));
  }
  EMBER_CHECK_OR_RETURN(mask == nullptr || mask->type == DataType::Fp32, Error::NotSupported, "mask must be fp32");
  size_t r = q.rank;
  EMBER_CHECK_OR_RETURN(r >= 2 && out.rank == r && broadcastable_batch(k, q) && broadcastable_batch(v, q),
                        Error::InvalidProgram, "query rank %zu; key, value and output must match it", r);
  for (size_t d = 0; d + 2 < r; ++d) {
    EMBER_CHECK_OR_RETURN(out.dims[d] == q.dims[d] && k.dims[d] == v.dims[d], Error::InvalidProgram,
                          "batch dim %zu disagrees between query/output or key/value", d);
  }
  size_t l = q.dims[r - 2], e = q.dims[r - 1], s = k.dims[r - 2], ev = v.dims[r - 1];
  EMBER_CHECK_OR_RETURN(k.dims[r - 1] == e && v.dims[r - 2] == s && out.dims[r - 2] == l && out.dims[r - 1] == ev,
                        Error::InvalidProgram, "Q [%zu, %zu], K [%zu, %zu], V [%zu, %zu] -> [%zu, %zu] disagree", l, e,
                        k.dims[r - 2], k.dims[r - 1], v.dims[r - 2], ev, out.dims[r - 2], out.dims[r - 1]);
  EMBER_CHECK_OR_RETURN(scale.constant != nullptr && scale.numel() == e, Error::NotSupported,
                        "scale must be a constant of %zu (channel) values", e);
  EMBER_CHECK_OR_RETURN(mask == nullptr || (mask->rank == 2 && mask->dims[0] == l && mask->dims[1] == s),
                        Error::InvalidProgram, "mask must be [%zu, %zu]", l, s);
  return Error::Ok;
}

}  // namespace ember::xnnpack
