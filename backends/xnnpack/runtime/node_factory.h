// Building Nodes from the serialized graph: one function per node family,
// dispatched by the XNode union type. Every builder validates ids, datatypes,
// shapes and quantization before calling XNNPACK (its asserts abort).
#pragma once

#include <xnnpack.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <utility>

#include "backends/xnnpack/runtime/xnnpack_node.h"
#include "runtime/core/memory_allocator.h"
#include "runtime/core/result.h"

namespace fb_xnnpack {
struct XNode;
}

namespace ember::xnnpack {

struct NodeBuildContext {
  MemoryAllocator* allocator = nullptr;  // the method allocator: nodes live here
  Value* values = nullptr;
  size_t num_values = 0;
  uint32_t node_index = 0;
  const char* kind = "";
  // Fused output clamp (XNode.output_min_max), in real values.
  float output_min = -std::numeric_limits<float>::infinity();
  float output_max = std::numeric_limits<float>::infinity();

  // Value `id`, or an InvalidProgram error naming the node and `role`.
  Result<Value*> value(uint32_t id, const char* role) const;
  // An error message prefixed with "node N (Kind): ".
  Error fail_node(Error error, const char* format, ...) const __attribute__((format(printf, 3, 4)));
  // Passes Ok through; prefixes a capability check's failure with the node.
  Error check(Error error) const;
};

Result<Node*> create_node(const fb_xnnpack::XNode* node, NodeBuildContext& context);

const char* xnn_status_name(xnn_status status);

// Placement-constructs a node in the method allocator.
template <typename T, typename... Args>
Result<Node*> make_node(const NodeBuildContext& context, Args&&... args) {
  void* p = context.allocator->allocate(sizeof(T), alignof(T) < 16 ? 16 : alignof(T));
  if (p == nullptr) {
    return context.fail_node(Error::MemoryAllocationFailed, "method allocator exhausted (%zu bytes)", sizeof(T));
  }
  return static_cast<Node*>(new (p) T(std::forward<Args>(args)...));
}

// Families (nodes/*.cpp).
Result<Node*> create_binary_node(const fb_xnnpack::XNode* node, NodeBuildContext& context);
Result<Node*> create_convert_node(const fb_xnnpack::XNode* node, NodeBuildContext& context);
Result<Node*> create_fully_connected_node(const fb_xnnpack::XNode* node, NodeBuildContext& context);
Result<Node*> create_conv_node(const fb_xnnpack::XNode* node, NodeBuildContext& context);
Result<Node*> create_pooling_node(const fb_xnnpack::XNode* node, NodeBuildContext& context);
Result<Node*> create_unary_node(const fb_xnnpack::XNode* node, NodeBuildContext& context);
Result<Node*> create_prelu_node(const fb_xnnpack::XNode* node, NodeBuildContext& context);
// Transpose, reshape, copy, slice, concatenate, pad, resize (shape_nodes.cpp).
Result<Node*> create_shape_node(const fb_xnnpack::XNode* node, NodeBuildContext& context);
// Batch matrix multiply and scaled dot-product attention (matmul_nodes.cpp).
Result<Node*> create_matmul_node(const fb_xnnpack::XNode* node, NodeBuildContext& context);
// A Convert into a qdint8 value (dynamically quantized activation), which
// this backend carries as fp32 (fully_connected_node.cpp).
Result<Node*> create_dynamic_quantize_node(uint32_t input_id, uint32_t output_id, NodeBuildContext& context);

}  // namespace ember::xnnpack
