// Text forms of method values for executor_runner: shapes, dtypes, elements,
// and whole outputs ("tensor Float [2, 3] = [1, 2, 3, ...]", "int 128").
// Everything returns owned strings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/core/array_ref.h"
#include "runtime/module/host_value.h"

namespace ember::runner {

enum class PrintMode { None, Summary, All };

std::string shape_string(ArrayRef<int32_t> sizes);
inline std::string shape_string(const std::vector<int32_t>& sizes) {
  return shape_string(ArrayRef<int32_t>(sizes.data(), sizes.size()));
}

// Element `index` of contiguous `data` of `dtype`, e.g. "2.5", "-3", "true".
std::string element_string(ScalarType dtype, const uint8_t* data, size_t index);

// "tensor Float [3] = [2, 2, 2]", "int 128", "double 2.5", "bool true",
// "none". Summary shows the first and last few elements of big tensors.
std::string value_string(const HostValue& value, PrintMode mode);

// A tensor of `dtype` and `sizes` with every element 1 (contiguous).
HostTensor ones(ScalarType dtype, const std::vector<int32_t>& sizes);

}  // namespace ember::runner
