// libFuzzer entry point for fuzz_pte (see fuzz_bodies.h).
#include "test/fuzz/fuzz_bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return ember::fuzz::fuzz_pte(data, size);
}
