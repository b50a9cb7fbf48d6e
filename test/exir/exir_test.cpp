// End-to-end tests of the exir converter: ONNX → .pte (--backend portable)
// → Module, compared with numpy references (our generator) and ONNX's node
// test data; bad inputs fail with one clear error; output is deterministic.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "exir/cli/convert.h"
#include "exir/ir/error.h"
#include "runtime/module/module.h"
#include "test/exir/host_tensor.h"
#include "test/exir/model_generator.h"

namespace {

const char* kTestData = "/usr/share/libonnx-testdata/data/node";

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

const std::string& generated_dir() { return ember::test::generated_models(EXIR_GEN_MODELS); }

#define REQUIRE_GENERATOR() EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_MODELS)

using ember::test::host_tensor;

// Converts CASE/model.onnx, runs it on test_data_set_0's inputs and compares
// every output (atol 1e-4 + rtol 1e-4; exact for non-float).
// Inputs listed in `freeze` become constants (shape, axes, starts... fed as
// graph inputs in ONNX's node tests).
void run_case(const std::string& case_dir, const exir::ConvertOptions& options = {},
              const std::vector<int>& freeze = {}) {
  SCOPED_TRACE(case_dir);
  exir::ConvertOptions opts = options;
  opts.backend = "portable";
  const std::string data = case_dir + "/test_data_set_0/";
  for (int i : freeze) {
    const exir::Value v = exir::read_onnx_tensor_file(data + "input_" + std::to_string(i) + ".pb");
    opts.import.frozen_inputs[v.name] = v;
  }
  const exir::ConvertResult r = exir::convert_onnx(case_dir + "/model.onnx", opts);
  EXPECT_LE(r.arena_bytes, r.naive_bytes);
  auto module = ember::Module::load_from_buffer(r.pte.data(), r.pte.size());
  ASSERT_TRUE(module.ok()) << ember::error_message();
  std::vector<ember::HostValue> inputs;
  for (int i = 0; exists(data + "input_" + std::to_string(i) + ".pb"); ++i) {
    if (std::find(freeze.begin(), freeze.end(), i) != freeze.end()) continue;
    inputs.push_back(ember::HostValue::from_tensor(
        host_tensor(exir::read_onnx_tensor_file(data + "input_" + std::to_string(i) + ".pb"))));
  }
  auto outputs = module.get()->run("forward", inputs);
  ASSERT_TRUE(outputs.ok()) << ember::error_message();
  size_t n = 0;
  for (; exists(data + "output_" + std::to_string(n) + ".pb"); ++n) {
    const exir::Value expected = exir::read_onnx_tensor_file(data + "output_" + std::to_string(n) + ".pb");
    ASSERT_LT(n, outputs->size());
    const ember::HostTensor& got = (*outputs)[n].tensor;
    ASSERT_EQ(got.dtype, expected.dtype) << "output " << n;
    std::vector<int32_t> sizes;
    for (int64_t s : expected.sizes()) sizes.push_back(static_cast<int32_t>(s));
    ASSERT_EQ(got.sizes, sizes) << "output " << n;
    if (expected.dtype == ember::ScalarType::Float) {
      const float* e = expected.as<float>();
      const float* g = got.data_as<float>();
      for (int64_t i = 0; i < expected.numel(); ++i) {
        ASSERT_NEAR(g[i], e[i], 1e-4 + 1e-4 * std::fabs(e[i])) << "output " << n << " element " << i;
      }
    } else {
      EXPECT_EQ(got.data, *expected.data) << "output " << n;
    }
  }
  EXPECT_EQ(n, outputs->size());
}

TEST(ExirEndToEnd, FloatMlpMatchesNumpy) {
  REQUIRE_GENERATOR();
  exir::ConvertOptions options;
  options.import.input_shapes["x"] = {4, 16};
  run_case(generated_dir() + "/mlp", options);
}

TEST(ExirEndToEnd, SmallCnnMatchesNumpy) {
  REQUIRE_GENERATOR();
  run_case(generated_dir() + "/cnn");
}

TEST(ExirEndToEnd, ConversionIsDeterministic) {
  REQUIRE_GENERATOR();
  exir::ConvertOptions options;
  options.backend = "portable";
  const auto a = exir::convert_onnx(generated_dir() + "/cnn/model.onnx", options);
  const auto b = exir::convert_onnx(generated_dir() + "/cnn/model.onnx", options);
  EXPECT_EQ(a.pte, b.pte);
  EXPECT_LT(a.arena_bytes, a.naive_bytes);  // relu/pool buffers reuse the conv output's space
}

// Runs the CLI; returns (exit status, stderr).
std::pair<int, std::string> run_cli(const std::string& args) {
  // In the generated folder: ctest runs the tests of this file in parallel processes.
  const std::string err = (generated_dir().empty() ? std::string("/tmp") : generated_dir()) + "/exir_cli_stderr_" + std::to_string(getpid()) + ".txt";
  const int rc = std::system((std::string(EXIR_BIN) + " " + args + " 2>" + err + " >/dev/null").c_str());
  std::ifstream in(err);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, text};
}

void expect_clear_error(const std::string& args, const std::string& needle) {
  const auto [rc, text] = run_cli(args);
  EXPECT_EQ(rc, 1) << text;  // an exit code, not a signal
  EXPECT_NE(text.find("exir: error: "), std::string::npos) << text;
  EXPECT_NE(text.find(needle), std::string::npos) << text;
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line expected: " << text;
}

TEST(ExirBadInput, EachFailureIsOneClearError) {
  REQUIRE_GENERATOR();
  const std::string g = generated_dir();
  expect_clear_error("convert " + g + "/unsupported_op/model.onnx -o /tmp/exir_bad.pte --backend portable",
                     "operator Celu is not supported");
  expect_clear_error("convert " + g + "/missing_initializer/model.onnx -o /tmp/exir_bad.pte --backend portable",
                     "input 'missing_w' is not defined");
  expect_clear_error("convert " + g + "/dynamic_dim/model.onnx -o /tmp/exir_bad.pte --backend portable",
                     "dynamic dimension 'N'");
  expect_clear_error("convert /nonexistent.onnx -o /tmp/exir_bad.pte --backend portable", "cannot open");
  expect_clear_error("convert " + g + "/mlp/model.onnx -o /tmp/exir_bad.pte --backend portable --input-shape x=4",
                     "rank 1 given");
  // The dynamic model converts once its dim is fixed.
  EXPECT_EQ(run_cli("convert " + g + "/dynamic_dim/model.onnx -o /tmp/exir_ok.pte --backend portable "
                    "--input-shape x=2x3").first, 0);
}

TEST(ExirBadInput, CorruptAndTruncatedFiles) {
  REQUIRE_GENERATOR();
  std::ifstream in(generated_dir() + "/cnn/model.onnx", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 100u);
  const std::string path = generated_dir() + "/broken.onnx";
  // Truncations at several points and byte garbage: an error or a clean
  // conversion of what parses, never a crash.
  for (size_t cut : {size_t{1}, size_t{7}, bytes.size() / 3, bytes.size() / 2, bytes.size() - 5}) {
    std::ofstream(path, std::ios::binary) << bytes.substr(0, cut);
    const auto [rc, text] = run_cli("convert " + path + " -o /tmp/exir_bad.pte --backend portable");
    EXPECT_EQ(rc, 1) << "cut at " << cut << ": " << text;
    EXPECT_NE(text.find("exir: error: "), std::string::npos) << text;
  }
  std::ofstream(path, std::ios::binary) << std::string(64, '\xff');
  expect_clear_error("convert " + path + " -o /tmp/exir_bad.pte --backend portable", "not a valid ONNX model");
}

TEST(ExirCli, InspectListsOperatorsAndArena) {
  REQUIRE_GENERATOR();
  ASSERT_EQ(run_cli("convert " + generated_dir() + "/cnn/model.onnx -o /tmp/exir_cnn.pte --backend portable").first, 0);
  const std::string out = "/tmp/exir_inspect.txt";
  ASSERT_EQ(std::system((std::string(EXIR_BIN) + " inspect /tmp/exir_cnn.pte >" + out).c_str()), 0);
  std::ifstream in(out);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* needle : {"method forward", "aten::convolution.out", "aten::relu.out",
                             "aten::max_pool2d_with_indices.out", "aten::view_copy.out", "aten::addmm.out",
                             "input 0: Float[1, 3, 8, 8]", "output 0: Float[1, 5]", "arena 1: "}) {
    EXPECT_NE(text.find(needle), std::string::npos) << needle << "\n" << text;
  }
}

TEST(ExirOnnxNodeTests, DebianTestDataCases) {
  if (!exists(kTestData)) {
    std::printf("SKIP: libonnx-testdata is not installed\n");
    GTEST_SKIP();
  }
  for (const char* name :
       {"test_relu", "test_add", "test_add_bcast", "test_sub", "test_mul", "test_div", "test_sigmoid", "test_tanh",
        "test_erf", "test_gemm_default_single_elem_vector_bias", "test_gemm_default_matrix_bias",
        "test_gemm_transposeA", "test_gemm_transposeB", "test_gemm_alpha", "test_gemm_beta", "test_matmul_2d",
        "test_matmul_3d", "test_matmul_4d", "test_softmax_axis_1", "test_softmax_axis_0", "test_softmax_default_axis",
        "test_conv_with_strides_padding", "test_conv_with_strides_no_padding", "test_basic_conv_with_padding",
        "test_basic_conv_without_padding", "test_conv_with_autopad_same", "test_maxpool_2d_default",
        "test_maxpool_2d_pads", "test_averagepool_2d_default", "test_concat_2d_axis_0", "test_transpose_default",
        "test_flatten_axis0", "test_gather_0", "test_gather_1", "test_layer_normalization_2d_axis0",
        "test_batchnorm_example", "test_where_example", "test_reduce_mean_keepdims_example",
        "test_split_equal_parts_1d"}) {
    const std::string dir = std::string(kTestData) + "/" + name;
    if (!exists(dir)) {
      ADD_FAILURE() << "missing test data case " << name;
      continue;
    }
    try {
      run_case(dir);
    } catch (const exir::Error& e) {
      ADD_FAILURE() << name << ": " << e.what();
    }
  }
  // Cases whose shape/axes/bounds inputs must be frozen into constants.
  const std::vector<std::pair<const char*, std::vector<int>>> frozen = {
      {"test_reshape_reordered_all_dims", {1}}, {"test_unsqueeze_axis_0", {1}}, {"test_squeeze", {1}},
      {"test_clip", {1, 2}}, {"test_slice", {1, 2, 3, 4}}};
  for (const auto& [name, inputs] : frozen) {
    try {
      run_case(std::string(kTestData) + "/" + name, {}, inputs);
    } catch (const exir::Error& e) {
      ADD_FAILURE() << name << ": " << e.what();
    }
  }
}

}  // namespace
