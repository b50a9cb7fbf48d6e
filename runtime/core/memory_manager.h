// MemoryManager: the three kinds of memory a Method uses, all owned by the host.
//
// - method allocator: everything built at init (values, tensor metadata,
//   argument lists, kernel pointers, delegate state). Must outlive the Method.
// - planned memory: the arenas the program's memory plan refers to.
// - temp allocator: scratch a kernel or delegate may use during one
//   instruction; reset after every instruction. Optional.
// The manager only holds pointers; it must outlive the Methods that use it.
#pragma once

#include "runtime/core/hierarchical_allocator.h"
#include "runtime/core/memory_allocator.h"

namespace ember {

class MemoryManager final {
 public:
  explicit MemoryManager(MemoryAllocator* method_allocator, HierarchicalAllocator* planned_memory = nullptr,
                         MemoryAllocator* temp_allocator = nullptr)
      : method_allocator_(method_allocator), planned_memory_(planned_memory), temp_allocator_(temp_allocator) {}

  MemoryAllocator* method_allocator() const { return method_allocator_; }
  HierarchicalAllocator* planned_memory() const { return planned_memory_; }
  MemoryAllocator* temp_allocator() const { return temp_allocator_; }

 private:
  MemoryAllocator* method_allocator_;
  HierarchicalAllocator* planned_memory_;
  MemoryAllocator* temp_allocator_;
};

}  // namespace ember
