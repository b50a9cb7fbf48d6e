#include "backends/xnnpack/runtime/xnnpack_backend.h"

#include <xnnpack.h>

#include "backends/xnnpack/runtime/node_factory.h"
#include "backends/xnnpack/runtime/xnnpack_allocator.h"
#include "backends/xnnpack/runtime/xnnpack_executor.h"
#include "runtime/kernel/thread_pool.h"

namespace ember {
namespace {

xnn_status initialize_once() {
  static const xnn_status status = xnn_initialize(xnnpack::xnnpack_allocator());
  return status;
}

pthreadpool_t pool_of(const ThreadPool* pool) { return pool == nullptr ? nullptr : pool->handle(); }

}  // namespace

bool XnnpackBackend::is_available() const { return initialize_once() == xnn_status_success; }

Result<DelegateHandle*> XnnpackBackend::init(BackendInitContext& context, FreeableBuffer* processed,
                                              ArrayRef<CompileSpec>) const {
  xnn_status status = initialize_once();
  EMBER_CHECK_OR_RETURN(status == xnn_status_success, Error::NotSupported, "XnnpackBackend: xnn_initialize failed: %s",
                        xnnpack::xnn_status_name(status));
  EMBER_CHECK_OR_RETURN(processed != nullptr && processed->data() != nullptr, Error::InvalidProgram,
                        "XnnpackBackend: no delegate blob");
  EMBER_ASSIGN_OR_RETURN(xnnpack::XnnpackBlob blob, xnnpack::XnnpackBlob::parse(processed->data(), processed->size()));
  EMBER_ASSIGN_OR_RETURN(xnnpack::XnnpackExecutor * executor, xnnpack::XnnpackExecutor::create(blob, context));
  // Constants from the blob itself stay referenced by host nodes, so the blob
  // is kept (the Method frees it at destroy).
  return static_cast<DelegateHandle*>(executor);
}

Error XnnpackBackend::execute(BackendExecutionContext& context, DelegateHandle* handle, Span<EValue*> args) const {
  EMBER_CHECK_OR_RETURN(handle != nullptr, Error::DelegateInvalidHandle, "XnnpackBackend: null delegate handle");
  return static_cast<xnnpack::XnnpackExecutor*>(handle)->execute(args, pool_of(context.thread_pool), context.event_tracer,
                                                                 context.instruction);
}

void XnnpackBackend::destroy(DelegateHandle* handle) const {
  if (handle != nullptr) static_cast<xnnpack::XnnpackExecutor*>(handle)->~XnnpackExecutor();
}

Error register_xnnpack_backend(BackendRegistry& registry) {
  static const XnnpackBackend backend;
  return registry.register_backend(kXnnpackBackendId, &backend);
}

}  // namespace ember
