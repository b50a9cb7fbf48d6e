#include "exir/plan/memory_plan.h"

#include <algorithm>

namespace exir {
namespace {

constexpr uint64_t kAlignment = 16;

uint64_t align_up(uint64_t n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }

struct Interval {
  ValueId id;
  int64_t first;
  int64_t last;
  uint64_t bytes;
};

}  // namespace

MemoryPlan plan_memory(const Graph& g, const std::vector<KernelCall>& calls) {
  std::map<ValueId, Interval> live;
  auto touch = [&](ValueId id, int64_t t) {
    if (id == kNoValue || g.value(id).is_constant()) return;
    auto [it, inserted] = live.try_emplace(id, Interval{id, t, t, align_up(g.value(id).nbytes())});
    if (!inserted) {
      it->second.first = std::min(it->second.first, t);
      it->second.last = std::max(it->second.last, t);
    }
  };
  const int64_t end = static_cast<int64_t>(calls.size());
  for (ValueId id : g.inputs) touch(id, -1);
  for (int64_t t = 0; t < end; ++t) {
    for (const Arg& a : calls[static_cast<size_t>(t)].args) {
      if (a.kind == Arg::Kind::Tensor) touch(a.tensor, t);
      if (a.kind == Arg::Kind::TensorList) {
        for (ValueId id : a.tensors) touch(id, t);
      }
    }
  }
  for (ValueId id : g.outputs) touch(id, end);

  std::vector<Interval> order;
  for (const auto& [id, iv] : live) order.push_back(iv);
  std::stable_sort(order.begin(), order.end(), [](const Interval& a, const Interval& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.id < b.id;
  });
  MemoryPlan plan;
  std::vector<Interval> placed;
  for (const Interval& iv : order) {
    plan.naive_bytes += iv.bytes;
    // Occupied ranges of tensors alive at the same time, by offset.
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (const Interval& p : placed) {
      if (p.first <= iv.last && iv.first <= p.last && p.bytes > 0) {
        busy.emplace_back(plan.offsets[p.id], plan.offsets[p.id] + p.bytes);
      }
    }
    std::sort(busy.begin(), busy.end());
    uint64_t offset = 0;
    for (const auto& [begin, finish] : busy) {
      if (offset + iv.bytes <= begin) break;
      offset = std::max(offset, finish);
    }
    plan.offsets[iv.id] = offset;
    plan.arena_bytes = std::max(plan.arena_bytes, offset + iv.bytes);
    placed.push_back(iv);
  }
  return plan;
}

}  // namespace exir
