// End-to-end tests of the example models (gen_qdq_models.py /
// gen_models.py): a small CNN at 224x224, a MobileNetV2-shaped network and a
// transformer block, each float, QDQ int8 and QDQ uint8, converted with
// --backend xnnpack and --backend portable and run on our runtime.
// Quantized models: every element within one output quantization step of
// the generator's numpy QDQ reference, with a floor on the share that is
// exact. Float models: atol 1e-4 + rtol 1e-4. The partitioning and the
// fusion passes (embedding, GELU, BatchNormalization) are asserted.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "exir/cli/convert.h"
#include "exir/ir/error.h"
#include "runtime/module/module.h"
#include "test/exir/model_generator.h"
#include "test/exir/model_run.h"

namespace {

using ember::test::convert_and_run;
using ember::test::output_step;
using ember::test::within_one_step;
using Outcome = ember::test::ModelRun;

std::string case_dir(const char* script, const std::string& name) {
  return ember::test::generated_models(script) + "/" + name;
}

std::vector<float> reference(const std::string& dir) { return ember::test::reference_output(dir); }

void close_float(const std::vector<float>& got, const std::vector<float>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double d = std::fabs(static_cast<double>(got[i]) - want[i]);
    EXPECT_LE(d, 1e-4 + 1e-4 * std::fabs(want[i])) << what << " element " << i << ": " << got[i] << " vs " << want[i];
    worst = std::max(worst, d);
  }
  std::printf("%s: %zu elements, max |diff| %.3g\n", what.c_str(), got.size(), worst);
}

size_t count_lines(const std::vector<std::string>& lines, const std::string& prefix) {
  return static_cast<size_t>(
      std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }));
}

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

void report_partitions(const std::string& name, const exir::ConvertResult& r) {
  std::printf("%s: %zu XNNPACK partition(s), units", name.c_str(), r.num_delegates);
  for (size_t u : r.delegated_units) std::printf(" %zu", u);
  std::printf("; %zu IR nodes not delegated, %zu kernel calls\n", r.not_delegated.size(), r.num_kernel_calls);
}

// Converts a quantized model with both backends: both within one step of the
// numpy QDQ reference (and of each other), each with at least `min_exact`
// elements exact. Returns the xnnpack outcome for partition checks.
Outcome check_quantized(const std::string& name, double min_exact) {
  const std::string dir = case_dir(EXIR_GEN_QDQ_MODELS, name);
  Outcome xnn = convert_and_run(dir, "xnnpack");
  const Outcome portable = convert_and_run(dir, "portable");
  EXPECT_EQ(portable.convert.num_delegates, 0u);
  const double step = output_step(dir);
  EXPECT_GT(step, 0.0);
  if (step <= 0.0) return xnn;
  const std::vector<float> want = reference(dir);
  EXPECT_GE(within_one_step(xnn.output, want, step, name + " xnnpack vs numpy QDQ"), min_exact);
  EXPECT_GE(within_one_step(portable.output, want, step, name + " portable vs numpy QDQ"), min_exact);
  within_one_step(xnn.output, portable.output, step, name + " xnnpack vs portable");
  report_partitions(name, xnn.convert);
  return xnn;
}

void check_float(const std::string& name) {
  const std::string dir = case_dir(EXIR_GEN_MODELS, name);
  const std::vector<float> want = reference(dir);
  for (const char* backend : {"xnnpack", "portable"}) {
    const Outcome o = convert_and_run(dir, backend);
    EXPECT_EQ(o.convert.num_delegates, 0u) << "float ops are not delegated";
    close_float(o.output, want, name + " " + backend + " vs numpy float64");
  }
}

// Every Conv and Gemm inside a partition, all units in one partition.
void expect_all_convs_and_gemms_delegated(const Outcome& xnn, size_t units) {
  for (const char* op : {"Conv", "Gemm"}) {
    EXPECT_EQ(count_lines(xnn.convert.not_delegated, op), 0u) << op << " left outside the partition";
  }
  EXPECT_EQ(xnn.convert.num_delegates, 1u);
  EXPECT_EQ(xnn.convert.delegated_units, (std::vector<size_t>{units}));
}

#define REQUIRE_QDQ() EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_QDQ_MODELS)
#define REQUIRE_FLOAT() EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_MODELS)

// conv3x3 s2 + relu, depthwise + relu, conv1x1, residual add, global average
// pool, flatten, gemm: seven units in one partition.
TEST(ExirModels, Cnn224Int8) {
  REQUIRE_QDQ();
  expect_all_convs_and_gemms_delegated(check_quantized("qdq_cnn224", 0.9), 7);
}

TEST(ExirModels, Cnn224Uint8) {
  REQUIRE_QDQ();
  expect_all_convs_and_gemms_delegated(check_quantized("qdq_cnn224_u8", 0.9), 7);
}

TEST(ExirModels, Cnn224FloatFoldsBatchNorm) {
  REQUIRE_FLOAT();
  check_float("cnn224_f32");
  const Outcome o = convert_and_run(case_dir(EXIR_GEN_MODELS, "cnn224_f32"), "portable");
  EXPECT_EQ(occurrences(o.ir.at("fold_constants"), "BatchNormalization"), 1u);
  EXPECT_EQ(occurrences(o.ir.at("fuse"), "BatchNormalization"), 0u);
}

// Stem conv, five inverted residual blocks (3 convs each, 2 residual adds),
// final 1x1, pool, flatten, gemm: 16 + 2 + 1 + 3 = 22 units.
TEST(ExirModels, MobileNetV2Int8) {
  REQUIRE_QDQ();
  expect_all_convs_and_gemms_delegated(check_quantized("qdq_mbv2", 0.8), 22);
}

TEST(ExirModels, MobileNetV2Uint8) {
  REQUIRE_QDQ();
  expect_all_convs_and_gemms_delegated(check_quantized("qdq_mbv2_u8", 0.8), 22);
}

TEST(ExirModels, MobileNetV2FloatFoldsEveryBatchNorm) {
  REQUIRE_FLOAT();
  check_float("mbv2_f32");
  const Outcome o = convert_and_run(case_dir(EXIR_GEN_MODELS, "mbv2_f32"), "portable");
  EXPECT_EQ(occurrences(o.ir.at("fold_constants"), "BatchNormalization"), 17u);
  EXPECT_EQ(occurrences(o.ir.at("fuse"), "BatchNormalization"), 0u);
}

// The embedding and GELU fusions fire. Delegated: the Q, K and V MatMuls
// (one partition each: LayerNormalization, which XNNPACK does not run, feeds
// them), the output projection with the residual Add, the first Gemm, the
// second Gemm with the residual Add. Portable: the embedding, both
// LayerNormalizations, the Transpose, the two activation x activation
// MatMuls (the partitioner takes constant weights only), the scale Mul,
// Softmax and Gelu, and the Q/DQ between them.
void check_tblock(const std::string& name) {
  const Outcome xnn = check_quantized(name, 0.9);
  const std::string& fused = xnn.ir.at("fuse");
  EXPECT_EQ(occurrences(fused, "ember.QuantizedEmbedding"), 1u) << fused;
  EXPECT_EQ(occurrences(fused, "Gather"), 0u);
  EXPECT_EQ(occurrences(fused, "Gelu"), 1u);
  EXPECT_EQ(occurrences(fused, "Erf"), 0u);
  for (const std::string& l : xnn.convert.not_delegated) std::printf("  not delegated: %s\n", l.c_str());
  EXPECT_EQ(xnn.convert.num_delegates, 6u);
  EXPECT_EQ(xnn.convert.delegated_units, (std::vector<size_t>{1, 1, 1, 2, 1, 2}));
  EXPECT_EQ(count_lines(xnn.convert.not_delegated, "Gemm"), 0u);
  size_t refused_matmuls = 0;
  for (const std::string& l : xnn.convert.not_delegated) {
    refused_matmuls += l.rfind("MatMul", 0) == 0 && l.find("weights must be a quantized constant") != std::string::npos;
  }
  EXPECT_EQ(refused_matmuls, 2u) << "only Q K^T and P V stay portable";
  EXPECT_EQ(count_lines(xnn.convert.not_delegated, "MatMul"), 2u);
}

TEST(ExirModels, TransformerBlockInt8) {
  REQUIRE_QDQ();
  check_tblock("qdq_tblock");
}

TEST(ExirModels, TransformerBlockUint8) {
  REQUIRE_QDQ();
  check_tblock("qdq_tblock_u8");
}

TEST(ExirModels, TransformerBlockFloatFusesGelu) {
  REQUIRE_FLOAT();
  check_float("tblock_f32");
  const Outcome o = convert_and_run(case_dir(EXIR_GEN_MODELS, "tblock_f32"), "portable");
  EXPECT_EQ(occurrences(o.ir.at("fuse"), "Gelu"), 1u);
  EXPECT_EQ(occurrences(o.ir.at("fuse"), "Erf"), 0u);
}

}  // namespace
