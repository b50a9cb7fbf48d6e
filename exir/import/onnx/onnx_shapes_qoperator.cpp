// Shape rules of the QOperator-format ops: ai.onnx QLinearConv,
// QLinearMatMul, MatMulInteger, ConvInteger, and the com.microsoft QLinear*
// ops ONNX Runtime's quantizer writes. Besides the output shape, each QLinear
// rule records the constant scales/zero points as QuantParams on the
// quantized inputs and output, which is what rewrite_qoperators() (and the
// QDQ machinery after it) reads.
#include <cstdint>

#include "exir/import/onnx/shape_context.h"

namespace exir {
namespace onnx_shapes {
namespace {

bool is_8bit(ScalarType t) { return t == ScalarType::Byte || t == ScalarType::Char; }

void quantized_input(const Ctx& c, size_t i) {
  if (!is_8bit(c.in(i).dtype)) {
    fail("%s: input '%s' has dtype %s; only uint8 and int8 are supported", c.what().c_str(), c.in(i).name.c_str(),
         ember::scalar_type_name(c.in(i).dtype));
  }
}

// Scale (input scale_i) and optional zero point (input zp_i) of a tensor of
// shape x stored as `storage`: one value per tensor, or one per entry of
// `axis` when the scale has that many (axis < 0: per tensor only).
QuantParams qparams(const Ctx& c, size_t scale_i, size_t zp_i, ScalarType storage, const Sizes& x, int64_t axis) {
  QuantParams q;
  q.storage = storage;
  const Value& scale = c.in(scale_i);
  if (!scale.is_constant() || scale.dtype != ScalarType::Float) {
    fail("%s: scale '%s' must be a float constant", c.what().c_str(), scale.name.c_str());
  }
  for (int64_t i = 0; i < scale.numel(); ++i) q.scales.push_back(scale.as<float>()[i]);
  if (c.has_input(zp_i)) {
    const Value& zp = c.in(zp_i);
    if (!zp.is_constant()) fail("%s: zero point '%s' must be a constant", c.what().c_str(), zp.name.c_str());
    if (zp.dtype != storage) fail("%s: zero point '%s' differs in dtype from its tensor", c.what().c_str(), zp.name.c_str());
    if (zp.numel() != scale.numel()) fail("%s: zero point '%s' and its scale differ in size", c.what().c_str(), zp.name.c_str());
    for (int64_t i = 0; i < zp.numel(); ++i) {
      q.zero_points.push_back(storage == ScalarType::Byte ? int64_t{zp.as<uint8_t>()[i]} : int64_t{zp.as<int8_t>()[i]});
    }
  } else {
    q.zero_points.assign(q.scales.size(), 0);
  }
  if (q.scales.size() != 1) {
    if (axis < 0 || scale.rank() != 1 || x[static_cast<size_t>(axis)] != scale.numel()) {
      fail("%s: scale '%s' must hold one value%s", c.what().c_str(), scale.name.c_str(),
           axis < 0 ? "" : " or one per channel");
    }
    q.axis = axis;
  }
  q.qmin = storage == ScalarType::Byte ? 0 : -128;
  q.qmax = storage == ScalarType::Byte ? 255 : 127;
  return q;
}

bool same_params(const QuantParams& a, const QuantParams& b) {
  return a.scales == b.scales && a.zero_points == b.zero_points && a.axis == b.axis && a.storage == b.storage;
}

// Records q on input i (a tensor read by several QLinear ops must be read
// with the same parameters: its one DequantizeLinear serves them all).
void set_input_quant(Ctx& c, size_t i, size_t scale_i, size_t zp_i, int64_t axis = -1) {
  quantized_input(c, i);
  const QuantParams q = qparams(c, scale_i, zp_i, c.in(i).dtype, c.shape(i), axis);
  Value& v = c.g.value(c.n.inputs[i]);
  if (v.quant && !same_params(*v.quant, q)) {
    fail("%s: input '%s' is read with other quantization parameters elsewhere", c.what().c_str(), v.name.c_str());
  }
  v.quant = q;
}

// Output 0: dtype from its zero point (else `fallback`), per-tensor params.
void set_output(Ctx& c, size_t scale_i, size_t zp_i, ScalarType fallback, const Sizes& sizes) {
  const ScalarType t = c.has_input(zp_i) ? c.in(zp_i).dtype : fallback;
  if (!is_8bit(t)) fail("%s: the output must be uint8 or int8", c.what().c_str());
  const QuantParams q = qparams(c, scale_i, zp_i, t, sizes, -1);
  c.out(0, t, sizes);
  c.g.value(c.n.outputs[0]).quant = q;
}

// Conv's checks and output shape; normalizes the window attributes.
Sizes conv_shape(Ctx& c, size_t x_i, size_t w_i) {
  const Sizes x = c.shape(x_i), w = c.shape(w_i);
  if (x.size() != 4 || w.size() != 4) fail("%s: only 2-D convolution (rank-4 input and weight) is supported", c.what().c_str());
  const int64_t group = c.n.attr_int("group", 1);
  if (group <= 0 || x[1] % group != 0 || w[0] % group != 0 || w[1] * group != x[1]) {
    fail("%s: weight %s does not match input channels %lld with group %lld", c.what().c_str(),
         shape_string(c.in(w_i).shape).c_str(), (long long)x[1], (long long)group);
  }
  const Sizes kernel = c.n.attr_ints("kernel_shape", Sizes(w.begin() + 2, w.end()));
  if (kernel != Sizes(w.begin() + 2, w.end())) fail("%s: kernel_shape differs from the weight's", c.what().c_str());
  Sizes out = {x[0], w[0]};
  for (int64_t s : window(c, x, kernel, false)) out.push_back(s);
  c.set_int("group", group);
  return out;
}

// MatMul's output shape (numpy matmul rules).
Sizes matmul_shape(const Ctx& c, Sizes a, Sizes b) {
  if (a.empty() || b.empty()) fail("%s: scalar operands are not allowed", c.what().c_str());
  const bool a1 = a.size() == 1, b1 = b.size() == 1;
  if (a1) a.insert(a.begin(), 1);
  if (b1) b.push_back(1);
  if (a.back() != b[b.size() - 2]) fail("%s: inner dimensions differ (%lld vs %lld)", c.what().c_str(), (long long)a.back(), (long long)b[b.size() - 2]);
  Sizes out = broadcast(c, Sizes(a.begin(), a.end() - 2), Sizes(b.begin(), b.end() - 2));
  if (!a1) out.push_back(a[a.size() - 2]);
  if (!b1) out.push_back(b.back());
  return out;
}

void qlinear_conv(Ctx& c) {
  c.arity(8, 9);
  const Sizes out = conv_shape(c, 0, 3);
  set_input_quant(c, 0, 1, 2);
  set_input_quant(c, 3, 4, 5, 0);
  if (c.has_input(8)) {
    if (c.in(8).dtype != ScalarType::Int || c.shape(8) != Sizes{out[1]}) {
      fail("%s: bias must be int32 of shape [%lld]", c.what().c_str(), (long long)out[1]);
    }
  }
  set_output(c, 6, 7, c.in(0).dtype, out);
}

void qlinear_matmul(Ctx& c) {
  c.arity(8, 8);
  const Sizes a = c.shape(0), b = c.shape(3);
  const Sizes out = matmul_shape(c, a, b);
  // ONNX allows per-row scales for A and per-column ones for B.
  set_input_quant(c, 0, 1, 2, a.size() >= 2 ? static_cast<int64_t>(a.size()) - 2 : -1);
  set_input_quant(c, 3, 4, 5, b.size() >= 2 ? static_cast<int64_t>(b.size()) - 1 : -1);
  set_output(c, 6, 7, c.in(0).dtype, out);
}

// A zero point input of MatMulInteger/ConvInteger: a constant of its
// tensor's dtype holding 1 value or `per` values.
void integer_zero_point(const Ctx& c, size_t zp_i, size_t x_i, int64_t per) {
  if (!c.has_input(zp_i)) return;
  const Value& zp = c.in(zp_i);
  if (!zp.is_constant()) fail("%s: zero point '%s' must be a constant", c.what().c_str(), zp.name.c_str());
  if (zp.dtype != c.in(x_i).dtype) fail("%s: zero point '%s' differs in dtype from its tensor", c.what().c_str(), zp.name.c_str());
  if (zp.numel() != 1 && (per < 0 || zp.numel() != per || zp.rank() != 1)) {
    fail("%s: zero point '%s' has %lld values; expected 1%s", c.what().c_str(), zp.name.c_str(), (long long)zp.numel(),
         per < 0 ? "" : " or one per row/column/channel");
  }
}

void matmul_integer(Ctx& c) {
  c.arity(2, 4);
  quantized_input(c, 0);
  quantized_input(c, 1);
  const Sizes a = c.shape(0), b = c.shape(1);
  const Sizes out = matmul_shape(c, a, b);
  integer_zero_point(c, 2, 0, a.size() >= 2 ? a[a.size() - 2] : -1);
  integer_zero_point(c, 3, 1, b.size() >= 2 ? b.back() : -1);
  c.out(0, ScalarType::Int, out);
}

void conv_integer(Ctx& c) {
  c.arity(2, 4);
  quantized_input(c, 0);
  quantized_input(c, 1);
  const Sizes out = conv_shape(c, 0, 1);
  integer_zero_point(c, 2, 0, -1);
  integer_zero_point(c, 3, 1, out[1]);
  c.out(0, ScalarType::Int, out);
}

// com.microsoft QLinearAdd / QLinearMul: A, A_scale, A_zp?, B, B_scale, B_zp?, C_scale, C_zp?.
void qlinear_binary(Ctx& c) {
  c.arity(7, 8);
  set_input_quant(c, 0, 1, 2);
  set_input_quant(c, 3, 4, 5);
  if (c.in(0).dtype != c.in(3).dtype) fail("%s: A and B differ in dtype", c.what().c_str());
  set_output(c, 6, 7, c.in(0).dtype, broadcast(c, c.shape(0), c.shape(3)));
}

// com.microsoft unary QLinear ops: X, X_scale, X_zp?, Y_scale, Y_zp?.
void qlinear_unary(Ctx& c) {
  c.arity(4, 5);
  set_input_quant(c, 0, 1, 2);
  set_output(c, 3, 4, c.in(0).dtype, c.shape(0));
}

void no_channels_last(const Ctx& c) {
  if (c.n.attr_int("channels_last", 0) != 0) fail("%s: channels_last is not supported", c.what().c_str());
}

void qlinear_global_average_pool(Ctx& c) {
  c.arity(4, 5);
  no_channels_last(c);
  set_input_quant(c, 0, 1, 2);
  Sizes s = c.shape(0);
  if (s.size() < 3) fail("%s: input must have spatial axes", c.what().c_str());
  for (size_t i = 2; i < s.size(); ++i) s[i] = 1;
  set_output(c, 3, 4, c.in(0).dtype, s);
}

void qlinear_average_pool(Ctx& c) {
  c.arity(4, 5);
  no_channels_last(c);
  set_input_quant(c, 0, 1, 2);
  const Sizes x = c.shape(0);
  if (x.size() != 4) fail("%s: only 2-D pooling (rank-4 input) is supported", c.what().c_str());
  if (!c.n.has("kernel_shape")) fail("%s: kernel_shape is required", c.what().c_str());
  Sizes out = {x[0], x[1]};
  for (int64_t s : window(c, x, c.n.attr_ints("kernel_shape"), c.n.attr_int("ceil_mode", 0) != 0)) out.push_back(s);
  set_output(c, 3, 4, c.in(0).dtype, out);
}

// com.microsoft QLinearConcat: Y_scale, Y_zp, then (tensor, scale, zp) per input.
void qlinear_concat(Ctx& c) {
  if (c.num_inputs() < 5 || (c.num_inputs() - 2) % 3 != 0) {
    fail("%s: expected Y_scale, Y_zero_point and (tensor, scale, zero point) triples", c.what().c_str());
  }
  c.arity(5, 1u << 16);
  const Sizes first = c.shape(2);
  const int64_t axis = c.axis(c.n.attr_int("axis", 0), static_cast<int64_t>(first.size()));
  Sizes out = first;
  out[static_cast<size_t>(axis)] = 0;
  for (size_t i = 2; i < c.num_inputs(); i += 3) {
    set_input_quant(c, i, i + 1, i + 2);
    const Sizes s = c.shape(i);
    if (s.size() != first.size() || c.in(i).dtype != c.in(2).dtype) fail("%s: input %zu differs in rank or dtype", c.what().c_str(), i);
    for (size_t d = 0; d < s.size(); ++d) {
      if (static_cast<int64_t>(d) != axis && s[d] != first[d]) fail("%s: input %zu differs at axis %zu", c.what().c_str(), i, d);
    }
    out[static_cast<size_t>(axis)] += s[static_cast<size_t>(axis)];
  }
  c.set_int("axis", axis);
  set_output(c, 0, 1, c.in(2).dtype, out);
}

}  // namespace

void add_qoperator_rules(ShapeRules& r) {
  r["QLinearConv"] = qlinear_conv;
  r["QLinearMatMul"] = qlinear_matmul;
  r["MatMulInteger"] = matmul_integer;
  r["ConvInteger"] = conv_integer;
  r["com.microsoft:QLinearAdd"] = qlinear_binary;
  r["com.microsoft:QLinearMul"] = qlinear_binary;
  r["com.microsoft:QLinearSigmoid"] = qlinear_unary;
  r["com.microsoft:QLinearLeakyRelu"] = qlinear_unary;
  r["com.microsoft:QLinearGlobalAveragePool"] = qlinear_global_average_pool;
  r["com.microsoft:QLinearAveragePool"] = qlinear_average_pool;
  r["com.microsoft:QLinearConcat"] = qlinear_concat;
}

}  // namespace onnx_shapes
}  // namespace exir
