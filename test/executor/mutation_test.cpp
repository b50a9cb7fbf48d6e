// Every fixture truncated at every length and with every byte flipped: load,
// init and run must return Ok or an Error, never crash or hang. (Run under
// scripts/sanitize.sh to catch out-of-bounds reads, too.)
#include <gtest/gtest.h>

#include <string>

#include "kernels/portable/register_portable_kernels.h"
#include "kernels/prim/register_prim_ops.h"
#include "runtime/platform/platform.h"
#include "test/support/fixtures.h"
#include "test/support/program_bytes.h"
#include "test/support/program_exercise.h"

namespace ember::test {
namespace {

const char* const kFixtures[] = {
    "executorch/add.pte",
    "executorch/add_one_constant.pte",
    "executorch/linear_inline_constants_deprecated.pte",
    "executorch/bundled_program.bpte",
    "executorch-numpy-runtime/add.pte",
    "executorch-numpy-runtime/const_methods.pte",
    "executorch-numpy-runtime/dtypes.pte",
    "executorch-numpy-runtime/dynamic.pte",
    "executorch-numpy-runtime/multi.pte",
    "executorch-numpy-runtime/quantized.pte",
    "executorch-numpy-runtime/lstm/lstm.pte",
};

class MutationTest : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(register_portable_kernels(), Error::Ok);
    ASSERT_EQ(register_prim_ops(), Error::Ok);
    set_logging_enabled(false);
  }
};

TEST_P(MutationTest, OriginalRuns) {
  EMBER_REQUIRE_FIXTURES();
  std::vector<uint8_t> bytes = read_file(fixture_path(GetParam()));
  ASSERT_FALSE(bytes.empty());
  ExerciseResult r = exercise_program(bytes.data(), bytes.size());
  if (std::string(GetParam()).find(".bpte") != std::string::npos) {
    EXPECT_EQ(r.load, Error::InvalidProgram);  // a bundle is not a program
  } else {
    EXPECT_EQ(r.load, Error::Ok) << error_message();
  }
}

TEST_P(MutationTest, EveryTruncation) {
  EMBER_REQUIRE_FIXTURES();
  std::vector<uint8_t> bytes = read_file(fixture_path(GetParam()));
  size_t loaded = 0;
  for (size_t len = 0; len < bytes.size(); ++len) {
    ExerciseResult r = exercise_program(bytes.data(), len);
    loaded += r.load == Error::Ok;
  }
  // Without its last bytes the flatbuffer cannot verify.
  EXPECT_LE(loaded, bytes.size() / 2) << "truncated files should mostly be refused";
}

TEST_P(MutationTest, EveryByteFlipped) {
  EMBER_REQUIRE_FIXTURES();
  std::vector<uint8_t> bytes = read_file(fixture_path(GetParam()));
  size_t executed = 0;
  for (uint8_t mask : {uint8_t{0xFF}, uint8_t{0x01}}) {
    for (size_t i = 0; i < bytes.size(); ++i) {
      bytes[i] ^= mask;
      ExerciseResult r = exercise_program(bytes.data(), bytes.size());
      executed += r.methods_executed;
      bytes[i] ^= mask;
    }
  }
  std::printf("%s: %zu mutated programs executed a method successfully\n", GetParam(), executed);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, MutationTest, ::testing::ValuesIn(kFixtures), [](const auto& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
});

}  // namespace
}  // namespace ember::test
