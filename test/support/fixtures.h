// Paths to the real ExecuTorch fixtures in ../shared/fixtures/pte, and the
// SKIP convention for clones that do not have them.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace ember::test {

// Absolute path of a fixture, e.g. fixture_path("executorch/add.pte").
inline std::string fixture_path(const std::string& relative) { return std::string(EMBER_FIXTURES_DIR) + "/" + relative; }

bool fixtures_available();

}  // namespace ember::test

// Skips the current test with a visible SKIP line when ../shared is absent.
#define EMBER_REQUIRE_FIXTURES()                                                                 \
  do {                                                                                           \
    if (!::ember::test::fixtures_available()) {                                                  \
      std::printf("SKIP: fixtures not found at %s (../shared is absent)\n", EMBER_FIXTURES_DIR); \
      GTEST_SKIP() << "fixtures absent";                                                         \
    }                                                                                            \
  } while (0)
