// Writes a lowered graph as an ExecuTorch .pte (method "forward") with
// ProgramBuilder: constants in the constant segment, every other tensor
// planned in arena 1 at the MemoryPlan's offsets, one kernel-call chain.
// Deterministic: values are numbered in order of first appearance.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <set>
#include <vector>

#include "exir/ir/graph.h"
#include "exir/lower/kernel_call.h"
#include "exir/plan/memory_plan.h"

namespace exir {

// `blobs`: XNNPACK delegate blobs, indexed by KernelCall::delegate; each is
// written to a segment of its own. `dynamic`: planned tensors written as
// DYNAMIC_BOUND (their sizes are the bound; kernels resize them at run time).
std::vector<uint8_t> emit_pte(const Graph& graph, const std::vector<KernelCall>& calls, const MemoryPlan& plan,
                              std::vector<std::vector<uint8_t>> blobs = {}, const std::set<ValueId>& dynamic = {});

// The same program streamed to `out` (large models are never held twice).
void emit_pte(const Graph& graph, const std::vector<KernelCall>& calls, const MemoryPlan& plan,
              std::vector<std::vector<uint8_t>> blobs, const std::set<ValueId>& dynamic, std::ostream& out);

}  // namespace exir
