// Elementwise binary nodes with NumPy broadcasting: fp32 add, subtract,
// multiply, divide, minimum, maximum; 8-bit add, subtract and multiply where
// this XNNPACK is exact (see the scale-ratio limits below).
#include <cmath>

#include "backends/xnnpack/runtime/nodes/node_util.h"
#include "xnnpack_graph_generated.h"

namespace ember::xnnpack {
namespace {

class BinaryNode final : public Node {
 public:
  BinaryNode(uint32_t index, const char* kind, BinaryOp op, DataType type, uint32_t a, uint32_t b, uint32_t out)
      : Node(index, kind), op_(op), type_(type), a_(a), b_(b), out_(out) {}

  xnn_operator_t* operator_out() { return op_handle_.out(); }

  Error reshape(Value* values) override {
    const Value& a = values[a_];
    const Value& b = values[b_];
    Value& out = values[out_];
    size_t rank = a.rank > b.rank ? a.rank : b.rank;
    if (rank != out.rank) {
      return fail(Error::InvalidArgument, "node %u (%s): output rank %zu, broadcast rank %zu", index(), kind(),
                  out.rank, rank);
    }
    for (size_t i = 0; i < rank; ++i) {
      size_t da = i + a.rank >= rank ? a.dims[i + a.rank - rank] : 1;
      size_t db = i + b.rank >= rank ? b.dims[i + b.rank - rank] : 1;
      if (da != db && da != 1 && db != 1) {
        return fail(Error::InvalidArgument, "node %u (%s): dims %zu and %zu do not broadcast (axis %zu)", index(),
                    kind(), da, db, i);
      }
      out.dims[i] = da == 1 ? db : da;
    }
    return check_output_fits(index(), kind(), out);
  }

  Error setup(Value* values, pthreadpool_t pool) override {
    const Value& a = values[a_];
    const Value& b = values[b_];
    Value& out = values[out_];
    xnn_operator_t op = op_handle_.get();
    xnn_status s = xnn_status_invalid_parameter;
    if (type_ == DataType::Fp32) {
      auto* x = static_cast<const float*>(a.data);
      auto* y = static_cast<const float*>(b.data);
      auto* z = static_cast<float*>(out.data);
      switch (op_) {
        case BinaryOp::Add: s = xnn_setup_add_nd_f32(op, a.rank, a.dims, b.rank, b.dims, x, y, z, pool); break;
        case BinaryOp::Subtract: s = xnn_setup_subtract_nd_f32(op, a.rank, a.dims, b.rank, b.dims, x, y, z, pool); break;
        case BinaryOp::Multiply: s = xnn_setup_multiply_nd_f32(op, a.rank, a.dims, b.rank, b.dims, x, y, z, pool); break;
        case BinaryOp::Divide: s = xnn_setup_divide_nd_f32(op, a.rank, a.dims, b.rank, b.dims, x, y, z, pool); break;
        case BinaryOp::Minimum: s = xnn_setup_minimum_nd_f32(op, a.rank, a.dims, b.rank, b.dims, x, y, z, pool); break;
        case BinaryOp::Maximum: s = xnn_setup_maximum_nd_f32(op, a.rank, a.dims, b.rank, b.dims, x, y, z, pool); break;
      }
    } else if (type_ == DataType::QInt8) {
      auto* x = static_cast<const int8_t*>(a.data);
      auto* y = static_cast<const int8_t*>(b.data);
      auto* z = static_cast<int8_t*>(out.data);
      switch (op_) {
        case BinaryOp::Add: s = xnn_setup_add_nd_qs8(op, a.rank, a.dims, b.rank, b.dims, x, y, z, pool); break;
        case BinaryOp::Subtract: s = xnn_setup_subtract_nd_qs8(op, a.rank, a.dims, b.rank, b.dims, x, y, z, pool); break;
        case BinaryOp::Multiply: s = xnn_setup_multiply_nd_qs8(op, a.rank, a.dims, b.rank, b.dims, x, y, z, pool); break;
        default: break;
      }
    } else {
      auto* x = static_cast<const uint8_t*>(a.data);
      auto* y = static_cast<const uint8_t*>(b.data);
      auto* z = static_cast<uint8_t*>(out.data);
      switch (op_) {
        case BinaryOp::Add: s = xnn_setup_add_nd_qu8(op, a.rank, a.dims, b.rank, b.dims, x, y, z, pool); break;
        case BinaryOp::Subtract: s = xnn_setup_subtract_nd_qu8(op, a.rank, a.dims, b.rank, b.dims, x, y, z, pool); break;
        case BinaryOp::Multiply: s = xnn_setup_multiply_nd_qu8(op, a.rank, a.dims, b.rank, b.dims, x, y, z, pool); break;
        default: break;
      }
    }
    return check_xnn(s, index(), kind(), "setup");
  }

  Error run(pthreadpool_t pool) override { return check_xnn(xnn_run_operator(op_handle_.get(), pool), index(), kind(), "run"); }

 private:
  BinaryOp op_;
  DataType type_;
  uint32_t a_, b_, out_;
  XnnOperator op_handle_;
};

BinaryOp op_of(fb_xnnpack::XNodeUnion type) {
  switch (type) {
    case fb_xnnpack::XNodeUnion::XNNSubtract: return BinaryOp::Subtract;
    case fb_xnnpack::XNodeUnion::XNNMultiply: return BinaryOp::Multiply;
    case fb_xnnpack::XNodeUnion::XNNDiv: return BinaryOp::Divide;
    case fb_xnnpack::XNodeUnion::XNNMinimum: return BinaryOp::Minimum;
    case fb_xnnpack::XNodeUnion::XNNMaximum: return BinaryOp::Maximum;
    default: return BinaryOp::Add;
  }
}

}  // namespace

Result<Node*> create_binary_node(const fb_xnnpack::XNode* xnode, NodeBuildContext& c) {
  const auto* n = static_cast<const fb_xnnpack::_XNNNode2x1*>(xnode->xnode_union());
  EMBER_ASSIGN_OR_RETURN(Value * a, c.value(n->input1_id(), "input1"));
  EMBER_ASSIGN_OR_RETURN(Value * b, c.value(n->input2_id(), "input2"));
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(n->output_id(), "output"));
  BinaryOp op = op_of(xnode->xnode_union_type());
  DataType t = out->type;
  EMBER_TRY(c.check(check_binary(op, *a, *b, *out, OutputClamp{c.output_min, c.output_max})));
  EMBER_ASSIGN_OR_RETURN(Node * node, make_node<BinaryNode>(c, c.node_index, c.kind, op, t, n->input1_id(),
                                                             n->input2_id(), n->output_id()));
  auto* binary = static_cast<BinaryNode*>(node);
  xnn_status s = xnn_status_invalid_parameter;
  if (t == DataType::Fp32) {
    float lo = c.output_min;
    float hi = c.output_max;
    switch (op) {
      case BinaryOp::Add: s = xnn_create_add_nd_f32(lo, hi, 0, binary->operator_out()); break;
      case BinaryOp::Subtract: s = xnn_create_subtract_nd_f32(lo, hi, 0, binary->operator_out()); break;
      case BinaryOp::Multiply: s = xnn_create_multiply_nd_f32(lo, hi, 0, binary->operator_out()); break;
      case BinaryOp::Divide: s = xnn_create_divide_nd_f32(lo, hi, 0, binary->operator_out()); break;
      case BinaryOp::Minimum: s = xnn_create_minimum_nd_f32(0, binary->operator_out()); break;
      case BinaryOp::Maximum: s = xnn_create_maximum_nd_f32(0, binary->operator_out()); break;
    }
  } else {
    int32_t lo = quantize_bound(c.output_min, out->quant.scale, out->quant.zero_point, qmin_of(t), qmax_of(t));
    int32_t hi = quantize_bound(c.output_max, out->quant.scale, out->quant.zero_point, qmin_of(t), qmax_of(t));
    if (lo >= hi) {
      node->~Node();
      return c.fail_node(Error::InvalidProgram, "fused clamp [%g, %g] is empty after quantization", c.output_min,
                         c.output_max);
    }
    float sa = a->quant.scale, sb = b->quant.scale, so = out->quant.scale;
    if (t == DataType::QInt8) {
      auto za = static_cast<int8_t>(a->quant.zero_point), zb = static_cast<int8_t>(b->quant.zero_point),
           zo = static_cast<int8_t>(out->quant.zero_point);
      auto l = static_cast<int8_t>(lo), h = static_cast<int8_t>(hi);
      switch (op) {
        case BinaryOp::Add: s = xnn_create_add_nd_qs8(za, sa, zb, sb, zo, so, l, h, 0, binary->operator_out()); break;
        case BinaryOp::Subtract: s = xnn_create_subtract_nd_qs8(za, sa, zb, sb, zo, so, l, h, 0, binary->operator_out()); break;
        default: s = xnn_create_multiply_nd_qs8(za, sa, zb, sb, zo, so, l, h, 0, binary->operator_out()); break;
      }
    } else {
      auto za = static_cast<uint8_t>(a->quant.zero_point), zb = static_cast<uint8_t>(b->quant.zero_point),
           zo = static_cast<uint8_t>(out->quant.zero_point);
      auto l = static_cast<uint8_t>(lo), h = static_cast<uint8_t>(hi);
      switch (op) {
        case BinaryOp::Add: s = xnn_create_add_nd_qu8(za, sa, zb, sb, zo, so, l, h, 0, binary->operator_out()); break;
        case BinaryOp::Subtract: s = xnn_create_subtract_nd_qu8(za, sa, zb, sb, zo, so, l, h, 0, binary->operator_out()); break;
        default: s = xnn_create_multiply_nd_qu8(za, sa, zb, sb, zo, so, l, h, 0, binary->operator_out()); break;
      }
    }
  }
  Error e = check_xnn(s, c.node_index, c.kind, "create");
  if (e != Error::Ok) {
    node->~Node();
    return e;
  }
  return node;
}

}  // namespace ember::xnnpack
