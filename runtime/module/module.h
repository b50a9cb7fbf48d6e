// Module: the convenient owner of everything needed to run a program.
//
// Owns the data loader, the Program, a thread pool, and per loaded method its
// method allocator, planned arenas, temp allocator and Method. Inputs and
// outputs are HostValues (owned copies), so a second run never clobbers the
// results of a first. Not thread-safe: use one Module per thread, or lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/data_loader.h"
#include "runtime/core/result.h"
#include "runtime/executor/method.h"
#include "runtime/executor/program.h"
#include "runtime/kernel/thread_pool.h"
#include "runtime/module/host_value.h"

namespace ember {

struct ModuleOptions {
  enum class LoadMode : uint8_t { File, Mmap };
  LoadMode load_mode = LoadMode::Mmap;
  ProgramLoadOptions program;
  // Threads of the module's pool; 0 = physical cores.
  size_t num_threads = 0;
  // Scratch for kernels and delegates during one instruction.
  size_t temp_allocator_bytes = size_t{16} << 20;
  // Passed to every method the module loads (MethodLoadOptions::event_tracer);
  // borrowed, must outlive the Module.
  EventTracer* event_tracer = nullptr;
};

class Module final {
 public:
  // Loads and verifies the program at `path`. Registers the portable and prim
  // kernels (and any backend compiled in) the first time it is called.
  static Result<std::unique_ptr<Module>> load(const std::string& path, const ModuleOptions& options = {});
  // Same over caller memory, which must outlive the Module (not copied).
  static Result<std::unique_ptr<Module>> load_from_buffer(const void* data, size_t size,
                                                          const ModuleOptions& options = {});
  ~Module();

  Program& program() { return *program_; }
  const ThreadPool* thread_pool() const { return thread_pool_; }
  std::vector<std::string> method_names() const;
  Result<MethodMeta> method_meta(const std::string& name) const;

  // Loads (once) and returns the method; valid while the Module lives.
  Result<Method*> load_method(const std::string& name);

  // Bytes the loaded method's allocator had to take from the heap beyond the
  // exact MethodMeta::method_allocator_bytes() block (0 unless a delegate
  // allocated at init). NotFound when the method is not loaded.
  Result<size_t> method_allocator_heap_bytes(const std::string& name) const;

  // Sets inputs, executes, copies outputs out.
  Result<std::vector<HostValue>> run(const std::string& method_name, const std::vector<HostValue>& inputs);

  // Binds `inputs` to a loaded method without running it (for timing loops).
  // The HostValues must stay alive and unchanged until the method has run.
  Error set_inputs(Method& method, const std::vector<HostValue>& inputs);

 private:
  struct LoadedMethod;
  Module() = default;
  static Result<std::unique_ptr<Module>> finish_load(std::unique_ptr<Module> module, const ModuleOptions& options);

  std::unique_ptr<DataLoader> loader_;
  std::unique_ptr<Program> program_;
  ThreadPool* thread_pool_ = nullptr;
  ModuleOptions options_;
  std::map<std::string, std::unique_ptr<LoadedMethod>> methods_;
};

// Registers the portable, quantized and prim kernels and the backends linked
// into this build with the global registries. Safe to call more than once.
Error register_all_kernels_and_backends();

}  // namespace ember
