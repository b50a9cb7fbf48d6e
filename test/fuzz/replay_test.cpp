// Replays every input under test/fuzz/regressions/<target>/ through the same
// body the fuzz target runs: each must return without a crash, a sanitizer
// report or a hang (the ctest timeout). Inputs there are crashers the fuzzers
// found, kept after the fix.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "exir/emit/program_builder.h"
#include "runtime/executor/program.h"
#include "runtime/module/module.h"
#include "runtime/loader/buffer_data_loader.h"
#include "test/fuzz/fuzz_bodies.h"
#include "test/support/program_bytes.h"

namespace ember::fuzz {
namespace {

namespace fs = std::filesystem;

size_t replay(const char* target, int (*body)(const uint8_t*, size_t)) {
  fs::path dir = fs::path(EMBER_FUZZ_REGRESSIONS_DIR) / target;
  size_t count = 0;
  if (!fs::is_directory(dir)) return count;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::vector<uint8_t> bytes = test::read_file(e.path().string());
    SCOPED_TRACE(e.path().string());
    EXPECT_EQ(body(bytes.data(), bytes.size()), 0);
    ++count;
  }
  std::printf("%s: replayed %zu input(s)\n", target, count);
  return count;
}

TEST(FuzzRegressions, Pte) { replay("fuzz_pte", fuzz_pte); }
TEST(FuzzRegressions, XnnpackBlob) { replay("fuzz_xnnpack_blob", fuzz_xnnpack_blob); }
TEST(FuzzRegressions, Bpte) { replay("fuzz_bpte", fuzz_bpte); }

// The first crasher: an empty tensor (one size 0) whose other sizes made the
// int32 strides overflow. The verifier now refuses it by name.
TEST(FuzzRegressions, StrideOverflowIsRefusedAtLoad) {
  std::vector<uint8_t> bytes =
      test::read_file(std::string(EMBER_FUZZ_REGRESSIONS_DIR) + "/fuzz_pte/stride_overflow_empty_tensor.pte");
  ASSERT_FALSE(bytes.empty());
  test::AlignedBytes aligned(bytes.data(), bytes.size());
  BufferDataLoader loader(aligned.data(), aligned.size());
  EXPECT_EQ(Program::load(&loader).error(), Error::InvalidProgram);
  EXPECT_NE(std::string(error_message()).find("strides would overflow"), std::string::npos) << error_message();
}

// The second (fuzz_bpte): aten::add.out writing into an unplanned output that
// nothing bound. Only et_view may receive its output without memory; add.out
// is now stopped before it runs.
TEST(FuzzRegressions, KernelOutputWithoutMemoryIsAnError) {
  ProgramBuilder builder;
  MethodBuilder& m = builder.add_method("forward");
  int x = m.add_arena_tensor(ScalarType::Int, {2});
  int alpha = m.add_int(1);
  int out = m.add_tensor(ScalarType::Int, {2});  // unplanned, never bound
  m.add_kernel_call("aten::add", "out", {x, x, alpha, out, out});
  m.set_inputs({x});
  m.set_outputs({x});
  std::vector<uint8_t> pte = builder.build();
  test::AlignedBytes aligned(pte.data(), pte.size());
  ASSERT_EQ(register_all_kernels_and_backends(), Error::Ok);
  Result<std::unique_ptr<Module>> module = Module::load_from_buffer(aligned.data(), aligned.size());
  ASSERT_TRUE(module.ok()) << error_message();
  std::vector<int32_t> ones{1, 1};
  HostTensor t = HostTensor::from<int32_t>({2}, ones);
  EXPECT_EQ((*module)->run("forward", {HostValue::from_tensor(t)}).error(), Error::InvalidState);
  EXPECT_NE(std::string(error_message()).find("tensor without memory"), std::string::npos) << error_message();
  EXPECT_NE(std::string(error_message()).find("aten::add.out"), std::string::npos) << error_message();
}

// The bodies accept the empty input and a few bytes of junk.
TEST(FuzzRegressions, TrivialInputs) {
  const uint8_t junk[] = {0x03, 0x01, 0x02, 0x04, 0x04, 'E', 'T', '1', '2'};
  for (auto body : {fuzz_pte, fuzz_xnnpack_blob, fuzz_bpte}) {
    EXPECT_EQ(body(nullptr, 0), 0);
    EXPECT_EQ(body(junk, sizeof(junk)), 0);
  }
}

}  // namespace
}  // namespace ember::fuzz
