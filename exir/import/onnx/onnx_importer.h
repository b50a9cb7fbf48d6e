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
  // Fixes the shape of a graph input (replaces symbolic dims).
  std::map<std::string, std::vector<int64_t>> input_shapes;
  // Graph inputs turned into constants (weights, shapes, axes fed as inputs);
  // dtype and shape must match the input's declaration.
  std::map<std::string, Value> frozen_inputs;
};

Graph import_onnx(const std::string& path, const OnnxImportOptions& options = {});

// A serialized onnx::TensorProto file (e.g. libonnx-testdata's input_0.pb),
// as a constant Value (name from the file).
Value read_onnx_tensor_file(const std::string& path);

// Parses "NAME=1x3x224x224" into (name, sizes); throws on malformed text.
std::pair<std::string, std::vector<int64_t>> parse_input_shape(const std::string& text);

}  // namespace exir
