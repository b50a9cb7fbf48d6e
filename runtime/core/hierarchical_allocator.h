// HierarchicalAllocator: the planned arenas of a method, indexed by memory id.
//
// Holds a list of caller-owned byte ranges; owns nothing and allocates
// nothing. Arena i serves the program's memory_id i + 1 (ids in the file are
// 1-based; id 0 is reserved). The arenas must outlive every Method using them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/result.h"
#include "runtime/core/span.h"

namespace ember {

class HierarchicalAllocator final {
 public:
  HierarchicalAllocator() = default;
  explicit HierarchicalAllocator(Span<Span<uint8_t>> arenas) : arenas_(arenas) {}

  size_t num_arenas() const { return arenas_.size(); }
  Span<uint8_t> arena(size_t index) const { return arenas_[index]; }

  // Address of [offset, offset + size) in arena `arena_index` (0-based),
  // bounds- and overflow-checked.
  Result<uint8_t*> offset_address(size_t arena_index, uint64_t offset, size_t size) const;

 private:
  Span<Span<uint8_t>> arenas_;
};

}  // namespace ember
