// Allocation-failure injection on the larger example models (224x224 QDQ CNN,
// MobileNetV2-shaped QDQ network, QDQ transformer block, float 224 CNN),
// converted with exir for both backends. A clean run counts the allocations
// of the method allocator (init), the temp allocator (execute) and XNNPACK
// (its counting allocator: packing at init, anything at execute); then for a
// sample of k spread over [1, count] (40, or EMBER_ALLOCATION_SAMPLES:
// scripts/sanitize.sh lowers it) allocation k fails. A failed method-allocator
// or XNNPACK allocation must end the run in an Error with a message; the temp
// allocator's only users are the portable GEMM kernels' packing scratch,
// which by design fall back to packing on the stack (kernels/portable/util/
// gemm.h), so there the run must either fail with a message or produce the
// correct output. XNNPACK's live bytes must return to their baseline (the
// ASan stage catches any other leak), and the program must still run
// correctly afterwards. Planned arenas one byte short are refused.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <ostream>

#include "backends/xnnpack/runtime/xnnpack_allocator.h"
#include "runtime/module/module.h"
#include "runtime/platform/platform.h"
#include "test/exir/model_generator.h"
#include "test/robustness/example_programs.h"

namespace ember::test {
namespace {


const ExampleModel kModels[] = {
    {EXIR_GEN_QDQ_MODELS, "qdq_cnn224", "xnnpack"}, {EXIR_GEN_QDQ_MODELS, "qdq_cnn224", "portable"},
    {EXIR_GEN_QDQ_MODELS, "qdq_mbv2", "xnnpack"},   {EXIR_GEN_QDQ_MODELS, "qdq_mbv2", "portable"},
    {EXIR_GEN_QDQ_MODELS, "qdq_tblock", "xnnpack"}, {EXIR_GEN_QDQ_MODELS, "qdq_tblock", "portable"},
    // XNNPACK takes no float partitions from exir yet: the float CNN is portable only.
    {EXIR_GEN_MODELS, "cnn224_f32", "portable"},
};

size_t samples() {
  const char* env = std::getenv("EMBER_ALLOCATION_SAMPLES");
  return env != nullptr ? static_cast<size_t>(std::strtoul(env, nullptr, 10)) : 40;
}

// `n` values spread evenly over [1, total] (all of them when total <= n).
std::vector<size_t> spread(size_t total, size_t n) {
  std::vector<size_t> ks;
  if (total <= n) {
    for (size_t k = 1; k <= total; ++k) ks.push_back(k);
    return ks;
  }
  for (size_t i = 0; i < n; ++i) ks.push_back(1 + i * (total - 1) / (n - 1));
  return ks;
}

class ExampleAllocationFailureTest : public ::testing::TestWithParam<ExampleModel> {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(register_all_kernels_and_backends(), Error::Ok);
    set_logging_enabled(false);
  }
};

TEST_P(ExampleAllocationFailureTest, SampledAllocationFailuresAreErrors) {
  const ExampleModel& m = GetParam();
  EMBER_REQUIRE_GENERATED_MODELS(m.script);
  ExampleProgram p;
  ASSERT_TRUE(convert_example(m.script, m.name, m.backend, &p));
  run_example(p);  // xnn_initialize's one-time allocations happen here
  const size_t baseline = xnnpack::xnnpack_memory_stats().live_bytes;

  const RunOutcome clean = run_example(p);
  ASSERT_TRUE(clean.ok()) << p.label << ": " << clean.message;
  ASSERT_EQ(clean.output.size(), p.reference.size());
  for (size_t i = 0; i < p.reference.size(); ++i) {
    ASSERT_NEAR(clean.output[i], p.reference[i], p.tolerance * 1.01 + 1e-4 * std::fabs(p.reference[i])) << i;
  }
  ASSERT_EQ(xnnpack::xnnpack_memory_stats().live_bytes, baseline);
  ASSERT_GT(clean.method_allocations, 0u);
  if (std::string(m.backend) == "xnnpack") {
    ASSERT_GT(clean.xnnpack_allocations, 0u);
  }

  struct Kind {
    const char* name;
    size_t total;
    size_t Injection::*field;
    bool may_fall_back;  // the run may succeed without the allocation
  };
  const Kind kinds[] = {{"method allocator", clean.method_allocations, &Injection::fail_method_allocation, false},
                        {"temp allocator", clean.temp_allocations, &Injection::fail_temp_allocation, true},
                        {"XNNPACK", clean.xnnpack_allocations, &Injection::fail_xnnpack_allocation, false}};
  Watchdog watchdog(120);
  for (const Kind& kind : kinds) {
    size_t at_init = 0, at_execute = 0, fell_back = 0;
    for (size_t k : spread(kind.total, samples())) {
      const std::string what = p.label + ": " + kind.name + " allocation " + std::to_string(k) + " of " +
                               std::to_string(kind.total);
      watchdog.progress(what);
      Injection injection;
      injection.*kind.field = k;
      RunOutcome r = run_example(p, injection);
      EXPECT_EQ(r.load, Error::Ok) << what;  // Program::load allocates from none of them
      at_init += r.init != Error::Ok;
      at_execute += r.init == Error::Ok && r.execute != Error::Ok;
      if (r.ok() && kind.may_fall_back) {
        ++fell_back;
        ASSERT_EQ(r.output.size(), p.reference.size()) << what;
        for (size_t i = 0; i < p.reference.size(); ++i) {
          ASSERT_NEAR(r.output[i], p.reference[i], p.tolerance * 1.01 + 1e-4 * std::fabs(p.reference[i]))
              << what << ", element " << i;
        }
      } else {
        EXPECT_FALSE(r.ok()) << what << ": the failure went unnoticed";
        EXPECT_FALSE(r.message.empty()) << what << ": an error without a message";
      }
      EXPECT_EQ(xnnpack::xnnpack_memory_stats().live_bytes, baseline) << what << ": XNNPACK memory leaked";
    }
    std::printf("%s: %s: %zu allocations, %zu sampled failures (%zu at init, %zu at execute, %zu fell back)\n",
                p.label.c_str(), kind.name, kind.total, spread(kind.total, samples()).size(), at_init, at_execute,
                fell_back);
  }

  ASSERT_GT(clean.planned_buffers, 0u);
  for (size_t arena = 0; arena < clean.planned_buffers; ++arena) {
    Injection injection;
    injection.short_planned_buffer = static_cast<int>(arena);
    RunOutcome r = run_example(p, injection);
    EXPECT_NE(r.init, Error::Ok) << p.label << ": planned arena " << arena << " one byte short was accepted";
    EXPECT_FALSE(r.message.empty());
  }

  const RunOutcome again = run_example(p);
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(again.output, clean.output);
  EXPECT_EQ(xnnpack::xnnpack_memory_stats().live_bytes, baseline);
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleAllocationFailureTest, ::testing::ValuesIn(kModels), [](const auto& info) {
  return std::string(info.param.name) + "_" + info.param.backend;
});

}  // namespace
}  // namespace ember::test
