// Writes ExecuTorch bundled programs (.bpte, flatbuffer id BP08): a .pte with
// test cases (inputs and expected outputs per method), as ExecuTorch's
// bundled_program serializer lays them out (inner program 32-byte aligned,
// tensor data 16-byte aligned). executor_runner runs and checks them.
// Build-time code; throws exir::Error for values it cannot write.
//
// Ownership: copies everything it is given into the returned bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/module/host_value.h"

namespace exir {

struct BundledTestCase {
  std::vector<ember::HostValue> inputs;
  std::vector<ember::HostValue> expected_outputs;
};

std::vector<uint8_t> write_bundled_program(const std::vector<uint8_t>& pte, const std::string& method,
                                           const std::vector<BundledTestCase>& cases);

}  // namespace exir
