#include "backends/xnnpack/runtime/node_factory.h"

#include <cstdarg>
#include <cstdio>

#include "xnnpack_graph_generated.h"

namespace ember::xnnpack {

Result<Value*> NodeBuildContext::value(uint32_t id, const char* role) const {
  if (id >= num_values) {
    return fail_node(Error::InvalidProgram, "%s id %u out of range (%zu values)", role, id, num_values);
  }
  return &values[id];
}

Error NodeBuildContext::fail_node(Error error, const char* format, ...) const {
  char message[384];
  va_list args;
  va_start(args, format);
  std::vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  return fail(error, "node %u (%s): %s", node_index, kind, message);
}

Error NodeBuildContext::check(Error error) const {
  return error == Error::Ok ? Error::Ok : add_context(error, "node %u (%s)", node_index, kind);
}

const char* xnn_status_name(xnn_status status) {
  switch (status) {
    case xnn_status_success: return "success";
    case xnn_status_uninitialized: return "uninitialized";
    case xnn_status_invalid_parameter: return "invalid_parameter";
    case xnn_status_invalid_state: return "invalid_state";
    case xnn_status_unsupported_parameter: return "unsupported_parameter";
    case xnn_status_unsupported_hardware: return "unsupported_hardware";
    case xnn_status_out_of_memory: return "out_of_memory";
  }
  return "unknown";
}

Result<Node*> create_node(const fb_xnnpack::XNode* node, NodeBuildContext& context) {
  using fb_xnnpack::XNodeUnion;
  XNodeUnion type = node->xnode_union_type();
  context.kind = fb_xnnpack::EnumNameXNodeUnion(type);
  if (context.kind == nullptr || context.kind[0] == '\0') context.kind = "unknown";
  if (type == XNodeUnion::NONE || type > XNodeUnion::MAX || node->xnode_union() == nullptr) {
    return context.fail_node(Error::InvalidProgram, "unknown or empty node (union type %d)", static_cast<int>(type));
  }
  if (const fb_xnnpack::OutputMinMax* mm = node->output_min_max()) {
    context.output_min = mm->output_min();
    context.output_max = mm->output_max();
    if (!(context.output_min <= context.output_max)) {
      return context.fail_node(Error::InvalidProgram, "output_min %g > output_max %g", context.output_min,
                               context.output_max);
    }
  }
  switch (type) {
    case XNodeUnion::XNNAdd:
    case XNodeUnion::XNNSubtract:
    case XNodeUnion::XNNMultiply:
    case XNodeUnion::XNNDiv:
    case XNodeUnion::XNNMinimum:
    case XNodeUnion::XNNMaximum:
      return create_binary_node(node, context);
    case XNodeUnion::XNNConvert:
      return create_convert_node(node, context);
    case XNodeUnion::XNNFullyConnected:
      return create_fully_connected_node(node, context);
    case XNodeUnion::XNNConv2d:
    case XNodeUnion::XNNDepthwiseConv2d:
    case XNodeUnion::XNNConvTranspose2d:
      return create_conv_node(node, context);
    case XNodeUnion::XNNMaxPooling2d:
    case XNodeUnion::XNNAvgPooling2d:
    case XNodeUnion::XNNGlobalAvgPooling2d:
    case XNodeUnion::XNNArgMaxPooling2d:
      return create_pooling_node(node, context);
    case XNodeUnion::XNNClamp:
    case XNodeUnion::XNNSigmoid:
    case XNodeUnion::XNNSoftmax:
    case XNodeUnion::XNNELU:
    case XNodeUnion::XNNLeakyReLU:
    case XNodeUnion::XNNHardswish:
    case XNodeUnion::XNNAbs:
    case XNodeUnion::XNNNegate:
    case XNodeUnion::XNNFloor:
    case XNodeUnion::XNNCeiling:
    case XNodeUnion::XNNSquare:
    case XNodeUnion::XNNSquareRoot:
    case XNodeUnion::XNNReciprocalSquareRoot:
    case XNodeUnion::XNNExp:
    case XNodeUnion::XNNLog:
    case XNodeUnion::XNNSin:
    case XNodeUnion::XNNCos:
    case XNodeUnion::XNNTanh:
    case XNodeUnion::XNNGelu:
      return create_unary_node(node, context);
    case XNodeUnion::XNNPReLU:
      return create_prelu_node(node, context);
    case XNodeUnion::XNNStaticTranspose:
    case XNodeUnion::XNNStaticReshape:
    case XNodeUnion::XNNCopy:
    case XNodeUnion::XNNStaticSlice:
    case XNodeUnion::XNNConcatenate2:
    case XNodeUnion::XNNConcatenate3:
    case XNodeUnion::XNNConcatenate4:
    case XNodeUnion::XNNConcatenate5:
    case XNodeUnion::XNNStaticConstantPad:
    case XNodeUnion::XNNStaticResizeBilinear2D:
      return create_shape_node(node, context);
    case XNodeUnion::XNNBatchMatrixMultiply:
    case XNodeUnion::XNNScaledDotProductAttention:
      return create_matmul_node(node, context);
    default:
      return context.fail_node(Error::NotSupported, "node kind not supported by this XnnpackBackend yet");
  }
}

}  // namespace ember::xnnpack
