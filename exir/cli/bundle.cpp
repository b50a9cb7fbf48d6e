#include "exir/cli/bundle.h"

#include "exir/emit/bundle_writer.h"
#include "exir/import/npy/npy_file.h"
#include "exir/ir/error.h"
#include "runtime/core/error.h"
#include "runtime/module/module.h"

namespace exir {

std::vector<uint8_t> bundle_with_reference(const std::string& model, const ConvertOptions& options,
                                           const std::vector<uint8_t>& pte,
                                           const std::vector<std::string>& input_npy_files) {
  BundledTestCase test_case;
  for (size_t i = 0; i < input_npy_files.size(); ++i) {
    const Value v = read_npy(input_npy_files[i], "input " + std::to_string(i));
    ember::HostTensor t;
    t.dtype = v.dtype;
    for (int64_t d : v.sizes()) t.sizes.push_back(static_cast<int32_t>(d));
    t.data = *v.data;
    test_case.inputs.push_back(ember::HostValue::from_tensor(std::move(t)));
  }
  ConvertOptions reference_options = options;
  reference_options.backend = "portable";
  reference_options.dump = nullptr;
  const ConvertResult reference = convert_onnx(model, reference_options);
  auto module = ember::Module::load_from_buffer(reference.pte.data(), reference.pte.size());
  if (!module.ok()) fail("--bundle: the reference program does not load: %s", ember::error_message());
  auto outputs = module.get()->run("forward", test_case.inputs);
  if (!outputs.ok()) fail("--bundle: the reference run failed: %s", ember::error_message());
  test_case.expected_outputs = std::move(outputs.get());
  return write_bundled_program(pte, "forward", {test_case});
}

}  // namespace exir
