// `exir convert --bundle INPUT.npy...`: a bundled program (.bpte) holding the
// converted program and one test case: the given inputs (one .npy per graph
// input, in order) and the expected outputs computed by the numerical
// reference (the same model converted with --backend portable, run on
// Ember's portable kernels). executor_runner checks a delegated program
// against them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "exir/cli/convert.h"

namespace exir {

std::vector<uint8_t> bundle_with_reference(const std::string& model, const ConvertOptions& options,
                                           const std::vector<uint8_t>& pte,
                                           const std::vector<std::string>& input_npy_files);

}  // namespace exir
