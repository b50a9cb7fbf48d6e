// NumPy .npy files as exir Values (`exir convert --freeze NAME=VALUE.npy`,
// `--bundle INPUT.npy`), on the runtime's reader/writer (runtime/module/npy.h:
// versions 1.0-3.0, little-endian, C order). Throws exir::Error naming the
// file on anything malformed or unsupported.
//
// Ownership: the returned Value owns a copy of the array's bytes.
#pragma once

#include <string>

#include "exir/ir/graph.h"

namespace exir {

// Reads PATH; the Value is a constant named `name`.
Value read_npy(const std::string& path, const std::string& name);

// Writes `value` (a constant) as a version 1.0 .npy file.
void write_npy(const std::string& path, const Value& value);

}  // namespace exir
