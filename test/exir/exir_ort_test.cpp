// ONNX Runtime as the reference: every model the example generators write
// (gen_models.py, gen_qdq_models.py; whatever folders with test_data_set_0 and
// an output_0.pb exist, so new models are picked up) and the checked-in
// torch 1.13 FX-quantized export (examples/models/torch_fx_cnn) is converted
// with `exir --backend xnnpack`, run on Ember and, on the same input_N.pb, on
// ORT's CPU provider through tools/ort/ort_run.js. Quantized models must stay
// within two output quantization steps of ORT (output_scale.txt), float models
// within atol 1e-4 + rtol 1e-4. Skips with a SKIP line when node or the npm
// package (scripts/install_deps.sh) is missing.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "exir/cli/convert.h"
#include "exir/import/onnx/onnx_importer.h"
#include "exir/ir/error.h"
#include "runtime/module/module.h"
#include "test/exir/model_generator.h"
#include "test/exir/model_run.h"

namespace {

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// A scratch folder for ORT's outputs, one per process.
const std::string& scratch_dir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/exir_ort_XXXXXX";
    return std::string(mkdtemp(tmpl) ? tmpl : "");
  }();
  return dir;
}

bool ort_available() {
  static const bool ok = !scratch_dir().empty() && std::system(("node " EMBER_ORT_RUN " --check >/dev/null 2>&1")) == 0;
  return ok;
}

#define REQUIRE_ORT()                                                                              \
  if (!ort_available()) {                                                                          \
    std::printf("SKIP: node or onnxruntime-node missing (scripts/install_deps.sh installs it)\n"); \
    GTEST_SKIP();                                                                                  \
  }

// Elements of a tensor as doubles (float and integer outputs alike).
std::vector<double> to_doubles(ember::ScalarType dtype, const std::vector<uint8_t>& bytes) {
  std::vector<double> out;
  auto take = [&](auto tag) {
    using T = decltype(tag);
    const size_t n = bytes.size() / sizeof(T);
    for (size_t i = 0; i < n; ++i) {
      T v;
      std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
      out.push_back(static_cast<double>(v));
    }
  };
  switch (dtype) {
    case ember::ScalarType::Float:
      take(float{});
      break;
    case ember::ScalarType::Double:
      take(double{});
      break;
    case ember::ScalarType::Byte:
      take(uint8_t{});
      break;
    case ember::ScalarType::Bool:
      take(uint8_t{});
      break;
    case ember::ScalarType::Char:
      take(int8_t{});
      break;
    case ember::ScalarType::Short:
      take(int16_t{});
      break;
    case ember::ScalarType::Int:
      take(int32_t{});
      break;
    case ember::ScalarType::Long:
      take(int64_t{});
      break;
    default:
      ADD_FAILURE() << "output dtype " << static_cast<int>(dtype) << " not compared";
  }
  return out;
}

struct Tensor {
  ember::ScalarType dtype = ember::ScalarType::Float;
  std::vector<int64_t> sizes;
  std::vector<double> values;
};

Tensor read_pb(const std::string& path) {
  const exir::Value v = exir::read_onnx_tensor_file(path);
  return {v.dtype, v.sizes(), to_doubles(v.dtype, *v.data)};
}

size_t count_files(const std::string& dir, const char* prefix) {
  size_t n = 0;
  while (exists(dir + "/" + prefix + std::to_string(n) + ".pb")) ++n;
  return n;
}

// Converts with --backend xnnpack (input shapes fixed to the test data's, as
// --input-shape would) and runs on Ember; empty on failure (reported).
std::vector<Tensor> run_ember(const std::string& model_dir) {
  const std::string data = model_dir + "/test_data_set_0";
  const exir::ConvertOptions options = ember::test::options_for_test_data(model_dir, "xnnpack");
  exir::ConvertResult converted;
  try {
    converted = exir::convert_onnx(model_dir + "/model.onnx", options);
  } catch (const exir::Error& e) {
    ADD_FAILURE() << "exir convert: " << e.what();
    return {};
  }
  auto module = ember::Module::load_from_buffer(converted.pte.data(), converted.pte.size());
  if (!module.ok()) {
    ADD_FAILURE() << "load: " << ember::error_message();
    return {};
  }
  std::vector<ember::HostValue> inputs;
  for (size_t i = 0, n = count_files(data, "input_"); i < n; ++i) {
    inputs.push_back(ember::HostValue::from_tensor(
        ember::test::host_tensor(exir::read_onnx_tensor_file(data + "/input_" + std::to_string(i) + ".pb"))));
  }
  auto outputs = module.get()->run("forward", inputs);
  if (!outputs.ok()) {
    ADD_FAILURE() << "run: " << ember::error_message();
    return {};
  }
  std::vector<Tensor> result;
  for (const ember::HostValue& v : *outputs) {
    Tensor t{v.tensor.dtype, {}, to_doubles(v.tensor.dtype, v.tensor.data)};
    for (int32_t s : v.tensor.sizes) t.sizes.push_back(s);
    result.push_back(std::move(t));
  }
  return result;
}

// Runs ORT on the model's test_data_set_0 inputs at graph optimization level
// `opt` ("all": ORT's fused int8 kernels; "disabled": op by op in float, the
// ONNX QDQ semantics); empty on failure (reported).
std::vector<Tensor> run_ort(const std::string& model_dir, const std::string& name, const char* opt = "all") {
  const std::string out = scratch_dir() + "/" + name, err = out + ".stderr";
  const std::string cmd = "node " EMBER_ORT_RUN " " + model_dir + "/model.onnx --inputs " + model_dir +
                          "/test_data_set_0 --out " + out + " --threads 1 --opt " + opt + " 2>" + err;
  if (std::system(cmd.c_str()) != 0) {
    ADD_FAILURE() << "ORT failed: " << read_text(err);
    return {};
  }
  std::vector<Tensor> result;
  for (size_t j = 0, n = count_files(out, "output_"); j < n; ++j) {
    result.push_back(read_pb(out + "/output_" + std::to_string(j) + ".pb"));
  }
  return result;
}

// Any Q/DQ in the graph: needs the quantized (output-step) tolerance.
bool is_quantized(const std::string& model_dir) {
  try {
    const exir::Graph g = exir::import_onnx(model_dir + "/model.onnx");
    return std::any_of(g.nodes.begin(), g.nodes.end(), [](const exir::Node& n) {
      return n.op == "QuantizeLinear" || n.op == "DequantizeLinear" || n.op.rfind("QLinear", 0) == 0;
    });
  } catch (const exir::Error&) {
    return false;  // run_ember reports the import error
  }
}

// Quantized (step > 0): every element within `max_steps` steps, "exact" below
// half a step. Float (step == 0): atol 1e-4 + rtol 1e-4, "exact" bit-equal.
// Integer outputs must match exactly. Prints the per-output summary.
void compare(const Tensor& got, const Tensor& want, double step, double max_steps, const std::string& what) {
  ASSERT_EQ(got.sizes, want.sizes) << what;
  ASSERT_EQ(got.values.size(), want.values.size()) << what;
  const bool is_float = want.dtype == ember::ScalarType::Float || want.dtype == ember::ScalarType::Double;
  size_t exact = 0, bad = 0;
  double max_abs = 0;
  for (size_t i = 0; i < got.values.size(); ++i) {
    const double g = got.values[i], w = want.values[i], d = std::fabs(g - w);
    max_abs = std::max(max_abs, std::isnan(d) ? INFINITY : d);
    const double tol = !is_float ? 0 : step > 0 ? max_steps * step * 1.001 : 1e-4 + 1e-4 * std::fabs(w);
    const bool ok = d <= tol;
    if (!ok && ++bad <= 5) ADD_FAILURE() << what << " element " << i << ": " << g << " vs " << w;
    exact += step > 0 ? d < 0.5 * step : d == 0;
  }
  EXPECT_EQ(bad, 0u) << what << ": " << bad << " elements outside the tolerance";
  const size_t n = got.values.size();
  const double share = n ? 100.0 * static_cast<double>(exact) / static_cast<double>(n) : 100.0;
  if (step > 0) {
    std::printf("%s: max diff %.2f steps (%.3g abs, step %.4g), %zu of %zu exact (%.1f%%)\n", what.c_str(),
                max_abs / step, max_abs, step, exact, n, share);
  } else {
    std::printf("%s: max |diff| %.3g, %zu of %zu bit-equal (%.1f%%)\n", what.c_str(), max_abs, exact, n, share);
  }
}

double output_step(const std::string& model_dir) {
  std::ifstream f(model_dir + "/output_scale.txt");
  double s = 0;
  return (f >> s) ? s : 0;
}

// Ember vs ORT on one model folder; returns Ember's outputs (for further checks).
std::vector<Tensor> check_against_ort(const std::string& model_dir, const std::string& name) {
  SCOPED_TRACE(name);
  const bool quantized = is_quantized(model_dir);
  const double step = quantized ? output_step(model_dir) : 0;
  if (quantized && step <= 0) {
    std::printf("SKIP %s: quantized model without output_scale.txt\n", name.c_str());
    return {};
  }
  const std::vector<Tensor> ember_out = run_ember(model_dir);
  const std::vector<Tensor> ort_out = run_ort(model_dir, name);
  if (ember_out.empty() || ort_out.empty()) return ember_out;
  EXPECT_EQ(ember_out.size(), ort_out.size()) << name;
  for (size_t j = 0; j < std::min(ember_out.size(), ort_out.size()); ++j) {
    compare(ember_out[j], ort_out[j], step, 2.0, name + " output " + std::to_string(j) + " Ember vs ORT");
  }
  return ember_out;
}

// Folders under `dir` that hold a runnable case (bad_models have no output).
std::vector<std::string> model_folders(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (const dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name[0] != '.' && exists(dir + "/" + name + "/test_data_set_0/output_0.pb")) names.push_back(name);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void check_generated(const char* script) {
  const std::string& dir = ember::test::generated_models(script);
  const std::vector<std::string> names = model_folders(dir);
  ASSERT_FALSE(names.empty()) << script << " wrote no runnable model";
  for (const std::string& name : names) check_against_ort(dir + "/" + name, name);
}

TEST(ExirOrt, FloatModelsMatchOrt) {
  REQUIRE_ORT();
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_MODELS);
  check_generated(EXIR_GEN_MODELS);
}

TEST(ExirOrt, QdqModelsWithinTwoStepsOfOrt) {
  REQUIRE_ORT();
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_QDQ_MODELS);
  check_generated(EXIR_GEN_QDQ_MODELS);
}

// A model "from the wild": torch 1.13 FX graph mode PTQ (qnnpack, uint8
// activations) exported to ONNX by torch itself; test_data_set_0/output_0.pb
// is torch's own quantized output, output_scale.txt the scale of the model's
// last DequantizeLinear. Needs no ORT for the torch comparison.
TEST(ExirOrt, TorchFxCnnMatchesTorchAndOrt) {
  const std::string dir = EMBER_TORCH_FX_CNN;
  const double step = output_step(dir);
  ASSERT_GT(step, 0.0);
  const std::vector<Tensor> ember_out = run_ember(dir);
  ASSERT_EQ(ember_out.size(), 1u);
  const Tensor torch_out = read_pb(dir + "/test_data_set_0/output_0.pb");
  compare(ember_out[0], torch_out, step, 2.0, "torch_fx_cnn output 0 Ember vs torch");
  if (!ort_available()) {
    std::printf("SKIP: ORT part: node or onnxruntime-node missing (scripts/install_deps.sh installs it)\n");
    return;
  }
  check_against_ort(dir, "torch_fx_cnn");
  const std::vector<Tensor> ort_out = run_ort(dir, "torch_fx_cnn_ref");
  ASSERT_EQ(ort_out.size(), 1u);
  compare(ort_out[0], torch_out, step, 2.0, "torch_fx_cnn output 0 ORT vs torch");
  // ORT's fused QLinear kernels round differently from the graph's float QDQ semantics.
  const std::vector<Tensor> qdq_out = run_ort(dir, "torch_fx_cnn_qdq", "disabled");
  ASSERT_EQ(qdq_out.size(), 1u);
  compare(ember_out[0], qdq_out[0], step, 2.0, "torch_fx_cnn output 0 Ember vs ORT unfused (--opt disabled)");
  compare(qdq_out[0], torch_out, step, 2.0, "torch_fx_cnn output 0 ORT unfused vs torch");
}

}  // namespace
