// MethodMeta: what a host needs to know about a method before loading it:
// inputs/outputs, planned arena sizes, and the exact method-allocator bytes.
//
// A MethodMeta is a view into the Program's flatbuffer: valid while the
// Program lives. Everything it reports has been verified at Program::load.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/evalue.h"
#include "runtime/core/result.h"

namespace executorch_flatbuffer {
struct ExecutionPlan;
}

namespace ember {

// Alignment of every method-allocator request Method::init makes, so that the
// byte count below is exact for an allocator whose free space starts aligned.
constexpr size_t kMethodAllocatorAlignment = 16;

struct TensorInfo {
  ArrayRef<int32_t> sizes;        // upper bound for DynamicBound tensors
  ArrayRef<uint8_t> dim_order;
  ScalarType dtype = ScalarType::Float;
  TensorShapeDynamism dynamism = TensorShapeDynamism::Static;
  bool is_memory_planned = false;  // data lives in a planned arena
  size_t nbytes = 0;               // at the sizes above
};

class MethodMeta final {
 public:
  explicit MethodMeta(const executorch_flatbuffer::ExecutionPlan* plan) : plan_(plan) {}

  const char* name() const;

  size_t num_inputs() const;
  Result<Tag> input_tag(size_t index) const;
  Result<TensorInfo> input_tensor_info(size_t index) const;
  size_t num_outputs() const;
  Result<Tag> output_tag(size_t index) const;
  Result<TensorInfo> output_tensor_info(size_t index) const;

  // Planned arenas (memory ids 1..n; the file's reserved entry 0 is hidden).
  size_t num_memory_planned_buffers() const;
  Result<size_t> memory_planned_buffer_size(size_t index) const;

  // Bytes Method::init takes from the method allocator, exactly, when the
  // allocator's free space starts 16-byte aligned (add 15 otherwise).
  // Delegates may take more through their own init; see docs/ARCHITECTURE.md.
  size_t method_allocator_bytes() const;

  size_t num_instructions() const;
  size_t num_operators() const;
  // "aten::add.out" written into `buffer` (truncated to its size).
  Result<const char*> operator_name(size_t index, char* buffer, size_t buffer_size) const;
  size_t num_delegates() const;
  Result<const char*> delegate_id(size_t index) const;
  bool uses_backend(const char* backend_id) const;

 private:
  Result<TensorInfo> tensor_info(int32_t value_index) const;
  Result<Tag> value_tag(int32_t value_index) const;
  size_t num_instructions_total() const;
  const executorch_flatbuffer::ExecutionPlan* plan_;
};

// Tag an EValue of the given flatbuffer union type gets.
Tag tag_of_kernel_type(uint8_t kernel_types_value);

}  // namespace ember
