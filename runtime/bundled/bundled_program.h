// BundledProgram: a read-only view of an ExecuTorch bundled program (.bpte,
// flatbuffer id BP08): the inner .pte bytes plus per-method test cases.
//
// Ownership: the view borrows the caller's bytes, which must stay alive and
// unchanged while the view (and any Program loaded from program()) is used.
// inputs()/expected_outputs() return owned copies (HostValues).
//
// BundledProgram::from runs the flatbuffers verifier, so every later accessor
// reads only verified offsets; tensor payloads are additionally checked
// against their declared dtype and sizes when they are copied out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/core/span.h"
#include "runtime/module/host_value.h"

namespace bundled_program_flatbuffer {
struct BundledProgram;
}

namespace ember {

// True when `data` carries the BP08 file identifier (bytes 4..7). Checks only
// the identifier; BundledProgram::from verifies the rest.
bool is_bundled_program(const void* data, size_t size);

class BundledProgram final {
 public:
  // Verifies the flatbuffer and its identifier. Fails with InvalidProgram (and
  // a message saying what is wrong) on anything else.
  static Result<BundledProgram> from(const void* data, size_t size);

  // The inner .pte bytes (a view into the caller's buffer, 32-byte aligned
  // relative to its start). Load them with a BufferDataLoader.
  Span<const uint8_t> program() const;
  uint32_t version() const;

  size_t num_method_test_suites() const;
  // Name of the method suite `suite` tests; InvalidArgument out of range.
  Result<std::string> method_name(size_t suite) const;
  Result<size_t> num_test_cases(size_t suite) const;

  // Owned copies of a test case's inputs / expected outputs. Fails with
  // InvalidProgram when a value is not Tensor/Int/Bool/Double, or a tensor's
  // data size differs from numel * element size of its dtype and sizes.
  Result<std::vector<HostValue>> inputs(size_t suite, size_t test_case) const;
  Result<std::vector<HostValue>> expected_outputs(size_t suite, size_t test_case) const;

 private:
  explicit BundledProgram(const bundled_program_flatbuffer::BundledProgram* root) : root_(root) {}
  Result<std::vector<HostValue>> values(size_t suite, size_t test_case, bool expected) const;

  const bundled_program_flatbuffer::BundledProgram* root_;
};

// Outcome of comparing one actual output with its expected value.
struct CompareResult {
  bool pass = false;
  double max_abs_error = 0;  // over all elements (0 for exact types that match)
  double max_rel_error = 0;  // |a - e| / |e| over elements with e != 0
  std::string message;       // why it failed ("" on pass)
};

// Tags, dtypes and shapes must match. Floating values pass when
// |a - e| <= atol + rtol * |e| (NaN only matches NaN); integers and bools
// must be equal. Tensors with different dim orders do not match.
CompareResult compare(const HostValue& actual, const HostValue& expected, double rtol, double atol);

}  // namespace ember
