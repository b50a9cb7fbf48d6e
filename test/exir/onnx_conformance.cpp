// ONNX node-test conformance through the converter and the runtime: every
// case of libonnx-testdata whose operators all lie in the converter's
// supported set is converted (`--backend portable`, or xnnpack), run on
// test_data_set_0 and compared with its outputs (rtol 1e-3, atol 1e-7 like
// ONNX's backend tests; other dtypes exactly). Inputs that ONNX feeds as
// graph inputs but that must be constants for us (shapes, axes, pads,
// quantization parameters) are frozen, as `exir convert --freeze` would.
//
//   exir_conformance DATA_DIR [--backend B] [--expect PASS_LIST] [--write PASS_LIST] [-v] [--list]
//
// Prints one line per case (PASS / FAIL reason) and "N passed, M failed".
// With --expect, exits 1 when a case of the list no longer passes (the CI
// gate: the count may grow, never drop).
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdarg>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "exir/cli/convert.h"
#include "exir/ir/error.h"
#include "runtime/module/module.h"
#include "test/exir/host_tensor.h"

namespace {

// The operator set of the issue, by ONNX op type.
const std::set<std::string> kOps = {
    "QuantizeLinear", "DequantizeLinear", "QLinearMatMul", "QLinearConv", "MatMulInteger", "ConvInteger",
    "Conv", "Gemm", "MatMul", "Relu", "Clip", "Add", "Mul", "Sub", "Div", "Softmax", "Sigmoid", "Tanh",
    "MaxPool", "AveragePool", "GlobalAveragePool", "Concat", "Reshape", "Transpose", "Flatten", "Squeeze",
    "Unsqueeze", "Gather", "LayerNormalization", "BatchNormalization", "Pad", "Resize", "LeakyRelu", "HardSwish",
    "Erf", "Slice", "Split", "ReduceMean", "Where", "Cast"};

// Inputs (by position) that carry what is an attribute for us: frozen.
const std::map<std::string, std::vector<int>> kFrozenInputs = {
    {"Reshape", {1}}, {"Squeeze", {1}}, {"Unsqueeze", {1}}, {"Clip", {1, 2}}, {"Slice", {1, 2, 3, 4}},
    {"Pad", {1, 2, 3}}, {"Resize", {1, 2, 3}}, {"Split", {1}}, {"ReduceMean", {1}},
    {"QuantizeLinear", {1, 2}}, {"DequantizeLinear", {1, 2}}, {"QLinearMatMul", {1, 2, 4, 5, 6, 7}},
    {"QLinearConv", {1, 2, 4, 5, 6, 7, 8}}, {"MatMulInteger", {2, 3}}, {"ConvInteger", {2, 3}}};

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') names.emplace_back(e->d_name);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool load_model(const std::string& path, onnx::ModelProto* model) {
  std::ifstream in(path, std::ios::binary);
  return in && model->ParseFromIstream(&in);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A case belongs to the set when every node's op is in kOps (Constant nodes
// feeding them allowed); `_expanded` variants (function bodies) and casts to
// or from STRING are left out.
bool in_scope(const std::string& name, const onnx::ModelProto& model) {
  if (ends_with(name, "_expanded")) return false;
  bool has_op = false;
  for (const auto& node : model.graph().node()) {
    has_op |= kOps.count(node.op_type()) != 0;
    if (!node.domain().empty() && node.domain() != "ai.onnx") return false;
    if (!kOps.count(node.op_type()) && node.op_type() != "Constant") return false;
    if (node.op_type() == "Cast" && name.find("STRING") != std::string::npos) return false;
  }
  return has_op;
}

using ember::test::host_tensor;

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  return buf;
}

// Returns "" on success, else the reason.
std::string compare(const exir::Value& expected, const ember::HostTensor& got, size_t index) {
  if (got.dtype != expected.dtype) {
    return format("output %zu: dtype %d, expected %d", index, static_cast<int>(got.dtype),
                  static_cast<int>(expected.dtype));
  }
  std::vector<int32_t> sizes;
  for (int64_t s : expected.sizes()) sizes.push_back(static_cast<int32_t>(s));
  if (got.sizes != sizes) return format("output %zu: shape differs", index);
  if (expected.dtype == ember::ScalarType::Float || expected.dtype == ember::ScalarType::Double) {
    const bool is_double = expected.dtype == ember::ScalarType::Double;
    for (int64_t i = 0; i < expected.numel(); ++i) {
      const double e = is_double ? expected.as<double>()[i] : expected.as<float>()[i];
      const double g = is_double ? got.data_as<double>()[i] : got.data_as<float>()[i];
      if ((std::isnan(e) && std::isnan(g)) || g == e) continue;  // g == e: also equal infinities
      if (!(std::fabs(g - e) <= 1e-7 + 1e-3 * std::fabs(e))) {
        return format("output %zu element %lld: %.9g, expected %.9g", index, static_cast<long long>(i), g, e);
      }
    }
    return "";
  }
  if (got.data != *expected.data) return format("output %zu: values differ", index);
  return "";
}

// ONNX's backend tests store BFLOAT16 tensors as UINT16 (the same bits):
// takes the dtype the model declares for the value.
exir::Value as_declared(exir::Value v, const google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>& decls,
                        size_t index) {
  if (index < static_cast<size_t>(decls.size()) && v.dtype == ember::ScalarType::UInt16 &&
      decls[static_cast<int>(index)].type().tensor_type().elem_type() == onnx::TensorProto::BFLOAT16) {
    v.dtype = ember::ScalarType::BFloat16;
  }
  return v;
}

// Converts and runs one case; "" when every output matches.
std::string run_case(const std::string& dir, const onnx::ModelProto& model, const std::string& backend) {
  const std::string data = dir + "/test_data_set_0/";
  std::set<std::string> frozen_names;
  for (const auto& node : model.graph().node()) {
    auto it = kFrozenInputs.find(node.op_type());
    if (it == kFrozenInputs.end()) continue;
    for (int i : it->second) {
      if (i < node.input_size() && !node.input(i).empty()) frozen_names.insert(node.input(i));
    }
  }
  exir::ConvertOptions options;
  options.backend = backend;
  std::vector<ember::HostValue> inputs;
  for (int i = 0; exists(data + "input_" + std::to_string(i) + ".pb"); ++i) {
    const exir::Value v = as_declared(exir::read_onnx_tensor_file(data + "input_" + std::to_string(i) + ".pb"),
                                      model.graph().input(), static_cast<size_t>(i));
    if (frozen_names.count(v.name)) {
      options.import.frozen_inputs[v.name] = v;
    } else {
      inputs.push_back(ember::HostValue::from_tensor(host_tensor(v)));
    }
  }
  const exir::ConvertResult r = exir::convert_onnx(dir + "/model.onnx", options);
  auto module = ember::Module::load_from_buffer(r.pte.data(), r.pte.size());
  if (!module.ok()) return "load: " + std::string(ember::error_message());
  auto outputs = module.get()->run("forward", inputs);
  if (!outputs.ok()) return "run: " + std::string(ember::error_message());
  size_t n = 0;
  for (; exists(data + "output_" + std::to_string(n) + ".pb"); ++n) {
    if (n >= outputs->size()) return format("%zu outputs, expected more", outputs->size());
    const std::string why =
        compare(as_declared(exir::read_onnx_tensor_file(data + "output_" + std::to_string(n) + ".pb"),
                            model.graph().output(), n),
                (*outputs)[n].tensor, n);
    if (!why.empty()) return why;
  }
  if (n != outputs->size()) return format("%zu outputs, expected %zu", outputs->size(), n);
  return "";
}

std::set<std::string> read_list(const std::string& path) {
  std::set<std::string> names;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') names.insert(line);
  }
  return names;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DATA_DIR [--backend portable|xnnpack] [--expect LIST] [--write LIST] [-v] [--list]\n",
                 argv[0]);
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::string root = argv[1];
  std::string backend = "portable", expect_path, write_path;
  bool verbose = false, list_only = false;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--backend" && i + 1 < argc) {
      backend = argv[++i];
    } else if (a == "--expect" && i + 1 < argc) {
      expect_path = argv[++i];
    } else if (a == "--write" && i + 1 < argc) {
      write_path = argv[++i];
    } else if (a == "-v") {
      verbose = true;
    } else if (a == "--list") {
      list_only = true;
    } else {
      std::fprintf(stderr, "unknown argument '%s'\n", a.c_str());
      return 2;
    }
  }
  if (!exists(root)) {
    std::printf("SKIP: %s does not exist (libonnx-testdata not installed)\n", root.c_str());
    return 0;
  }
  std::vector<std::string> passed;
  std::map<std::string, std::string> failed;
  for (const std::string& name : list_dir(root)) {
    onnx::ModelProto model;
    if (!load_model(root + "/" + name + "/model.onnx", &model) || !in_scope(name, model)) continue;
    if (list_only) {
      std::printf("%s\n", name.c_str());
      continue;
    }
    std::string why;
    try {
      why = run_case(root + "/" + name, model, backend);
    } catch (const exir::Error& e) {
      why = std::string("convert: ") + e.what();
    } catch (const std::exception& e) {
      why = std::string("converter bug (") + e.what() + ")";
    }
    if (why.empty()) {
      passed.push_back(name);
      if (verbose) std::printf("PASS %s\n", name.c_str());
    } else {
      failed[name] = why;
      std::printf("FAIL %s: %s\n", name.c_str(), why.c_str());
    }
  }
  if (list_only) return 0;
  std::printf("%zu passed, %zu failed (of %zu cases, backend %s)\n", passed.size(), failed.size(),
              passed.size() + failed.size(), backend.c_str());
  if (!write_path.empty()) {
    std::ofstream out(write_path);
    out << "# libonnx-testdata node cases that pass through exir convert --backend " << backend
        << " + the runtime\n# (test/exir/onnx_conformance.cpp). CI fails if one of these stops passing.\n";
    for (const auto& n : passed) out << n << "\n";
  }
  if (!expect_path.empty()) {
    int regressions = 0;
    for (const std::string& name : read_list(expect_path)) {
      if (std::find(passed.begin(), passed.end(), name) == passed.end()) {
        std::printf("REGRESSION %s: %s\n", name.c_str(),
                    failed.count(name) ? failed[name].c_str() : "case missing from the test data");
        ++regressions;
      }
    }
    if (regressions > 0) {
      std::printf("%d case(s) of %s no longer pass\n", regressions, expect_path.c_str());
      return 1;
    }
  }
  return 0;
}
