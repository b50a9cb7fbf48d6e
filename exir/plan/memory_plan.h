// Lifetime-based greedy memory planning: every non-constant tensor the
// kernel calls touch (graph inputs and outputs included) gets an offset in
// arena 1 (mem_id 1). A tensor lives from the call that first writes it (or
// the start, for inputs) to its last use (or the end, for outputs); tensors
// are placed largest first at the lowest 16-byte aligned offset that no
// overlapping-lifetime tensor occupies. Deterministic for a given input.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "exir/ir/graph.h"
#include "exir/lower/kernel_call.h"

namespace exir {

struct MemoryPlan {
  std::map<ValueId, uint64_t> offsets;  // arena 1 offsets
  uint64_t arena_bytes = 0;             // planned size (16-byte multiple)
  uint64_t naive_bytes = 0;             // sum of all tensors, each rounded to 16
};

MemoryPlan plan_memory(const Graph& graph, const std::vector<KernelCall>& calls);

}  // namespace exir
