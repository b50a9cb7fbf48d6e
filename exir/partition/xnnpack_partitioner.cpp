#include "exir/partition/xnnpack_partitioner.h"

#include "exir/ir/error.h"

#include <algorithm>
#include <map>
#include <queue>
#include <set>

#include "exir/partition/xnnpack_translate.h"
#include "exir/passes/quant_units.h"

namespace exir {
namespace {

namespace xnn = ember::xnnpack;

// Reachability sets over items, as bit vectors.
using Bits = std::vector<uint64_t>;
bool test(const Bits& b, size_t i) { return (b[i / 64] >> (i % 64)) & 1u; }
void set(Bits& b, size_t i) { b[i / 64] |= uint64_t{1} << (i % 64); }

struct Item {
  std::vector<size_t> nodes;
  int unit = -1;  // index into the supported units, or -1 (never delegated)
  size_t last = 0;
};

class Partitioner {
 public:
  explicit Partitioner(Graph& g) : g_(g) {}

  PartitionResult run() {
    const std::vector<QuantUnit> units = find_quant_units(g_);
    std::vector<std::string> reason(g_.nodes.size());
    std::vector<int> node_item(g_.nodes.size(), -1);
    for (const QuantUnit& u : units) {
      XnnOp op;
      std::string why;
      if (translate_unit(g_, u, &op, &why)) {
        Item it;
        it.nodes = u.nodes();
        it.unit = static_cast<int>(ops_.size());
        // Weights are translated again when the partition is written; not
        // keeping every unit's copy here bounds the converter's memory.
        op.filter.constant = {};
        ops_.push_back(std::move(op));
        units_.push_back(u);
        for (size_t n : it.nodes) node_item[n] = static_cast<int>(items_.size());
        items_.push_back(std::move(it));
      } else {
        for (size_t n : u.nodes()) {
          reason[n] = n == u.op ? why : "in the quantized unit of " + g_.nodes[u.op].describe() + ", which is not delegated";
        }
      }
    }
    for (size_t n = 0; n < g_.nodes.size(); ++n) {
      if (node_item[n] >= 0) continue;
      node_item[n] = static_cast<int>(items_.size());
      items_.push_back(Item{{n}, -1, n});
      if (reason[n].empty()) {
        const std::string& op = g_.nodes[n].op;
        reason[n] = op == "QuantizeLinear" || op == "DequantizeLinear"
                        ? "quantize/dequantize outside a delegated unit (quantized_decomposed kernel)"
                        : "not part of a DQ -> op -> Q unit (float ops are not delegated)";
      }
    }
    for (Item& it : items_) it.last = it.nodes.back();
    order_items(node_item);
    form_partitions();
    PartitionResult result;
    std::vector<bool> delegated(g_.nodes.size(), false);
    for (const std::vector<size_t>& p : partitions_) {
      for (size_t i : p) {
        for (size_t n : items_[i].nodes) delegated[n] = true;
      }
    }
    for (size_t n = 0; n < g_.nodes.size(); ++n) {
      if (!delegated[n]) result.not_delegated.push_back(g_.nodes[n].describe() + ": " + reason[n]);
    }
    rewrite(&result);
    return result;
  }

 private:
  Graph& g_;
  std::vector<XnnOp> ops_;
  std::vector<QuantUnit> units_;
  std::vector<std::vector<size_t>> consumers_;  // per value: the nodes reading it (during rewrite)
  std::vector<bool> delegated_;                 // per node: inside a partition (during rewrite)
  std::vector<Item> items_;
  std::vector<Bits> anc_;              // anc_[i]: items with a path to item i
  std::vector<std::set<size_t>> preds_;
  std::vector<std::vector<size_t>> partitions_;  // item indices, ascending

  // Items sorted by their last node: a topological order.
  void order_items(std::vector<int>& node_item) {
    std::vector<size_t> perm(items_.size());
    for (size_t i = 0; i < perm.size(); ++i) perm[i] = i;
    std::sort(perm.begin(), perm.end(), [&](size_t a, size_t b) { return items_[a].last < items_[b].last; });
    std::vector<Item> sorted;
    std::vector<int> new_index(items_.size());
    for (size_t k = 0; k < perm.size(); ++k) {
      new_index[perm[k]] = static_cast<int>(k);
      sorted.push_back(std::move(items_[perm[k]]));
    }
    items_ = std::move(sorted);
    for (int& i : node_item) i = new_index[static_cast<size_t>(i)];
    std::vector<int> producer(g_.values.size(), -1);
    for (size_t n = 0; n < g_.nodes.size(); ++n) {
      for (ValueId v : g_.nodes[n].outputs) {
        if (v != kNoValue) producer[static_cast<size_t>(v)] = node_item[n];
      }
    }
    const size_t words = (items_.size() + 63) / 64;
    anc_.assign(items_.size(), Bits(words, 0));
    preds_.assign(items_.size(), {});
    for (size_t i = 0; i < items_.size(); ++i) {
      for (size_t n : items_[i].nodes) {
        for (ValueId v : g_.nodes[n].inputs) {
          const int p = v == kNoValue ? -1 : producer[static_cast<size_t>(v)];
          if (p < 0 || static_cast<size_t>(p) == i) continue;
          preds_[i].insert(static_cast<size_t>(p));
        }
      }
      for (size_t p : preds_[i]) {
        for (size_t w = 0; w < words; ++w) anc_[i][w] |= anc_[p][w];
        set(anc_[i], p);
      }
    }
  }

  // No item outside S lies on a path between two items of S.
  bool convex(const std::vector<size_t>& s) const {
    const size_t words = anc_.empty() ? 0 : anc_[0].size();
    Bits in_s(words, 0), reach(words, 0);
    for (size_t i : s) {
      set(in_s, i);
      for (size_t w = 0; w < words; ++w) reach[w] |= anc_[i][w];
    }
    for (size_t x = 0; x < items_.size(); ++x) {
      if (!test(reach, x) || test(in_s, x)) continue;
      for (size_t w = 0; w < words; ++w) {
        if (anc_[x][w] & in_s[w]) return false;
      }
    }
    return true;
  }

  static std::vector<size_t> merged(const std::vector<size_t>& a, const std::vector<size_t>& b) {
    std::vector<size_t> m(a);
    m.insert(m.end(), b.begin(), b.end());
    std::sort(m.begin(), m.end());
    return m;
  }

  // Greedy in topological order: an item joins the partitions of its
  // producers when the union stays convex, else starts its own.
  void form_partitions() {
    std::vector<int> part(items_.size(), -1);
    for (size_t i = 0; i < items_.size(); ++i) {
      if (items_[i].unit < 0) continue;
      std::vector<size_t> cand;
      for (size_t p : preds_[i]) {
        if (part[p] >= 0 && std::find(cand.begin(), cand.end(), static_cast<size_t>(part[p])) == cand.end()) {
          cand.push_back(static_cast<size_t>(part[p]));
        }
      }
      std::vector<size_t> current = {i};
      int target = -1;
      for (size_t c : cand) {
        std::vector<size_t> m = merged(partitions_[c], current);
        if (!convex(m)) continue;
        if (target >= 0) partitions_[static_cast<size_t>(target)].clear();
        for (size_t k : partitions_[c]) part[k] = -1;
        partitions_[c] = m;
        target = static_cast<int>(c);
        current = m;
      }
      if (target < 0) {
        partitions_.push_back(current);
        target = static_cast<int>(partitions_.size() - 1);
      }
      for (size_t k : partitions_[static_cast<size_t>(target)]) part[k] = target;
    }
    partitions_.erase(std::remove_if(partitions_.begin(), partitions_.end(),
                                     [](const std::vector<size_t>& p) { return p.empty(); }),
                      partitions_.end());
  }

  void rewrite(PartitionResult* result) {
    std::vector<bool> removed(g_.nodes.size(), false);
    std::vector<std::pair<size_t, Node>> delegates;  // (position, node)
    const auto consumers = value_consumers(g_);
    consumers_ = consumers;
    delegated_.assign(g_.nodes.size(), false);
    for (const std::vector<size_t>& p : partitions_) {
      for (size_t i : p) {
        for (size_t n : items_[i].nodes) delegated_[n] = true;
      }
    }
    for (const std::vector<size_t>& p : partitions_) {
      std::set<size_t> inside;
      for (size_t i : p) inside.insert(items_[i].nodes.begin(), items_[i].nodes.end());
      std::set<ValueId> produced;
      for (size_t i : p) produced.insert(ops_[static_cast<size_t>(items_[i].unit)].output);
      std::vector<ValueId> inputs, outputs;
      for (size_t i : p) {
        const XnnOp& op = ops_[static_cast<size_t>(items_[i].unit)];
        for (ValueId v : op.inputs) {
          if (!produced.count(v) && std::find(inputs.begin(), inputs.end(), v) == inputs.end()) inputs.push_back(v);
        }
      }
      for (size_t i : p) {
        const ValueId v = ops_[static_cast<size_t>(items_[i].unit)].output;
        bool outside = std::find(g_.outputs.begin(), g_.outputs.end(), v) != g_.outputs.end();
        for (size_t c : consumers[static_cast<size_t>(v)]) outside |= inside.count(c) == 0;
        if (outside) outputs.push_back(v);
      }
      result->blobs.push_back(build_blob(p, inputs, outputs));
      result->nodes_per_partition.push_back(p.size());
      Node d;
      d.op = kDelegateOp;
      d.domain = kDelegateDomain;
      d.name = "xnnpack_partition_" + std::to_string(result->blobs.size() - 1);
      Attribute a;
      a.i = static_cast<int64_t>(result->blobs.size() - 1);
      d.attrs["delegate"] = a;
      d.inputs = inputs;
      d.outputs = outputs;
      for (size_t n : inside) removed[n] = true;
      delegates.emplace_back(*inside.begin(), std::move(d));
    }
    std::vector<std::pair<size_t, Node>> all = std::move(delegates);
    for (size_t n = 0; n < g_.nodes.size(); ++n) {
      if (!removed[n]) all.emplace_back(n, std::move(g_.nodes[n]));
    }
    g_.nodes = topo_sort(std::move(all));
  }

  // Kahn's algorithm, ties broken by original position (deterministic).
  std::vector<Node> topo_sort(std::vector<std::pair<size_t, Node>> all) {
    std::map<ValueId, size_t> producer;
    for (size_t k = 0; k < all.size(); ++k) {
      for (ValueId v : all[k].second.outputs) {
        if (v != kNoValue) producer[v] = k;
      }
    }
    std::vector<std::vector<size_t>> users(all.size());
    std::vector<size_t> pending(all.size(), 0);
    for (size_t k = 0; k < all.size(); ++k) {
      std::set<size_t> deps;
      for (ValueId v : all[k].second.inputs) {
        auto it = producer.find(v);
        if (v != kNoValue && it != producer.end() && it->second != k) deps.insert(it->second);
      }
      pending[k] = deps.size();
      for (size_t d : deps) users[d].push_back(k);
    }
    using Entry = std::pair<size_t, size_t>;  // (position, index)
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> ready;
    for (size_t k = 0; k < all.size(); ++k) {
      if (pending[k] == 0) ready.emplace(all[k].first, k);
    }
    std::vector<Node> out;
    while (!ready.empty()) {
      const size_t k = ready.top().second;
      ready.pop();
      out.push_back(std::move(all[k].second));
      for (size_t u : users[k]) {
        if (--pending[u] == 0) ready.emplace(all[u].first, u);
      }
    }
    return out;
  }

  std::vector<uint8_t> build_blob(const std::vector<size_t>& p, const std::vector<ValueId>& inputs,
                                  const std::vector<ValueId>& outputs) {
    xnn::XnnpackBlobBuilder b;
    std::map<ValueId, uint32_t> ids;
    uint32_t ext = 0;
    for (ValueId v : inputs) {
      const Value& val = g_.value(v);
      const xnn::TensorSpec inner = activation_spec(g_, v);
      const std::vector<int64_t> s = val.sizes();
      const std::vector<uint32_t> nchw(s.begin(), s.end());
      const bool u8 = val.dtype == ScalarType::Byte;
      uint32_t cur = b.add_input(u8 ? xnn::DataType::QUInt8 : xnn::DataType::QInt8, nchw, ext++,
                                 xnn::Quantization::per_tensor(val.quant->scales[0],
                                                               static_cast<int32_t>(val.quant->zero_points[0])));
      if (u8) {
        const uint32_t t = b.add_internal(xnn::DataType::QInt8, nchw, inner.quant);
        b.add_unary(xnn::NodeKind::Convert, cur, t);
        cur = t;
      }
      if (s.size() == 4) {
        const uint32_t t = b.add_internal(xnn::DataType::QInt8, inner.dims, inner.quant);
        b.add_transpose({0, 2, 3, 1}, cur, t);
        cur = t;
      }
      ids[v] = cur;
    }
    const uint32_t first_output = ext;
    auto quant_of = [&](const Value& val) {
      return xnn::Quantization::per_tensor(val.quant->scales[0], static_cast<int32_t>(val.quant->zero_points[0]));
    };
    // Outputs needing no edge conversion are written by their unit directly.
    for (size_t k = 0; k < outputs.size(); ++k) {
      const Value& val = g_.value(outputs[k]);
      if (val.dtype == ScalarType::Char && val.rank() != 4) {
        const std::vector<int64_t> s = val.sizes();
        ids[outputs[k]] = b.add_output(xnn::DataType::QInt8, std::vector<uint32_t>(s.begin(), s.end()),
                                       first_output + static_cast<uint32_t>(k), quant_of(val));
      }
    }
    for (size_t i : p) {
      const size_t unit = static_cast<size_t>(items_[i].unit);
      XnnOp op;
      std::string why;
      if (!translate_unit(g_, units_[unit], &op, &why)) {
        exir::fail("internal: %s no longer translates: %s", g_.nodes[units_[unit].op].describe().c_str(), why.c_str());
      }
      emit_xnn_op(b, g_, std::move(op), ids);
      release_constants(items_[i].nodes);
    }
    for (size_t k = 0; k < outputs.size(); ++k) {
      const Value& val = g_.value(outputs[k]);
      const bool u8 = val.dtype == ScalarType::Byte;
      if (!u8 && val.rank() != 4) continue;
      const xnn::TensorSpec inner = activation_spec(g_, outputs[k]);
      const std::vector<int64_t> s = val.sizes();
      const std::vector<uint32_t> nchw(s.begin(), s.end());
      const uint32_t out = b.add_output(u8 ? xnn::DataType::QUInt8 : xnn::DataType::QInt8, nchw,
                                        first_output + static_cast<uint32_t>(k), quant_of(val));
      uint32_t cur = ids.at(outputs[k]);
      if (s.size() == 4) {
        const uint32_t t = u8 ? b.add_internal(xnn::DataType::QInt8, nchw, inner.quant) : out;
        b.add_transpose({0, 3, 1, 2}, cur, t);
        cur = t;
      }
      if (u8) b.add_unary(xnn::NodeKind::Convert, cur, out);
    }
    return std::move(b).release_blob();
  }

  // Frees the data of constants (weights, biases) only delegated nodes read:
  // the blob holds them now, and large models must not keep two copies.
  void release_constants(const std::vector<size_t>& nodes) {
    for (size_t n : nodes) {
      for (ValueId v : g_.nodes[n].inputs) {
        if (v == kNoValue || !g_.value(v).is_constant()) continue;
        bool only_delegated = std::find(g_.outputs.begin(), g_.outputs.end(), v) == g_.outputs.end();
        for (size_t c : consumers_[static_cast<size_t>(v)]) only_delegated &= delegated_[c];
        if (only_delegated) g_.value(v).data.reset();
      }
    }
  }
};

}  // namespace

PartitionResult partition_xnnpack(Graph& g) { return Partitioner(g).run(); }

}  // namespace exir
