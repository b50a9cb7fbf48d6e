#include "exir/cli/convert.h"

#include "exir/emit/pte_emitter.h"
#include "exir/ir/error.h"
#include "exir/ir/printer.h"
#include "exir/ir/verifier.h"
#include "exir/lower/lower_portable.h"
#include "exir/passes/fold_constants.h"
#include "exir/plan/memory_plan.h"

namespace exir {

ConvertResult convert_onnx(const std::string& path, const ConvertOptions& options) {
  if (options.backend != "portable") {
    fail("--backend %s is not implemented yet (use --backend portable)", options.backend.c_str());
  }
  Graph graph = import_onnx(path, options.import);
  verify_graph(graph);
  if (options.dump) options.dump("import", print_graph(graph));
  fold_constants(graph);
  verify_graph(graph);
  if (options.dump) options.dump("fold_constants", print_graph(graph));
  std::vector<KernelCall> calls = lower_to_portable(graph);
  const MemoryPlan plan = plan_memory(graph, calls);
  ConvertResult result;
  result.pte = emit_pte(graph, calls, plan);
  result.num_kernel_calls = calls.size();
  result.arena_bytes = plan.arena_bytes;
  result.naive_bytes = plan.naive_bytes;
  return result;
}

}  // namespace exir
