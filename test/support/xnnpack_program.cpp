#include "test/support/xnnpack_program.h"

#include <algorithm>

namespace ember::test {

ScalarType scalar_type_of(xnnpack::DataType type) {
  switch (type) {
    case xnnpack::DataType::QInt8:
    case xnnpack::DataType::QCInt8:
      return ScalarType::Char;
    case xnnpack::DataType::QUInt8:
      return ScalarType::Byte;
    case xnnpack::DataType::QInt32:
    case xnnpack::DataType::QCInt32:
    case xnnpack::DataType::Int32:
      return ScalarType::Int;
    default:
      return ScalarType::Float;
  }
}

std::vector<DelegateArg> delegate_args(const xnnpack::XnnpackBlobBuilder& builder,
                                       const XnnpackProgramOptions& options) {
  std::vector<std::pair<uint32_t, DelegateArg>> found;
  for (uint32_t id = 0; id < builder.num_values(); ++id) {
    const xnnpack::TensorSpec& t = builder.tensor(id);
    if (!t.binding.is_input() && !t.binding.is_output()) continue;
    DelegateArg arg;
    arg.is_input = t.binding.is_input();
    arg.type = scalar_type_of(t.type);
    for (uint32_t d : t.dims) arg.sizes.push_back(static_cast<int32_t>(d));
    arg.dynamism = options.dynamism;
    found.emplace_back(t.binding.external_id, std::move(arg));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<DelegateArg> args;
  for (auto& f : found) args.push_back(std::move(f.second));
  return args;
}

std::vector<uint8_t> make_delegate_program(const std::vector<uint8_t>& blob, const std::vector<DelegateArg>& args,
                                           const XnnpackProgramOptions& options) {
  ProgramBuilder program;
  MethodBuilder& m = program.add_method(options.method);
  std::vector<int32_t> call_args;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  uint64_t cursor = 0;
  for (const DelegateArg& a : args) {
    bool planned = a.is_input ? options.plan_inputs : options.plan_outputs;
    int v = 0;
    if (planned) {
      // A trivial plan in arena 1: one tensor after another, 16-aligned.
      v = m.add_planned_tensor(a.type, a.sizes, 1, cursor, a.dim_order, a.dynamism);
      cursor += (tensor_nbytes(a.type, a.sizes) + 15) / 16 * 16;
    } else {
      v = m.add_tensor(a.type, a.sizes, a.dim_order, a.dynamism);
    }
    call_args.push_back(v);
    (a.is_input ? inputs : outputs).push_back(v);
  }
  int d = m.add_delegate("XnnpackBackend", blob, options.location);
  m.add_delegate_call(d, call_args);
  m.set_inputs(inputs);
  m.set_outputs(outputs);
  for (const auto& [key, bytes] : options.named_data) program.add_named_data(key, bytes);
  return program.build();
}

std::vector<uint8_t> make_xnnpack_program(const xnnpack::XnnpackBlobBuilder& builder,
                                          const XnnpackProgramOptions& options) {
  return make_delegate_program(builder.build(), delegate_args(builder, options), options);
}

namespace {
using namespace ember::xnnpack;
}  // namespace

xnnpack::XnnpackBlobBuilder sample_add_constant_graph() {
  XnnpackBlobBuilder b;
  uint32_t x = b.add_input(DataType::Fp32, {4}, 0);
  uint32_t c = b.add_constant(DataType::Fp32, {4}, ConstantSource::of(std::vector<float>{1, 2, 3, 4}));
  uint32_t y = b.add_output(DataType::Fp32, {4}, 1);
  b.add_binary(NodeKind::Add, x, c, y);
  return b;
}

xnnpack::XnnpackBlobBuilder sample_quantized_linear_graph() {
  XnnpackBlobBuilder b;
  uint32_t x = b.add_input(DataType::Fp32, {2, 8}, 0);
  uint32_t qx = b.add_internal(DataType::QInt8, {2, 8}, Quantization::per_tensor(0.05f, 3));
  std::vector<int8_t> w(64);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int8_t>(static_cast<int>(i * 7 % 31) - 15);
  std::vector<int32_t> bias{10, -20, 30, -40, 50, -60, 70, -80};
  uint32_t wv = b.add_constant(DataType::QInt8, {8, 8}, ConstantSource::of(w), Quantization::per_tensor(0.01f, 0));
  uint32_t bv = b.add_constant(DataType::QInt32, {8}, ConstantSource::of(bias), Quantization::per_tensor(0.0005f, 0));
  uint32_t qy = b.add_internal(DataType::QInt8, {2, 8}, Quantization::per_tensor(0.02f, -4));
  uint32_t y = b.add_output(DataType::Fp32, {2, 8}, 1);
  b.add_unary(NodeKind::Convert, x, qx);
  b.add_fully_connected(qx, wv, bv, qy);
  b.add_unary(NodeKind::Convert, qy, y);
  return b;
}

}  // namespace ember::test
