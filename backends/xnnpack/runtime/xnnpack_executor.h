// XnnpackExecutor: the state of one XnnpackBackend delegate (one blob).
//
// Built at init in the method allocator: the value table, the nodes (XNNPACK
// operators with packed weights, or host nodes), and one arena for the
// graph's internal tensors, planned at the shapes the blob declares.
// External values are bound to the DelegateCall's tensors on every execute
// (by position: inputs first, then outputs), their dims permuted by the
// tensors' dim order. When input shapes change (DYNAMIC_BOUND inputs), every
// node recomputes its output shape; nothing is allocated on execute.
#pragma once

#include <pthreadpool.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "backends/xnnpack/runtime/xnnpack_blob.h"
#include "backends/xnnpack/runtime/xnnpack_node.h"
#include "runtime/backend/backend_interface.h"
#include "runtime/core/event_tracer.h"

namespace ember::xnnpack {

class XnnpackExecutor final {
 public:
  // Everything is allocated from context.runtime_allocator; the returned
  // pointer lives there too. Constants that nodes keep referring to stay
  // alive until destroy; the others are released after packing.
  static Result<XnnpackExecutor*> create(const XnnpackBlob& blob, BackendInitContext& context);
  ~XnnpackExecutor();

  // With a tracer, reports one DelegateNode event per node run (parent:
  // `instruction`, the delegate call's pc).
  Error execute(Span<EValue*> args, pthreadpool_t pool, EventTracer* tracer = nullptr, uint32_t instruction = 0);

  size_t num_nodes() const { return num_nodes_; }
  size_t arena_bytes() const { return arena_bytes_; }

 private:
  XnnpackExecutor() = default;
  Error build_values(const XnnpackBlob& blob, BackendInitContext& context);
  Error resolve_constant(const XnnpackBlob& blob, BackendInitContext& context, size_t value_index, uint32_t buffer_index);
  // The bytes of constant entry `buffer_index`; named data is held in *holder.
  Error locate_constant(const XnnpackBlob& blob, BackendInitContext& context, size_t value_index,
                        uint32_t buffer_index, FreeableBuffer* holder, const void** data, size_t* size);
  // Per-channel scales stored as constant data, copied into the method allocator.
  Error resolve_scales(const XnnpackBlob& blob, BackendInitContext& context, size_t value_index, uint32_t buffer_index,
                       size_t channels);
  Error build_nodes(const XnnpackBlob& blob, BackendInitContext& context);
  Error plan_arena(MemoryAllocator* allocator);
  Error bind_externals(Span<EValue*> args, bool* shapes_changed, bool* pointers_changed);
  Error resize_outputs(Span<EValue*> args);

  Value* values_ = nullptr;
  size_t num_values_ = 0;
  Node** nodes_ = nullptr;
  size_t num_nodes_ = 0;
  uint32_t* externals_ = nullptr;  // indices of external values
  size_t num_externals_ = 0;
  size_t num_externs_ = 0;  // arguments a DelegateCall must pass
  FreeableBuffer* kept_ = nullptr;  // named-data buffers, per value
  size_t arena_bytes_ = 0;
  bool prepared_ = false;
  std::atomic<bool> busy_{false};
};

}  // namespace ember::xnnpack
