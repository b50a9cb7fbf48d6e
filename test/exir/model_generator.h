// Runs one of the example-model generators (examples/models/*.py) once per
// test process into a temp folder, with Debian's /usr/bin/python3. Tests skip
// with a visible SKIP line when python3 with onnx and numpy is missing.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace ember::test {

// The folder the generator at `script` wrote, or "" when it could not run.
// Each script runs at most once per process.
inline const std::string& generated_models(const std::string& script) {
  static std::map<std::string, std::string> dirs;
  auto found = dirs.find(script);
  if (found != dirs.end()) return found->second;
  std::string dir;
  struct stat st;
  char tmpl[] = "/tmp/exir_models_XXXXXX";
  if (stat("/usr/bin/python3", &st) == 0 && mkdtemp(tmpl) != nullptr) {
    const std::string cmd = "/usr/bin/python3 " + script + " " + tmpl + " 2>/dev/null";
    if (std::system(cmd.c_str()) == 0) dir = tmpl;
  }
  return dirs.emplace(script, dir).first->second;
}

}  // namespace ember::test

#define EMBER_REQUIRE_GENERATED_MODELS(script)                                      \
  if (::ember::test::generated_models(script).empty()) {                           \
    std::printf("SKIP: /usr/bin/python3 with onnx and numpy is not available\n"); \
    GTEST_SKIP();                                                                   \
  }
