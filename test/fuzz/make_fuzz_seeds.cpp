// make_fuzz_seeds OUT_DIR: writes builder-made seed inputs for the fuzz
// targets into OUT_DIR/pte, OUT_DIR/xnnpack_blob and OUT_DIR/bpte (the
// fixtures are added by scripts/fuzz.sh). Prints each seed and whether its
// program executes, so a seed that stopped running is noticed.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "exir/emit/program_builder.h"
#include "runtime/module/module.h"
#include "runtime/platform/platform.h"
#include "schema/bundled_program_generated.h"
#include "test/fuzz/fuzz_bodies.h"
#include "test/support/program_exercise.h"
#include "test/support/xnnpack_program.h"

namespace {

using namespace ember;
using namespace ember::xnnpack;

bool write(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

// forward(x: f32[2, 3]) = relu(x * w + b), portable kernels.
std::vector<uint8_t> portable_program() {
  static const float w[6] = {0.5f, -1.0f, 2.0f, 1.5f, -0.5f, 0.25f};
  static const float b[3] = {0.25f, 0.5f, -1.0f};
  ProgramBuilder builder;
  MethodBuilder& m = builder.add_method("forward");
  int x = m.add_arena_tensor(ScalarType::Float, {2, 3});
  int wv = m.add_constant_tensor(ScalarType::Float, {2, 3}, w);
  int bv = m.add_constant_tensor(ScalarType::Float, {3}, b);
  int alpha = m.add_int(1);
  int xw = m.add_arena_tensor(ScalarType::Float, {2, 3});
  int xwb = m.add_arena_tensor(ScalarType::Float, {2, 3});
  int y = m.add_arena_tensor(ScalarType::Float, {2, 3});
  m.add_kernel_call("aten::mul", "out", {x, wv, xw, xw});
  m.add_kernel_call("aten::add", "out", {xw, bv, alpha, xwb, xwb});
  m.add_kernel_call("aten::relu", "out", {xwb, y, y});
  m.set_inputs({x});
  m.set_outputs({y});
  return builder.build();
}

// NHWC conv 3x3 (padding 1), then 2x2 max pooling, then sigmoid.
XnnpackBlobBuilder conv_pool_graph() {
  XnnpackBlobBuilder b;
  uint32_t x = b.add_input(DataType::Fp32, {1, 4, 4, 2}, 0);
  std::vector<float> w(3 * 3 * 3 * 2);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(static_cast<int>(i % 5) - 2) * 0.25f;
  uint32_t wv = b.add_constant(DataType::Fp32, {3, 3, 3, 2}, ConstantSource::of(w));
  uint32_t bv = b.add_constant(DataType::Fp32, {3}, ConstantSource::of(std::vector<float>{0.1f, -0.2f, 0.3f}));
  uint32_t c = b.add_internal(DataType::Fp32, {1, 4, 4, 3});
  uint32_t p = b.add_internal(DataType::Fp32, {1, 2, 2, 3});
  uint32_t y = b.add_output(DataType::Fp32, {1, 2, 2, 3}, 1);
  ConvParams cp;
  cp.padding_top = cp.padding_right = cp.padding_bottom = cp.padding_left = 1;
  cp.kernel_height = cp.kernel_width = 3;
  cp.group_input_channels = 2;
  cp.group_output_channels = 3;
  b.add_conv(NodeKind::Conv2d, cp, x, wv, bv, c);
  PoolingParams pp;
  pp.pooling_height = pp.pooling_width = 2;
  pp.stride_height = pp.stride_width = 2;
  b.add_pooling(NodeKind::MaxPooling2d, pp, c, p);
  b.add_unary(NodeKind::Sigmoid, p, y);
  return b;
}

// Transpose, concatenate with a second input, reshape.
XnnpackBlobBuilder shape_graph() {
  XnnpackBlobBuilder b;
  uint32_t x = b.add_input(DataType::Fp32, {2, 3}, 0);
  uint32_t z = b.add_input(DataType::Fp32, {3, 1}, 1);
  uint32_t t = b.add_internal(DataType::Fp32, {3, 2});
  uint32_t c = b.add_internal(DataType::Fp32, {3, 3});
  uint32_t y = b.add_output(DataType::Fp32, {9}, 2);
  b.add_transpose({1, 0}, x, t);
  b.add_concat({t, z}, 1, c);
  b.add_reshape({9}, c, y);
  return b;
}

// A bundle of `program` with one test case of ones for forward(x: f32[2, 3]).
std::vector<uint8_t> bundle(const std::vector<uint8_t>& program, const std::vector<float>& expected) {
  namespace fb = bundled_program_flatbuffer;
  flatbuffers::FlatBufferBuilder b;
  auto tensor = [&](const std::vector<float>& v) {
    std::vector<int32_t> sizes{2, 3};
    std::vector<uint8_t> data(reinterpret_cast<const uint8_t*>(v.data()),
                              reinterpret_cast<const uint8_t*>(v.data()) + v.size() * sizeof(float));
    std::vector<uint8_t> dim_order{0, 1};
    auto t = fb::CreateTensorDirect(b, executorch_flatbuffer::ScalarType::FLOAT, &sizes, &data, &dim_order);
    return fb::CreateValue(b, fb::ValueUnion::Tensor, t.Union());
  };
  std::vector<flatbuffers::Offset<fb::Value>> in{tensor(std::vector<float>(6, 1.0f))};
  std::vector<flatbuffers::Offset<fb::Value>> out{tensor(expected)};
  std::vector<flatbuffers::Offset<fb::BundledMethodTestCase>> cases{fb::CreateBundledMethodTestCaseDirect(b, &in, &out)};
  std::vector<flatbuffers::Offset<fb::BundledMethodTestSuite>> suites{
      fb::CreateBundledMethodTestSuiteDirect(b, "forward", &cases)};
  auto suites_offset = b.CreateVector(suites);
  // The inner program must start 32-byte aligned, as ExecuTorch writes it.
  b.ForceVectorAlignment(program.size(), 1, 32);
  auto program_offset = b.CreateVector(program);
  auto root = fb::CreateBundledProgram(b, 0, suites_offset, program_offset);
  fb::FinishBundledProgramBuffer(b, root);
  return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  set_logging_enabled(false);
  if (register_all_kernels_and_backends() != Error::Ok) return 1;
  std::string dir = argv[1];
  bool ok = true;
  auto emit = [&](const std::string& target, const std::string& name, const std::vector<uint8_t>& bytes,
                  const std::vector<uint8_t>& pte) {
    std::string path = dir + "/" + target + "/" + name;
    ok = write(path, bytes) && ok;
    test::ExerciseResult r = test::exercise_program(pte.data(), pte.size());
    std::printf("%s: %zu bytes, load %s, %zu method(s) executed\n", path.c_str(), bytes.size(),
                error_name(r.load), r.methods_executed);
  };
  std::vector<uint8_t> portable = portable_program();
  emit("pte", "portable_mul_add_relu.pte", portable, portable);
  struct Graph {
    const char* name;
    XnnpackBlobBuilder builder;
  };
  Graph graphs[] = {{"add_constant", ember::test::sample_add_constant_graph()},
                    {"quantized_linear", ember::test::sample_quantized_linear_graph()},
                    {"conv_pool_sigmoid", conv_pool_graph()},
                    {"transpose_concat_reshape", shape_graph()}};
  for (Graph& g : graphs) {
    std::vector<uint8_t> pte = test::make_xnnpack_program(g.builder);
    emit("pte", std::string("xnnpack_") + g.name + ".pte", pte, pte);
    emit("xnnpack_blob", std::string(g.name) + ".bin",
         fuzz::encode_blob_input(test::delegate_args(g.builder), g.builder.build()), pte);
  }
  // relu(1 * w + b) for the portable program's constants.
  emit("bpte", "portable_mul_add_relu.bpte", bundle(portable, {0.75f, 0, 1.0f, 1.75f, 0, 0}), portable);
  return ok ? 0 : 1;
}
