// libFuzzer entry point for fuzz_onnx (see fuzz_onnx_body.h).
#include "test/fuzz/fuzz_onnx_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return ember::fuzz::fuzz_onnx(data, size);
}
