// ONNX importer: reads a ModelProto with Debian's libonnx protobuf classes
// and translates it into the exir IR (ops keep their ONNX names; attributes
// and constants are copied). Ember does its own per-op validation and shape
// inference (onnx_shapes.h) because libonnx 1.12 knows schemas only up to
// opset 17. Throws exir::Error naming the node, op or value on any problem.
//
// Ownership: the returned Graph owns all data (initializers, external data
// read from files next to the model); nothing refers back to the file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "exir/ir/graph.h"

namespace exir {

struct OnnxImportOptions {
  // Fixes the shape of a graph input (replaces symbolic dims); with a range
  // (input_lower_bounds), the upper bound the program is planned for.
  std::map<std::string, std::vector<int64_t>> input_shapes;
  // Lower bounds of ranged dims ("NAME=1..8x128"); same rank as input_shapes'
  // entry, equal where the dim is fixed. The importer reads only input_shapes;
  // convert_onnx() uses these to find the dynamic tensors.
  std::map<std::string, std::vector<int64_t>> input_lower_bounds;
  // Graph inputs turned into constants (weights, shapes, axes fed as inputs);
  // dtype and shape must match the input's declaration.
  std::map<std::string, Value> frozen_inputs;
};

Graph import_onnx(const std::string& path, const OnnxImportOptions& options = {});

// A serialized onnx::TensorProto file (e.g. libonnx-testdata's input_0.pb),
// as a constant Value (name from the file).
Value read_onnx_tensor_file(const std::string& path);

// Parses "NAME=1x3x224x224" or "NAME=1..8x128" (a range LO..HI per dim).
struct InputShape {
  std::string name;
  std::vector<int64_t> upper;
  std::vector<int64_t> lower;  // == upper where the dim is fixed
};
InputShape parse_input_shape(const std::string& text);

}  // namespace exir
