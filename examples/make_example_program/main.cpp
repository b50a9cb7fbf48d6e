// make_example_program OUT.pte
//
// Writes forward(x: float32[2, 3]) = relu(x * W + b), with W float32[2, 3] and
// b float32[3] (broadcast over rows) as constants in the constant segment and
// every activation memory-planned in arena 1. Uses only aten::mul.out,
// aten::add.out and aten::relu.out, so the portable kernels run it.
// Prints the path written and the output expected for x = ones(2, 3).
#include <cstdio>
#include <fstream>
#include <vector>

#include "exir/emit/program_builder.h"

namespace {

constexpr float kW[6] = {0.5f, -1.0f, 2.0f, 1.5f, -0.5f, 0.25f};
constexpr float kB[3] = {0.25f, 0.5f, -1.0f};

std::vector<uint8_t> build_program() {
  using ember::ScalarType;
  ember::ProgramBuilder builder;
  ember::MethodBuilder& m = builder.add_method("forward");
  const int x = m.add_arena_tensor(ScalarType::Float, {2, 3});
  const int w = m.add_constant_tensor(ScalarType::Float, {2, 3}, kW);
  const int b = m.add_constant_tensor(ScalarType::Float, {3}, kB);
  const int alpha = m.add_int(1);
  const int xw = m.add_arena_tensor(ScalarType::Float, {2, 3});
  const int xwb = m.add_arena_tensor(ScalarType::Float, {2, 3});
  const int y = m.add_arena_tensor(ScalarType::Float, {2, 3});
  // Out-variant calls: inputs, then the out tensor, which is also the result.
  m.add_kernel_call("aten::mul", "out", {x, w, xw, xw});
  m.add_kernel_call("aten::add", "out", {xw, b, alpha, xwb, xwb});
  m.add_kernel_call("aten::relu", "out", {xwb, y, y});
  m.set_inputs({x});
  m.set_outputs({y});
  // The pytree strings ExecuTorch writes for forward(x) -> tensor.
  m.set_container_meta("T2#1#0(T1#1($),D0())", "$");
  return builder.build();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.pte\n", argv[0]);
    return 2;
  }
  const std::vector<uint8_t> bytes = build_program();
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "error: could not write %s\n", argv[1]);
    return 1;
  }
  std::printf("wrote %s\n", argv[1]);
  std::printf("expected output for x = ones(2, 3): float32[2, 3] [");
  for (int i = 0; i < 6; ++i) {
    const float v = kW[i] + kB[i % 3];
    std::printf("%s%g", i == 0 ? "" : ", ", v > 0 ? v : 0.0f);
  }
  std::printf("]\n");
  return 0;
}
