// Private to runtime/executor: the method-allocator requests Method::init
// makes, as formulas, so MethodMeta can report the exact total without
// building anything. Every request is rounded up to kMethodAllocatorAlignment
// and zero-byte requests are not made.
#pragma once

#include <cstddef>

#include "runtime/core/evalue.h"
#include "runtime/core/memory_allocator.h"
#include "runtime/executor/method_meta.h"

namespace ember::detail {

inline size_t request_bytes(size_t bytes) { return bytes == 0 ? 0 : aligned_size(bytes, kMethodAllocatorAlignment); }

// One block per tensor value: TensorImpl, sizes, strides, dim order.
inline size_t tensor_block_bytes(size_t rank) {
  return aligned_size(sizeof(TensorImpl), alignof(SizesType)) + rank * (sizeof(SizesType) + sizeof(StridesType)) +
         rank * sizeof(DimOrderType);
}
// Boxed lists: the EValue* array, then the unboxed scratch array.
template <typename T>
size_t boxed_list_bytes(size_t n) {
  return n == 0 ? 0 : aligned_size(n * sizeof(EValue*), alignof(T)) + n * sizeof(T);
}

}  // namespace ember::detail
