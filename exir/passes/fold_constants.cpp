#include "exir/passes/fold_constants.h"

#include <vector>

namespace exir {

int fold_constants(Graph& g) {
  const size_t before = g.nodes.size();
  std::vector<Node> kept;
  for (Node& n : g.nodes) {
    bool all_constant = !n.outputs.empty();
    for (ValueId id : n.outputs) all_constant &= id != kNoValue && g.value(id).is_constant();
    if (!all_constant) kept.push_back(std::move(n));
  }
  // Dead code: walk backwards from the outputs.
  std::vector<bool> live(g.values.size(), false);
  for (ValueId id : g.outputs) live[static_cast<size_t>(id)] = true;
  std::vector<Node> alive;
  for (size_t i = kept.size(); i-- > 0;) {
    bool used = false;
    for (ValueId id : kept[i].outputs) used |= id != kNoValue && live[static_cast<size_t>(id)];
    if (!used) continue;
    for (ValueId id : kept[i].inputs) {
      if (id != kNoValue) live[static_cast<size_t>(id)] = true;
    }
    for (const auto& [key, a] : kept[i].attrs) {
      if (a.kind == Attribute::Kind::Tensor) live[static_cast<size_t>(a.tensor)] = true;
    }
    alive.push_back(std::move(kept[i]));
  }
  g.nodes.assign(std::make_move_iterator(alive.rbegin()), std::make_move_iterator(alive.rend()));
  // Constants nothing reads any more keep their ids but release their bytes.
  for (size_t i = 0; i < g.values.size(); ++i) {
    if (!live[i] && g.values[i].is_constant()) g.values[i].data.reset();
  }
  return static_cast<int>(before - g.nodes.size());
}

}  // namespace exir
