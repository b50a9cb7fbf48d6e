#include "exir/partition/xnnpack_translate.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "runtime/core/error.h"

namespace exir {
namespace {

namespace xnn = ember::xnnpack;
using Sizes = std::vector<int64_t>;

std::vector<uint32_t> dims32(const Sizes& s) { return std::vector<uint32_t>(s.begin(), s.end()); }

std::vector<uint32_t> physical_dims(const Sizes& s) {
  if (s.size() != 4) return dims32(s);
  return {static_cast<uint32_t>(s[0]), static_cast<uint32_t>(s[2]), static_cast<uint32_t>(s[3]),
          static_cast<uint32_t>(s[1])};
}

// A capability-table Value over a spec; valid while the spec lives.
xnn::Value view(const xnn::TensorSpec& s) {
  xnn::Value v;
  v.type = s.type;
  v.rank = s.dims.size();
  for (size_t i = 0; i < v.rank && i < xnn::kMaxDims; ++i) v.dims[i] = s.dims[i];
  v.capacity = v.numel();
  v.quant.scale = s.quant.scale;
  v.quant.zero_point = s.quant.zero_point;
  if (s.quant.kind == xnn::Quantization::Kind::PerChannel) {
    v.quant.channel_scales = s.quant.channel_scales.data();
    v.quant.num_channel_scales = s.quant.channel_scales.size();
    v.quant.channel_dim = s.quant.channel_dim;
  }
  if (!s.constant.bytes.empty()) v.constant = s.constant.bytes.data();
  return v;
}

bool refuse(std::string* reason, const std::string& why) {
  *reason = why;
  return false;
}

bool check(ember::Error e, std::string* reason) {
  if (e == ember::Error::Ok) return true;
  return refuse(reason, std::string("XNNPACK capability: ") + ember::error_message());
}

// An int8 weight constant behind DQ, permuted by `perm` (new dim i = old dim perm[i]).
struct Weight {
  std::vector<int8_t> data;
  Sizes sizes;               // after permutation
  std::vector<float> scales; // one (per tensor) or per channel
  int64_t zero_point = 0;
  int64_t axis = -1;         // after permutation
};

bool read_weight(const Graph& g, ValueId q, const Sizes& perm, Weight* w, std::string* reason) {
  const Value& v = g.value(q);
  if (!v.is_constant() || !v.quant) return refuse(reason, "weights must be a quantized constant");
  if (v.dtype != ScalarType::Char) return refuse(reason, "weights must be int8 (XNNPACK refuses uint8 weights with int8 activations)");
  const QuantParams& qp = *v.quant;
  if (qp.axis < 0 && qp.scales.size() != 1) return refuse(reason, "weight quantization must be per tensor or per channel");
  if (qp.block_size != 0) return refuse(reason, "blocked weight quantization is not supported by this XNNPACK");
  const Sizes s = v.sizes();
  Sizes strides(s.size(), 1);
  for (size_t d = s.size(); d-- > 1;) strides[d - 1] = strides[d] * s[d];
  w->sizes.clear();
  for (int64_t p : perm) w->sizes.push_back(s[static_cast<size_t>(p)]);
  w->data.resize(static_cast<size_t>(v.numel()));
  Sizes idx(s.size(), 0);
  for (int64_t e = 0; e < v.numel(); ++e) {
    int64_t src = 0;
    for (size_t d = 0; d < perm.size(); ++d) src += idx[d] * strides[static_cast<size_t>(perm[d])];
    w->data[static_cast<size_t>(e)] = v.as<int8_t>()[src];
    for (size_t d = perm.size(); d-- > 0;) {
      if (++idx[d] < w->sizes[d]) break;
      idx[d] = 0;
    }
  }
  w->scales = qp.scales;
  w->axis = -1;
  if (qp.axis >= 0) {
    for (size_t d = 0; d < perm.size(); ++d) {
      if (perm[d] == qp.axis) w->axis = static_cast<int64_t>(d);
    }
  }
  w->zero_point = qp.zero_points.empty() ? 0 : qp.zero_points[0];
  for (int64_t z : qp.zero_points) {
    if (z != 0) return refuse(reason, "weights must be symmetric (zero point 0)");
  }
  return true;
}

xnn::TensorSpec weight_spec(const Weight& w) {
  xnn::TensorSpec s;
  s.dims = dims32(w.sizes);
  s.constant = xnn::ConstantSource::of(w.data);
  if (w.axis >= 0) {
    s.type = xnn::DataType::QCInt8;
    s.quant = xnn::Quantization::per_channel(w.scales, static_cast<int32_t>(w.axis));
  } else {
    s.type = xnn::DataType::QInt8;
    s.quant = xnn::Quantization::per_tensor(w.scales[0], 0);
  }
  return s;
}

// int32 bias at scale s_in * s_w[c]: from DQ(int32), requantized when its
// scale differs (relative error > 1e-6), or quantized from a float constant.
bool make_bias(const Graph& g, const QuantUnit& u, size_t input, float s_in, const Weight& w, int64_t channels,
               xnn::TensorSpec* spec, std::string* reason) {
  const ValueId dq_in = u.quantized_input(g, input);
  const ValueId id = dq_in != kNoValue ? dq_in : g.value(g.nodes[u.op].inputs[input]).is_constant() ? g.nodes[u.op].inputs[input] : kNoValue;
  if (id == kNoValue) return refuse(reason, "bias must be a constant");
  const Value& b = g.value(id);
  if (b.numel() != channels) return refuse(reason, "bias must have one value per output channel");
  std::vector<float> target(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) target[static_cast<size_t>(c)] = s_in * w.scales[w.axis >= 0 ? static_cast<size_t>(c) : 0];
  std::vector<int32_t> q(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    const size_t k = static_cast<size_t>(c);
    double real;
    if (dq_in != kNoValue) {
      if (b.dtype != ScalarType::Int || !b.quant) return refuse(reason, "a dequantized bias must be int32");
      const QuantParams& bq = *b.quant;
      const size_t bc = bq.axis >= 0 ? k : 0;
      const int32_t raw = b.as<int32_t>()[c];
      if (bq.zero_points[bc] == 0 && std::fabs(bq.scales[bc] - target[k]) <= 1e-6 * target[k]) {
        q[k] = raw;
        continue;
      }
      real = (static_cast<double>(raw) - bq.zero_points[bc]) * bq.scales[bc];
    } else {
      if (b.dtype != ScalarType::Float) return refuse(reason, "bias must be float or dequantized int32");
      real = b.as<float>()[c];
    }
    const double r = std::nearbyint(real / target[k]);
    // NaN (a NaN or zero scale) has no int32 value; converting it is undefined.
    if (std::isnan(r)) return refuse(reason, "the bias does not quantize to int32 (NaN or zero scale)");
    q[k] = static_cast<int32_t>(std::min<double>(std::max<double>(r, INT32_MIN), INT32_MAX));
  }
  spec->dims = {static_cast<uint32_t>(channels)};
  spec->constant = xnn::ConstantSource::of(q);
  if (w.axis >= 0) {
    spec->type = xnn::DataType::QCInt32;
    spec->quant = xnn::Quantization::per_channel(target, 0);
  } else {
    spec->type = xnn::DataType::QInt32;
    spec->quant = xnn::Quantization::per_tensor(target[0], 0);
  }
  return true;
}

uint32_t u32(int64_t v) { return static_cast<uint32_t>(v); }

bool translate_conv(const Graph& g, const QuantUnit& u, XnnOp* op, std::string* reason) {
  const Node& n = g.nodes[u.op];
  const ValueId x = u.quantized_input(g, 0), wq = u.quantized_input(g, 1);
  if (x == kNoValue || wq == kNoValue) return refuse(reason, "input and weights must be dequantized");
  const Sizes xs = g.value(x).sizes(), ws = g.value(wq).sizes();
  if (xs.size() != 4) return refuse(reason, "only 2-D convolution (4-D input) is delegated");
  const int64_t groups = n.attr_int("group", 1), oc = ws[0], group_in = ws[1];
  const bool depthwise = groups > 1 && group_in == 1;
  Weight w;
  if (!read_weight(g, wq, depthwise ? Sizes{1, 2, 3, 0} : Sizes{0, 2, 3, 1}, &w, reason)) return false;
  if (g.value(wq).quant->axis >= 0 && g.value(wq).quant->axis != 0) return refuse(reason, "per-channel weights must run along the output channels");
  const Sizes pads = n.attr_ints("pads", {0, 0, 0, 0}), strides = n.attr_ints("strides", {1, 1}),
              dil = n.attr_ints("dilations", {1, 1});
  op->form = XnnOp::Form::Conv;
  op->kind = depthwise ? xnn::NodeKind::DepthwiseConv2d : xnn::NodeKind::Conv2d;
  op->inputs = {x};
  op->output = u.quantized_output(g);
  xnn::ConvParams& p = op->conv;
  p.padding_top = u32(pads[0]);
  p.padding_left = u32(pads[1]);
  p.padding_bottom = u32(pads[2]);
  p.padding_right = u32(pads[3]);
  p.kernel_height = u32(ws[2]);
  p.kernel_width = u32(ws[3]);
  p.stride_height = u32(strides[0]);
  p.stride_width = u32(strides[1]);
  p.dilation_height = u32(dil[0]);
  p.dilation_width = u32(dil[1]);
  p.groups = u32(groups);
  p.group_input_channels = u32(group_in);
  p.group_output_channels = u32(oc / groups);
  op->filter = weight_spec(w);
  const float s_in = g.value(x).quant->scales[0];
  if (n.inputs.size() > 2 && n.inputs[2] != kNoValue) {
    if (!make_bias(g, u, 2, s_in, w, oc, &op->bias, reason)) return false;
    op->has_bias = true;
  }
  xnn::ConvGeometry geo;
  geo.pad_top = p.padding_top;
  geo.pad_left = p.padding_left;
  geo.pad_bottom = p.padding_bottom;
  geo.pad_right = p.padding_right;
  geo.kernel_h = p.kernel_height;
  geo.kernel_w = p.kernel_width;
  geo.stride_h = p.stride_height;
  geo.stride_w = p.stride_width;
  geo.dilation_h = p.dilation_height;
  geo.dilation_w = p.dilation_width;
  geo.groups = p.groups;
  geo.group_in = p.group_input_channels;
  geo.group_out = p.group_output_channels;
  const xnn::TensorSpec in = activation_spec(g, x), out = activation_spec(g, op->output);
  const xnn::Value vb = view(op->bias);
  return check(xnn::check_convolution(depthwise ? xnn::ConvKind::Depthwise : xnn::ConvKind::Conv, geo, view(in),
                                      view(op->filter), op->has_bias ? &vb : nullptr, view(out),
                                      op->options.clamp.value_or(xnn::OutputClamp{})),
               reason);
}

bool translate_fc(const Graph& g, const QuantUnit& u, XnnOp* op, std::string* reason) {
  const Node& n = g.nodes[u.op];
  const ValueId x = u.quantized_input(g, 0), wq = u.quantized_input(g, 1);
  if (x == kNoValue || wq == kNoValue) return refuse(reason, "input and weights must be dequantized");
  if (g.value(x).rank() != 2 || g.value(wq).rank() != 2) return refuse(reason, "only 2-D inputs and weights are delegated");
  bool trans_b = false;
  if (n.op == "Gemm") {
    if (n.attr_int("transA", 0) != 0) return refuse(reason, "transA is not delegated");
    if (n.attr_float("alpha", 1.0f) != 1.0f || n.attr_float("beta", 1.0f) != 1.0f) return refuse(reason, "alpha/beta other than 1");
    trans_b = n.attr_int("transB", 0) != 0;
  }
  const int64_t axis = g.value(wq).quant->axis;
  if (axis >= 0 && axis != (trans_b ? 0 : 1)) return refuse(reason, "per-channel weights must run along the output channels");
  Weight w;
  if (!read_weight(g, wq, trans_b ? Sizes{0, 1} : Sizes{1, 0}, &w, reason)) return false;
  op->form = XnnOp::Form::FullyConnected;
  op->kind = xnn::NodeKind::FullyConnected;
  op->inputs = {x};
  op->output = u.quantized_output(g);
  op->filter = weight_spec(w);
  if (n.inputs.size() > 2 && n.inputs[2] != kNoValue) {
    if (!make_bias(g, u, 2, g.value(x).quant->scales[0], w, w.sizes[0], &op->bias, reason)) return false;
    op->has_bias = true;
  }
  const xnn::TensorSpec in = activation_spec(g, x), out = activation_spec(g, op->output);
  const xnn::Value vb = view(op->bias);
  if (!check(xnn::check_fully_connected(view(in), view(op->filter), op->has_bias ? &vb : nullptr, view(out), false), reason)) {
    return false;
  }
  return check(xnn::check_output_clamp(view(out), op->options.clamp.value_or(xnn::OutputClamp{})), reason);
}

bool translate_binary(const Graph& g, const QuantUnit& u, XnnOp* op, std::string* reason) {
  const Node& n = g.nodes[u.op];
  const ValueId a = u.quantized_input(g, 0), b = u.quantized_input(g, 1);
  if (a == kNoValue || b == kNoValue || g.value(a).is_constant() || g.value(b).is_constant()) {
    return refuse(reason, "both inputs must be dequantized activations");
  }
  if (g.value(a).rank() != g.value(b).rank()) return refuse(reason, "inputs of different rank are not delegated");
  op->form = XnnOp::Form::Binary;
  xnn::BinaryOp bop = xnn::BinaryOp::Add;
  if (n.op == "Add") op->kind = xnn::NodeKind::Add;
  if (n.op == "Sub") op->kind = xnn::NodeKind::Subtract, bop = xnn::BinaryOp::Subtract;
  if (n.op == "Mul") op->kind = xnn::NodeKind::Multiply, bop = xnn::BinaryOp::Multiply;
  op->inputs = {a, b};
  op->output = u.quantized_output(g);
  const xnn::TensorSpec sa = activation_spec(g, a), sb = activation_spec(g, b), so = activation_spec(g, op->output);
  return check(xnn::check_binary(bop, view(sa), view(sb), view(so), op->options.clamp.value_or(xnn::OutputClamp{})),
               reason);
}

bool translate_pool(const Graph& g, const QuantUnit& u, XnnOp* op, std::string* reason) {
  const Node& n = g.nodes[u.op];
  const ValueId x = u.quantized_input(g, 0);
  if (g.value(x).rank() != 4) return refuse(reason, "only 2-D pooling (4-D input) is delegated");
  op->form = XnnOp::Form::Pooling;
  op->inputs = {x};
  op->output = u.quantized_output(g);
  xnn::PoolKind kind = xnn::PoolKind::GlobalAverage;
  xnn::PoolGeometry geo;
  if (n.op == "GlobalAveragePool") {
    op->form = XnnOp::Form::Unary;
    op->kind = xnn::NodeKind::GlobalAvgPooling2d;
  } else {
    if (n.attr_int("ceil_mode", 0) != 0) return refuse(reason, "ceil_mode is not delegated");
    if (n.op == "AveragePool" && n.attr_int("count_include_pad", 0) != 0) return refuse(reason, "count_include_pad is not delegated");
    kind = n.op == "MaxPool" ? xnn::PoolKind::Max : xnn::PoolKind::Average;
    op->kind = n.op == "MaxPool" ? xnn::NodeKind::MaxPooling2d : xnn::NodeKind::AvgPooling2d;
    const Sizes k = n.attr_ints("kernel_shape"), pads = n.attr_ints("pads", {0, 0, 0, 0}),
                st = n.attr_ints("strides", {1, 1}), dil = n.attr_ints("dilations", {1, 1});
    xnn::PoolingParams& p = op->pool;
    p.padding_top = geo.pad_top = u32(pads[0]);
    p.padding_left = geo.pad_left = u32(pads[1]);
    p.padding_bottom = geo.pad_bottom = u32(pads[2]);
    p.padding_right = geo.pad_right = u32(pads[3]);
    p.pooling_height = geo.pool_h = u32(k[0]);
    p.pooling_width = geo.pool_w = u32(k[1]);
    p.stride_height = geo.stride_h = u32(st[0]);
    p.stride_width = geo.stride_w = u32(st[1]);
    p.dilation_height = geo.dilation_h = u32(dil[0]);
    p.dilation_width = geo.dilation_w = u32(dil[1]);
  }
  const xnn::TensorSpec in = activation_spec(g, x), out = activation_spec(g, op->output);
  return check(xnn::check_pooling(kind, geo, view(in), view(out), nullptr, op->options.clamp.value_or(xnn::OutputClamp{})),
               reason);
}

bool translate_unary(const Graph& g, const QuantUnit& u, XnnOp* op, std::string* reason) {
  const Node& n = g.nodes[u.op];
  op->form = XnnOp::Form::Unary;
  op->inputs = {u.quantized_input(g, 0)};
  op->output = u.quantized_output(g);
  xnn::UnaryParams params;
  xnn::UnaryOp uop = xnn::UnaryOp::Clamp;
  if (n.op == "Relu" || n.op == "Clip") {
    op->kind = xnn::NodeKind::Clamp;
    float lo = n.op == "Relu" ? 0.0f : -std::numeric_limits<float>::infinity();
    float hi = std::numeric_limits<float>::infinity();
    if (n.has("min")) lo = n.attr_float("min", lo);
    if (n.has("max")) hi = n.attr_float("max", hi);
    for (size_t i = 1; i < n.inputs.size() && i < 3; ++i) {
      if (n.inputs[i] != kNoValue) (i == 1 ? lo : hi) = g.value(n.inputs[i]).as<float>()[0];
    }
    params.clamp = {lo, hi};
    op->options.clamp = params.clamp;
  } else if (n.op == "Sigmoid") {
    op->kind = xnn::NodeKind::Sigmoid, uop = xnn::UnaryOp::Sigmoid;
  } else {
    op->kind = xnn::NodeKind::Tanh, uop = xnn::UnaryOp::Tanh;
  }
  const xnn::TensorSpec in = activation_spec(g, op->inputs[0]), out = activation_spec(g, op->output);
  xnn::UnaryPlan plan;
  return check(xnn::plan_unary(uop, view(in), view(out), params, &plan), reason);
}

bool translate_reshape(const Graph& g, const QuantUnit& u, XnnOp* op, std::string* reason) {
  const ValueId x = u.quantized_input(g, 0);
  op->form = XnnOp::Form::Reshape;
  op->kind = xnn::NodeKind::StaticReshape;
  op->inputs = {x};
  op->output = u.quantized_output(g);
  const Sizes xs = g.value(x).sizes(), ys = g.value(op->output).sizes();
  // A reshape of an NHWC tensor keeps NCHW's element order only when H = W = 1.
  if (xs.size() == 4 && (xs[2] != 1 || xs[3] != 1)) return refuse(reason, "reshape of a 4-D tensor with H or W > 1 (NHWC inside the partition)");
  if (ys.size() == 4) return refuse(reason, "reshape to a 4-D tensor is not delegated");
  op->new_shape = dims32(ys);
  const xnn::TensorSpec in = activation_spec(g, x), out = activation_spec(g, op->output);
  return check(xnn::check_reshape(view(in), view(out), op->new_shape.data(), op->new_shape.size()), reason);
}

}  // namespace

xnn::TensorSpec activation_spec(const Graph& g, ValueId v) {
  const Value& val = g.value(v);
  xnn::TensorSpec s;
  s.dims = physical_dims(val.sizes());
  s.type = xnn::DataType::QInt8;
  const QuantParams& q = *val.quant;
  const int32_t zp = static_cast<int32_t>(q.zero_points[0]) - (val.dtype == ScalarType::Byte ? 128 : 0);
  s.quant = xnn::Quantization::per_tensor(q.scales[0], zp);
  return s;
}

bool translate_unit(const Graph& g, const QuantUnit& u, XnnOp* op, std::string* reason) {
  const Node& n = g.nodes[u.op];
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    const ValueId q = u.quantized_input(g, i);
    if (q == kNoValue || g.value(q).is_constant()) continue;
    const Value& v = g.value(q);
    if (!v.quant || v.quant->axis >= 0) return refuse(reason, "activations must be quantized per tensor");
    if (v.dtype != ScalarType::Char && v.dtype != ScalarType::Byte) return refuse(reason, "activations must be 8-bit");
  }
  const Value& out = g.value(u.quantized_output(g));
  if (!out.quant || out.quant->axis >= 0 || (out.dtype != ScalarType::Char && out.dtype != ScalarType::Byte)) {
    return refuse(reason, "the output must be quantized per tensor to 8 bits");
  }
  if (u.activation >= 0) op->options.clamp = xnn::OutputClamp{u.clamp_min, u.clamp_max};
  if (n.op == "Conv") return translate_conv(g, u, op, reason);
  if (n.op == "Gemm" || n.op == "MatMul") return translate_fc(g, u, op, reason);
  if (n.op == "Add" || n.op == "Sub" || n.op == "Mul") return translate_binary(g, u, op, reason);
  if (n.op == "GlobalAveragePool" || n.op == "MaxPool" || n.op == "AveragePool") return translate_pool(g, u, op, reason);
  if (n.op == "Relu" || n.op == "Clip" || n.op == "Sigmoid" || n.op == "Tanh") return translate_unary(g, u, op, reason);
  if (n.op == "Reshape" || n.op == "Flatten") return translate_reshape(g, u, op, reason);
  return refuse(reason, "no XNNPACK node for quantized " + n.op);
}

void emit_xnn_op(xnn::XnnpackBlobBuilder& b, const Graph& g, XnnOp&& op, std::map<ValueId, uint32_t>& ids) {
  std::vector<uint32_t> in;
  for (ValueId v : op.inputs) in.push_back(ids.at(v));
  auto found = ids.find(op.output);
  uint32_t out;
  if (found != ids.end()) {
    out = found->second;
  } else {
    const xnn::TensorSpec os = activation_spec(g, op.output);
    out = b.add_internal(os.type, os.dims, os.quant);
    ids[op.output] = out;
  }
  switch (op.form) {
    case XnnOp::Form::Conv:
    case XnnOp::Form::FullyConnected: {
      const uint32_t filter = b.add_tensor(std::move(op.filter));
      const uint32_t bias = op.has_bias ? b.add_tensor(std::move(op.bias)) : xnn::kInvalidId;
      if (op.form == XnnOp::Form::Conv) b.add_conv(op.kind, op.conv, in[0], filter, bias, out, op.options);
      else b.add_fully_connected(in[0], filter, bias, out, op.options);
      break;
    }
    case XnnOp::Form::Binary: b.add_binary(op.kind, in[0], in[1], out, op.options); break;
    case XnnOp::Form::Unary: b.add_unary(op.kind, in[0], out, op.options); break;
    case XnnOp::Form::Pooling: b.add_pooling(op.kind, op.pool, in[0], out, op.options); break;
    case XnnOp::Form::Reshape: b.add_reshape(op.new_shape, in[0], out, op.options); break;
  }
}

}  // namespace exir
