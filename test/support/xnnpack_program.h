// One XNNPACK delegate blob wrapped into a runnable .pte program: a single
// method whose only instruction is a DelegateCall to XnnpackBackend, with the
// delegate's external tensors as its arguments (inputs first, in external_id
// order), so tests can run a blob through Program/Method or Module.
//
// Ownership: everything is copied; returned programs and XnnpackProgram own
// their bytes. XnnpackProgram keeps its bytes alive as long as its Module.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backends/xnnpack/serialize/xnnpack_blob_builder.h"
#include "exir/emit/program_builder.h"
#include "runtime/module/module.h"
#include "test/support/program_bytes.h"

namespace ember::test {

// One argument of the DelegateCall.
struct DelegateArg {
  bool is_input = true;
  ScalarType type = ScalarType::Float;
  std::vector<int32_t> sizes;  // at the bound for DYNAMIC_BOUND tensors
  std::optional<std::vector<uint8_t>> dim_order;
  TensorShapeDynamism dynamism = TensorShapeDynamism::Static;
};

struct XnnpackProgramOptions {
  std::string method = "forward";
  // Planned tensors live in the method's arena (inputs are copied in);
  // unplanned ones take the caller's pointer.
  bool plan_inputs = true;
  bool plan_outputs = true;
  BlobLocation location = BlobLocation::Segment;
  // Applied to every argument built by delegate_args().
  TensorShapeDynamism dynamism = TensorShapeDynamism::Static;
  // Program.named_data, for constants stored by key.
  std::vector<std::pair<std::string, std::vector<uint8_t>>> named_data;
};

// The ScalarType ExecuTorch gives an external tensor of this datatype.
ScalarType scalar_type_of(xnnpack::DataType type);

// The builder's external values as DelegateCall arguments, by external_id
// (contiguous dim order: the blob's dims are the tensors' sizes).
std::vector<DelegateArg> delegate_args(const xnnpack::XnnpackBlobBuilder& builder,
                                       const XnnpackProgramOptions& options = {});

// A .pte running `blob` over `args` (given in DelegateCall order).
std::vector<uint8_t> make_delegate_program(const std::vector<uint8_t>& blob, const std::vector<DelegateArg>& args,
                                           const XnnpackProgramOptions& options = {});

// A .pte running the builder's blob.
std::vector<uint8_t> make_xnnpack_program(const xnnpack::XnnpackBlobBuilder& builder,
                                          const XnnpackProgramOptions& options = {});

// Sample graphs shared by tests and fuzz seeds.
// y = x + c: fp32 [4], c = {1, 2, 3, 4} stored in the blob.
xnnpack::XnnpackBlobBuilder sample_add_constant_graph();
// A qint8 linear as ExecuTorch lowers it: Convert -> FullyConnected [8, 8]
// with a qint32 bias -> Convert; fp32 [2, 8] in and out.
xnnpack::XnnpackBlobBuilder sample_quantized_linear_graph();

// A loaded program. Inline so that only tests using it link Module.
class XnnpackProgram {
 public:
  static Result<std::unique_ptr<XnnpackProgram>> load(const std::vector<uint8_t>& pte,
                                                      const ModuleOptions& module_options = {}) {
    std::unique_ptr<XnnpackProgram> p(new XnnpackProgram());
    p->bytes_ = AlignedBytes(pte.data(), pte.size());
    Result<std::unique_ptr<Module>> m = Module::load_from_buffer(p->bytes_.data(), p->bytes_.size(), module_options);
    if (!m.ok()) return m.error();
    p->module_ = std::move(*m);
    return p;
  }
  static Result<std::unique_ptr<XnnpackProgram>> load(const xnnpack::XnnpackBlobBuilder& builder,
                                                      const XnnpackProgramOptions& options = {},
                                                      const ModuleOptions& module_options = {}) {
    return load(make_xnnpack_program(builder, options), module_options);
  }

  Result<std::vector<HostValue>> run(const std::vector<HostValue>& inputs, const std::string& method = "forward") {
    return module_->run(method, inputs);
  }
  Module& module() { return *module_; }

 private:
  XnnpackProgram() = default;
  AlignedBytes bytes_;
  std::unique_ptr<Module> module_;
};

}  // namespace ember::test
