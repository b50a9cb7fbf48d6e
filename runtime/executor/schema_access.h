// Private to runtime/executor: helpers over the generated flatbuffer types.
// Only used on programs that passed Program::load's checks.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/tensor.h"
#include "schema/program_generated.h"

namespace ember::detail {

namespace fb = ::executorch_flatbuffer;

// Rank of a serialized tensor (sizes may be absent: rank 0).
inline size_t tensor_rank(const fb::Tensor* t) { return t->sizes() == nullptr ? 0 : t->sizes()->size(); }

// numel * element size of a serialized tensor; false on overflow, a negative
// size or an unknown dtype.
bool tensor_nbytes(const fb::Tensor* t, size_t* nbytes);

// 64-bit offset of a planned tensor.
inline uint64_t planned_offset(const fb::AllocationDetails* a) {
  return static_cast<uint64_t>(a->memory_offset_high()) << 32 | a->memory_offset_low();
}

// The value list of a method, or null.
inline const flatbuffers::Vector<flatbuffers::Offset<fb::EValue>>* values_of(const fb::ExecutionPlan* plan) {
  return plan->values();
}

// Type of value `index` of a plan (KernelTypes::NONE when out of range).
fb::KernelTypes value_type(const fb::ExecutionPlan* plan, int64_t index);

// Writes "name.overload" (or "name") into `buffer`.
void format_operator_name(const fb::Operator* op, char* buffer, size_t size);

}  // namespace ember::detail
