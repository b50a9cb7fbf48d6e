// The bodies of the libFuzzer targets, shared by the fuzz executables
// (built with EMBER_FUZZ=ON) and the ctest replay of test/fuzz/regressions/.
// Each takes arbitrary bytes and must return without crashing, hanging or
// leaking; they return 0 like LLVMFuzzerTestOneInput.
//
// Ownership: the bodies copy the input into aligned memory of their own; the
// caller's bytes are only read during the call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "test/support/xnnpack_program.h"

namespace ember::fuzz {

// .pte bytes -> Program::load, every method's init, one execute with ones
// (test/support/program_exercise.h), all kernels and XnnpackBackend registered.
int fuzz_pte(const uint8_t* data, size_t size);

// An XNNPACK blob with its DelegateCall arguments described in front
// (encode_blob_input) -> a one-DelegateCall program -> init + execute.
int fuzz_xnnpack_blob(const uint8_t* data, size_t size);

// .bpte bytes -> BundledProgram::from, every suite's test cases read, the
// inner program loaded through Module and each case run and compared.
int fuzz_bpte(const uint8_t* data, size_t size);

// The fuzz_xnnpack_blob input for `blob` called with `args`: one byte for the
// argument count, per argument a flags byte (bit 0 input, bits 1-3 dtype,
// bit 4 dynamic bound), a rank byte and one byte per size, then the blob.
std::vector<uint8_t> encode_blob_input(const std::vector<test::DelegateArg>& args, const std::vector<uint8_t>& blob);

}  // namespace ember::fuzz
