// Shared by the exir end-to-end tests: convert a generated model folder
// (model.onnx + test_data_set_0, the generators' layout) with one backend,
// run it on Ember with input_0, and compare float outputs in quantization
// steps against the folder's reference.
#pragma once

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "exir/cli/convert.h"
#include "runtime/module/module.h"
#include "test/exir/host_tensor.h"

namespace ember::test {

struct ModelRun {
  exir::ConvertResult convert;
  std::map<std::string, std::string> ir;    // pass -> printed IR
  std::vector<std::vector<float>> outputs;  // every float output
  std::vector<float> output;                // outputs[0] (most models have one)
};

inline ModelRun convert_and_run(const std::string& dir, const std::string& backend) {
  exir::ConvertOptions options;
  options.backend = backend;
  ModelRun o;
  options.dump = [&o](const std::string& pass, const std::string& ir) { o.ir[pass] = ir; };
  o.convert = exir::convert_onnx(dir + "/model.onnx", options);
  auto module = ember::Module::load_from_buffer(o.convert.pte.data(), o.convert.pte.size());
  EXPECT_TRUE(module.ok()) << ember::error_message();
  if (!module.ok()) return o;
  const exir::Value x = exir::read_onnx_tensor_file(dir + "/test_data_set_0/input_0.pb");
  auto outputs = module.get()->run("forward", {ember::HostValue::from_tensor(host_tensor(x))});
  EXPECT_TRUE(outputs.ok()) << ember::error_message();
  if (!outputs.ok()) return o;
  for (const ember::HostValue& v : *outputs) {
    EXPECT_EQ(v.tensor.dtype, ember::ScalarType::Float);
    const float* p = v.tensor.data_as<float>();
    o.outputs.emplace_back(p, p + v.tensor.data.size() / sizeof(float));
  }
  if (!o.outputs.empty()) o.output = o.outputs[0];
  return o;
}

// Graph inputs that are not initializers, in order: what input_<i>.pb feed.
inline std::vector<std::string> graph_input_names(const std::string& model_path) {
  std::ifstream in(model_path, std::ios::binary);
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&in)) return {};
  std::set<std::string> inits;
  for (const onnx::TensorProto& t : model.graph().initializer()) inits.insert(t.name());
  std::vector<std::string> names;
  for (const onnx::ValueInfoProto& vi : model.graph().input()) {
    if (!inits.count(vi.name())) names.push_back(vi.name());
  }
  return names;
}

// Options for `backend` with input shapes fixed to the test data's (as
// --input-shape would), for models with a symbolic batch dimension.
inline exir::ConvertOptions options_for_test_data(const std::string& dir, const std::string& backend) {
  exir::ConvertOptions options;
  options.backend = backend;
  const std::vector<std::string> names = graph_input_names(dir + "/model.onnx");
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string input = dir + "/test_data_set_0/input_" + std::to_string(i) + ".pb";
    struct stat st;
    if (stat(input.c_str(), &st) == 0) options.import.input_shapes[names[i]] = exir::read_onnx_tensor_file(input).sizes();
  }
  return options;
}

// The folder's expected output k (test_data_set_0/output_k.pb), as floats.
inline std::vector<float> reference_output(const std::string& dir, size_t k = 0) {
  const exir::Value y = exir::read_onnx_tensor_file(dir + "/test_data_set_0/output_" + std::to_string(k) + ".pb");
  return std::vector<float>(y.as<float>(), y.as<float>() + y.numel());
}

// The output quantization step the generator wrote (0 when absent).
inline double output_step(const std::string& dir) {
  std::ifstream f(dir + "/output_scale.txt");
  double s = 0;
  f >> s;
  return s;
}

// Every element within one step; prints and returns the share that is exact
// (closer than half a step) and the largest difference in steps.
inline double within_one_step(const std::vector<float>& got, const std::vector<float>& want, double step,
                              const std::string& what) {
  EXPECT_EQ(got.size(), want.size()) << what;
  if (got.size() != want.size() || got.empty()) return 0;
  size_t exact = 0;
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double d = std::fabs(static_cast<double>(got[i]) - want[i]);
    EXPECT_LE(d, step * 1.001) << what << " element " << i << ": " << got[i] << " vs " << want[i];
    exact += d < step * 0.5;
    worst = std::max(worst, d / step);
  }
  const double share = static_cast<double>(exact) / static_cast<double>(got.size());
  std::printf("%s: %zu of %zu elements exact (%.1f%%), max diff %.2f steps\n", what.c_str(), exact, got.size(),
              100.0 * share, worst);
  return share;
}

}  // namespace ember::test
