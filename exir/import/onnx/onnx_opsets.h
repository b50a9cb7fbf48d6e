// The oldest ai.onnx opset whose definition of an operator the converter's
// shape rules and lowerings implement. Models below opset 10 are accepted
// node by node: an operator whose signature or semantics changed since the
// model's opset is refused naming it.
#pragma once

#include <cstdint>
#include <string>

namespace exir {

// The oldest opset supported for `op` in the default domain (10 for
// operators not known to be unchanged below it).
int64_t min_supported_opset(const std::string& op);

}  // namespace exir
