#include "exir/passes/quant_units.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "exir/ir/error.h"

namespace exir {
namespace {

bool is_op(const Node& n, const char* op) { return n.op == op && (n.domain.empty() || n.domain == "com.microsoft"); }

void replace_uses(Graph& g, ValueId from, ValueId to) {
  for (Node& n : g.nodes) std::replace(n.inputs.begin(), n.inputs.end(), from, to);
  std::replace(g.outputs.begin(), g.outputs.end(), from, to);
}

// Q -> Cast(to its own type) -> DQ: the Cast changes nothing.
int drop_noop_casts(Graph& g) {
  int removed = 0;
  for (size_t i = 0; i < g.nodes.size();) {
    const Node& n = g.nodes[i];
    if (n.op == "Cast" && n.inputs.size() == 1 && g.value(n.inputs[0]).dtype == g.value(n.outputs[0]).dtype &&
        !g.value(n.inputs[0]).is_constant()) {
      const ValueId from = n.outputs[0], to = n.inputs[0];
      g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(i));
      replace_uses(g, from, to);
      ++removed;
      continue;
    }
    ++i;
  }
  return removed;
}

// Q(float constant) -> an 8-bit constant, as the runtime would compute it.
int fold_quantized_constants(Graph& g) {
  int removed = 0;
  for (size_t i = 0; i < g.nodes.size();) {
    const Node& n = g.nodes[i];
    const Value& x = g.value(n.inputs[0]);
    Value& y = g.value(n.outputs[0]);
    if (!is_op(n, "QuantizeLinear") || !x.is_constant() || x.dtype != ScalarType::Float || !y.quant ||
        (y.dtype != ScalarType::Char && y.dtype != ScalarType::Byte)) {
      ++i;
      continue;
    }
    const QuantParams& q = *y.quant;
    const std::vector<int64_t> s = x.sizes();
    int64_t inner = 1;
    if (q.axis >= 0) {
      for (size_t d = static_cast<size_t>(q.axis) + 1; d < s.size(); ++d) inner *= s[d];
    }
    const int64_t channels = q.axis >= 0 ? s[static_cast<size_t>(q.axis)] : 1;
    std::vector<uint8_t> bytes(static_cast<size_t>(x.numel()));
    for (int64_t e = 0; e < x.numel(); ++e) {
      const size_t c = q.axis >= 0 ? static_cast<size_t>((e / inner) % channels) : 0;
      const double v = std::nearbyint(static_cast<double>(x.as<float>()[e]) / q.scales[c]) + q.zero_points[c];
      const int64_t r = static_cast<int64_t>(std::min<double>(std::max<double>(v, q.qmin), q.qmax));
      bytes[static_cast<size_t>(e)] = static_cast<uint8_t>(y.dtype == ScalarType::Char ? static_cast<int8_t>(r) : r);
    }
    y.data = std::move(bytes);
    g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(i));
    ++removed;
  }
  return removed;
}

int duplicate_shared_dq(Graph& g) {
  const std::vector<std::vector<size_t>> consumers = value_consumers(g);
  std::vector<Node> out;
  int added = 0;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    out.push_back(g.nodes[i]);
    const Node& n = g.nodes[i];
    if (!is_op(n, "DequantizeLinear")) continue;
    const ValueId v = n.outputs[0];
    const bool is_output = std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end();
    const std::vector<size_t>& users = consumers[static_cast<size_t>(v)];
    // The first consumer keeps the original unless a graph output needs it.
    for (size_t k = is_output ? 0 : 1; k < users.size(); ++k) {
      Node copy = n;
      Value cv = g.value(v);
      cv.name = g.unique_name(cv.name + "_dup");
      copy.outputs[0] = g.add_value(std::move(cv));
      copy.name = n.name.empty() ? n.name : n.name + "_dup" + std::to_string(k);
      std::replace(g.nodes[users[k]].inputs.begin(), g.nodes[users[k]].inputs.end(), v, copy.outputs[0]);
      out.push_back(std::move(copy));
      ++added;
    }
  }
  g.nodes = std::move(out);
  return added;
}

bool only_consumer(const std::vector<std::vector<size_t>>& consumers, const Graph& g, ValueId v, size_t node) {
  if (std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end()) return false;
  const auto& users = consumers[static_cast<size_t>(v)];
  return !users.empty() && std::all_of(users.begin(), users.end(), [&](size_t u) { return u == node; });
}

// The single consumer of v, or -1.
int single_consumer(const std::vector<std::vector<size_t>>& consumers, const Graph& g, ValueId v) {
  if (std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end()) return -1;
  const auto& users = consumers[static_cast<size_t>(v)];
  return users.size() == 1 ? static_cast<int>(users[0]) : -1;
}

// Clip's bounds from attributes (opset < 11) or constant inputs.
void clip_range(const Graph& g, const Node& n, float* lo, float* hi) {
  if (n.op == "Relu") {
    *lo = 0.0f;
    return;
  }
  if (n.has("min")) *lo = n.attr_float("min", *lo);
  if (n.has("max")) *hi = n.attr_float("max", *hi);
  if (n.inputs.size() > 1 && n.inputs[1] != kNoValue && g.value(n.inputs[1]).is_constant()) *lo = g.value(n.inputs[1]).as<float>()[0];
  if (n.inputs.size() > 2 && n.inputs[2] != kNoValue && g.value(n.inputs[2]).is_constant()) *hi = g.value(n.inputs[2]).as<float>()[0];
}

}  // namespace

std::vector<std::vector<size_t>> value_consumers(const Graph& g) {
  std::vector<std::vector<size_t>> consumers(g.values.size());
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    for (ValueId id : g.nodes[i].inputs) {
      if (id == kNoValue) continue;
      auto& users = consumers[static_cast<size_t>(id)];
      if (users.empty() || users.back() != i) users.push_back(i);
    }
  }
  return consumers;
}

int prepare_qdq(Graph& g) {
  return drop_noop_casts(g) + fold_quantized_constants(g) + duplicate_shared_dq(g);
}

ValueId QuantUnit::quantized_input(const Graph& g, size_t i) const {
  if (i >= input_dq.size() || input_dq[i] < 0) return kNoValue;
  return g.nodes[static_cast<size_t>(input_dq[i])].inputs[0];
}

ValueId QuantUnit::quantized_output(const Graph& g) const { return g.nodes[static_cast<size_t>(output_q)].outputs[0]; }

std::vector<size_t> QuantUnit::nodes() const {
  std::vector<size_t> all = {op, static_cast<size_t>(output_q)};
  for (int d : input_dq) {
    if (d >= 0) all.push_back(static_cast<size_t>(d));
  }
  if (activation >= 0) all.push_back(static_cast<size_t>(activation));
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

std::vector<QuantUnit> find_quant_units(const Graph& g) {
  const auto consumers = value_consumers(g);
  std::vector<int> producer(g.values.size(), -1);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    for (ValueId id : g.nodes[i].outputs) {
      if (id != kNoValue) producer[static_cast<size_t>(id)] = static_cast<int>(i);
    }
  }
  std::vector<QuantUnit> units;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (is_op(n, "QuantizeLinear") || is_op(n, "DequantizeLinear") || n.outputs.size() != 1) continue;
    QuantUnit u;
    u.op = i;
    bool ok = true, any_dq = false;
    for (ValueId id : n.inputs) {
      int dq = -1;
      if (id != kNoValue) {
        const int p = producer[static_cast<size_t>(id)];
        if (p >= 0 && is_op(g.nodes[static_cast<size_t>(p)], "DequantizeLinear") && only_consumer(consumers, g, id, i)) {
          dq = p;
          any_dq |= !g.value(g.nodes[static_cast<size_t>(p)].inputs[0]).is_constant();
        } else if (!g.value(id).is_constant()) {
          ok = false;  // a float activation from outside: not a quantized unit
        }
      }
      u.input_dq.push_back(dq);
    }
    if (!ok || !any_dq) continue;
    int next = single_consumer(consumers, g, n.outputs[0]);
    if (next >= 0 && (g.nodes[static_cast<size_t>(next)].op == "Relu" || g.nodes[static_cast<size_t>(next)].op == "Clip") &&
        n.op != "Relu" && n.op != "Clip") {
      u.activation = next;
      clip_range(g, g.nodes[static_cast<size_t>(next)], &u.clamp_min, &u.clamp_max);
      next = single_consumer(consumers, g, g.nodes[static_cast<size_t>(next)].outputs[0]);
    }
    if (next < 0 || !is_op(g.nodes[static_cast<size_t>(next)], "QuantizeLinear")) continue;
    u.output_q = next;
    units.push_back(std::move(u));
  }
  std::sort(units.begin(), units.end(), [](const QuantUnit& a, const QuantUnit& b) { return a.output_q < b.output_q; });
  return units;
}

}  // namespace exir
