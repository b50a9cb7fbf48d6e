// XnnpackBackend: runs ExecuTorch XNNPACK delegate blobs on Debian's XNNPACK.
//
// Register it once with register_xnnpack_backend(); programs whose
// BackendDelegate id is "XnnpackBackend" then initialize through it. All
// per-delegate state lives in the Method's allocator (see XnnpackExecutor);
// XNNPACK's own allocations (packed weights) go through the counting
// allocator in xnnpack_allocator.h and are freed when the delegate is
// destroyed. Threads: the runtime's shared pool, passed by the Method.
#pragma once

#include "runtime/backend/backend_registry.h"

namespace ember {

constexpr const char* kXnnpackBackendId = "XnnpackBackend";

class XnnpackBackend final : public BackendInterface {
 public:
  bool is_available() const override;
  Result<DelegateHandle*> init(BackendInitContext& context, FreeableBuffer* processed,
                               ArrayRef<CompileSpec> compile_specs) const override;
  Error execute(BackendExecutionContext& context, DelegateHandle* handle, Span<EValue*> args) const override;
  void destroy(DelegateHandle* handle) const override;
};

// Registers the process-wide XnnpackBackend instance (idempotent).
Error register_xnnpack_backend(BackendRegistry& registry = BackendRegistry::global());

}  // namespace ember
