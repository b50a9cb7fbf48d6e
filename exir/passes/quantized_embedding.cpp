#include "exir/passes/quantized_embedding.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <vector>

#include "exir/passes/quant_units.h"

namespace exir {
namespace {

std::vector<uint8_t> float_bytes(const std::vector<float>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(float));
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

bool is_graph_output(const Graph& g, ValueId v) {
  return std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end();
}

// Per-row or row-blocked parameters of `dq` on a [V, D] table: scales and
// zero points as [V, groups] row-major, or false when the DQ has another form.
bool table_params(const Graph& g, const Node& dq, std::vector<float>* scales, std::vector<float>* zps,
                  int64_t* groups) {
  const Value& w = g.value(dq.inputs[0]);
  const Value& s = g.value(dq.inputs[1]);
  if (!w.is_constant() || w.rank() != 2 || (w.dtype != ScalarType::Char && w.dtype != ScalarType::Byte)) return false;
  if (!s.is_constant() || s.dtype != ScalarType::Float) return false;
  const bool has_zp = dq.inputs.size() > 2 && dq.inputs[2] != kNoValue;
  if (has_zp && (!g.value(dq.inputs[2]).is_constant() || g.value(dq.inputs[2]).dtype != w.dtype)) return false;
  const std::vector<int64_t> ws = w.sizes();
  const int64_t rows = ws[0], cols = ws[1];
  const int64_t block = dq.attr_int("block_size", 0);
  const int64_t axis = dq.attr_int("axis", 1);
  // Source index of (row, group) in the scale tensor.
  std::function<int64_t(int64_t, int64_t)> at;
  if (block > 0) {
    if ((axis != 1 && axis != -1) || s.sizes() != std::vector<int64_t>{rows, (cols + block - 1) / block} ||
        cols % block != 0) {
      return false;
    }
    *groups = cols / block;
    at = [groups](int64_t r, int64_t k) { return r * *groups + k; };
  } else if (s.numel() == 1) {
    *groups = 1;
    at = [](int64_t, int64_t) { return int64_t{0}; };
  } else {
    if ((axis != 0 && axis != -2) || s.rank() != 1 || s.numel() != rows) return false;
    *groups = 1;
    at = [](int64_t r, int64_t) { return r; };
  }
  const Value* z = has_zp ? &g.value(dq.inputs[2]) : nullptr;
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t k = 0; k < *groups; ++k) {
      const int64_t i = at(r, k);
      scales->push_back(s.as<float>()[i]);
      float zp = 0.0f;
      if (z != nullptr) zp = w.dtype == ScalarType::Char ? z->as<int8_t>()[i] : z->as<uint8_t>()[i];
      zps->push_back(zp);
    }
  }
  return true;
}

}  // namespace

int fuse_quantized_embedding(Graph& g) {
  std::vector<int> producer(g.values.size(), -1);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    for (ValueId v : g.nodes[i].outputs) {
      if (v != kNoValue) producer[static_cast<size_t>(v)] = static_cast<int>(i);
    }
  }
  int fused = 0;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& n = g.nodes[i];
    if (n.op != "Gather" || !n.domain.empty() || n.inputs.size() != 2 || n.attr_int("axis", 0) != 0) continue;
    const int p = producer[static_cast<size_t>(n.inputs[0])];
    if (p < 0) continue;
    const Node& dq = g.nodes[static_cast<size_t>(p)];
    if (dq.op != "DequantizeLinear" || (!dq.domain.empty() && dq.domain != "com.microsoft")) continue;
    const Value& idx = g.value(n.inputs[1]);
    if (idx.dtype != ScalarType::Long && idx.dtype != ScalarType::Int) continue;
    // Constant negative indices count from the end in ONNX; the kernel rejects them.
    if (idx.is_constant()) {
      bool negative = false;
      for (int64_t k = 0; k < idx.numel(); ++k) {
        negative |= (idx.dtype == ScalarType::Long ? idx.as<int64_t>()[k] : idx.as<int32_t>()[k]) < 0;
      }
      if (negative) continue;
    }
    std::vector<float> scales, zps;
    int64_t groups = 1;
    if (!table_params(g, dq, &scales, &zps, &groups)) continue;
    const Value& table = g.value(dq.inputs[0]);
    const bool is_signed = table.dtype == ScalarType::Char;
    const int64_t rows = table.sizes()[0];
    const std::vector<int64_t> param_sizes = groups > 1 ? std::vector<int64_t>{rows, groups} : std::vector<int64_t>{rows};
    const bool any_zp = std::any_of(zps.begin(), zps.end(), [](float z) { return z != 0.0f; });
    const std::string base = table.name;
    const ValueId table_id = dq.inputs[0], indices = n.inputs[1], out = n.outputs[0];
    const ValueId s_id = g.add_constant(g.unique_name(base + "_row_scales"), ScalarType::Float, param_sizes,
                                        float_bytes(scales));
    const ValueId z_id = any_zp ? g.add_constant(g.unique_name(base + "_row_zero_points"), ScalarType::Float,
                                                 param_sizes, float_bytes(zps))
                                : kNoValue;
    Node e;
    e.op = kQuantizedEmbeddingOp;
    e.domain = kEmberDomain;
    e.name = g.nodes[i].name;
    e.inputs = {table_id, s_id, z_id, indices};
    e.outputs = {out};
    Attribute lo, hi;
    lo.i = is_signed ? -128 : 0;
    hi.i = is_signed ? 127 : 255;
    e.attrs["quant_min"] = lo;
    e.attrs["quant_max"] = hi;
    g.nodes[i] = std::move(e);
    ++fused;
  }
  if (fused == 0) return 0;
  // Table DQs nothing reads any more.
  const std::vector<std::vector<size_t>> consumers = value_consumers(g);
  std::vector<Node> kept;
  for (Node& n : g.nodes) {
    const bool dead_dq = n.op == "DequantizeLinear" && consumers[static_cast<size_t>(n.outputs[0])].empty() &&
                         !is_graph_output(g, n.outputs[0]) && g.value(n.inputs[0]).is_constant();
    if (!dead_dq) kept.push_back(std::move(n));
  }
  g.nodes = std::move(kept);
  return fused;
}

}  // namespace exir
