// Pooling nodes, NHWC:
// - MaxPooling2d: XNNPACK f32 / s8 / u8 max pooling.
// - AvgPooling2d: XNNPACK f32 average pooling; qint8/quint8 on an exact host
//   kernel (this XNNPACK has no qs8 average pooling). Host rounding follows
//   PyTorch's quantized avg_pool2d: q = zp_out + round_half_even(sum(x - zp_in)
//   * s_in / (s_out * count)), saturated, count = elements inside the input
//   (count_include_pad = false, as XNNPACK does with padding).
// - GlobalAvgPooling2d: XNNPACK global_average_pooling_nwc f32 / qs8 / qu8
//   over H*W (qs8/qu8 may differ from exact rounding by one step).
// - ArgMaxPooling2d: XNNPACK f32 argmax pooling, stride = pooling size;
//   indices are window-local, column-major (x * pool_h + y), XNNPACK's order.
// Capability rules: check_pooling (capability/pooling_capability.cpp).
#include <cmath>
#include <cstdint>

#include "backends/xnnpack/runtime/nodes/node_util.h"
#include "xnnpack_graph_generated.h"

namespace ember::xnnpack {
namespace {

// XNNPACK's qs8/qu8 global pooling accumulates in int32 with a per-width
// requantization scale; this bound keeps both well inside their ranges.
constexpr size_t kMaxGlobalPoolPixels = size_t{1} << 22;

enum class PoolImpl { MaxF32, MaxS8, MaxU8, AvgF32, AvgHostS8, AvgHostU8, GlobalF32, GlobalQS8, GlobalQU8, ArgMaxF32 };

class PoolNode final : public Node {
 public:
  PoolNode(uint32_t index, const char* kind, PoolImpl impl, const PoolGeometry& g, size_t channels, uint32_t in,
           uint32_t out, uint32_t indices)
      : Node(index, kind), impl_(impl), g_(g), op_channels_(channels), in_(in), out_(out), indices_(indices) {}

  xnn_operator_t* operator_out() { return op_.out(); }

  // Host average pooling parameters (8-bit).
  void set_host_quant(const QuantParams& in, const QuantParams& out, int32_t lo, int32_t hi) {
    in_q_ = in;
    out_q_ = out;
    lo_ = lo;
    hi_ = hi;
  }

  Error reshape(Value* values) override {
    const Value& in = values[in_];
    Value& out = values[out_];
    if (in.rank != 4 || in.dims[1] == 0 || in.dims[2] == 0 || in.dims[3] != op_channels_) {
      return fail(Error::InvalidArgument, "node %u (%s): input must be NHWC with non-empty H and W and %zu channels",
                  index(), kind(), op_channels_);
    }
    batch_ = in.dims[0];
    height_ = in.dims[1];
    width_ = in.dims[2];
    channels_ = in.dims[3];
    if (is_global()) {
      if (height_ * width_ > kMaxGlobalPoolPixels) {
        return fail(Error::InvalidArgument, "node %u (%s): %zu pixels exceed the global pooling bound of %zu", index(),
                    kind(), height_ * width_, kMaxGlobalPoolPixels);
      }
      out.dims[0] = batch_;
      if (out.rank == 4) {
        out.dims[1] = 1;
        out.dims[2] = 1;
        out.dims[3] = channels_;
      } else {
        out.dims[1] = channels_;
      }
    } else {
      EMBER_TRY(output_extent(height_, g_.pool_h, g_.stride_h, g_.dilation_h, g_.pad_top + g_.pad_bottom, "height",
                              &out_h_));
      EMBER_TRY(output_extent(width_, g_.pool_w, g_.stride_w, g_.dilation_w, g_.pad_left + g_.pad_right, "width",
                              &out_w_));
      out.dims[0] = batch_;
      out.dims[1] = out_h_;
      out.dims[2] = out_w_;
      out.dims[3] = channels_;
    }
    EMBER_TRY(check_output_fits(index(), kind(), out));
    if (impl_ == PoolImpl::ArgMaxF32) {
      Value& idx = values[indices_];
      for (size_t d = 0; d < 4; ++d) idx.dims[d] = out.dims[d];
      EMBER_TRY(check_output_fits(index(), kind(), idx));
    }
    return Error::Ok;
  }

  Error setup(Value* values, pthreadpool_t pool) override {
    const void* x = values[in_].data;
    void* y = values[out_].data;
    xnn_operator_t op = op_.get();
    xnn_status s = xnn_status_success;
    size_t pixels = height_ * width_;
    switch (impl_) {
      case PoolImpl::MaxF32:
        s = xnn_setup_max_pooling2d_nhwc_f32(op, batch_, height_, width_, static_cast<const float*>(x),
                                             static_cast<float*>(y), pool);
        break;
      case PoolImpl::MaxS8:
        s = xnn_setup_max_pooling2d_nhwc_s8(op, batch_, height_, width_, static_cast<const int8_t*>(x),
                                            static_cast<int8_t*>(y), pool);
        break;
      case PoolImpl::MaxU8:
        s = xnn_setup_max_pooling2d_nhwc_u8(op, batch_, height_, width_, static_cast<const uint8_t*>(x),
                                            static_cast<uint8_t*>(y), pool);
        break;
      case PoolImpl::AvgF32:
        s = xnn_setup_average_pooling2d_nhwc_f32(op, batch_, height_, width_, static_cast<const float*>(x),
                                                 static_cast<float*>(y), pool);
        break;
      case PoolImpl::GlobalF32:
        s = xnn_setup_global_average_pooling_nwc_f32(op, batch_, pixels, static_cast<const float*>(x),
                                                     static_cast<float*>(y), pool);
        break;
      case PoolImpl::GlobalQS8:
        s = xnn_setup_global_average_pooling_nwc_qs8(op, batch_, pixels, static_cast<const int8_t*>(x),
                                                     static_cast<int8_t*>(y), pool);
        break;
      case PoolImpl::GlobalQU8:
        s = xnn_setup_global_average_pooling_nwc_qu8(op, batch_, pixels, static_cast<const uint8_t*>(x),
                                                     static_cast<uint8_t*>(y), pool);
        break;
      case PoolImpl::ArgMaxF32:
        s = xnn_setup_argmax_pooling2d_nhwc_f32(op, batch_, height_, width_, static_cast<const float*>(x),
                                                static_cast<float*>(y), static_cast<uint32_t*>(values[indices_].data),
                                                pool);
        break;
      case PoolImpl::AvgHostS8:
      case PoolImpl::AvgHostU8:
        host_in_ = x;
        host_out_ = y;
        break;
    }
    return check_xnn(s, index(), kind(), "setup");
  }

  Error run(pthreadpool_t pool) override {
    if (impl_ == PoolImpl::AvgHostS8) {
      average_host(static_cast<const int8_t*>(host_in_), static_cast<int8_t*>(host_out_));
      return Error::Ok;
    }
    if (impl_ == PoolImpl::AvgHostU8) {
      average_host(static_cast<const uint8_t*>(host_in_), static_cast<uint8_t*>(host_out_));
      return Error::Ok;
    }
    return check_xnn(xnn_run_operator(op_.get(), pool), index(), kind(), "run");
  }

 private:
  bool is_global() const {
    return impl_ == PoolImpl::GlobalF32 || impl_ == PoolImpl::GlobalQS8 || impl_ == PoolImpl::GlobalQU8;
  }

  // Floor-mode output extent; argmax pooling tiles the padded input.
  Error output_extent(size_t in, uint32_t k, uint32_t stride, uint32_t dilation, uint32_t pad, const char* axis,
                      size_t* out) const {
    size_t padded = in + pad;
    size_t effective = static_cast<size_t>(k - 1) * dilation + 1;
    if (padded < effective) {
      return fail(Error::InvalidArgument, "node %u (%s): input %s %zu is smaller than the %zu-wide window", index(),
                  kind(), axis, in, effective);
    }
    *out = impl_ == PoolImpl::ArgMaxF32 ? padded / k : (padded - effective) / stride + 1;
    return Error::Ok;
  }

  template <typename T>
  void average_host(const T* x, T* y) const {
    const int64_t h = static_cast<int64_t>(height_), w = static_cast<int64_t>(width_);
    const double ratio = static_cast<double>(in_q_.scale) / out_q_.scale;
    const int32_t zin = in_q_.zero_point, zout = out_q_.zero_point;
    for (size_t n = 0; n < batch_; ++n) {
      const T* xb = x + n * height_ * width_ * channels_;
      for (size_t oy = 0; oy < out_h_; ++oy) {
        const int64_t y0 = static_cast<int64_t>(oy * g_.stride_h) - g_.pad_top;
        for (size_t ox = 0; ox < out_w_; ++ox) {
          const int64_t x0 = static_cast<int64_t>(ox * g_.stride_w) - g_.pad_left;
          T* yp = y + ((n * out_h_ + oy) * out_w_ + ox) * channels_;
          for (size_t c = 0; c < channels_; ++c) {
            int64_t acc = 0, count = 0;
            for (uint32_t ky = 0; ky < g_.pool_h; ++ky) {
              const int64_t iy = y0 + static_cast<int64_t>(ky) * g_.dilation_h;
              if (iy < 0 || iy >= h) continue;
              for (uint32_t kx = 0; kx < g_.pool_w; ++kx) {
                const int64_t ix = x0 + static_cast<int64_t>(kx) * g_.dilation_w;
                if (ix < 0 || ix >= w) continue;
                acc += static_cast<int32_t>(xb[(iy * w + ix) * static_cast<int64_t>(channels_) +
                                               static_cast<int64_t>(c)]) -
                       zin;
                ++count;
              }
            }
            // count >= 1: check_pooling keeps padding within half a window.
            double q = std::nearbyint(static_cast<double>(acc) * ratio / static_cast<double>(count)) + zout;
            q = q < lo_ ? lo_ : (q > hi_ ? hi_ : q);
            yp[c] = static_cast<T>(q);
          }
        }
      }
    }
  }

  PoolImpl impl_;
  PoolGeometry g_;
  size_t op_channels_;  // fixed when the XNNPACK operator is created
  uint32_t in_, out_, indices_;
  size_t batch_ = 0, height_ = 0, width_ = 0, channels_ = 0, out_h_ = 0, out_w_ = 0;
  QuantParams in_q_, out_q_;
  int32_t lo_ = 0, hi_ = 0;
  const void* host_in_ = nullptr;
  void* host_out_ = nullptr;
  XnnOperator op_;
};

PoolImpl choose(PoolKind kind, DataType t) {
  switch (kind) {
    case PoolKind::Max:
      return t == DataType::Fp32 ? PoolImpl::MaxF32 : t == DataType::QInt8 ? PoolImpl::MaxS8 : PoolImpl::MaxU8;
    case PoolKind::Average:
      return t == DataType::Fp32 ? PoolImpl::AvgF32 : t == DataType::QInt8 ? PoolImpl::AvgHostS8 : PoolImpl::AvgHostU8;
    case PoolKind::GlobalAverage:
      return t == DataType::Fp32    ? PoolImpl::GlobalF32
             : t == DataType::QInt8 ? PoolImpl::GlobalQS8
                                    : PoolImpl::GlobalQU8;
    case PoolKind::ArgMax:
      return PoolImpl::ArgMaxF32;
  }
  return PoolImpl::MaxF32;
}

xnn_status create_operator(PoolNode* node, PoolImpl impl, const PoolGeometry& g, size_t channels, const Value& in,
                           const Value& out, int32_t lo, int32_t hi, const NodeBuildContext& c) {
  xnn_operator_t* op = node->operator_out();
  float fmin = c.output_min, fmax = c.output_max;
  switch (impl) {
    case PoolImpl::MaxF32:
      return xnn_create_max_pooling2d_nhwc_f32(g.pad_top, g.pad_right, g.pad_bottom, g.pad_left, g.pool_h, g.pool_w,
                                               g.stride_h, g.stride_w, g.dilation_h, g.dilation_w, channels, channels,
                                               channels, fmin, fmax, 0, op);
    case PoolImpl::MaxS8:
      return xnn_create_max_pooling2d_nhwc_s8(g.pad_top, g.pad_right, g.pad_bottom, g.pad_left, g.pool_h, g.pool_w,
                                              g.stride_h, g.stride_w, g.dilation_h, g.dilation_w, channels, channels,
                                              channels, static_cast<int8_t>(lo), static_cast<int8_t>(hi), 0, op);
    case PoolImpl::MaxU8:
      return xnn_create_max_pooling2d_nhwc_u8(g.pad_top, g.pad_right, g.pad_bottom, g.pad_left, g.pool_h, g.pool_w,
                                              g.stride_h, g.stride_w, g.dilation_h, g.dilation_w, channels, channels,
                                              channels, static_cast<uint8_t>(lo), static_cast<uint8_t>(hi), 0, op);
    case PoolImpl::AvgF32:
      return xnn_create_average_pooling2d_nhwc_f32(g.pad_top, g.pad_right, g.pad_bottom, g.pad_left, g.pool_h,
                                                   g.pool_w, g.stride_h, g.stride_w, channels, channels, channels,
                                                   fmin, fmax, 0, op);
    case PoolImpl::GlobalF32:
      return xnn_create_global_average_pooling_nwc_f32(channels, channels, channels, fmin, fmax, 0, op);
    case PoolImpl::GlobalQS8:
      return xnn_create_global_average_pooling_nwc_qs8(
          channels, channels, channels, static_cast<int8_t>(in.quant.zero_point), in.quant.scale,
          static_cast<int8_t>(out.quant.zero_point), out.quant.scale, static_cast<int8_t>(lo), static_cast<int8_t>(hi),
          0, op);
    case PoolImpl::GlobalQU8:
      return xnn_create_global_average_pooling_nwc_qu8(
          channels, channels, channels, static_cast<uint8_t>(in.quant.zero_point), in.quant.scale,
          static_cast<uint8_t>(out.quant.zero_point), out.quant.scale, static_cast<uint8_t>(lo),
          static_cast<uint8_t>(hi), 0, op);
    case PoolImpl::ArgMaxF32:
      return xnn_create_argmax_pooling2d_nhwc_f32(g.pad_top, g.pad_right, g.pad_bottom, g.pad_left, g.pool_h,
                                                  g.pool_w, channels, channels, channels, 0, op);
    case PoolImpl::AvgHostS8:
    case PoolImpl::AvgHostU8:
      return xnn_status_success;
  }
  return xnn_status_invalid_parameter;
}

}  // namespace

Result<Node*> create_pooling_node(const fb_xnnpack::XNode* xnode, NodeBuildContext& c) {
  using fb_xnnpack::XNodeUnion;
  XNodeUnion type = xnode->xnode_union_type();
  PoolKind kind = PoolKind::Max;
  PoolGeometry g;
  uint32_t in_id = 0, out_id = 0, indices_id = kInvalidId, flags = 0;
  if (type == XNodeUnion::XNNGlobalAvgPooling2d) {
    const auto* n = xnode->xnode_union_as_XNNGlobalAvgPooling2d();
    kind = PoolKind::GlobalAverage;
    in_id = n->input_id();
    out_id = n->output_id();
    flags = n->flags();
  } else if (type == XNodeUnion::XNNArgMaxPooling2d) {
    const auto* n = xnode->xnode_union_as_XNNArgMaxPooling2d();
    kind = PoolKind::ArgMax;
    g.pad_top = n->padding_top();
    g.pad_right = n->padding_right();
    g.pad_bottom = n->padding_bottom();
    g.pad_left = n->padding_left();
    g.pool_h = n->pooling_height();
    g.pool_w = n->pooling_width();
    g.stride_h = g.pool_h;
    g.stride_w = g.pool_w;
    in_id = n->input_id();
    out_id = n->output_value_id();
    indices_id = n->output_index_id();
    flags = n->flags();
  } else {
    const auto* n = static_cast<const fb_xnnpack::_XNNPooling2D*>(xnode->xnode_union());
    kind = type == XNodeUnion::XNNAvgPooling2d ? PoolKind::Average : PoolKind::Max;
    g.pad_top = n->padding_top();
    g.pad_right = n->padding_right();
    g.pad_bottom = n->padding_bottom();
    g.pad_left = n->padding_left();
    g.pool_h = n->pooling_height();
    g.pool_w = n->pooling_width();
    g.stride_h = n->stride_height();
    g.stride_w = n->stride_width();
    g.dilation_h = n->dilation_height();
    g.dilation_w = n->dilation_width();
    in_id = n->input_id();
    out_id = n->output_id();
    flags = n->flags();
  }
  // ExecuTorch writes flags 0 (no TensorFlow SAME padding).
  if (flags != 0) return c.fail_node(Error::NotSupported, "flags 0x%x are not supported", flags);
  EMBER_ASSIGN_OR_RETURN(Value * in, c.value(in_id, "input"));
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(out_id, "output"));
  Value* indices = nullptr;
  if (kind == PoolKind::ArgMax) {
    EMBER_ASSIGN_OR_RETURN(indices, c.value(indices_id, "index output"));
  }
  EMBER_TRY(c.check(check_pooling(kind, g, *in, *out, indices, OutputClamp{c.output_min, c.output_max})));

  PoolImpl impl = choose(kind, in->type);
  int32_t lo = 0, hi = 0;
  if (in->type != DataType::Fp32) {
    lo = quantize_bound(c.output_min, out->quant.scale, out->quant.zero_point, qmin_of(out->type), qmax_of(out->type));
    hi = quantize_bound(c.output_max, out->quant.scale, out->quant.zero_point, qmin_of(out->type), qmax_of(out->type));
  }
  EMBER_ASSIGN_OR_RETURN(Node * node, make_node<PoolNode>(c, c.node_index, c.kind, impl, g, in->dims[3], in_id, out_id,
                                                                indices_id));
  auto* pool = static_cast<PoolNode*>(node);
  pool->set_host_quant(in->quant, out->quant, lo, hi);
  Error e = check_xnn(create_operator(pool, impl, g, in->dims[3], *in, *out, lo, hi, c), c.node_index, c.kind,
                      "create");
  if (e != Error::Ok) {
    node->~Node();
    return e;
  }
  return node;
}

}  // namespace ember::xnnpack
