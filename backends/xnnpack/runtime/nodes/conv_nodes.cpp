// Conv2d, DepthwiseConv2d and ConvTranspose2d on XNNPACK's NHWC convolution
// and deconvolution operators: fp32, qint8 with per-tensor (qs8) or
// per-channel (qc8) weights, quint8 (qu8). Weights are packed by XNNPACK at
// init; output H/W follow the input's H/W and batch at every reshape.
// Capability rules: check_convolution (capability/conv_capability.cpp).
#include <cstdint>

#include "backends/xnnpack/runtime/nodes/node_util.h"
#include "xnnpack_graph_generated.h"

namespace ember::xnnpack {
namespace {

enum class ConvType { F32, QS8, QC8, QU8 };

class ConvNode final : public Node {
 public:
  ConvNode(uint32_t index, const char* kind, ConvType type, bool transposed, const ConvGeometry& g, size_t in_channels,
           size_t out_channels, uint32_t in, uint32_t out)
      : Node(index, kind),
        type_(type),
        transposed_(transposed),
        g_(g),
        in_channels_(in_channels),
        out_channels_(out_channels),
        in_(in),
        out_(out) {}

  xnn_operator_t* operator_out() { return op_.out(); }

  Error reshape(Value* values) override {
    const Value& in = values[in_];
    Value& out = values[out_];
    if (in.rank != 4 || in.dims[3] != in_channels_) {
      return fail(Error::InvalidArgument, "node %u (%s): input must be NHWC with %zu channels", index(), kind(),
                  in_channels_);
    }
    size_t oh = 0, ow = 0;
    EMBER_TRY(output_extent(in.dims[1], g_.kernel_h, g_.stride_h, g_.dilation_h, g_.pad_top, g_.pad_bottom,
                            g_.adjust_h, "height", &oh));
    EMBER_TRY(output_extent(in.dims[2], g_.kernel_w, g_.stride_w, g_.dilation_w, g_.pad_left, g_.pad_right,
                            g_.adjust_w, "width", &ow));
    out.dims[0] = in.dims[0];
    out.dims[1] = oh;
    out.dims[2] = ow;
    out.dims[3] = out_channels_;
    EMBER_TRY(check_output_fits(index(), kind(), out));
    batch_ = in.dims[0];
    height_ = in.dims[1];
    width_ = in.dims[2];
    return Error::Ok;
  }

  Error setup(Value* values, pthreadpool_t pool) override {
    const void* x = values[in_].data;
    void* y = values[out_].data;
    xnn_operator_t op = op_.get();
    xnn_status s = xnn_status_invalid_parameter;
    if (transposed_) {
      switch (type_) {
        case ConvType::F32:
          s = xnn_setup_deconvolution2d_nhwc_f32(op, batch_, height_, width_, g_.adjust_h, g_.adjust_w,
                                                 static_cast<const float*>(x), static_cast<float*>(y), pool);
          break;
        case ConvType::QS8:
          s = xnn_setup_deconvolution2d_nhwc_qs8(op, batch_, height_, width_, g_.adjust_h, g_.adjust_w,
                                                 static_cast<const int8_t*>(x), static_cast<int8_t*>(y), pool);
          break;
        case ConvType::QU8:
          s = xnn_setup_deconvolution2d_nhwc_qu8(op, batch_, height_, width_, g_.adjust_h, g_.adjust_w,
                                                 static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), pool);
          break;
        case ConvType::QC8:
          break;  // refused by check_convolution
      }
    } else {
      switch (type_) {
        case ConvType::F32:
          s = xnn_setup_convolution2d_nhwc_f32(op, batch_, height_, width_, static_cast<const float*>(x),
                                               static_cast<float*>(y), pool);
          break;
        case ConvType::QS8:
          s = xnn_setup_convolution2d_nhwc_qs8(op, batch_, height_, width_, static_cast<const int8_t*>(x),
                                               static_cast<int8_t*>(y), pool);
          break;
        case ConvType::QC8:
          s = xnn_setup_convolution2d_nhwc_qc8(op, batch_, height_, width_, static_cast<const int8_t*>(x),
                                               static_cast<int8_t*>(y), pool);
          break;
        case ConvType::QU8:
          s = xnn_setup_convolution2d_nhwc_qu8(op, batch_, height_, width_, static_cast<const uint8_t*>(x),
                                               static_cast<uint8_t*>(y), pool);
          break;
      }
    }
    return check_xnn(s, index(), kind(), "setup");
  }

  Error run(pthreadpool_t pool) override { return check_xnn(xnn_run_operator(op_.get(), pool), index(), kind(), "run"); }

 private:
  // Output extent along one axis; fails (instead of letting XNNPACK read out
  // of bounds or produce an empty tensor) when the input is too small.
  Error output_extent(size_t in, uint32_t k, uint32_t stride, uint32_t dilation, uint32_t pad_a, uint32_t pad_b,
                      uint32_t adjust, const char* axis, size_t* out) const {
    int64_t effective = static_cast<int64_t>(k - 1) * dilation + 1;
    int64_t extent;
    if (transposed_) {
      extent = static_cast<int64_t>(stride) * (static_cast<int64_t>(in) - 1) + adjust + effective - pad_a - pad_b;
    } else {
      int64_t padded = static_cast<int64_t>(in) + pad_a + pad_b;
      extent = padded < effective ? 0 : (padded - effective) / stride + 1;
    }
    if (in == 0 || extent <= 0) {
      return fail(Error::InvalidArgument, "node %u (%s): input %s %zu gives no output (kernel %u, dilation %u)",
                  index(), kind(), axis, in, k, dilation);
    }
    *out = static_cast<size_t>(extent);
    return Error::Ok;
  }

  ConvType type_;
  bool transposed_;
  ConvGeometry g_;
  size_t in_channels_, out_channels_;
  uint32_t in_, out_;
  size_t batch_ = 0, height_ = 0, width_ = 0;
  XnnOperator op_;
};

xnn_status create_operator(ConvNode* node, ConvType type, ConvKind kind, const ConvGeometry& g, const Value& in,
                           const Value& w, const void* bias, const Value& out, const NodeBuildContext& c) {
  // Depthwise: one input channel per group, XNNPACK's [KH, KW, C * mult]
  // filter layout selected by the flag.
  bool depthwise = kind == ConvKind::Depthwise;
  uint32_t flags = depthwise ? XNN_FLAG_DEPTHWISE_CONVOLUTION : 0;
  size_t gi = g.group_in, go = g.group_out;
  size_t ic = g.groups * gi, oc = g.groups * go;
  xnn_operator_t* op = node->operator_out();
  int32_t lo = 0, hi = 0;
  if (type != ConvType::F32) {
    lo = quantize_bound(c.output_min, out.quant.scale, out.quant.zero_point, qmin_of(out.type), qmax_of(out.type));
    hi = quantize_bound(c.output_max, out.quant.scale, out.quant.zero_point, qmin_of(out.type), qmax_of(out.type));
  }
  auto zi8 = static_cast<int8_t>(in.quant.zero_point), zo8 = static_cast<int8_t>(out.quant.zero_point);
  auto zi = static_cast<uint8_t>(in.quant.zero_point), zo = static_cast<uint8_t>(out.quant.zero_point),
       zw = static_cast<uint8_t>(w.quant.zero_point);
  const auto* b32 = static_cast<const int32_t*>(bias);
  if (kind == ConvKind::Transpose) {
    switch (type) {
      case ConvType::F32:
        return xnn_create_deconvolution2d_nhwc_f32(
            g.pad_top, g.pad_right, g.pad_bottom, g.pad_left, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w,
            g.dilation_h, g.dilation_w, g.groups, gi, go, ic, oc, static_cast<const float*>(w.constant),
            static_cast<const float*>(bias), c.output_min, c.output_max, 0, op);
      case ConvType::QS8:
        return xnn_create_deconvolution2d_nhwc_qs8(
            g.pad_top, g.pad_right, g.pad_bottom, g.pad_left, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w,
            g.dilation_h, g.dilation_w, g.groups, gi, go, ic, oc, zi8, in.quant.scale, w.quant.scale,
            static_cast<const int8_t*>(w.constant), b32, zo8, out.quant.scale, static_cast<int8_t>(lo),
            static_cast<int8_t>(hi), 0, op);
      case ConvType::QU8:
        return xnn_create_deconvolution2d_nhwc_qu8(
            g.pad_top, g.pad_right, g.pad_bottom, g.pad_left, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w,
            g.dilation_h, g.dilation_w, g.groups, gi, go, ic, oc, zi, in.quant.scale, zw, w.quant.scale,
            static_cast<const uint8_t*>(w.constant), b32, zo, out.quant.scale, static_cast<uint8_t>(lo),
            static_cast<uint8_t>(hi), 0, op);
      case ConvType::QC8:
        return xnn_status_unsupported_parameter;
    }
  }
  switch (type) {
    case ConvType::F32:
      return xnn_create_convolution2d_nhwc_f32(g.pad_top, g.pad_right, g.pad_bottom, g.pad_left, g.kernel_h,
                                               g.kernel_w, g.stride_h, g.stride_w, g.dilation_h, g.dilation_w,
                                               g.groups, gi, go, ic, oc, static_cast<const float*>(w.constant),
                                               static_cast<const float*>(bias), c.output_min, c.output_max, flags, op);
    case ConvType::QS8:
      return xnn_create_convolution2d_nhwc_qs8(
          g.pad_top, g.pad_right, g.pad_bottom, g.pad_left, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w,
          g.dilation_h, g.dilation_w, g.groups, gi, go, ic, oc, zi8, in.quant.scale, w.quant.scale,
          static_cast<const int8_t*>(w.constant), b32, zo8, out.quant.scale, static_cast<int8_t>(lo),
          static_cast<int8_t>(hi), flags, op);
    case ConvType::QC8:
      return xnn_create_convolution2d_nhwc_qc8(
          g.pad_top, g.pad_right, g.pad_bottom, g.pad_left, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w,
          g.dilation_h, g.dilation_w, g.groups, gi, go, ic, oc, zi8, in.quant.scale, w.quant.channel_scales,
          static_cast<const int8_t*>(w.constant), b32, zo8, out.quant.scale, static_cast<int8_t>(lo),
          static_cast<int8_t>(hi), flags, op);
    case ConvType::QU8:
      return xnn_create_convolution2d_nhwc_qu8(
          g.pad_top, g.pad_right, g.pad_bottom, g.pad_left, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w,
          g.dilation_h, g.dilation_w, g.groups, gi, go, ic, oc, zi, in.quant.scale, zw, w.quant.scale,
          static_cast<const uint8_t*>(w.constant), b32, zo, out.quant.scale, static_cast<uint8_t>(lo),
          static_cast<uint8_t>(hi), flags, op);
  }
  return xnn_status_invalid_parameter;
}

}  // namespace

Result<Node*> create_conv_node(const fb_xnnpack::XNode* xnode, NodeBuildContext& c) {
  using fb_xnnpack::XNodeUnion;
  const auto* n = static_cast<const fb_xnnpack::_XNNNodeConv*>(xnode->xnode_union());
  ConvKind kind = xnode->xnode_union_type() == XNodeUnion::XNNDepthwiseConv2d   ? ConvKind::Depthwise
                  : xnode->xnode_union_type() == XNodeUnion::XNNConvTranspose2d ? ConvKind::Transpose
                                                                                : ConvKind::Conv;
  EMBER_ASSIGN_OR_RETURN(Value * in, c.value(n->input1_id(), "input"));
  EMBER_ASSIGN_OR_RETURN(Value * w, c.value(n->filter_id(), "filter"));
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(n->output_id(), "output"));
  Value* bias = nullptr;
  if (n->bias_id() != kInvalidId) {
    EMBER_ASSIGN_OR_RETURN(bias, c.value(n->bias_id(), "bias"));
  }
  // ExecuTorch writes flags 0; XNNPACK's TensorFlow SAME padding is not
  // something its serializer produces.
  if (n->flags() != 0) return c.fail_node(Error::NotSupported, "flags 0x%x are not supported", n->flags());
  ConvGeometry g;
  g.pad_top = n->padding_top();
  g.pad_right = n->padding_right();
  g.pad_bottom = n->padding_bottom();
  g.pad_left = n->padding_left();
  g.kernel_h = n->kernel_height();
  g.kernel_w = n->kernel_width();
  g.stride_h = n->subsampling_height();
  g.stride_w = n->subsampling_width();
  g.dilation_h = n->dilation_height();
  g.dilation_w = n->dilation_width();
  g.groups = n->groups();
  g.group_in = n->group_input_channels();
  g.group_out = n->group_output_channels();
  g.adjust_h = n->adjustment_height();
  g.adjust_w = n->adjustment_width();
  EMBER_TRY(c.check(check_convolution(kind, g, *in, *w, bias, *out, OutputClamp{c.output_min, c.output_max})));

  ConvType type = in->type == DataType::Fp32    ? ConvType::F32
                  : w->type == DataType::QCInt8 ? ConvType::QC8
                  : in->type == DataType::QInt8 ? ConvType::QS8
                                                : ConvType::QU8;
  size_t oc = static_cast<size_t>(g.groups) * g.group_out;
  const void* b = bias != nullptr ? bias->constant : nullptr;
  if (type != ConvType::F32 && bias != nullptr) {
    EMBER_ASSIGN_OR_RETURN(b, bias_in_accumulator_scale(c, *bias, in->quant.scale, *w, oc));
  }
  EMBER_ASSIGN_OR_RETURN(Node * node,
                         make_node<ConvNode>(c, c.node_index, c.kind, type, kind == ConvKind::Transpose, g,
                                             static_cast<size_t>(g.groups) * g.group_in, oc, n->input1_id(),
                                             n->output_id()));
  auto* conv = static_cast<ConvNode*>(node);
  Error e = check_xnn(create_operator(conv, type, kind, g, *in, *w, b, *out, c), c.node_index, c.kind, "create");
  if (e != Error::Ok) {
    node->~Node();
    return e;
  }
  return node;
}

}  // namespace ember::xnnpack
