// The converter's IR, shared by every importer: a Graph owns its Values and
// Nodes; nodes refer to values by index (ValueId), so passes can rewrite
// edges without dangling pointers. Build-time code: it allocates freely and
// reports problems by throwing exir::Error (see exir/ir/error.h).
//
// Ownership: Graph owns every Value (including constant bytes) and Node.
// ValueIds stay valid for the Graph's lifetime (values are never erased, only
// left unused); Node references into `nodes` are invalidated by edits.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/core/scalar_type.h"

namespace exir {

using ember::ScalarType;
using ValueId = int32_t;
constexpr ValueId kNoValue = -1;

// One dimension: a static size, or a symbol (e.g. "batch") until fixed.
struct Dim {
  int64_t size = -1;
  std::string symbol;  // non-empty only when size < 0
  bool known() const { return size >= 0; }
};

// Quantization parameters of a quantized tensor (or of a Q/DQ edge).
struct QuantParams {
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int64_t axis = -1;  // -1: per tensor
  int64_t block_size = 0;
  int64_t qmin = 0;
  int64_t qmax = 0;
  ScalarType storage = ScalarType::Char;
};

struct Value {
  std::string name;
  ScalarType dtype = ScalarType::Float;
  std::vector<Dim> shape;
  bool shape_known = false;  // false until shape inference sets it
  std::optional<QuantParams> quant;
  // Constant data, contiguous, numel * element_size bytes.
  std::optional<std::vector<uint8_t>> data;

  bool is_constant() const { return data.has_value(); }
  // Static sizes; throws when a dim is symbolic.
  std::vector<int64_t> sizes() const;
  int64_t numel() const;
  size_t nbytes() const;
  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  template <typename T>
  const T* as() const {
    return reinterpret_cast<const T*>(data->data());
  }
};

struct Attribute {
  enum class Kind : uint8_t { Int, Float, String, Ints, Floats, Tensor };
  Kind kind = Kind::Int;
  int64_t i = 0;
  float f = 0;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<float> floats;
  ValueId tensor = kNoValue;  // a constant Value owned by the graph
};

struct Node {
  std::string op;      // e.g. "Conv" (ONNX) or "aten::relu.out" after lowering
  std::string domain;  // "" for ai.onnx
  std::string name;
  std::map<std::string, Attribute> attrs;
  std::vector<ValueId> inputs;  // kNoValue for an omitted optional input
  std::vector<ValueId> outputs;

  bool has(const std::string& key) const { return attrs.count(key) != 0; }
  int64_t attr_int(const std::string& key, int64_t fallback) const;
  float attr_float(const std::string& key, float fallback) const;
  std::string attr_string(const std::string& key, const std::string& fallback) const;
  std::vector<int64_t> attr_ints(const std::string& key, const std::vector<int64_t>& fallback = {}) const;
  // "Conv 'conv1'" for messages.
  std::string describe() const;
};

struct Graph {
  std::vector<Value> values;
  std::vector<Node> nodes;  // topological order
  std::vector<ValueId> inputs;
  std::vector<ValueId> outputs;
  int64_t opset = 0;  // ai.onnx opset the graph was read with

  ValueId add_value(Value v);
  // A constant with `sizes` and `bytes` (numel * element_size of dtype).
  ValueId add_constant(const std::string& name, ScalarType dtype, const std::vector<int64_t>& sizes,
                       std::vector<uint8_t> bytes);
  Value& value(ValueId id);
  const Value& value(ValueId id) const;
  // A fresh value name derived from `base`, unique in this graph.
  std::string unique_name(const std::string& base);

 private:
  std::set<std::string> used_names_;
};

std::vector<Dim> static_shape(const std::vector<int64_t>& sizes);
std::string shape_string(const std::vector<Dim>& shape);

}  // namespace exir
