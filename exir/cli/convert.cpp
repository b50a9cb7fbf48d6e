#include "exir/cli/convert.h"

#include "exir/emit/pte_emitter.h"
#include "exir/ir/error.h"
#include "exir/ir/printer.h"
#include "exir/ir/verifier.h"
#include "exir/lower/lower_portable.h"
#include "exir/partition/xnnpack_partitioner.h"
#include "exir/passes/fold_constants.h"
#include "exir/passes/qoperator_rewrite.h"
#include "exir/passes/quant_units.h"
#include "exir/plan/memory_plan.h"

namespace exir {

ConvertResult convert_onnx(const std::string& path, const ConvertOptions& options) {
  if (options.backend != "portable" && options.backend != "xnnpack") {
    fail("--backend must be xnnpack or portable, not '%s'", options.backend.c_str());
  }
  Graph graph = import_onnx(path, options.import);
  verify_graph(graph);
  if (options.dump) options.dump("import", print_graph(graph));
  if (rewrite_qoperators(graph) > 0) {
    verify_graph(graph);
    if (options.dump) options.dump("rewrite_qoperators", print_graph(graph));
  }
  fold_constants(graph);
  verify_graph(graph);
  if (options.dump) options.dump("fold_constants", print_graph(graph));
  ConvertResult result;
  PartitionResult partitions;
  if (options.backend == "xnnpack") {
    prepare_qdq(graph);
    verify_graph(graph);
    if (options.dump) options.dump("prepare_qdq", print_graph(graph));
    partitions = partition_xnnpack(graph);
    if (options.dump) options.dump("partition_xnnpack", print_graph(graph));
    result.num_delegates = partitions.blobs.size();
    result.delegated_units = partitions.nodes_per_partition;
    result.not_delegated = partitions.not_delegated;
  }
  std::vector<KernelCall> calls = lower_to_portable(graph);
  const MemoryPlan plan = plan_memory(graph, calls);
  result.pte = emit_pte(graph, calls, plan, partitions.blobs);
  result.num_kernel_calls = calls.size();
  result.arena_bytes = plan.arena_bytes;
  result.naive_bytes = plan.naive_bytes;
  return result;
}

}  // namespace exir
