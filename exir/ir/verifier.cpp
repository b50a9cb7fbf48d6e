#include "exir/ir/verifier.h"

#include <vector>

#include "exir/ir/error.h"

namespace exir {

void verify_graph(const Graph& g) {
  std::vector<bool> defined(g.values.size(), false);
  auto check_shape = [&](ValueId id, const char* where) {
    const Value& v = g.value(id);
    if (!v.shape_known) fail("verify: %s '%s' has no inferred shape", where, v.name.c_str());
    for (const Dim& d : v.shape) {
      if (!d.known()) {
        fail("verify: %s '%s' has dynamic dimension '%s' (fix it with --input-shape)", where, v.name.c_str(),
             d.symbol.c_str());
      }
    }
  };
  for (ValueId id : g.inputs) {
    g.value(id);
    defined[static_cast<size_t>(id)] = true;
    check_shape(id, "input");
  }
  // A node output may already hold data evaluated at import (Constant, Shape, ...; removed by
  // fold_constants): it is defined by its node, not up front like an initializer.
  std::vector<bool> produced(g.values.size(), false);
  for (const Node& n : g.nodes) {
    for (ValueId id : n.outputs) {
      if (id != kNoValue) produced[static_cast<size_t>(id)] = true;
    }
  }
  for (size_t i = 0; i < g.values.size(); ++i) {
    if (g.values[i].is_constant() && !produced[i]) defined[i] = true;
  }
  for (const Node& n : g.nodes) {
    for (ValueId id : n.inputs) {
      if (id == kNoValue) continue;
      if (!defined[static_cast<size_t>(id)]) {
        fail("verify: %s: input '%s' is not defined before use", n.describe().c_str(), g.value(id).name.c_str());
      }
    }
    for (ValueId id : n.outputs) {
      if (id == kNoValue) continue;
      if (defined[static_cast<size_t>(id)]) {
        fail("verify: %s: output '%s' is defined twice", n.describe().c_str(), g.value(id).name.c_str());
      }
      defined[static_cast<size_t>(id)] = true;
      check_shape(id, "value");
    }
  }
  for (ValueId id : g.outputs) {
    if (!defined[static_cast<size_t>(id)]) fail("verify: output '%s' is never computed", g.value(id).name.c_str());
    check_shape(id, "output");
  }
}

}  // namespace exir
