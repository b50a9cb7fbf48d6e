// FullyConnected: y[..., N] = x[..., K] . W^T + b on XNNPACK.
// - fp32, per-tensor qint8 (weight zero point 0) and quint8 use XNNPACK's
//   fully-connected operators.
// - Per-channel (qcint8) weights, which this XNNPACK's FC refuses, run as the
//   equivalent 1x1 QC8 convolution (exact, same speed).
// - A bias whose scale is not s_in * s_w[c] is requantized once at init.
// - Dynamically quantized linears (fp32 activations that ExecuTorch marks
//   qdint8, qcint8 weights, fp32 output) run as an fp32 FC on weights
//   dequantized once at init (w * s_w[c]). Cost: XNNPACK keeps packed fp32
//   weights, 4 bytes per weight instead of 1 (plus a transient fp32 copy
//   during packing, from the XNNPACK allocator); batch-1 runs are bound by
//   weight bandwidth, so they are up to ~4-7x slower than an int8 GEMM would
//   be here. Activations are not quantized per token, so results are the
//   float linear of the dequantized weights: within ExecuTorch's activation
//   quantization error of its int8 result, not bit-identical to it.
#include <cmath>
#include <cstring>

#include "backends/xnnpack/runtime/nodes/node_util.h"
#include "backends/xnnpack/runtime/xnnpack_allocator.h"
#include "xnnpack_graph_generated.h"

namespace ember::xnnpack {
namespace {

enum class FcKind { F32, QS8, QU8, QC8 };

class FullyConnectedNode final : public Node {
 public:
  FullyConnectedNode(uint32_t index, const char* kind, FcKind fc, size_t k, size_t n, uint32_t in, uint32_t out)
      : Node(index, kind), fc_(fc), k_(k), n_(n), in_(in), out_(out) {}
  xnn_operator_t* operator_out() { return op_.out(); }

  Error reshape(Value* values) override {
    const Value& in = values[in_];
    Value& out = values[out_];
    if (in.rank == 0 || in.dims[in.rank - 1] != k_) {
      return fail(Error::InvalidArgument, "node %u (%s): input's last dim %zu, weights expect %zu", index(), kind(),
                  in.rank == 0 ? 0 : in.dims[in.rank - 1], k_);
    }
    batch_ = in.numel() / k_;
    if (out.rank == in.rank) {
      for (size_t i = 0; i + 1 < in.rank; ++i) out.dims[i] = in.dims[i];
      out.dims[out.rank - 1] = n_;
    } else if (out.rank == 2) {
      out.dims[0] = batch_;
      out.dims[1] = n_;
    } else {
      return fail(Error::InvalidArgument, "node %u (%s): output rank %zu does not fit input rank %zu", index(), kind(),
                  out.rank, in.rank);
    }
    return check_output_fits(index(), kind(), out);
  }

  Error setup(Value* values, pthreadpool_t pool) override {
    const void* x = values[in_].data;
    void* y = values[out_].data;
    xnn_status s;
    switch (fc_) {
      case FcKind::F32:
        s = xnn_setup_fully_connected_nc_f32(op_.get(), batch_, static_cast<const float*>(x), static_cast<float*>(y), pool);
        break;
      case FcKind::QS8:
        s = xnn_setup_fully_connected_nc_qs8(op_.get(), batch_, static_cast<const int8_t*>(x), static_cast<int8_t*>(y), pool);
        break;
      case FcKind::QU8:
        s = xnn_setup_fully_connected_nc_qu8(op_.get(), batch_, static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), pool);
        break;
      default:
        s = xnn_setup_convolution2d_nhwc_qc8(op_.get(), batch_, 1, 1, static_cast<const int8_t*>(x),
                                             static_cast<int8_t*>(y), pool);
        break;
    }
    return check_xnn(s, index(), kind(), "setup");
  }

  Error run(pthreadpool_t pool) override { return check_xnn(xnn_run_operator(op_.get(), pool), index(), kind(), "run"); }

 private:
  FcKind fc_;
  size_t k_, n_;
  uint32_t in_, out_;
  size_t batch_ = 0;
  XnnOperator op_;
};

// fp32 FC on weights dequantized into a transient buffer (freed after packing).
Result<Node*> create_dynamic_fully_connected(NodeBuildContext& c, const fb_xnnpack::XNNFullyConnected* fc,
                                             const Value& in, const Value& w, const Value* bias, const Value& out,
                                             bool transposed) {
  EMBER_TRY(c.check(check_dynamic_fully_connected(in, w, bias, out, transposed)));
  size_t n = transposed ? w.dims[1] : w.dims[0];
  size_t k = transposed ? w.dims[0] : w.dims[1];
  const xnn_allocator* a = xnnpack_allocator();
  size_t bytes = 0;
  if (__builtin_mul_overflow(n * k, sizeof(float), &bytes)) {
    return c.fail_node(Error::InvalidProgram, "weights [%zu, %zu] overflow", n, k);
  }
  auto* wf = static_cast<float*>(a->allocate(a->context, bytes));
  if (wf == nullptr) {
    return c.fail_node(Error::MemoryAllocationFailed, "no memory for %zu bytes of dequantized weights", bytes);
  }
  const auto* wq = static_cast<const int8_t*>(w.constant);
  for (size_t i = 0; i < n * k; ++i) {
    size_t channel = transposed ? i % n : i / k;
    wf[i] = static_cast<float>(wq[i]) * w.quant.channel_scales[channel];
  }
  Result<Node*> made = make_node<FullyConnectedNode>(c, c.node_index, c.kind, FcKind::F32, k, n, fc->input1_id(),
                                                     fc->output_id());
  if (!made.ok()) {
    a->deallocate(a->context, wf);
    return made.error();
  }
  auto* fcn = static_cast<FullyConnectedNode*>(*made);
  xnn_status s = xnn_create_fully_connected_nc_f32(
      k, n, k, n, wf, bias != nullptr ? static_cast<const float*>(bias->constant) : nullptr, c.output_min,
      c.output_max, fc->flags(), fcn->operator_out());
  a->deallocate(a->context, wf);
  Error e = check_xnn(s, c.node_index, c.kind, "create");
  if (e != Error::Ok) {
    (*made)->~Node();  // through Node*: clang rejects ~Node() on the derived type
    return e;
  }
  return *made;
}

// The fp32 activation of a dynamically quantized linear, copied as is (see
// the file comment: the FC consumes fp32).
class DynamicQuantizeNode final : public Node {
 public:
  DynamicQuantizeNode(uint32_t index, const char* kind, uint32_t in, uint32_t out)
      : Node(index, kind), in_(in), out_(out) {}
  Error reshape(Value* values) override {
    const Value& in = values[in_];
    Value& out = values[out_];
    out.rank = in.rank;
    for (size_t i = 0; i < in.rank; ++i) out.dims[i] = in.dims[i];
    return check_output_fits(index(), kind(), out);
  }
  Error setup(Value* values, pthreadpool_t) override {
    src_ = values[in_].data;
    dst_ = values[out_].data;
    bytes_ = values[in_].numel() * sizeof(float);
    return Error::Ok;
  }
  Error run(pthreadpool_t) override {
    if (bytes_ > 0 && src_ != dst_) std::memmove(dst_, src_, bytes_);
    return Error::Ok;
  }

 private:
  uint32_t in_, out_;
  const void* src_ = nullptr;
  void* dst_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace

Result<Node*> create_fully_connected_node(const fb_xnnpack::XNode* xnode, NodeBuildContext& c) {
  const auto* fc = xnode->xnode_union_as_XNNFullyConnected();
  EMBER_ASSIGN_OR_RETURN(Value * in, c.value(fc->input1_id(), "input"));
  EMBER_ASSIGN_OR_RETURN(Value * w, c.value(fc->filter_id(), "filter"));
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(fc->output_id(), "output"));
  Value* bias = nullptr;
  if (fc->bias_id() != kInvalidId) {
    EMBER_ASSIGN_OR_RETURN(bias, c.value(fc->bias_id(), "bias"));
  }
  bool transposed = (fc->flags() & XNN_FLAG_TRANSPOSE_WEIGHTS) != 0;
  if (fc->flags() & ~static_cast<uint32_t>(XNN_FLAG_TRANSPOSE_WEIGHTS)) {
    return c.fail_node(Error::NotSupported, "flags 0x%x are not supported", fc->flags());
  }
  if (in->type == DataType::Fp32 && w->type == DataType::QCInt8) {
    return create_dynamic_fully_connected(c, fc, *in, *w, bias, *out, transposed);
  }
  EMBER_TRY(c.check(check_fully_connected(*in, *w, bias, *out, transposed)));
  size_t n = transposed ? w->dims[1] : w->dims[0];
  size_t k = transposed ? w->dims[0] : w->dims[1];
  FcKind kind = in->type == DataType::Fp32    ? FcKind::F32
                : w->type == DataType::QCInt8 ? FcKind::QC8
                : in->type == DataType::QInt8 ? FcKind::QS8
                                              : FcKind::QU8;
  const int32_t* qbias = nullptr;
  if (kind != FcKind::F32 && bias != nullptr) {
    EMBER_ASSIGN_OR_RETURN(qbias, bias_in_accumulator_scale(c, *bias, in->quant.scale, *w, n));
  }

  EMBER_ASSIGN_OR_RETURN(Node * node, make_node<FullyConnectedNode>(c, c.node_index, c.kind, kind, k, n,
                                                                     fc->input1_id(), fc->output_id()));
  auto* fcn = static_cast<FullyConnectedNode*>(node);
  xnn_status s;
  int32_t lo = 0, hi = 0;
  if (kind != FcKind::F32) {
    lo = quantize_bound(c.output_min, out->quant.scale, out->quant.zero_point, qmin_of(out->type), qmax_of(out->type));
    hi = quantize_bound(c.output_max, out->quant.scale, out->quant.zero_point, qmin_of(out->type), qmax_of(out->type));
  }
  switch (kind) {
    case FcKind::F32:
      s = xnn_create_fully_connected_nc_f32(k, n, k, n, static_cast<const float*>(w->constant),
                                            bias != nullptr ? static_cast<const float*>(bias->constant) : nullptr,
                                            c.output_min, c.output_max, fc->flags(), fcn->operator_out());
      break;
    case FcKind::QS8:
      s = xnn_create_fully_connected_nc_qs8(k, n, k, n, static_cast<int8_t>(in->quant.zero_point), in->quant.scale,
                                            w->quant.scale, static_cast<const int8_t*>(w->constant), qbias,
                                            static_cast<int8_t>(out->quant.zero_point), out->quant.scale,
                                            static_cast<int8_t>(lo), static_cast<int8_t>(hi), fc->flags(),
                                            fcn->operator_out());
      break;
    case FcKind::QU8:
      s = xnn_create_fully_connected_nc_qu8(k, n, k, n, static_cast<uint8_t>(in->quant.zero_point), in->quant.scale,
                                            static_cast<uint8_t>(w->quant.zero_point), w->quant.scale,
                                            static_cast<const uint8_t*>(w->constant), qbias,
                                            static_cast<uint8_t>(out->quant.zero_point), out->quant.scale,
                                            static_cast<uint8_t>(lo), static_cast<uint8_t>(hi), fc->flags(),
                                            fcn->operator_out());
      break;
    case FcKind::QC8: {
      const auto* kernel = static_cast<const int8_t*>(w->constant);
      if (transposed) {
        // The convolution wants [N, K]: transpose [K, N] once, into the method allocator.
        auto* t = static_cast<int8_t*>(c.allocator->allocate(n * k, 16));
        if (t == nullptr) {
          node->~Node();
          return c.fail_node(Error::MemoryAllocationFailed, "method allocator exhausted (weights)");
        }
        for (size_t r = 0; r < k; ++r) {
          for (size_t col = 0; col < n; ++col) t[col * k + r] = kernel[r * n + col];
        }
        kernel = t;
      }
      s = xnn_create_convolution2d_nhwc_qc8(0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, k, n, k, n,
                                            static_cast<int8_t>(in->quant.zero_point), in->quant.scale,
                                            w->quant.channel_scales, kernel, qbias,
                                            static_cast<int8_t>(out->quant.zero_point), out->quant.scale,
                                            static_cast<int8_t>(lo), static_cast<int8_t>(hi), 0, fcn->operator_out());
      break;
    }
  }
  Error e = check_xnn(s, c.node_index, c.kind, "create");
  if (e != Error::Ok) {
    node->~Node();
    return e;
  }
  return node;
}

Result<Node*> create_dynamic_quantize_node(uint32_t input_id, uint32_t output_id, NodeBuildContext& c) {
  EMBER_ASSIGN_OR_RETURN(Value * in, c.value(input_id, "input"));
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(output_id, "output"));
  EMBER_CHECK_OR_RETURN(in->type == DataType::Fp32 && out->type == DataType::Fp32, Error::NotSupported,
                        "node %u (%s): dynamic quantization from %s is not supported (fp32 only)", c.node_index, c.kind,
                        data_type_name(in->type));
  return make_node<DynamicQuantizeNode>(c, c.node_index, c.kind, input_id, output_id);
}

}  // namespace ember::xnnpack
