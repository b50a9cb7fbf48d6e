#include "exir/cli/convert.h"

#include <map>
#include <set>

#include "exir/emit/operator_check.h"
#include "exir/emit/pte_emitter.h"
#include "exir/ir/error.h"
#include "exir/ir/printer.h"
#include "exir/ir/verifier.h"
#include "exir/lower/lower_portable.h"
#include "exir/partition/xnnpack_partitioner.h"
#include "exir/passes/erf_gelu.h"
#include "exir/passes/fold_batch_norm.h"
#include "exir/passes/fold_constants.h"
#include "exir/passes/qoperator_rewrite.h"
#include "exir/passes/quant_units.h"
#include "exir/passes/quantized_embedding.h"
#include "exir/plan/memory_plan.h"

namespace exir {
namespace {

// A graph carried through every pass up to lowered kernel calls.
struct Lowered {
  Graph graph;
  std::vector<KernelCall> calls;
  PartitionResult partitions;
};

Lowered run_passes(const std::string& path, const ConvertOptions& options, const OnnxImportOptions& import,
                   bool dump) {
  auto dump_ir = [&](const char* pass, const Graph& g) {
    if (dump && options.dump) options.dump(pass, print_graph(g));
    if (dump && options.progress) options.progress(pass);
  };
  Lowered l;
  Graph& graph = l.graph;
  graph = import_onnx(path, import);
  verify_graph(graph);
  dump_ir("import", graph);
  if (rewrite_qoperators(graph) > 0) {
    verify_graph(graph);
    dump_ir("rewrite_qoperators", graph);
  }
  fold_constants(graph);
  verify_graph(graph);
  dump_ir("fold_constants", graph);
  // Fusions for both backends, before prepare_qdq duplicates the DQs they match through.
  if (fold_conv_batch_norm(graph) + fuse_erf_gelu(graph) + fuse_quantized_embedding(graph) > 0) {
    verify_graph(graph);
    dump_ir("fuse", graph);
  }
  if (options.backend == "xnnpack") {
    prepare_qdq(graph);
    verify_graph(graph);
    dump_ir("prepare_qdq", graph);
    l.partitions = partition_xnnpack(graph);
    dump_ir("partition_xnnpack", graph);
  }
  l.calls = lower_to_portable(graph);
  if (dump && options.progress) options.progress("lower");
  return l;
}

bool has_ranges(const OnnxImportOptions& import) {
  for (const auto& [name, lower] : import.input_lower_bounds) {
    if (lower != import.input_shapes.at(name)) return true;
  }
  return false;
}

std::string call_name(const KernelCall& c) {
  return c.delegate >= 0 ? "delegate call " + std::to_string(c.delegate) : c.name + "." + c.overload;
}

// Dynamic bounds: the model is also lowered at a probe shape (each ranged
// dim one below its bound, or its lower bound), and both runs compared.
// Values whose shapes differ become DYNAMIC_BOUND tensors (planned at the
// bound); a view's size list that differs gets -1 at the one differing
// entry; any other argument that depends on a ranged dim is refused, as is a
// constant computed from one.
std::set<ValueId> resolve_dynamic(Lowered& at_bound, const Lowered& probe) {
  const Graph& a = at_bound.graph;
  const Graph& b = probe.graph;
  std::map<std::string, ValueId> probe_ids;
  for (size_t i = 0; i < b.values.size(); ++i) probe_ids[b.values[i].name] = static_cast<ValueId>(i);
  std::set<ValueId> dynamic;
  for (size_t i = 0; i < a.values.size(); ++i) {
    const Value& v = a.values[i];
    auto it = probe_ids.find(v.name);
    if (it == probe_ids.end() || !v.shape_known) continue;
    const Value& w = b.value(it->second);
    if (v.shape.size() != w.shape.size()) fail("value '%s': its rank depends on a ranged input dimension", v.name.c_str());
    bool differs = false;
    for (size_t d = 0; d < v.shape.size(); ++d) differs |= v.shape[d].size != w.shape[d].size;
    if (!differs && (!v.is_constant() || *v.data == *w.data)) continue;
    if (v.is_constant()) {
      fail("constant '%s' is computed from a ranged input dimension (shape arithmetic on dynamic shapes is not "
           "supported; fix the dimension with --input-shape)", v.name.c_str());
    }
    dynamic.insert(static_cast<ValueId>(i));
  }
  if (at_bound.calls.size() != probe.calls.size()) fail("internal: the dynamic-shape probe lowered differently");
  for (size_t k = 0; k < at_bound.calls.size(); ++k) {
    KernelCall& c = at_bound.calls[k];
    const KernelCall& p = probe.calls[k];
    if (c.args.size() != p.args.size() || c.name != p.name) fail("internal: the dynamic-shape probe lowered differently");
    for (size_t j = 0; j < c.args.size(); ++j) {
      Arg& x = c.args[j];
      const Arg& y = p.args[j];
      const bool same = x.kind == y.kind && x.i == y.i && x.d == y.d && x.b == y.b && x.ints == y.ints && x.doubles == y.doubles;
      if (same) continue;
      if (c.name == "aten::view_copy" && j == 1 && x.kind == Arg::Kind::IntList && x.ints.size() == y.ints.size()) {
        size_t differing = 0, at = 0;
        for (size_t d = 0; d < x.ints.size(); ++d) {
          if (x.ints[d] != y.ints[d]) ++differing, at = d;
        }
        if (differing == 1) {
          x.ints[at] = -1;
          continue;
        }
      }
      fail("%s (%s): argument %zu depends on a ranged input dimension, which this operator's lowering does not "
           "support; fix the dimension with --input-shape", call_name(c).c_str(), c.source.c_str(), j);
    }
  }
  const auto& blobs_a = at_bound.partitions.blobs;
  const auto& blobs_b = probe.partitions.blobs;
  if (blobs_a.size() != blobs_b.size()) fail("internal: the dynamic-shape probe partitioned differently");
  return dynamic;
}

}  // namespace

ConvertResult convert_onnx(const std::string& path, const ConvertOptions& options) {
  if (options.backend != "portable" && options.backend != "xnnpack") {
    fail("--backend must be xnnpack or portable, not '%s'", options.backend.c_str());
  }
  for (const auto& [name, lower] : options.import.input_lower_bounds) {
    auto it = options.import.input_shapes.find(name);
    if (it == options.import.input_shapes.end() || it->second.size() != lower.size()) {
      fail("input '%s': lower bounds without matching upper bounds", name.c_str());
    }
  }
  Lowered l = run_passes(path, options, options.import, true);
  check_operators_registered(l.calls);
  std::set<ValueId> dynamic;
  if (has_ranges(options.import)) {
    OnnxImportOptions probe_import = options.import;
    for (const auto& [name, lower] : options.import.input_lower_bounds) {
      std::vector<int64_t>& dims = probe_import.input_shapes[name];
      for (size_t d = 0; d < dims.size(); ++d) {
        if (lower[d] != dims[d]) dims[d] = std::max(lower[d], dims[d] - 1);
      }
    }
    Lowered probe = run_passes(path, options, probe_import, false);
    // Only the partition count is compared; the probe's blobs need not stay.
    for (std::vector<uint8_t>& blob : probe.partitions.blobs) std::vector<uint8_t>().swap(blob);
    dynamic = resolve_dynamic(l, probe);
  }
  ConvertResult result;
  if (options.backend == "xnnpack") {
    result.num_delegates = l.partitions.blobs.size();
    result.delegated_units = l.partitions.nodes_per_partition;
    result.not_delegated = l.partitions.not_delegated;
  }
  const MemoryPlan plan = plan_memory(l.graph, l.calls);
  if (options.progress) options.progress("plan_memory");
  if (options.output) {
    emit_pte(l.graph, l.calls, plan, std::move(l.partitions.blobs), dynamic, *options.output);
    if (options.progress) options.progress("write");
  } else {
    result.pte = emit_pte(l.graph, l.calls, plan, std::move(l.partitions.blobs), dynamic);
  }
  result.num_kernel_calls = l.calls.size();
  result.num_dynamic_tensors = dynamic.size();
  result.arena_bytes = plan.arena_bytes;
  result.naive_bytes = plan.naive_bytes;
  return result;
}

}  // namespace exir
