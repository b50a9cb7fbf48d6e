#include "exir/cli/dot_graph.h"

#include <map>
#include <set>
#include <sstream>

#include "backends/xnnpack/runtime/xnnpack_blob.h"
#include "runtime/executor/extended_header.h"
#include "schema/program_generated.h"
#include "xnnpack_graph_generated.h"

namespace exir {
namespace {

namespace et = executorch_flatbuffer;

constexpr const char* kColours[] = {"#a6cee3", "#b2df8a", "#fdbf6f", "#cab2d6", "#fb9a99", "#ffff99"};

// XNNPACK nodes in delegate `d`'s blob, or -1 when it cannot be read.
long xnnpack_node_count(const std::vector<uint8_t>& bytes, const et::Program* program, const et::BackendDelegate* d) {
  if (!d->processed()) return -1;
  const uint8_t* data = nullptr;
  size_t size = 0;
  const uint32_t index = d->processed()->index();
  if (d->processed()->location() == et::DataLocation::INLINE) {
    const auto* inline_data = program->backend_delegate_data();
    if (!inline_data || index >= inline_data->size() || !inline_data->Get(index)->data()) return -1;
    data = inline_data->Get(index)->data()->data();
    size = inline_data->Get(index)->data()->size();
  } else {
    auto header = ember::ExtendedHeader::parse(bytes.data(), bytes.size());
    const auto* segments = program->segments();
    if (!header.ok() || !segments || index >= segments->size()) return -1;
    const uint64_t offset = header->segment_base_offset + segments->Get(index)->offset();
    size = segments->Get(index)->size();
    if (offset > bytes.size() || size > bytes.size() - offset) return -1;
    data = bytes.data() + offset;
  }
  auto blob = ember::xnnpack::XnnpackBlob::parse(data, size);
  if (!blob.ok() || !blob->graph->xnodes()) return -1;
  return static_cast<long>(blob->graph->xnodes()->size());
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::vector<long> delegate_node_counts(const std::vector<uint8_t>& bytes, size_t method) {
  const et::Program* program = et::GetProgram(bytes.data());
  std::vector<long> counts;
  const auto* plans = program->execution_plan();
  if (!plans || method >= plans->size() || !plans->Get(static_cast<flatbuffers::uoffset_t>(method))->delegates()) {
    return counts;
  }
  for (const et::BackendDelegate* d : *plans->Get(static_cast<flatbuffers::uoffset_t>(method))->delegates()) {
    const bool xnnpack = d->id() && d->id()->str() == "XnnpackBackend";
    counts.push_back(xnnpack ? xnnpack_node_count(bytes, program, d) : -1);
  }
  return counts;
}

uint64_t constant_bytes(const std::vector<uint8_t>& bytes) {
  const et::Program* program = et::GetProgram(bytes.data());
  uint64_t total = 0;
  if (program->constant_buffer()) {
    for (const et::Buffer* b : *program->constant_buffer()) total += b->storage() ? b->storage()->size() : 0;
  }
  const et::SubsegmentOffsets* cs = program->constant_segment();
  if (cs && program->segments() && cs->segment_index() < program->segments()->size()) {
    total += program->segments()->Get(cs->segment_index())->size();
  }
  return total;
}

std::string program_to_dot(const std::vector<uint8_t>& bytes) {
  const et::Program* program = et::GetProgram(bytes.data());
  std::ostringstream out;
  out << "digraph program {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n";
  const auto* plans = program->execution_plan();
  for (flatbuffers::uoffset_t m = 0; plans && m < plans->size(); ++m) {
    const et::ExecutionPlan* plan = plans->Get(m);
    const std::string prefix = "m" + std::to_string(m) + "_";
    const std::string method = plan->name() ? plan->name()->str() : "method " + std::to_string(m);
    out << "  subgraph cluster_" << m << " {\n    label=" << quoted(method) << ";\n";
    const auto* values = plan->values();
    auto is_constant_tensor = [&](int v) {
      if (!values || v < 0 || static_cast<flatbuffers::uoffset_t>(v) >= values->size()) return true;
      const et::EValue* ev = values->Get(static_cast<flatbuffers::uoffset_t>(v));
      if (ev->val_type() != et::KernelTypes::Tensor) return true;
      const et::Tensor* t = ev->val_as_Tensor();
      return t->allocation_info() == nullptr && t->data_buffer_idx() != 0;
    };
    // Tensor values an argument stands for (a tensor list stands for its items).
    auto tensors_of = [&](int v) {
      std::vector<int> items;
      if (!values || v < 0 || static_cast<flatbuffers::uoffset_t>(v) >= values->size()) return items;
      const et::EValue* ev = values->Get(static_cast<flatbuffers::uoffset_t>(v));
      if (ev->val_type() == et::KernelTypes::Tensor) items.push_back(v);
      if (ev->val_type() == et::KernelTypes::TensorList && ev->val_as_TensorList()->items()) {
        for (int item : *ev->val_as_TensorList()->items()) items.push_back(item);
      }
      return items;
    };
    std::map<int, std::string> producer;  // value index -> dot node
    if (plan->inputs()) {
      for (flatbuffers::uoffset_t i = 0; i < plan->inputs()->size(); ++i) {
        const std::string node = prefix + "in" + std::to_string(i);
        out << "    " << node << " [shape=ellipse, label=\"input " << i << "\"];\n";
        producer[plan->inputs()->Get(i)] = node;
      }
    }
    const auto* operators = plan->operators();
    const auto* delegates = plan->delegates();
    std::set<std::pair<std::string, std::string>> edges;
    const auto* chains = plan->chains();
    for (flatbuffers::uoffset_t c = 0; chains && c < chains->size(); ++c) {
      const auto* instructions = chains->Get(c)->instructions();
      for (flatbuffers::uoffset_t i = 0; instructions && i < instructions->size(); ++i) {
        const et::Instruction* ins = instructions->Get(i);
        const std::string node = prefix + "c" + std::to_string(c) + "_i" + std::to_string(i);
        const flatbuffers::Vector<int32_t>* args = nullptr;
        std::string attrs;
        if (ins->instr_args_type() == et::InstructionArguments::KernelCall) {
          const et::KernelCall* k = ins->instr_args_as_KernelCall();
          args = k->args();
          std::string name = "?";
          if (operators && k->op_index() >= 0 && static_cast<flatbuffers::uoffset_t>(k->op_index()) < operators->size()) {
            const et::Operator* op = operators->Get(static_cast<flatbuffers::uoffset_t>(k->op_index()));
            name = (op->name() ? op->name()->str() : "?") +
                   (op->overload() && op->overload()->size() ? "." + op->overload()->str() : "");
          }
          attrs = "label=" + quoted(name);
        } else if (ins->instr_args_type() == et::InstructionArguments::DelegateCall) {
          const et::DelegateCall* d = ins->instr_args_as_DelegateCall();
          args = d->args();
          std::string label = "delegate";
          long nodes = -1;
          if (delegates && d->delegate_index() >= 0 &&
              static_cast<flatbuffers::uoffset_t>(d->delegate_index()) < delegates->size()) {
            const et::BackendDelegate* bd = delegates->Get(static_cast<flatbuffers::uoffset_t>(d->delegate_index()));
            label = (bd->id() ? bd->id()->str() : "delegate") + " #" + std::to_string(d->delegate_index());
            if (bd->id() && bd->id()->str() == "XnnpackBackend") nodes = xnnpack_node_count(bytes, program, bd);
          }
          if (nodes >= 0) label += "\\n" + std::to_string(nodes) + " XNNPACK nodes";
          const int colour = d->delegate_index() < 0 ? 0 : d->delegate_index() % 6;
          attrs = "label=\"" + label + "\", style=filled, fillcolor=\"" + kColours[colour] + "\"";
        } else {
          attrs = "label=\"control\", shape=diamond";
        }
        out << "    " << node << " [" << attrs << "];\n";
        for (flatbuffers::uoffset_t a = 0; args && a < args->size(); ++a) {
          for (int v : tensors_of(args->Get(a))) {
            if (is_constant_tensor(v)) continue;
            auto p = producer.find(v);
            if (p == producer.end()) {
              producer[v] = node;  // first reference: this instruction writes it
            } else if (p->second != node) {
              edges.insert({p->second, node});
            }
          }
        }
      }
    }
    if (plan->outputs()) {
      for (flatbuffers::uoffset_t i = 0; i < plan->outputs()->size(); ++i) {
        const std::string node = prefix + "out" + std::to_string(i);
        out << "    " << node << " [shape=ellipse, label=\"output " << i << "\"];\n";
        auto p = producer.find(plan->outputs()->Get(i));
        if (p != producer.end()) edges.insert({p->second, node});
      }
    }
    for (const auto& [from, to] : edges) out << "    " << from << " -> " << to << ";\n";
    out << "  }\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace exir
