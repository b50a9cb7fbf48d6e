#include "exir/emit/pte_emitter.h"

#include <limits>
#include <map>
#include <string>

#include "exir/emit/program_builder.h"
#include "exir/ir/error.h"

namespace exir {
namespace {

// ExecuTorch's pytree encoding (treespec JSON, protocol 1) of a method's
// calling convention: inputs are (args tuple, empty kwargs dict) with one
// leaf per tensor; one output is a bare leaf, several are a tuple of leaves.
constexpr const char* kLeaf = "{\"type\": null, \"context\": null, \"children_spec\": []}";

std::string tuple_of_leaves(size_t n) {
  std::string s = "{\"type\": \"builtins.tuple\", \"context\": \"null\", \"children_spec\": [";
  for (size_t i = 0; i < n; ++i) s += (i ? ", " : "") + std::string(kLeaf);
  return s + "]}";
}

std::string input_spec(size_t n) {
  return "[1, {\"type\": \"builtins.tuple\", \"context\": \"null\", \"children_spec\": [" + tuple_of_leaves(n) +
         ", {\"type\": \"builtins.dict\", \"context\": \"[]\", \"children_spec\": []}]}]";
}

std::string output_spec(size_t n) { return "[1, " + (n == 1 ? std::string(kLeaf) : tuple_of_leaves(n)) + "]"; }

// The id ExecuTorch's XNNPACK partitioner writes (and XnnpackBackend registers).
constexpr const char* kXnnpackBackendId = "XnnpackBackend";

class Emitter {
 public:
  Emitter(const Graph& g, const MemoryPlan& plan, const std::set<ValueId>& dynamic)
      : g_(g), plan_(plan), dynamic_(dynamic), method_(program_.add_method("forward")) {}

  // Fills the builder; blobs are moved in (they may be large).
  const ember::ProgramBuilder& run(const std::vector<KernelCall>& calls, std::vector<std::vector<uint8_t>> blobs) {
    std::vector<int> delegates;
    for (std::vector<uint8_t>& blob : blobs) delegates.push_back(method_.add_delegate(kXnnpackBackendId, std::move(blob)));
    std::vector<int32_t> inputs, outputs;
    for (ValueId id : g_.inputs) inputs.push_back(tensor(id));
    for (const KernelCall& c : calls) {
      std::vector<int32_t> args;
      for (const Arg& a : c.args) args.push_back(arg(a));
      for (ValueId r : c.rets) args.push_back(tensor(r));
      if (c.delegate >= 0) {
        if (static_cast<size_t>(c.delegate) >= delegates.size()) fail("internal: delegate %d has no blob", c.delegate);
        method_.add_delegate_call(delegates[static_cast<size_t>(c.delegate)], args);
      } else {
        method_.add_kernel_call(c.name, c.overload, args);
      }
    }
    for (ValueId id : g_.outputs) outputs.push_back(tensor(id));
    method_.set_inputs(inputs);
    method_.set_outputs(outputs);
    method_.set_container_meta(input_spec(inputs.size()), output_spec(outputs.size()));
    return program_;
  }

 private:
  std::vector<int32_t> sizes32(const Value& v) {
    std::vector<int32_t> s;
    for (int64_t d : v.sizes()) {
      if (d > std::numeric_limits<int32_t>::max()) fail("value '%s': dimension %lld is too large", v.name.c_str(), (long long)d);
      s.push_back(static_cast<int32_t>(d));
    }
    return s;
  }

  int32_t tensor(ValueId id) {
    auto it = tensors_.find(id);
    if (it != tensors_.end()) return it->second;
    const Value& v = g_.value(id);
    int32_t index;
    if (v.is_constant()) {
      index = method_.add_constant_tensor(v.dtype, sizes32(v), v.data->data());
    } else {
      auto off = plan_.offsets.find(id);
      if (off == plan_.offsets.end()) fail("internal: tensor '%s' has no planned memory", v.name.c_str());
      index = method_.add_planned_tensor(v.dtype, sizes32(v), 1, off->second, {},
                                         dynamic_.count(id) ? ember::TensorShapeDynamism::DynamicBound
                                                            : ember::TensorShapeDynamism::Static);
    }
    tensors_[id] = index;
    return index;
  }

  int32_t arg(const Arg& a) {
    switch (a.kind) {
      case Arg::Kind::Tensor: return tensor(a.tensor);
      case Arg::Kind::Int: return method_.add_int(a.i);
      case Arg::Kind::Double: return method_.add_double(a.d);
      case Arg::Kind::Bool: return method_.add_bool(a.b);
      case Arg::Kind::None: return method_.add_none();
      case Arg::Kind::String: return method_.add_string(a.s);
      case Arg::Kind::DoubleList: return method_.add_double_list(a.doubles);
      case Arg::Kind::IntList: {
        std::vector<int64_t> items;
        for (int64_t v : a.ints) items.push_back(method_.add_int(v));
        return method_.add_int_list(items);
      }
      case Arg::Kind::TensorList: {
        std::vector<int32_t> items;
        for (ValueId id : a.tensors) items.push_back(tensor(id));
        return method_.add_tensor_list(items);
      }
    }
    fail("internal: unknown argument kind");
  }

  const Graph& g_;
  const MemoryPlan& plan_;
  const std::set<ValueId>& dynamic_;
  ember::ProgramBuilder program_;
  ember::MethodBuilder& method_;
  std::map<ValueId, int32_t> tensors_;
};

}  // namespace

std::vector<uint8_t> emit_pte(const Graph& graph, const std::vector<KernelCall>& calls, const MemoryPlan& plan,
                              std::vector<std::vector<uint8_t>> blobs, const std::set<ValueId>& dynamic) {
  Emitter emitter(graph, plan, dynamic);
  return emitter.run(calls, std::move(blobs)).build();
}

void emit_pte(const Graph& graph, const std::vector<KernelCall>& calls, const MemoryPlan& plan,
              std::vector<std::vector<uint8_t>> blobs, const std::set<ValueId>& dynamic, std::ostream& out) {
  Emitter emitter(graph, plan, dynamic);
  emitter.run(calls, std::move(blobs)).write(out);
}

}  // namespace exir
