// Program: a loaded, verified .pte file.
//
// Program::load reads the header and the flatbuffer through a DataLoader,
// verifies the whole flatbuffer and checks every index, offset, size and dtype
// the runtime will later trust. Nothing after a successful load reads an
// unchecked number from the file.
//
// Ownership: the Program owns the program bytes and the constant segment it
// loaded (as FreeableBuffers). The DataLoader must outlive the Program (delegate
// blobs and named data are loaded lazily). Methods borrow the Program: do not
// move or destroy it while Methods created from it exist.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/data_loader.h"
#include "runtime/core/freeable_buffer.h"
#include "runtime/core/memory_manager.h"
#include "runtime/core/named_data_map.h"
#include "runtime/core/result.h"
#include "runtime/executor/method_meta.h"

namespace executorch_flatbuffer {
struct Program;
}

namespace ember {

class Method;
class KernelRegistry;
class BackendRegistry;
class ThreadPool;
class EventTracer;

// The schema version this reader understands (every ExecuTorch file has 0).
constexpr uint32_t kProgramVersion = 0;

struct ProgramLoadOptions {
  // Full flatbuffer verification plus semantic checks. Minimal skips only the
  // flatbuffer verifier (for trusted, pre-checked files); semantic checks of
  // indices, sizes and offsets always run.
  enum class Verification : uint8_t { Minimal, Full };
  Verification verification = Verification::Full;
  // A file asking for more than these is refused at load, before anything is
  // allocated for it.
  uint64_t max_planned_bytes = uint64_t{1} << 32;       // sum of arenas, per method
  uint64_t max_delegate_blob_bytes = uint64_t{1} << 30;  // per delegate blob
  uint64_t max_program_bytes = uint64_t{1} << 31;        // flatbuffer part of the file
};

struct MethodLoadOptions {
  // Null: KernelRegistry::global() / BackendRegistry::global().
  const KernelRegistry* kernels = nullptr;
  const BackendRegistry* backends = nullptr;
  // Shared pool for kernels and delegates; null runs single-threaded.
  const ThreadPool* thread_pool = nullptr;
  // Cap on instructions one execute() may run (guards JumpFalse loops).
  size_t max_instructions = 10000000;
  // Times every instruction and delegate node execute() runs (null: off).
  // Borrowed; must outlive the Method's execute() calls. See event_tracer.h.
  EventTracer* event_tracer = nullptr;
};

class Program final : public NamedDataMap {
 public:
  static Result<Program> load(DataLoader* loader, const ProgramLoadOptions& options = {});

  Program(Program&& other) noexcept;
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  Program& operator=(Program&&) = delete;
  ~Program() override = default;

  size_t num_methods() const;
  Result<const char*> get_method_name(size_t index) const;
  Result<MethodMeta> method_meta(const char* method_name) const;

  // Builds a Method: values, tensors bound to arenas and constants, kernels
  // and delegates resolved. All missing operators are reported at once.
  Result<Method> load_method(const char* method_name, MemoryManager* memory_manager,
                             const MethodLoadOptions& options = {}) const;

  // --- For Method and backends (data already verified at load) ---
  const executorch_flatbuffer::Program* flatbuffer() const { return program_; }
  // Constant tensor data of `data_buffer_idx` (constant segment or the
  // deprecated inline buffers), checked to hold `nbytes`.
  Result<const void*> constant_data(size_t data_buffer_idx, size_t nbytes) const;
  // Copies the initial value of a mutable planned tensor into `dst`.
  Error copy_mutable_data(size_t table_index, size_t data_buffer_idx, void* dst, size_t nbytes) const;
  // Loads segment `index` (delegate blobs, named data) through the loader.
  Result<FreeableBuffer> load_segment(size_t index, const SegmentInfo& info) const;
  // Loads the blob of a BackendDelegate (inline or segment) with size caps.
  Result<FreeableBuffer> load_delegate_blob(const void* backend_delegate) const;
  const ProgramLoadOptions& options() const { return options_; }

  // NamedDataMap over Program.named_data.
  Result<FreeableBuffer> get_data(const char* key) const override;
  size_t num_keys() const override;
  Result<const char*> key_at(size_t index) const override;

 private:
  Program() = default;
  Error verify_semantics();

  DataLoader* loader_ = nullptr;
  FreeableBuffer program_data_;
  FreeableBuffer constant_segment_data_;
  const executorch_flatbuffer::Program* program_ = nullptr;
  ProgramLoadOptions options_;
  uint64_t segment_base_offset_ = 0;
  uint64_t file_size_ = 0;
};

}  // namespace ember
