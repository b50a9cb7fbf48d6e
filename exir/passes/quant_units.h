// Quantized units: the DQ -> op -> [Relu|Clip] -> Q groups a backend runs as
// one quantized operator (ONNX Runtime's NodeUnit). The IR keeps plain nodes;
// a QuantUnit is a view naming the unit's nodes by index into Graph::nodes,
// valid until the graph's node list is edited.
//
// prepare_qdq rewrites exporter quirks so units can form: no-op Casts between
// Q and DQ are dropped, float constants behind QuantizeLinear become int8/uint8
// constants, and a DQ read by several nodes is duplicated so each consumer
// owns its DQ (ONNX Runtime does the same before forming NodeUnits).
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

#include "exir/ir/graph.h"

namespace exir {

// Returns the number of nodes added or removed.
int prepare_qdq(Graph& g);

struct QuantUnit {
  size_t op = 0;                // the float op node
  std::vector<int> input_dq;    // per op input: its DQ node, or -1 (absent, or not dequantized)
  int activation = -1;          // a fused Relu/Clip node between op and Q
  int output_q = -1;            // the Q node producing the unit's output
  // Fused output range in real values (Relu: [0, inf)).
  float clamp_min = -std::numeric_limits<float>::infinity();
  float clamp_max = std::numeric_limits<float>::infinity();

  // The quantized value read by op input i (the DQ's input), or kNoValue.
  ValueId quantized_input(const Graph& g, size_t i) const;
  ValueId quantized_output(const Graph& g) const;
  // Every node of the unit, ascending.
  std::vector<size_t> nodes() const;
};

// Units with every activation input dequantized and the output quantized,
// in order of their Q node (a topological order of units).
std::vector<QuantUnit> find_quant_units(const Graph& g);

// Consumers (node indices) of every value, by ValueId.
std::vector<std::vector<size_t>> value_consumers(const Graph& g);

}  // namespace exir
