// Byte mutation of the example programs: the QDQ CNN, MLP and transformer
// block of examples/models/gen_qdq_models.py, converted with exir for both
// backends. For a fixed-seed
// sample of byte positions per file (2,000, or EMBER_MUTATION_POSITIONS:
// scripts/sanitize.sh lowers it), the byte is flipped with mask 0xFF and with
// one random bit, and the program loaded, initialized and run once with ones
// (test/support/program_exercise.h): Ok or an Error, never a signal; a
// watchdog aborts a case that runs longer than 30 s.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ostream>
#include <numeric>
#include <random>

#include "runtime/module/module.h"
#include "runtime/platform/platform.h"
#include "test/exir/model_generator.h"
#include "test/robustness/example_programs.h"
#include "test/support/program_exercise.h"

namespace ember::test {
namespace {


const ExampleModel kModels[] = {
    {EXIR_GEN_QDQ_MODELS, "qdq_cnn", "xnnpack"},   {EXIR_GEN_QDQ_MODELS, "qdq_cnn", "portable"},
    {EXIR_GEN_QDQ_MODELS, "qdq_mlp", "xnnpack"},   {EXIR_GEN_QDQ_MODELS, "qdq_mlp", "portable"},
    {EXIR_GEN_QDQ_MODELS, "qdq_tblock", "xnnpack"}, {EXIR_GEN_QDQ_MODELS, "qdq_tblock", "portable"},
};

size_t positions_per_file() {
  const char* env = std::getenv("EMBER_MUTATION_POSITIONS");
  return env != nullptr ? static_cast<size_t>(std::strtoul(env, nullptr, 10)) : 2000;
}

class ExampleMutationTest : public ::testing::TestWithParam<ExampleModel> {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(register_all_kernels_and_backends(), Error::Ok);
    set_logging_enabled(false);
  }
};

TEST_P(ExampleMutationTest, SampledBytesFlipped) {
  const ExampleModel& m = GetParam();
  EMBER_REQUIRE_GENERATED_MODELS(m.script);
  ExampleProgram p;
  ASSERT_TRUE(convert_example(m.script, m.name, m.backend, &p));

  // The unmutated program runs, and correctly: otherwise every mutant would
  // fail early and the test would prove little.
  RunOutcome clean = run_example(p);
  ASSERT_TRUE(clean.ok()) << p.label << ": " << clean.message;
  ASSERT_EQ(clean.output.size(), p.reference.size());
  for (size_t i = 0; i < p.reference.size(); ++i) {
    ASSERT_NEAR(clean.output[i], p.reference[i], p.tolerance * 1.01 + 1e-4 * std::fabs(p.reference[i])) << i;
  }
  ExerciseResult original = exercise_program(p.pte.data(), p.pte.size());
  ASSERT_EQ(original.load, Error::Ok) << error_message();
  ASSERT_EQ(original.methods_executed, 1u) << p.label << ": " << error_message();

  // The positions: all of a small file, else a fixed-seed sample.
  std::vector<size_t> positions(p.pte.size());
  std::iota(positions.begin(), positions.end(), size_t{0});
  std::mt19937 rng(20261123);
  const size_t count = std::min(positions_per_file(), positions.size());
  for (size_t i = 0; i < count; ++i) std::swap(positions[i], positions[i + rng() % (positions.size() - i)]);
  positions.resize(count);

  Watchdog watchdog(30);
  size_t refused = 0, executed = 0;
  std::vector<uint8_t> bytes = p.pte;
  for (size_t pos : positions) {
    const uint8_t bit = static_cast<uint8_t>(1u << (rng() % 8));
    for (uint8_t mask : {uint8_t{0xFF}, bit}) {
      watchdog.progress(p.label + " byte " + std::to_string(pos) + " ^ " + std::to_string(mask));
      bytes[pos] ^= mask;
      ExerciseResult r = exercise_program(bytes.data(), bytes.size());
      refused += r.load != Error::Ok;
      executed += r.methods_executed;
      bytes[pos] ^= mask;
    }
  }
  std::printf("%s: %zu bytes, %zu positions x 2 masks: %zu refused at load, %zu executed\n", p.label.c_str(),
              p.pte.size(), count, refused, executed);
  // Flatbuffer offsets, tags and sizes are everywhere: a good share of the
  // mutants must be refused at load (the verifier works), and constant bytes
  // are too: some must still run.
  EXPECT_GT(refused, 0u);
  EXPECT_GT(executed, 0u);
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleMutationTest, ::testing::ValuesIn(kModels), [](const auto& info) {
  return std::string(info.param.name) + "_" + info.param.backend;
});

}  // namespace
}  // namespace ember::test
