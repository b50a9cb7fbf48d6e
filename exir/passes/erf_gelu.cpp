#include "exir/passes/erf_gelu.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "exir/passes/quant_units.h"

namespace exir {
namespace {

class Matcher {
 public:
  explicit Matcher(Graph& g) : g_(g), consumers_(value_consumers(g)), producer_(g.values.size(), -1) {
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      for (ValueId v : g.nodes[i].outputs) {
        if (v != kNoValue) producer_[static_cast<size_t>(v)] = static_cast<int>(i);
      }
    }
  }

  // Matches the subgraph around Erf node `erf`: fills the nodes to remove,
  // the final node (which becomes the Gelu) and x.
  bool match(size_t erf, std::vector<size_t>* nodes, size_t* last, ValueId* x) {
    const Node& e = g_.nodes[erf];
    if (e.inputs.size() != 1) return false;
    // x / sqrt 2 or x * (1 / sqrt 2).
    const int scaled = producer_[static_cast<size_t>(e.inputs[0])];
    if (scaled < 0 || !sole_reader(e.inputs[0], erf)) return false;
    const Node& d = g_.nodes[static_cast<size_t>(scaled)];
    if (d.op == "Div" && d.inputs.size() == 2 && is_scalar(d.inputs[1], std::sqrt(2.0))) {
      *x = d.inputs[0];
    } else if (d.op == "Mul") {
      *x = other(d, 1.0 / std::sqrt(2.0));
    } else {
      return false;
    }
    if (*x == kNoValue) return false;
    // 1 + Erf(.)
    const int add = sole_consumer(e.outputs[0]);
    if (add < 0) return false;
    const Node& a = g_.nodes[static_cast<size_t>(add)];
    if (a.op != "Add" || operand_other_than(a, e.outputs[0]) == kNoValue ||
        !is_scalar(operand_other_than(a, e.outputs[0]), 1.0)) {
      return false;
    }
    // The product x * 0.5 * (1 + erf) in one of its three groupings.
    const int m1 = sole_consumer(a.outputs[0]);
    if (m1 < 0 || g_.nodes[static_cast<size_t>(m1)].op != "Mul") return false;
    const Node& p = g_.nodes[static_cast<size_t>(m1)];
    const ValueId o = operand_other_than(p, a.outputs[0]);
    if (o == kNoValue) return false;
    std::vector<size_t> found = {static_cast<size_t>(scaled), erf, static_cast<size_t>(add), static_cast<size_t>(m1)};
    if (o == *x || is_scalar(o, 0.5)) {
      // (x * (1 + erf)) * 0.5 or (0.5 * (1 + erf)) * x.
      const int m2 = sole_consumer(p.outputs[0]);
      if (m2 < 0 || g_.nodes[static_cast<size_t>(m2)].op != "Mul") return false;
      const ValueId f = operand_other_than(g_.nodes[static_cast<size_t>(m2)], p.outputs[0]);
      if (f == kNoValue || !(o == *x ? is_scalar(f, 0.5) : f == *x)) return false;
      found.push_back(static_cast<size_t>(m2));
      *last = static_cast<size_t>(m2);
    } else {
      // (x * 0.5) * (1 + erf).
      const int h = producer_[static_cast<size_t>(o)];
      if (h < 0 || g_.nodes[static_cast<size_t>(h)].op != "Mul" || !sole_reader(o, static_cast<size_t>(m1))) return false;
      const Node& hn = g_.nodes[static_cast<size_t>(h)];
      if (!((hn.inputs[0] == *x && is_scalar(hn.inputs[1], 0.5)) || (hn.inputs[1] == *x && is_scalar(hn.inputs[0], 0.5)))) {
        return false;
      }
      found.push_back(static_cast<size_t>(h));
      *last = static_cast<size_t>(m1);
    }
    // Same shape as x (a one-element constant of higher rank would broadcast x up).
    if (shape_string(g_.value(g_.nodes[*last].outputs[0]).shape) != shape_string(g_.value(*x).shape)) return false;
    for (size_t k : found) {
      if (k != *last) nodes->push_back(k);
    }
    return true;
  }

 private:
  Graph& g_;
  std::vector<std::vector<size_t>> consumers_;
  std::vector<int> producer_;

  bool is_output(ValueId v) const { return std::find(g_.outputs.begin(), g_.outputs.end(), v) != g_.outputs.end(); }
  bool sole_reader(ValueId v, size_t node) const {
    const auto& users = consumers_[static_cast<size_t>(v)];
    return !is_output(v) && users.size() == 1 && users[0] == node;
  }
  int sole_consumer(ValueId v) const {
    const auto& users = consumers_[static_cast<size_t>(v)];
    return !is_output(v) && users.size() == 1 ? static_cast<int>(users[0]) : -1;
  }
  // A float constant with one element equal to `want` (to float precision).
  bool is_scalar(ValueId v, double want) const {
    if (v == kNoValue) return false;
    const Value& c = g_.value(v);
    if (!c.is_constant() || c.dtype != ScalarType::Float || c.numel() != 1) return false;
    return std::fabs(static_cast<double>(c.as<float>()[0]) - want) <= 1e-6 * std::fabs(want);
  }
  // The binary node's operand that is not `v` (kNoValue unless exactly one is v).
  static ValueId operand_other_than(const Node& n, ValueId v) {
    if (n.inputs.size() != 2) return kNoValue;
    if (n.inputs[0] == v && n.inputs[1] != v) return n.inputs[1];
    if (n.inputs[1] == v && n.inputs[0] != v) return n.inputs[0];
    return kNoValue;
  }
  // The operand of Mul `n` multiplied by the scalar `want`, or kNoValue.
  ValueId other(const Node& n, double want) const {
    if (n.inputs.size() != 2) return kNoValue;
    if (is_scalar(n.inputs[1], want)) return n.inputs[0];
    if (is_scalar(n.inputs[0], want)) return n.inputs[1];
    return kNoValue;
  }
};

}  // namespace

int fuse_erf_gelu(Graph& g) {
  int fused = 0;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (g.nodes[i].op != "Erf" || !g.nodes[i].domain.empty()) continue;
    std::vector<size_t> remove;
    size_t last = 0;
    ValueId x = kNoValue;
    if (!Matcher(g).match(i, &remove, &last, &x) || g.value(x).dtype != ScalarType::Float) continue;
    Node gelu;
    gelu.op = "Gelu";
    gelu.name = g.nodes[last].name;
    gelu.inputs = {x};
    gelu.outputs = {g.nodes[last].outputs[0]};
    Attribute approximate;
    approximate.kind = Attribute::Kind::String;
    approximate.s = "none";
    gelu.attrs["approximate"] = approximate;
    g.nodes[last] = std::move(gelu);
    std::sort(remove.begin(), remove.end());
    for (size_t k = remove.size(); k-- > 0;) g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(remove[k]));
    ++fused;
    // Node indices moved: go on from the first removed node (the Div / Mul before this Erf).
    i = remove.front() - 1;
  }
  return fused;
}

}  // namespace exir
