#include "exir/passes/fold_batch_norm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "exir/passes/quant_units.h"

namespace exir {
namespace {

bool float_constant(const Graph& g, ValueId v, int64_t numel) {
  if (v == kNoValue) return false;
  const Value& c = g.value(v);
  return c.is_constant() && c.dtype == ScalarType::Float && c.numel() == numel;
}

std::vector<uint8_t> bytes_of(const std::vector<float>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(float));
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

}  // namespace

int fold_conv_batch_norm(Graph& g) {
  const std::vector<std::vector<size_t>> consumers = value_consumers(g);
  std::vector<int> producer(g.values.size(), -1);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    for (ValueId v : g.nodes[i].outputs) {
      if (v != kNoValue) producer[static_cast<size_t>(v)] = static_cast<int>(i);
    }
  }
  std::vector<bool> remove(g.nodes.size(), false);
  int folded = 0;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& bn = g.nodes[i];
    if (bn.op != "BatchNormalization" || !bn.domain.empty() || bn.inputs.size() != 5) continue;
    if (bn.attr_int("training_mode", 0) != 0) continue;
    bool extra_outputs = false;
    for (size_t k = 1; k < bn.outputs.size(); ++k) extra_outputs |= bn.outputs[k] != kNoValue;
    if (extra_outputs) continue;
    const ValueId y = bn.inputs[0];
    const int p = producer[static_cast<size_t>(y)];
    if (p < 0 || remove[static_cast<size_t>(p)]) continue;
    Node& conv = g.nodes[static_cast<size_t>(p)];
    if (conv.op != "Conv" || !conv.domain.empty() || consumers[static_cast<size_t>(y)].size() != 1 ||
        std::find(g.outputs.begin(), g.outputs.end(), y) != g.outputs.end()) {
      continue;
    }
    const ValueId w_id = conv.inputs[1];
    const Value& w = g.value(w_id);
    if (!w.is_constant() || w.dtype != ScalarType::Float || w.rank() < 1) continue;
    const int64_t channels = w.sizes()[0];
    const bool has_bias = conv.inputs.size() > 2 && conv.inputs[2] != kNoValue;
    if (has_bias && !float_constant(g, conv.inputs[2], channels)) continue;
    bool params = true;
    for (size_t k = 1; k < 5; ++k) params &= float_constant(g, bn.inputs[k], channels);
    if (!params) continue;
    const double eps = bn.attr_float("epsilon", 1e-5f);
    const float* scale = g.value(bn.inputs[1]).as<float>();
    const float* shift = g.value(bn.inputs[2]).as<float>();
    const float* mean = g.value(bn.inputs[3]).as<float>();
    const float* var = g.value(bn.inputs[4]).as<float>();
    const int64_t per_channel = w.numel() / channels;
    std::vector<float> nw(static_cast<size_t>(w.numel())), nb(static_cast<size_t>(channels));
    for (int64_t c = 0; c < channels; ++c) {
      const double k = static_cast<double>(scale[c]) / std::sqrt(static_cast<double>(var[c]) + eps);
      const double b = has_bias ? g.value(conv.inputs[2]).as<float>()[c] : 0.0;
      nb[static_cast<size_t>(c)] = static_cast<float>((b - mean[c]) * k + shift[c]);
      for (int64_t e = c * per_channel; e < (c + 1) * per_channel; ++e) {
        nw[static_cast<size_t>(e)] = static_cast<float>(w.as<float>()[e] * k);
      }
    }
    const std::string w_name = w.name;
    const std::vector<int64_t> w_sizes = w.sizes();
    const ValueId out = bn.outputs[0];
    const ValueId new_w = g.add_constant(g.unique_name(w_name + "_bn"), ScalarType::Float, w_sizes, bytes_of(nw));
    const ValueId new_b = g.add_constant(g.unique_name(w_name + "_bn_bias"), ScalarType::Float, {channels}, bytes_of(nb));
    conv.inputs.resize(3, kNoValue);
    conv.inputs[1] = new_w;
    conv.inputs[2] = new_b;
    conv.outputs[0] = out;
    remove[i] = true;
    ++folded;
  }
  if (folded == 0) return 0;
  std::vector<Node> kept;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (!remove[i]) kept.push_back(std::move(g.nodes[i]));
  }
  g.nodes = std::move(kept);
  return folded;
}

}  // namespace exir
