// `exir inspect`: a text summary of a .pte (methods, inputs, outputs,
// operators, delegates, planned arena and constant bytes), read through the
// runtime's verified Program/MethodMeta. Throws exir::Error when the file
// does not load.
#pragma once

#include <string>

namespace exir {

std::string inspect_pte(const std::string& path);

}  // namespace exir
