// A converter constant (exir::Value with data) as a runtime HostTensor, for
// feeding ONNX test data to an ember::Module in the exir tests.
#pragma once

#include <cstdint>

#include "exir/ir/graph.h"
#include "runtime/module/host_value.h"

namespace ember::test {

inline ember::HostTensor host_tensor(const exir::Value& v) {
  ember::HostTensor t;
  t.dtype = v.dtype;
  for (int64_t s : v.sizes()) t.sizes.push_back(static_cast<int32_t>(s));
  t.data = *v.data;
  return t;
}

}  // namespace ember::test
