#include "runtime/executor/schema_access.h"

#include <cstdio>

namespace ember::detail {

bool tensor_nbytes(const fb::Tensor* t, size_t* nbytes) {
  int type = static_cast<int>(t->scalar_type());
  if (!is_valid_scalar_type(type)) return false;
  size_t n = 1;
  if (t->sizes() != nullptr) {
    for (int32_t s : *t->sizes()) {
      if (s < 0 || !checked_mul(n, static_cast<size_t>(s), &n)) return false;
    }
  }
  return checked_mul(n, element_size(static_cast<ScalarType>(type)), nbytes);
}

fb::KernelTypes value_type(const fb::ExecutionPlan* plan, int64_t index) {
  auto* values = plan->values();
  if (values == nullptr || index < 0 || static_cast<uint64_t>(index) >= values->size()) return fb::KernelTypes::NONE;
  const fb::EValue* v = values->Get(static_cast<flatbuffers::uoffset_t>(index));
  return v == nullptr ? fb::KernelTypes::NONE : v->val_type();
}

void format_operator_name(const fb::Operator* op, char* buffer, size_t size) {
  const char* name = op->name() != nullptr ? op->name()->c_str() : "?";
  const char* overload = op->overload() != nullptr ? op->overload()->c_str() : "";
  if (overload[0] != '\0') {
    std::snprintf(buffer, size, "%s.%s", name, overload);
  } else {
    std::snprintf(buffer, size, "%s", name);
  }
}

}  // namespace ember::detail
