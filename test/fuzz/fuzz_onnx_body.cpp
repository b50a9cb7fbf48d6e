#include "test/fuzz/fuzz_onnx_body.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "exir/cli/convert.h"
#include "exir/ir/error.h"
#include "runtime/module/module.h"
#include "runtime/platform/platform.h"
#include "test/support/program_exercise.h"

namespace ember::fuzz {
namespace {

// The converter reads a path (and external data next to it), so the input is
// written to a folder of its own: external data can only name model.onnx.
// /dev/shm keeps the per-input write off the disk where it exists.
const std::string& model_path() {
  static const std::string path = [] {
    struct stat st;
    std::string base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0
                           ? "/dev/shm"
                           : "/tmp";
    std::string tmpl = base + "/ember-fuzz-onnx-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();  // the machine, not the input
    static std::string dir = tmpl;
    std::atexit([] {
      std::remove((dir + "/model.onnx").c_str());
      rmdir(dir.c_str());
    });
    return tmpl + "/model.onnx";
  }();
  return path;
}

void setup_once() {
  static const bool done = [] {
    set_logging_enabled(false);
    return register_all_kernels_and_backends() == Error::Ok;
  }();
  if (!done) std::abort();  // a broken build, not an input
}

bool write_model(const uint8_t* data, size_t size) {
  std::FILE* f = std::fopen(model_path().c_str(), "wb");
  if (f == nullptr) return false;
  bool ok = size == 0 || std::fwrite(data, 1, size, f) == size;
  return std::fclose(f) == 0 && ok;
}

}  // namespace

int fuzz_onnx(const uint8_t* data, size_t size) {
  setup_once();
  if (!write_model(data, size)) std::abort();
  for (const char* backend : {"portable", "xnnpack"}) {
    exir::ConvertOptions options;
    options.backend = backend;
    exir::ConvertResult result;
    try {
      result = exir::convert_onnx(model_path(), options);
    } catch (const exir::Error&) {
      continue;  // the converter refused the input with a message
    }
    test::exercise_program(result.pte.data(), result.pte.size());
  }
  return 0;
}

}  // namespace ember::fuzz
