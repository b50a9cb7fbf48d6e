// EventTracer: one event per executed instruction (named by operator /
// backend id) and one per XNNPACK node the delegate runs, with sane times;
// nothing reported when no tracer is set.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "runtime/core/event_tracer.h"
#include "test/profiling/converted_model.h"
#include "test/support/xnnpack_program.h"

namespace ember {
namespace {

struct Recorder final : EventTracer {
  struct Copy {
    EventKind kind;
    std::string name;
    std::string detail;
    uint32_t index;
    uint32_t parent;
    uint64_t start_ns;
    uint64_t end_ns;
  };
  std::vector<Copy> events;
  void record(const ProfileEvent& e) override {
    events.push_back({e.kind, e.name, e.detail, e.index, e.parent, e.start_ns, e.end_ns});
  }
  size_t count(EventKind kind) const {
    size_t n = 0;
    for (const Copy& e : events) n += e.kind == kind ? 1 : 0;
    return n;
  }
};

std::set<std::string> operator_names(Method& method) {
  std::set<std::string> names;
  MethodMeta meta = method.method_meta();
  for (size_t i = 0; i < meta.num_operators(); ++i) {
    char buf[256];
    Result<const char*> name = meta.operator_name(i, buf, sizeof(buf));
    if (name.ok()) names.insert(*name);
  }
  return names;
}

TEST(EventTracer, PortableProgramHasOneEventPerInstruction) {
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_MODELS);
  Recorder recorder;
  ModuleOptions options;
  options.num_threads = 1;
  options.event_tracer = &recorder;
  test::ConvertedModel m = test::convert_example(EXIR_GEN_MODELS, "mlp", "portable", options);
  ASSERT_NE(m.module, nullptr);
  ASSERT_GT(m.convert.num_kernel_calls, 0u);
  Result<Method*> method = m.module->load_method("forward");
  ASSERT_TRUE(method.ok()) << error_message();
  std::set<std::string> ops = operator_names(**method);
  ASSERT_FALSE(ops.empty());

  ASSERT_TRUE(m.module->run("forward", m.inputs).ok()) << error_message();
  size_t instructions = (*method)->last_instruction_count();
  ASSERT_EQ(recorder.events.size(), instructions);
  size_t kernels = 0;
  for (size_t i = 0; i < recorder.events.size(); ++i) {
    const Recorder::Copy& e = recorder.events[i];
    EXPECT_EQ(e.index, i) << "no jumps: the pcs run in order";
    EXPECT_GE(e.end_ns, e.start_ns);
    if (i > 0) {
      EXPECT_GE(e.start_ns, recorder.events[i - 1].end_ns) << "events are sequential";
    }
    EXPECT_NE(e.kind, EventKind::DelegateNode);
    EXPECT_NE(e.kind, EventKind::DelegateCall);
    if (e.kind == EventKind::Kernel) {
      ++kernels;
      std::string full = e.name + "." + e.detail;
      EXPECT_TRUE(ops.count(full) == 1 || ops.count(e.name) == 1) << full << " is not an operator of the method";
      EXPECT_EQ(e.name.rfind("aten::", 0), 0u) << e.name;
    }
  }
  EXPECT_EQ(kernels, m.convert.num_kernel_calls);

  // A second run reports the same sequence again.
  std::vector<Recorder::Copy> first = recorder.events;
  recorder.events.clear();
  ASSERT_TRUE(m.module->run("forward", m.inputs).ok()) << error_message();
  ASSERT_EQ(recorder.events.size(), first.size());
  for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(recorder.events[i].name, first[i].name);
}

TEST(EventTracer, XnnpackDelegateReportsEachNode) {
  // Convert -> FullyConnected -> Convert in one delegate call.
  Recorder recorder;
  ModuleOptions options;
  options.num_threads = 1;
  options.event_tracer = &recorder;
  Result<std::unique_ptr<test::XnnpackProgram>> program =
      test::XnnpackProgram::load(test::sample_quantized_linear_graph(), {}, options);
  ASSERT_TRUE(program.ok()) << error_message();
  HostTensor x;
  x.dtype = ScalarType::Float;
  x.sizes = {2, 8};
  x.data.assign(2 * 8 * sizeof(float), 0);
  ASSERT_TRUE((*program)->run({HostValue::from_tensor(x)}).ok()) << error_message();

  ASSERT_EQ(recorder.events.size(), 4u);
  const std::vector<std::string> kinds = {"XNNConvert", "XNNFullyConnected", "XNNConvert"};
  for (size_t i = 0; i < 3; ++i) {
    const Recorder::Copy& e = recorder.events[i];
    EXPECT_EQ(e.kind, EventKind::DelegateNode);
    EXPECT_EQ(e.name, kinds[i]);
    EXPECT_EQ(e.detail, "XnnpackBackend");
    EXPECT_EQ(e.index, i);
    EXPECT_EQ(e.parent, 0u);
    EXPECT_GE(e.end_ns, e.start_ns);
  }
  const Recorder::Copy& call = recorder.events[3];
  EXPECT_EQ(call.kind, EventKind::DelegateCall);
  EXPECT_EQ(call.name, "XnnpackBackend");
  EXPECT_EQ(call.index, 0u);
  // The nodes run inside the delegate call.
  EXPECT_LE(call.start_ns, recorder.events[0].start_ns);
  EXPECT_GE(call.end_ns, recorder.events[2].end_ns);
}

TEST(EventTracer, ConvertedQdqModelNodesNestInTheirDelegateCalls) {
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_QDQ_MODELS);
  Recorder recorder;
  ModuleOptions options;
  options.num_threads = 1;
  options.event_tracer = &recorder;
  test::ConvertedModel m = test::convert_example(EXIR_GEN_QDQ_MODELS, "qdq_cnn", "xnnpack", options);
  ASSERT_NE(m.module, nullptr);
  ASSERT_EQ(m.convert.num_delegates, 1u);
  ASSERT_TRUE(m.module->run("forward", m.inputs).ok()) << error_message();
  Result<Method*> method = m.module->load_method("forward");
  ASSERT_TRUE(method.ok());

  std::map<uint32_t, const Recorder::Copy*> calls;  // pc -> delegate call event
  size_t instructions = 0;
  for (const Recorder::Copy& e : recorder.events) {
    if (e.kind == EventKind::DelegateNode) continue;
    ++instructions;
    if (e.kind == EventKind::DelegateCall) calls[e.index] = &e;
  }
  EXPECT_EQ(instructions, (*method)->last_instruction_count());
  ASSERT_EQ(calls.size(), 1u);
  size_t nodes = 0;
  std::set<std::string> kinds;
  for (const Recorder::Copy& e : recorder.events) {
    if (e.kind != EventKind::DelegateNode) continue;
    ++nodes;
    kinds.insert(e.name);
    ASSERT_EQ(calls.count(e.parent), 1u) << "node " << e.index << " names no delegate call";
    EXPECT_GE(e.end_ns, e.start_ns);
    EXPECT_GE(e.start_ns, calls[e.parent]->start_ns);
    EXPECT_LE(e.end_ns, calls[e.parent]->end_ns);
    EXPECT_EQ(e.name.rfind("XNN", 0), 0u) << e.name;
  }
  // Every delegated unit is at least one node; the CNN's convolutions are
  // among them.
  EXPECT_GE(nodes, m.convert.delegated_units[0]);
  EXPECT_EQ(kinds.count("XNNConv2d"), 1u);
}

TEST(EventTracer, NothingIsReportedWithoutATracer) {
  Recorder recorder;  // never installed
  Result<std::unique_ptr<test::XnnpackProgram>> program = test::XnnpackProgram::load(test::sample_add_constant_graph());
  ASSERT_TRUE(program.ok()) << error_message();
  HostTensor x = HostTensor::from<float>({4}, {1, 1, 1, 1});
  Result<std::vector<HostValue>> y = (*program)->run({HostValue::from_tensor(x)});
  ASSERT_TRUE(y.ok()) << error_message();
  const float* out = (*y)[0].tensor.data_as<float>();
  EXPECT_EQ(out[3], 5.0f);
  EXPECT_TRUE(recorder.events.empty());
}

}  // namespace
}  // namespace ember
