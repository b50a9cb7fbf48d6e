// Every byte of the XNNPACK-delegated fixtures flipped (blob included), with
// XnnpackBackend registered: load, init and run return Ok or an Error, never a
// crash or abort (XNNPACK's asserts are compiled in, so the backend must
// validate everything before calling it).
#include <gtest/gtest.h>

#include "runtime/module/module.h"
#include "runtime/platform/platform.h"
#include "test/support/fixtures.h"
#include "test/support/program_bytes.h"
#include "test/support/program_exercise.h"

namespace ember::test {
namespace {

class XnnpackMutationTest : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(register_all_kernels_and_backends(), Error::Ok);
    set_logging_enabled(false);
  }
};

TEST_P(XnnpackMutationTest, OriginalExecutes) {
  EMBER_REQUIRE_FIXTURES();
  std::vector<uint8_t> bytes = read_file(fixture_path(GetParam()));
  ExerciseResult r = exercise_program(bytes.data(), bytes.size());
  EXPECT_EQ(r.load, Error::Ok);
  EXPECT_EQ(r.methods_executed, 1u) << error_message();
}

TEST_P(XnnpackMutationTest, EveryByteFlipped) {
  EMBER_REQUIRE_FIXTURES();
  std::vector<uint8_t> bytes = read_file(fixture_path(GetParam()));
  size_t executed = 0;
  for (uint8_t mask : {uint8_t{0xFF}, uint8_t{0x01}, uint8_t{0x80}}) {
    for (size_t i = 0; i < bytes.size(); ++i) {
      bytes[i] ^= mask;
      executed += exercise_program(bytes.data(), bytes.size()).methods_executed;
      bytes[i] ^= mask;
    }
  }
  std::printf("%s: %zu mutated programs executed\n", GetParam(), executed);
}

TEST_P(XnnpackMutationTest, EveryTruncation) {
  EMBER_REQUIRE_FIXTURES();
  std::vector<uint8_t> bytes = read_file(fixture_path(GetParam()));
  size_t executed = 0;
  for (size_t len = 0; len < bytes.size(); ++len) executed += exercise_program(bytes.data(), len).methods_executed;
  EXPECT_EQ(executed, 0u);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, XnnpackMutationTest,
                         ::testing::Values("executorch-numpy-runtime/add.pte", "executorch-numpy-runtime/dynamic.pte",
                                           "executorch-numpy-runtime/quantized.pte"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::string out;
                           for (char c : name.substr(name.rfind('/') + 1)) out += isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return out;
                         });

}  // namespace
}  // namespace ember::test
