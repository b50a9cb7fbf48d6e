#include "kernels/portable/util/scalar_type_util.h"

namespace ember::kernels {
namespace {

// Rank in the promotion lattice; -1 for dtypes without promotion rules here.
int promotion_rank(ScalarType t) {
  switch (t) {
    case ScalarType::Bool: return 0;
    case ScalarType::Byte:
    case ScalarType::Char: return 1;
    case ScalarType::Short: return 2;
    case ScalarType::Int: return 3;
    case ScalarType::Long: return 4;
    case ScalarType::Half:
    case ScalarType::BFloat16: return 5;
    case ScalarType::Float: return 6;
    case ScalarType::Double: return 7;
    default: return -1;
  }
}

// ATen's combine_categories: `lower` only matters when it is of a higher
// category than `higher`.
bool combine(bool has_higher, ScalarType higher, bool has_lower, ScalarType lower, ScalarType* out) {
  if (!has_higher) {
    *out = lower;
    return true;
  }
  if (!has_lower || is_floating_type(higher)) {
    *out = higher;
    return true;
  }
  if (higher == ScalarType::Bool || is_floating_type(lower)) return promote_types(higher, lower, out);
  *out = higher;
  return true;
}

}  // namespace

bool promote_types(ScalarType a, ScalarType b, ScalarType* out) {
  int ra = promotion_rank(a);
  int rb = promotion_rank(b);
  if (ra < 0 || rb < 0) return false;
  if (a == b) {
    *out = a;
  } else if (ra == rb) {
    // Byte/Char or Half/BFloat16: neither holds the other.
    *out = ra == 1 ? ScalarType::Short : ScalarType::Float;
  } else {
    *out = ra > rb ? a : b;
  }
  return true;
}

bool can_cast(ScalarType from, ScalarType to) {
  if (is_floating_type(from) && is_integral_type(to, /*include_bool=*/false)) return false;
  if (from != ScalarType::Bool && to == ScalarType::Bool) return false;
  return true;
}

ScalarType scalar_dtype(const EValue& scalar) {
  if (scalar.is_double()) return ScalarType::Double;
  if (scalar.is_bool()) return ScalarType::Bool;
  return ScalarType::Long;
}

void ResultType::Slot::add(ScalarType t) {
  if (!set) {
    set = true;
    type = t;
    valid = promotion_rank(t) >= 0;
    return;
  }
  ScalarType p;
  if (valid && promote_types(type, t, &p)) {
    type = p;
  } else {
    valid = false;
  }
}

void ResultType::add(const Tensor& t) { (t.dim() == 0 ? zero_dim_ : dim_).add(t.scalar_type()); }

void ResultType::add(const EValue& scalar) {
  wrapped_.add(scalar.is_double() ? ScalarType::Float : scalar_dtype(scalar));
}

bool ResultType::result(ScalarType* out) const {
  if (!dim_.valid || !zero_dim_.valid || !wrapped_.valid) return false;
  if (!dim_.set && !zero_dim_.set && !wrapped_.set) return false;
  ScalarType lower;
  if (!combine(zero_dim_.set, zero_dim_.type, wrapped_.set, wrapped_.type, &lower)) return false;
  return combine(dim_.set, dim_.type, zero_dim_.set || wrapped_.set, lower, out);
}

}  // namespace ember::kernels
