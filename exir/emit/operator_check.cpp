#include "exir/emit/operator_check.h"

#include <set>
#include <string>

#include "exir/ir/error.h"
#include "runtime/core/error.h"
#include "runtime/kernel/kernel_registry.h"
#include "runtime/module/module.h"

namespace exir {

void check_operators_registered(const std::vector<KernelCall>& calls) {
  if (ember::register_all_kernels_and_backends() != ember::Error::Ok) {
    fail("internal: registering Ember's kernels failed: %s", ember::error_message());
  }
  std::set<std::string> missing;
  for (const KernelCall& c : calls) {
    if (c.delegate >= 0) continue;
    const std::string name = c.overload.empty() ? c.name : c.name + "." + c.overload;
    if (!ember::KernelRegistry::global().has_operator(name.c_str())) missing.insert(name + " (from " + c.source + ")");
  }
  if (missing.empty()) return;
  std::string list;
  for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
  fail("%zu operator(s) the runtime does not register: %s", missing.size(), list.c_str());
}

}  // namespace exir
