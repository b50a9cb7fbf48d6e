// BackendInterface: a delegate that runs part of a method (e.g. XnnpackBackend).
//
// A backend is registered once under its id; Methods call init() for every
// BackendDelegate naming that id, execute() for each DelegateCall and
// destroy() when the Method goes away. Backends must be stateless between
// handles (all per-delegate state lives behind the handle) and never abort.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/array_ref.h"
#include "runtime/core/evalue.h"
#include "runtime/core/freeable_buffer.h"
#include "runtime/core/memory_allocator.h"
#include "runtime/core/result.h"
#include "runtime/core/span.h"

namespace ember {

class ThreadPool;
class NamedDataMap;
class EventTracer;

using DelegateHandle = void;

// An ahead-of-time option baked into the program (key + opaque bytes). Both
// point into the program's flatbuffer and stay valid while the Program lives.
struct CompileSpec {
  const char* key = nullptr;
  const void* value = nullptr;
  size_t value_size = 0;
};

// What init() may use. The runtime allocator is the method allocator: memory
// from it lives as long as the Method.
struct BackendInitContext {
  MemoryAllocator* runtime_allocator = nullptr;
  const ThreadPool* thread_pool = nullptr;
  const char* method_name = nullptr;
  // Named data of the program (may be null when it has none).
  const NamedDataMap* named_data = nullptr;
  // Index of this delegate in the method, for messages.
  size_t delegate_index = 0;
};

struct BackendExecutionContext {
  MemoryAllocator* temp_allocator = nullptr;
  const ThreadPool* thread_pool = nullptr;
  const char* method_name = nullptr;
  // When set, a backend reports one EventKind::DelegateNode event per node it
  // runs, with `instruction` (the delegate call's pc) as the parent.
  EventTracer* event_tracer = nullptr;
  uint32_t instruction = 0;
};

class BackendInterface {
 public:
  virtual ~BackendInterface() = default;
  virtual bool is_available() const = 0;
  // `processed` is the delegate blob; a backend may free() it once it no
  // longer needs the bytes, otherwise the Method keeps it until destroy.
  virtual Result<DelegateHandle*> init(BackendInitContext& context, FreeableBuffer* processed,
                                       ArrayRef<CompileSpec> compile_specs) const = 0;
  // `args` are the DelegateCall's values: inputs first, then outputs.
  virtual Error execute(BackendExecutionContext& context, DelegateHandle* handle, Span<EValue*> args) const = 0;
  virtual void destroy(DelegateHandle* handle) const = 0;
};

}  // namespace ember
