// Method: one executable entry point of a Program, bound to memory.
//
// Created by Program::load_method. Borrows the Program, the MemoryManager (and
// everything it points at) and the registries: all must outlive the Method.
// The Method owns its delegate handles and destroys them in its destructor.
//
// Memory: no heap allocation happens after init; execute() uses only the
// planned arenas and the temp allocator.
//
// Outputs: get_output() returns values that alias the method's planned arenas
// (see output_is_memory_planned); they are overwritten by the next execute().
// Copy them out to keep them (Module does).
//
// Threads: a Method is not re-entrant. A second execute() entered while one is
// running returns InvalidState. Different Methods may run concurrently.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "runtime/core/evalue.h"
#include "runtime/core/freeable_buffer.h"
#include "runtime/core/memory_manager.h"
#include "runtime/core/result.h"
#include "runtime/executor/method_meta.h"
#include "runtime/executor/program.h"
#include "runtime/kernel/kernel_registry.h"

namespace executorch_flatbuffer {
struct ExecutionPlan;
}

namespace ember {

class BackendInterface;
class EventTracer;

class Method final {
 public:
  Method(Method&& other) noexcept;
  Method(const Method&) = delete;
  Method& operator=(const Method&) = delete;
  Method& operator=(Method&&) = delete;
  ~Method();

  MethodMeta method_meta() const { return MethodMeta(plan_); }
  const char* name() const;

  size_t inputs_size() const { return num_inputs_; }
  size_t outputs_size() const { return num_outputs_; }

  // Sets input `index`. For a tensor: dtype must match, shape must equal the
  // declared one (or fit its bound when DYNAMIC_BOUND; the method's tensor is
  // resized). Planned inputs are copied into the arena; unplanned inputs share
  // the caller's data pointer, which must stay valid until execute() returns.
  // Scalar inputs must equal the value traced into the program.
  Error set_input(const EValue& value, size_t index);
  const EValue& get_input(size_t index) const;

  // For outputs the plan did not place in an arena: where to write them.
  Error set_output_data_ptr(void* data, size_t size, size_t index);

  // Runs every instruction. Fails with a message naming the instruction and
  // operator (or delegate) that failed.
  Error execute();

  const EValue& get_output(size_t index) const;
  // True when output `index` is a tensor whose data lives in a planned arena
  // (and so is overwritten by the next execute()).
  bool output_is_memory_planned(size_t index) const;

  // Sizes of per-instruction and per-delegate state, for MethodMeta.
  static size_t instruction_bytes();
  static size_t delegate_state_bytes();

  // Number of instructions the last execute() ran (after jumps).
  size_t last_instruction_count() const { return last_instruction_count_; }

 private:
  friend class Program;
  struct Instruction;
  struct DelegateState;

  Method(const Program* program, const executorch_flatbuffer::ExecutionPlan* plan, MemoryManager* memory_manager,
         const MethodLoadOptions& options);
  Error init();
  Error parse_values();
  Error init_delegates();
  Error resolve_instructions();
  Error parse_tensor(size_t index, const void* serialized, EValue* out);
  Error execute_instruction(size_t pc, size_t* next_pc);
  // Reports instruction `pc`, started at `start_ns`, to `tracer`.
  void trace_instruction(EventTracer* tracer, size_t pc, uint64_t start_ns) const;
  Error check_arguments_have_data(const Instruction& ins, bool exempt_output) const;
  // Takes `bytes` (rounded to kMethodAllocatorAlignment) from the method
  // allocator; zero bytes yields null and Ok.
  Error method_alloc(size_t bytes, void** out);
  bool input_is_planned(size_t index) const;

  const Program* program_ = nullptr;
  const executorch_flatbuffer::ExecutionPlan* plan_ = nullptr;
  MemoryManager* memory_manager_ = nullptr;
  MethodLoadOptions options_;

  EValue* values_ = nullptr;
  size_t num_values_ = 0;
  bool* input_set_ = nullptr;
  size_t num_inputs_ = 0;
  size_t num_outputs_ = 0;
  Instruction* instructions_ = nullptr;
  size_t num_instructions_ = 0;
  DelegateState* delegates_ = nullptr;
  size_t num_delegates_ = 0;  // successfully initialized, destroyed in ~Method
  size_t last_instruction_count_ = 0;
  std::atomic<bool> executing_{false};
  bool initialized_ = false;
};

}  // namespace ember
