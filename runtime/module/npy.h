// Reading and writing NumPy .npy files (format versions 1.0, 2.0 and 3.0),
// for executor_runner's --input/--output-dir and exir's --freeze/--bundle.
//
// Supported: little-endian '<f2' '<f4' '<f8' '<i2' '<i4' '<i8' '<u2' '<u4'
// '<u8' and one-byte '|i1' '|u1' '|b1', C order only. Everything returned is an
// owned copy; nothing keeps pointers into the caller's bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/module/host_value.h"

namespace ember::npy {

// Parses a whole .npy image. Fails with InvalidArgument and a message naming
// the problem (bad magic, unsupported dtype, Fortran order, size mismatch).
Result<HostTensor> parse(const uint8_t* data, size_t size);
// Reads and parses the file at `path` (AccessFailed when it cannot be read).
Result<HostTensor> read_file(const std::string& path);

// A version 1.0 image of `tensor` in C order (other dim orders are permuted
// first). NotSupported for dtypes without a NumPy equivalent.
Result<std::vector<uint8_t>> encode(const HostTensor& tensor);
Error write_file(const std::string& path, const HostTensor& tensor);

// The same tensor with its data rearranged into C (identity dim) order.
HostTensor to_contiguous(const HostTensor& tensor);

// The NumPy descr string for a dtype ("<f4"), or null when there is none.
const char* descr_of(ScalarType dtype);

}  // namespace ember::npy
