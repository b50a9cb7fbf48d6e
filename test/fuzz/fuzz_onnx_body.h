// The body of the fuzz_onnx target, shared by the libFuzzer executable
// (EMBER_FUZZ=ON) and fuzz_onnx_regression_test. Kept apart from
// fuzz_bodies.h because it needs the converter (ember_exir, optional, built
// with exceptions).
//
// ONNX bytes -> exir::convert_onnx with --backend portable and xnnpack; each
// program the converter writes is then loaded, initialized and run once with
// ones (test/support/program_exercise.h). exir::Error is the expected way to
// refuse an input; any other exception escapes and ends the process (a
// finding, like a crash or a sanitizer report).
//
// Ownership: the bytes are only read during the call; they are written to
// model.onnx in a private folder of this process (made once, removed at exit).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ember::fuzz {

int fuzz_onnx(const uint8_t* data, size_t size);

}  // namespace ember::fuzz
