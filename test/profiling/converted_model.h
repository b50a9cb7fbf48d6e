// An example model (examples/models generators) converted by exir in-process
// and loaded into a Module, with its test input, for the profiling tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "exir/cli/convert.h"
#include "exir/import/onnx/onnx_importer.h"
#include "runtime/module/module.h"
#include "test/exir/model_generator.h"

namespace ember::test {

struct ConvertedModel {
  exir::ConvertResult convert;
  std::unique_ptr<Module> module;
  std::vector<HostValue> inputs;
};

// Converts `generator`'s model `name` for `backend` ("portable" or
// "xnnpack"); module is null (with a gtest failure) when loading fails.
inline ConvertedModel convert_example(const char* generator, const std::string& name, const std::string& backend,
                                      const ModuleOptions& module_options = {}) {
  ConvertedModel m;
  std::string dir = generated_models(generator) + "/" + name;
  const exir::Value x = exir::read_onnx_tensor_file(dir + "/test_data_set_0/input_0.pb");
  exir::ConvertOptions options;
  options.backend = backend;
  // The float MLP's input "x" has a symbolic batch dimension: fixed to the
  // test input's shape.
  if (name == "mlp") options.import.input_shapes["x"] = x.sizes();
  m.convert = exir::convert_onnx(dir + "/model.onnx", options);
  Result<std::unique_ptr<Module>> module =
      Module::load_from_buffer(m.convert.pte.data(), m.convert.pte.size(), module_options);
  EXPECT_TRUE(module.ok()) << error_message();
  if (!module.ok()) return m;
  m.module = std::move(*module);
  HostTensor t;
  t.dtype = x.dtype;
  for (int64_t s : x.sizes()) t.sizes.push_back(static_cast<int32_t>(s));
  t.data = *x.data;
  m.inputs.push_back(HostValue::from_tensor(t));
  return m;
}

}  // namespace ember::test
