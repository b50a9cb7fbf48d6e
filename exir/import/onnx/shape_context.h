// ShapeContext: one ONNX node's validation and shape inference, with
// accessors that fail naming the node. Shared by the files that hold the
// per-op rules (onnx_shapes.cpp for the core set; one file per further op
// family, each adding its rules through a function declared below).
//
// Ownership: refers to the Graph and Node being imported (both outlive it);
// Value references from in() are invalidated when values are added.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "exir/ir/error.h"
#include "exir/ir/graph.h"

namespace exir {
namespace onnx_shapes {

using Sizes = std::vector<int64_t>;

// One node's inference: accessors that fail naming the node.
struct Ctx {
  Graph& g;
  Node& n;

  std::string what() const { return n.describe(); }
  size_t num_inputs() const { return n.inputs.size(); }
  bool has_input(size_t i) const { return i < n.inputs.size() && n.inputs[i] != kNoValue; }
  const Value& in(size_t i) const {
    if (!has_input(i)) fail("%s: input %zu is required", what().c_str(), i);
    return g.value(n.inputs[i]);
  }
  Sizes shape(size_t i) const { return in(i).sizes(); }
  void arity(size_t min_in, size_t max_in, size_t max_out = 1, bool all_outputs_used = false) const {
    if (n.inputs.size() < min_in || n.inputs.size() > max_in) {
      fail("%s: %zu inputs given, %zu to %zu expected", what().c_str(), n.inputs.size(), min_in, max_in);
    }
    if (n.outputs.empty() || n.outputs.size() > max_out) {
      fail("%s: %zu outputs given, 1 to %zu expected", what().c_str(), n.outputs.size(), max_out);
    }
    for (size_t i = 1; i < n.outputs.size() && !all_outputs_used; ++i) {
      if (n.outputs[i] != kNoValue) {
        fail("%s: optional output %zu ('%s') is not supported", what().c_str(), i, g.value(n.outputs[i]).name.c_str());
      }
    }
  }
  void out(size_t i, ScalarType dtype, const Sizes& sizes) {
    if (i >= n.outputs.size() || n.outputs[i] == kNoValue) return;
    Value& v = g.value(n.outputs[i]);
    v.dtype = dtype;
    v.shape = static_shape(sizes);
    v.shape_known = true;
  }
  void float_input(size_t i) const {
    const ScalarType t = in(i).dtype;
    if (t != ScalarType::Float) {
      fail("%s: input '%s' has dtype %s; only Float is supported", what().c_str(), in(i).name.c_str(),
           ember::scalar_type_name(t));
    }
  }
  // A constant int tensor input as int64s.
  Sizes const_ints(size_t i) const {
    const Value& v = in(i);
    if (!v.is_constant()) {
      fail("%s: input '%s' must be a constant (an initializer or computed from constants)", what().c_str(),
           v.name.c_str());
    }
    Sizes out;
    const int64_t count = v.numel();
    for (int64_t k = 0; k < count; ++k) {
      if (v.dtype == ScalarType::Long) out.push_back(v.as<int64_t>()[k]);
      else if (v.dtype == ScalarType::Int) out.push_back(v.as<int32_t>()[k]);
      else fail("%s: input '%s' must be int32 or int64", what().c_str(), v.name.c_str());
    }
    return out;
  }
  double const_scalar(size_t i) const {
    const Value& v = in(i);
    if (!v.is_constant()) fail("%s: input '%s' must be a constant", what().c_str(), v.name.c_str());
    if (v.numel() != 1) fail("%s: input '%s' must hold one element", what().c_str(), v.name.c_str());
    switch (v.dtype) {
      case ScalarType::Float: return v.as<float>()[0];
      case ScalarType::Double: return v.as<double>()[0];
      case ScalarType::Long: return static_cast<double>(v.as<int64_t>()[0]);
      case ScalarType::Int: return v.as<int32_t>()[0];
      case ScalarType::Char: return v.as<int8_t>()[0];
      case ScalarType::Byte: return v.as<uint8_t>()[0];
      default: fail("%s: input '%s' has unsupported dtype %s", what().c_str(), v.name.c_str(),
                    ember::scalar_type_name(v.dtype));
    }
  }
  int64_t axis(int64_t a, int64_t rank, const char* name = "axis") const {
    if (a < -rank || a >= rank) {
      fail("%s: %s %lld is out of range for rank %lld", what().c_str(), name, (long long)a, (long long)rank);
    }
    return a < 0 ? a + rank : a;
  }
  void set_ints(const std::string& key, Sizes v) {
    Attribute a;
    a.kind = Attribute::Kind::Ints;
    a.ints = std::move(v);
    n.attrs[key] = a;
  }
  void set_int(const std::string& key, int64_t v) {
    Attribute a;
    a.kind = Attribute::Kind::Int;
    a.i = v;
    n.attrs[key] = a;
  }
  void set_float(const std::string& key, float v) {
    Attribute a;
    a.kind = Attribute::Kind::Float;
    a.f = v;
    n.attrs[key] = a;
  }
  void keep_inputs(size_t count) {
    if (n.inputs.size() > count) n.inputs.resize(count);
  }
};

Sizes broadcast(const Ctx& c, const Sizes& a, const Sizes& b);
int64_t product(const Sizes& s, size_t begin, size_t end);
// Conv and pooling windows: resolves kernel/strides/dilations/pads (auto_pad)
// into explicit attributes and returns the output spatial sizes.
Sizes window(Ctx& c, const Sizes& x, const Sizes& kernel, bool ceil_mode);
// ONNX TensorProto element type → dtype; fails naming the node.
ScalarType onnx_to_dtype(const Ctx& c, int64_t t);
// Quantization parameters of a Q/DQ node (inputs 1 and 2, attribute axis)
// for a tensor of shape x stored as `storage`.
QuantParams qdq_params(Ctx& c, const Sizes& x, ScalarType storage);

using ShapeRule = std::function<void(Ctx&)>;
using ShapeRules = std::unordered_map<std::string, ShapeRule>;

// QLinearConv, QLinearMatMul, MatMulInteger, ConvInteger and the com.microsoft
// QLinear* ops (onnx_shapes_qoperator.cpp).
void add_qoperator_rules(ShapeRules& r);
// Resize, opsets 10 to 19 (onnx_shapes_resize.cpp).
void add_resize_rules(ShapeRules& rules);

}  // namespace onnx_shapes
}  // namespace exir
