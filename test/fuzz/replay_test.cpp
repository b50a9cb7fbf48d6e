// Replays every input under test/fuzz/regressions/<target>/ through the same
// body the fuzz target runs: each must return without a crash, a sanitizer
// report or a hang (the ctest timeout). Inputs there are crashers the fuzzers
// found, kept after the fix.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

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
