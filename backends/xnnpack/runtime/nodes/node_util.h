// Shared pieces of node implementations: an owning XNNPACK operator handle,
// status checks, output shape checks, the real-to-quantized conversion of
// clamp bounds, and the bias rescaling shared by fully-connected and
// convolution nodes.
#pragma once

#include <xnnpack.h>

#include <cmath>
#include <cstdint>

#include "backends/xnnpack/capability/capability.h"
#include "backends/xnnpack/runtime/node_factory.h"

namespace ember::xnnpack {

// Owns an xnn_operator_t; deletes it on destruction.
class XnnOperator {
 public:
  XnnOperator() = default;
  ~XnnOperator() {
    if (op_ != nullptr) xnn_delete_operator(op_);
  }
  XnnOperator(const XnnOperator&) = delete;
  XnnOperator& operator=(const XnnOperator&) = delete;
  xnn_operator_t* out() { return &op_; }
  xnn_operator_t get() const { return op_; }

 private:
  xnn_operator_t op_ = nullptr;
};

// Fails with the node's kind, index and the XNNPACK status name.
inline Error check_xnn(xnn_status status, uint32_t node, const char* kind, const char* step) {
  if (status == xnn_status_success) return Error::Ok;
  return fail(status == xnn_status_out_of_memory ? Error::MemoryAllocationFailed : Error::Internal,
              "node %u (%s): XNNPACK %s failed: %s", node, kind, step, xnn_status_name(status));
}

// The output's dims, just set by a reshape, fit the element count the blob
// declared for it (its arena slot or caller tensor holds no more).
inline Error check_output_fits(uint32_t node, const char* kind, const Value& out) {
  if (out.numel() > out.capacity) {
    return fail(Error::InvalidArgument, "node %u (%s): output of %zu elements exceeds its bound of %zu", node, kind,
                out.numel(), out.capacity);
  }
  return Error::Ok;
}

// Elementwise nodes: the output takes the input's dims (ranks must match).
inline Error same_shape(uint32_t node, const char* kind, const Value& in, Value& out) {
  if (in.rank != out.rank) {
    return fail(Error::InvalidArgument, "node %u (%s): input rank %zu, output rank %zu", node, kind, in.rank, out.rank);
  }
  for (size_t i = 0; i < in.rank; ++i) out.dims[i] = in.dims[i];
  return check_output_fits(node, kind, out);
}

// A real-valued bound as a quantized value, saturated to [lo, hi].
inline int32_t quantize_bound(float real, float scale, int32_t zero_point, int32_t lo, int32_t hi) {
  if (std::isinf(real)) return real < 0 ? lo : hi;
  float q = std::nearbyint(real / scale) + static_cast<float>(zero_point);
  if (!(q > static_cast<float>(lo))) return lo;
  if (q > static_cast<float>(hi)) return hi;
  return static_cast<int32_t>(q);
}

inline bool is_quantized_8bit(DataType t) { return t == DataType::QInt8 || t == DataType::QUInt8; }
inline int32_t qmin_of(DataType t) { return t == DataType::QUInt8 ? 0 : -128; }
inline int32_t qmax_of(DataType t) { return t == DataType::QUInt8 ? 255 : 127; }

// Bias in the scale XNNPACK assumes (s_in * s_w[c]) for n output channels;
// the file's bias when its scale already matches, else a rescaled copy in the
// method allocator (valid as long as the method).
inline Result<const int32_t*> bias_in_accumulator_scale(const NodeBuildContext& c, const Value& bias,
                                                        float input_scale, const Value& weights, size_t n) {
  const auto* b = static_cast<const int32_t*>(bias.constant);
  bool exact = true;
  for (size_t i = 0; i < n && exact; ++i) {
    float ws = weights.is_per_channel() ? weights.quant.channel_scales[i] : weights.quant.scale;
    float bs = bias.is_per_channel() ? bias.quant.channel_scales[i] : bias.quant.scale;
    double want = static_cast<double>(input_scale) * ws;
    exact = std::fabs(bs - want) <= 1e-6 * want;
  }
  if (exact) return b;
  auto* copy = static_cast<int32_t*>(c.allocator->allocate(n * sizeof(int32_t), 16));
  if (copy == nullptr) return c.fail_node(Error::MemoryAllocationFailed, "method allocator exhausted (bias)");
  for (size_t i = 0; i < n; ++i) {
    float ws = weights.is_per_channel() ? weights.quant.channel_scales[i] : weights.quant.scale;
    float bs = bias.is_per_channel() ? bias.quant.channel_scales[i] : bias.quant.scale;
    double r = std::nearbyint(static_cast<double>(b[i]) * bs / (static_cast<double>(input_scale) * ws));
    if (!(r >= -2147483648.0 && r <= 2147483647.0)) {
      return c.fail_node(Error::NotSupported, "bias %zu does not fit int32 after rescaling to s_in * s_w", i);
    }
    copy[i] = static_cast<int32_t>(r);
  }
  return static_cast<const int32_t*>(copy);
}

}  // namespace ember::xnnpack
