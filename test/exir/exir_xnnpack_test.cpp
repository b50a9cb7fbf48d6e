// End-to-end tests of `exir convert --backend xnnpack` on generated QDQ int8 /
// uint8 models (gen_qdq_models.py): the partitioning is asserted, the .pte
// runs on our runtime (XnnpackBackend) and its output is compared with the
// generator's numpy QDQ reference and with the same model converted with
// --backend portable, each within one output quantization step.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "exir/cli/convert.h"
#include "exir/ir/error.h"
#include "runtime/module/module.h"
#include "test/exir/model_generator.h"
#include "test/exir/model_run.h"

namespace {

const std::string& generated_dir() { return ember::test::generated_models(EXIR_GEN_QDQ_MODELS); }

#define REQUIRE_GENERATOR() EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_QDQ_MODELS)

using Outcome = ember::test::ModelRun;

std::string case_path(const std::string& name) { return generated_dir() + "/" + name; }
Outcome convert_and_run(const std::string& name, const std::string& backend) {
  return ember::test::convert_and_run(case_path(name), backend);
}
std::vector<float> reference(const std::string& name) { return ember::test::reference_output(case_path(name)); }
double output_step(const std::string& name) { return ember::test::output_step(case_path(name)); }
double compare(const std::vector<float>& got, const std::vector<float>& want, double step, const std::string& what) {
  return ember::test::within_one_step(got, want, step, what);
}

bool mentions(const std::vector<std::string>& lines, const std::string& prefix) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

void check_model(const std::string& name, size_t partitions, const std::vector<size_t>& units) {
  REQUIRE_GENERATOR();
  const Outcome xnn = convert_and_run(name, "xnnpack");
  EXPECT_EQ(xnn.convert.num_delegates, partitions);
  EXPECT_EQ(xnn.convert.delegated_units, units);
  for (const char* op : {"Conv", "Gemm", "MatMul"}) {
    EXPECT_FALSE(mentions(xnn.convert.not_delegated, op)) << op << " left outside the partition";
  }
  const Outcome portable = convert_and_run(name, "portable");
  EXPECT_EQ(portable.convert.num_delegates, 0u);
  const double step = output_step(name);
  ASSERT_GT(step, 0.0);
  compare(xnn.output, reference(name), step, (name + " xnnpack vs numpy QDQ").c_str());
  compare(xnn.output, portable.output, step, (name + " xnnpack vs portable").c_str());
  compare(portable.output, reference(name), step, (name + " portable vs numpy QDQ").c_str());
}

TEST(ExirXnnpack, Int8MlpOnePartition) {
  // Gemm + Relu, MatMul + Relu, Gemm: the input Q and output DQ stay outside.
  check_model("qdq_mlp", 1, {3});
}

TEST(ExirXnnpack, Uint8MlpRunsAsInt8InsideThePartition) { check_model("qdq_mlp_u8", 1, {3}); }

TEST(ExirXnnpack, Int8CnnEveryConvAndGemmDelegated) {
  // conv3x3+relu, depthwise+relu, conv1x1, residual add, global avg pool,
  // flatten, gemm: seven units in one partition.
  check_model("qdq_cnn", 1, {7});
}

TEST(ExirXnnpack, DiamondWithUnsupportedMiddleBranchStaysConvex) {
  REQUIRE_GENERATOR();
  // a -> b and a -> c (a multiply the capability table refuses) -> d: {a, b} and {d} (a, b, d together would
  // leave the partition through c and re-enter it).
  const Outcome xnn = convert_and_run("qdq_diamond", "xnnpack");
  EXPECT_EQ(xnn.convert.num_delegates, 2u);
  EXPECT_EQ(xnn.convert.delegated_units, (std::vector<size_t>{2, 1}));
  bool reason = false;
  for (const std::string& l : xnn.convert.not_delegated) {
    reason |= l.rfind("Mul", 0) == 0 && l.find("XNNPACK capability") != std::string::npos &&
              l.find("output scale") != std::string::npos;
  }
  EXPECT_TRUE(reason) << "the refused Add must carry the capability table's reason";
  compare(xnn.output, reference("qdq_diamond"), output_step("qdq_diamond"), "qdq_diamond xnnpack vs numpy QDQ");
}

TEST(ExirXnnpack, CliExplainAndInspectShowTheDelegate) {
  REQUIRE_GENERATOR();
  const std::string pte = generated_dir() + "/diamond.pte", log = generated_dir() + "/explain.txt";
  const std::string cmd = std::string(EXIR_BIN) + " convert " + generated_dir() +
                          "/qdq_diamond/model.onnx -o " + pte + " --backend xnnpack --explain 2>" + log;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream f(log);
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("not delegated: Mul"), std::string::npos) << text;
  EXPECT_NE(text.find("2 XNNPACK partition(s)"), std::string::npos) << text;
  const std::string inspect = std::string(EXIR_BIN) + " inspect " + pte + " > " + log + " 2>&1";
  ASSERT_EQ(std::system(inspect.c_str()), 0);
  std::ifstream g(log);
  const std::string shown((std::istreambuf_iterator<char>(g)), std::istreambuf_iterator<char>());
  EXPECT_NE(shown.find("delegates (2)"), std::string::npos) << shown;
  EXPECT_NE(shown.find("XnnpackBackend"), std::string::npos) << shown;
}

}  // namespace
