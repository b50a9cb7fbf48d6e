// Convert: quantize (fp32 -> qint8/quint8), dequantize (8-bit -> fp32) on
// XNNPACK, and requantize (8-bit -> 8-bit, which this XNNPACK lacks) on the host.
#include <cmath>

#include "backends/xnnpack/runtime/nodes/node_util.h"
#include "xnnpack_graph_generated.h"

namespace ember::xnnpack {
namespace {

class XnnConvertNode final : public Node {
 public:
  XnnConvertNode(uint32_t index, const char* kind, DataType from, DataType to, uint32_t in, uint32_t out)
      : Node(index, kind), from_(from), to_(to), in_(in), out_(out) {}
  xnn_operator_t* operator_out() { return op_.out(); }

  Error reshape(Value* values) override { return same_shape(index(), kind(), values[in_], values[out_]); }

  Error setup(Value* values, pthreadpool_t pool) override {
    const Value& in = values[in_];
    Value& out = values[out_];
    size_t n = in.numel();
    xnn_status s;
    if (from_ == DataType::Fp32 && to_ == DataType::QInt8) {
      s = xnn_setup_convert_nc_f32_qs8(op_.get(), n, static_cast<const float*>(in.data), static_cast<int8_t*>(out.data), pool);
    } else if (from_ == DataType::Fp32) {
      s = xnn_setup_convert_nc_f32_qu8(op_.get(), n, static_cast<const float*>(in.data), static_cast<uint8_t*>(out.data), pool);
    } else if (from_ == DataType::QInt8) {
      s = xnn_setup_convert_nc_qs8_f32(op_.get(), n, static_cast<const int8_t*>(in.data), static_cast<float*>(out.data), pool);
    } else {
      s = xnn_setup_convert_nc_qu8_f32(op_.get(), n, static_cast<const uint8_t*>(in.data), static_cast<float*>(out.data), pool);
    }
    return check_xnn(s, index(), kind(), "setup");
  }

  Error run(pthreadpool_t pool) override { return check_xnn(xnn_run_operator(op_.get(), pool), index(), kind(), "run"); }

 private:
  DataType from_, to_;
  uint32_t in_, out_;
  XnnOperator op_;
};

// Requantization between 8-bit types, round half to even like XNNPACK's
// quantizing convert: q_out = clamp(nearbyint((q_in - z_in) * s_in / s_out) + z_out).
class RequantizeNode final : public Node {
 public:
  RequantizeNode(uint32_t index, const char* kind, const Value& in, const Value& out, uint32_t in_id, uint32_t out_id)
      : Node(index, kind),
        from_(in.type),
        to_(out.type),
        in_(in_id),
        out_(out_id),
        multiplier_(in.quant.scale / out.quant.scale),
        in_zero_(in.quant.zero_point),
        out_zero_(out.quant.zero_point),
        // uint8 <-> int8 at the same scale with the zero point moved by 128
        // (how the converter feeds uint8 QDQ models to int8 operators): every
        // value maps to q -/+ 128, in range, i.e. its top bit flipped.
        flips_sign_bit_(in.type != out.type && multiplier_ == 1.0f &&
                        out.quant.zero_point - in.quant.zero_point == (out.type == DataType::QInt8 ? -128 : 128)) {}

  Error reshape(Value* values) override { return same_shape(index(), kind(), values[in_], values[out_]); }
  Error setup(Value* values, pthreadpool_t) override {
    src_ = values[in_].data;
    dst_ = values[out_].data;
    n_ = values[in_].numel();
    return Error::Ok;
  }
  Error run(pthreadpool_t) override {
    if (flips_sign_bit_) {
      const auto* src = static_cast<const uint8_t*>(src_);
      auto* dst = static_cast<uint8_t*>(dst_);
      for (size_t i = 0; i < n_; ++i) dst[i] = static_cast<uint8_t>(src[i] ^ 0x80u);
      return Error::Ok;
    }
    int32_t lo = qmin_of(to_), hi = qmax_of(to_);
    for (size_t i = 0; i < n_; ++i) {
      int32_t q = from_ == DataType::QInt8 ? static_cast<const int8_t*>(src_)[i] : static_cast<const uint8_t*>(src_)[i];
      float r = std::nearbyint(static_cast<float>(q - in_zero_) * multiplier_) + static_cast<float>(out_zero_);
      int32_t v = r < static_cast<float>(lo) ? lo : r > static_cast<float>(hi) ? hi : static_cast<int32_t>(r);
      if (to_ == DataType::QInt8) {
        static_cast<int8_t*>(dst_)[i] = static_cast<int8_t>(v);
      } else {
        static_cast<uint8_t*>(dst_)[i] = static_cast<uint8_t>(v);
      }
    }
    return Error::Ok;
  }

 private:
  DataType from_, to_;
  uint32_t in_, out_;
  float multiplier_;
  int32_t in_zero_, out_zero_;
  bool flips_sign_bit_;
  const void* src_ = nullptr;
  void* dst_ = nullptr;
  size_t n_ = 0;
};

}  // namespace

Result<Node*> create_convert_node(const fb_xnnpack::XNode* xnode, NodeBuildContext& c) {
  const auto* n = static_cast<const fb_xnnpack::_XNNNode1x1*>(xnode->xnode_union());
  EMBER_ASSIGN_OR_RETURN(Value * in, c.value(n->input_id(), "input"));
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(n->output_id(), "output"));
  DataType from = in->type, to = out->type;
  EMBER_TRY(c.check(check_convert(*in, *out)));
  if (is_quantized_8bit(from) && is_quantized_8bit(to)) {
    return make_node<RequantizeNode>(c, c.node_index, c.kind, *in, *out, n->input_id(), n->output_id());
  }
  bool quantize = from == DataType::Fp32;
  const Value& q = quantize ? *out : *in;
  EMBER_ASSIGN_OR_RETURN(Node * node,
                         make_node<XnnConvertNode>(c, c.node_index, c.kind, from, to, n->input_id(), n->output_id()));
  auto* convert = static_cast<XnnConvertNode*>(node);
  xnn_status s;
  if (quantize && to == DataType::QInt8) {
    s = xnn_create_convert_nc_f32_qs8(1, 1, 1, q.quant.scale, static_cast<int8_t>(q.quant.zero_point), -128, 127, 0,
                                      convert->operator_out());
  } else if (quantize) {
    s = xnn_create_convert_nc_f32_qu8(1, 1, 1, q.quant.scale, static_cast<uint8_t>(q.quant.zero_point), 0, 255, 0,
                                      convert->operator_out());
  } else if (from == DataType::QInt8) {
    s = xnn_create_convert_nc_qs8_f32(1, 1, 1, q.quant.scale, static_cast<int8_t>(q.quant.zero_point), 0,
                                      convert->operator_out());
  } else {
    s = xnn_create_convert_nc_qu8_f32(1, 1, 1, q.quant.scale, static_cast<uint8_t>(q.quant.zero_point), 0,
                                      convert->operator_out());
  }
  Error e = check_xnn(s, c.node_index, c.kind, "create");
  if (e != Error::Ok) {
    node->~Node();
    return e;
  }
  return node;
}

}  // namespace ember::xnnpack
