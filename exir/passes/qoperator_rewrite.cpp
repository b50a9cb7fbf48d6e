#include "exir/passes/qoperator_rewrite.h"

#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "exir/ir/error.h"

namespace exir {
namespace {

// One QLinear op's layout: where its quantized inputs and their
// scale / zero point sit, the output's scale / zero point, and the float op.
struct Layout {
  std::string float_op;
  std::vector<size_t> tensors;  // each followed by its scale and zero point
  size_t y_scale = 0;           // followed by the output's zero point
};

bool layout_of(const Node& n, Layout* l) {
  const bool onnx = n.domain.empty() || n.domain == "ai.onnx";
  const bool ms = n.domain == "com.microsoft";
  if (onnx && n.op == "QLinearConv") *l = {"Conv", {0, 3}, 6};
  else if (onnx && n.op == "QLinearMatMul") *l = {"MatMul", {0, 3}, 6};
  else if (ms && n.op == "QLinearAdd") *l = {"Add", {0, 3}, 6};
  else if (ms && n.op == "QLinearMul") *l = {"Mul", {0, 3}, 6};
  else if (ms && n.op == "QLinearSigmoid") *l = {"Sigmoid", {0}, 3};
  else if (ms && n.op == "QLinearLeakyRelu") *l = {"LeakyRelu", {0}, 3};
  else if (ms && n.op == "QLinearGlobalAveragePool") *l = {"GlobalAveragePool", {0}, 3};
  else if (ms && n.op == "QLinearAveragePool") *l = {"AveragePool", {0}, 3};
  else if (ms && n.op == "QLinearConcat") {
    *l = {"Concat", {}, 0};
    for (size_t i = 2; i < n.inputs.size(); i += 3) l->tensors.push_back(i);
  } else {
    return false;
  }
  return true;
}

class Rewriter {
 public:
  explicit Rewriter(Graph& g) : g_(g) {}

  int run() {
    std::vector<Node> nodes = std::move(g_.nodes);
    g_.nodes.clear();
    int rewritten = 0;
    for (Node& n : nodes) {
      Layout l;
      if (!layout_of(n, &l)) {
        g_.nodes.push_back(std::move(n));
        continue;
      }
      rewrite(n, l);
      ++rewritten;
    }
    return rewritten;
  }

 private:
  Graph& g_;

  ValueId input(const Node& n, size_t i) const { return i < n.inputs.size() ? n.inputs[i] : kNoValue; }

  ValueId float_value(ValueId like, const std::string& suffix) {
    Value v;
    v.name = g_.unique_name(g_.value(like).name + suffix);
    v.dtype = ScalarType::Float;
    v.shape = g_.value(like).shape;
    v.shape_known = true;
    return g_.add_value(std::move(v));
  }

  static Attribute int_attr(int64_t i) {
    Attribute a;
    a.kind = Attribute::Kind::Int;
    a.i = i;
    return a;
  }

  ValueId dequantize(const Node& n, ValueId x, ValueId scale, ValueId zp, const std::string& tag) {
    const Value& xv = g_.value(x);
    if (!xv.quant) fail("%s: input '%s' has no quantization parameters", n.describe().c_str(), xv.name.c_str());
    const int64_t axis = xv.quant->axis;
    Node dq;
    dq.op = "DequantizeLinear";
    dq.name = n.name.empty() ? n.name : n.name + "_dq_" + tag;
    dq.inputs = {x, scale};
    if (zp != kNoValue) dq.inputs.push_back(zp);
    if (axis >= 0) dq.attrs["axis"] = int_attr(axis);
    const ValueId y = float_value(x, "_dq");
    dq.outputs = {y};
    g_.nodes.push_back(std::move(dq));
    return y;
  }

  // QLinearConv's int32 bias, dequantized at x_scale * w_scale[c].
  ValueId dequantize_bias(const Node& n, ValueId b) {
    const QuantParams& xq = *g_.value(n.inputs[0]).quant;
    const QuantParams& wq = *g_.value(n.inputs[3]).quant;
    QuantParams q;
    q.storage = ScalarType::Int;
    q.qmin = std::numeric_limits<int32_t>::min();
    q.qmax = std::numeric_limits<int32_t>::max();
    for (float ws : wq.scales) q.scales.push_back(xq.scales[0] * ws);
    q.zero_points.assign(q.scales.size(), 0);
    q.axis = q.scales.size() > 1 ? 0 : -1;
    const int64_t count = static_cast<int64_t>(q.scales.size());
    std::vector<uint8_t> sb(q.scales.size() * sizeof(float)), zb(q.scales.size() * sizeof(int32_t), 0);
    std::memcpy(sb.data(), q.scales.data(), sb.size());
    const std::string base = g_.value(b).name;
    const ValueId scale = g_.add_constant(g_.unique_name(base + "_scale"), ScalarType::Float, {count}, std::move(sb));
    const ValueId zp = g_.add_constant(g_.unique_name(base + "_zero_point"), ScalarType::Int, {count}, std::move(zb));
    Value& bv = g_.value(b);
    if (bv.quant && (bv.quant->scales != q.scales || bv.quant->axis != q.axis)) {
      fail("%s: bias '%s' is read with other quantization parameters elsewhere", n.describe().c_str(), bv.name.c_str());
    }
    bv.quant = q;
    return dequantize(n, b, scale, zp, "bias");
  }

  void rewrite(const Node& n, const Layout& l) {
    Node op;
    op.op = l.float_op;
    op.name = n.name;
    op.attrs = n.attrs;
    op.attrs.erase("channels_last");
    for (size_t k = 0; k < l.tensors.size(); ++k) {
      const size_t i = l.tensors[k];
      op.inputs.push_back(dequantize(n, n.inputs[i], input(n, i + 1), input(n, i + 2), std::to_string(k)));
    }
    if (n.op == "QLinearConv" && input(n, 8) != kNoValue) op.inputs.push_back(dequantize_bias(n, n.inputs[8]));
    const ValueId y = n.outputs[0];
    const ValueId f = float_value(y, "_float");
    op.outputs = {f};
    g_.nodes.push_back(std::move(op));
    Node q;
    q.op = "QuantizeLinear";
    q.name = n.name.empty() ? n.name : n.name + "_q";
    q.inputs = {f, input(n, l.y_scale)};
    if (input(n, l.y_scale + 1) != kNoValue) q.inputs.push_back(n.inputs[l.y_scale + 1]);
    q.outputs = {y};
    g_.nodes.push_back(std::move(q));
  }
};

}  // namespace

int rewrite_qoperators(Graph& g) { return Rewriter(g).run(); }

}  // namespace exir
