// Translation of quantized units into XNNPACK node descriptions, in the
// structs the backend uses (ember::xnnpack::TensorSpec / Value), checked by
// the backend's capability table (backends/xnnpack/capability/capability.h):
// the converter never carries its own copy of the rules.
//
// Inside a partition activations are NHWC (4-D tensors) and 8-bit signed:
// uint8 tensors become int8 with zero point - 128 (exact). Weights are
// pre-permuted to XNNPACK's layouts: conv filter [OC, KH, KW, IC/g],
// depthwise [1, KH, KW, C], fully connected [N, K]. Biases become int32 at
// scale s_in * s_w[c] (requantized when the model's scale differs).
//
// Ownership: an XnnOp owns copies of its constant bytes; ValueIds refer to
// the Graph it was translated from.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "backends/xnnpack/serialize/xnnpack_blob_builder.h"
#include "exir/ir/graph.h"
#include "exir/passes/quant_units.h"

namespace exir {

struct XnnOp {
  enum class Form : uint8_t { Conv, FullyConnected, Binary, Unary, Pooling, Reshape };
  Form form = Form::Unary;
  ember::xnnpack::NodeKind kind = ember::xnnpack::NodeKind::Clamp;
  std::vector<ValueId> inputs;  // quantized activations read
  ValueId output = kNoValue;    // quantized activation written
  ember::xnnpack::TensorSpec filter, bias;
  bool has_bias = false;
  ember::xnnpack::ConvParams conv;
  ember::xnnpack::PoolingParams pool;
  std::vector<uint32_t> new_shape;
  ember::xnnpack::NodeOptions options;
};

// The in-partition tensor of a quantized activation (NHWC, int8).
ember::xnnpack::TensorSpec activation_spec(const Graph& g, ValueId v);

// True with *op filled when XNNPACK runs the unit; false with the reason
// (the capability table's message, or why no XNNPACK node fits).
bool translate_unit(const Graph& g, const QuantUnit& unit, XnnOp* op, std::string* reason);

// Adds op's nodes to the blob, moving its constant bytes in; `ids` maps
// activations to blob value ids (inputs must be present; the output is added
// as an internal value unless already mapped, e.g. to an external output).
void emit_xnn_op(ember::xnnpack::XnnpackBlobBuilder& b, const Graph& g, XnnOp&& op,
                 std::map<ValueId, uint32_t>& ids);

}  // namespace exir
