#include "runtime/bundled/bundled_program.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "runtime/core/half_float.h"
#include "schema/bundled_program_generated.h"

namespace ember {

namespace fb = bundled_program_flatbuffer;

namespace {

// Flatbuffers reads scalars in place: keep every offset naturally aligned.
constexpr size_t kMinAlignment = 8;
// Offsets are 32-bit; the verifier itself only accepts buffers below 2 GiB.
constexpr size_t kMaxSize = (size_t{1} << 31) - 1;
constexpr size_t kIdentifierOffset = 4;
constexpr size_t kIdentifierSize = 4;

Result<HostValue> tensor_value(const fb::Tensor* t, const char* where) {
  int dtype_value = static_cast<int>(t->scalar_type());
  EMBER_CHECK_OR_RETURN(is_valid_scalar_type(dtype_value), Error::InvalidProgram, "%s: invalid scalar type %d",
                        where, dtype_value);
  HostTensor out;
  out.dtype = static_cast<ScalarType>(dtype_value);
  size_t elem = element_size(out.dtype);
  EMBER_CHECK_OR_RETURN(elem != 0, Error::InvalidProgram, "%s: scalar type %s has no element size", where,
                        scalar_type_name(out.dtype));
  if (t->sizes() != nullptr) out.sizes.assign(t->sizes()->begin(), t->sizes()->end());
  size_t rank = out.sizes.size();
  EMBER_CHECK_OR_RETURN(rank <= kTensorDimensionLimit, Error::InvalidProgram, "%s: rank %zu exceeds the limit of %zu",
                        where, rank, kTensorDimensionLimit);
  size_t numel = 0;
  size_t nbytes = 0;
  EMBER_CHECK_OR_RETURN(checked_numel(ArrayRef<SizesType>(out.sizes.data(), rank), &numel) &&
                            checked_mul(numel, elem, &nbytes),
                        Error::InvalidProgram, "%s: negative size or element count overflow", where);
  size_t data_size = t->data() == nullptr ? 0 : t->data()->size();
  EMBER_CHECK_OR_RETURN(data_size == nbytes, Error::InvalidProgram,
                        "%s: tensor %s with %zu elements needs %zu data bytes, has %zu", where,
                        scalar_type_name(out.dtype), numel, nbytes, data_size);
  if (t->dim_order() != nullptr && t->dim_order()->size() != 0) {
    ArrayRef<DimOrderType> order(t->dim_order()->data(), t->dim_order()->size());
    EMBER_CHECK_OR_RETURN(order.size() == rank && is_valid_dim_order(order), Error::InvalidProgram,
                          "%s: dim order is not a permutation of %zu dims", where, rank);
    bool identity = true;
    for (size_t d = 0; d < rank; ++d) identity = identity && order[d] == d;
    if (!identity) out.dim_order.assign(order.begin(), order.end());
  }
  if (data_size != 0) out.data.assign(t->data()->begin(), t->data()->end());
  return HostValue::from_tensor(std::move(out));
}

Result<HostValue> host_value(const fb::Value* value, const char* where) {
  EMBER_CHECK_OR_RETURN(value != nullptr, Error::InvalidProgram, "%s: missing value", where);
  switch (value->val_type()) {
    case fb::ValueUnion::Tensor:
      EMBER_CHECK_OR_RETURN(value->val_as_Tensor() != nullptr, Error::InvalidProgram, "%s: missing tensor", where);
      return tensor_value(value->val_as_Tensor(), where);
    case fb::ValueUnion::Int:
      EMBER_CHECK_OR_RETURN(value->val_as_Int() != nullptr, Error::InvalidProgram, "%s: missing int", where);
      return HostValue::from_int(value->val_as_Int()->int_val());
    case fb::ValueUnion::Bool:
      EMBER_CHECK_OR_RETURN(value->val_as_Bool() != nullptr, Error::InvalidProgram, "%s: missing bool", where);
      return HostValue::from_bool(value->val_as_Bool()->bool_val());
    case fb::ValueUnion::Double:
      EMBER_CHECK_OR_RETURN(value->val_as_Double() != nullptr, Error::InvalidProgram, "%s: missing double", where);
      return HostValue::from_double(value->val_as_Double()->double_val());
    default:
      return fail(Error::InvalidProgram, "%s: unsupported value type %d", where, static_cast<int>(value->val_type()));
  }
}

}  // namespace

bool is_bundled_program(const void* data, size_t size) {
  if (data == nullptr || size < kIdentifierOffset + kIdentifierSize) return false;
  return std::memcmp(static_cast<const uint8_t*>(data) + kIdentifierOffset, fb::BundledProgramIdentifier(),
                     kIdentifierSize) == 0;
}

Result<BundledProgram> BundledProgram::from(const void* data, size_t size) {
  EMBER_CHECK_OR_RETURN(data != nullptr, Error::InvalidArgument, "bundled program: null data");
  EMBER_CHECK_OR_RETURN(reinterpret_cast<uintptr_t>(data) % kMinAlignment == 0, Error::InvalidArgument,
                        "bundled program: data must be %zu-byte aligned", kMinAlignment);
  EMBER_CHECK_OR_RETURN(size <= kMaxSize, Error::InvalidProgram, "bundled program: %zu bytes exceeds the 2 GiB limit",
                        size);
  EMBER_CHECK_OR_RETURN(is_bundled_program(data, size), Error::InvalidProgram,
                        "bundled program: %zu bytes without the '%s' identifier", size, fb::BundledProgramIdentifier());
  flatbuffers::Verifier verifier(static_cast<const uint8_t*>(data), size);
  EMBER_CHECK_OR_RETURN(fb::VerifyBundledProgramBuffer(verifier), Error::InvalidProgram,
                        "bundled program: flatbuffer verification failed (%zu bytes; truncated or corrupt)", size);
  const fb::BundledProgram* root = fb::GetBundledProgram(data);
  EMBER_CHECK_OR_RETURN(root->program() != nullptr && root->program()->size() != 0, Error::InvalidProgram,
                        "bundled program: no inner program");
  return BundledProgram(root);
}

Span<const uint8_t> BundledProgram::program() const {
  return Span<const uint8_t>(root_->program()->data(), root_->program()->size());
}

uint32_t BundledProgram::version() const { return root_->version(); }

size_t BundledProgram::num_method_test_suites() const {
  return root_->method_test_suites() == nullptr ? 0 : root_->method_test_suites()->size();
}

Result<std::string> BundledProgram::method_name(size_t suite) const {
  EMBER_CHECK_OR_RETURN(suite < num_method_test_suites(), Error::InvalidArgument,
                        "bundled program: test suite %zu out of range (%zu suites)", suite, num_method_test_suites());
  const fb::BundledMethodTestSuite* s = root_->method_test_suites()->Get(static_cast<flatbuffers::uoffset_t>(suite));
  EMBER_CHECK_OR_RETURN(s != nullptr && s->method_name() != nullptr, Error::InvalidProgram,
                        "bundled program: test suite %zu has no method name", suite);
  return std::string(s->method_name()->c_str(), s->method_name()->size());
}

Result<size_t> BundledProgram::num_test_cases(size_t suite) const {
  EMBER_CHECK_OR_RETURN(suite < num_method_test_suites(), Error::InvalidArgument,
                        "bundled program: test suite %zu out of range (%zu suites)", suite, num_method_test_suites());
  const fb::BundledMethodTestSuite* s = root_->method_test_suites()->Get(static_cast<flatbuffers::uoffset_t>(suite));
  return s == nullptr || s->test_cases() == nullptr ? size_t{0} : size_t{s->test_cases()->size()};
}

Result<std::vector<HostValue>> BundledProgram::inputs(size_t suite, size_t test_case) const {
  return values(suite, test_case, false);
}

Result<std::vector<HostValue>> BundledProgram::expected_outputs(size_t suite, size_t test_case) const {
  return values(suite, test_case, true);
}

Result<std::vector<HostValue>> BundledProgram::values(size_t suite, size_t test_case, bool expected) const {
  EMBER_ASSIGN_OR_RETURN(size_t cases, num_test_cases(suite));
  EMBER_CHECK_OR_RETURN(test_case < cases, Error::InvalidArgument,
                        "bundled program: test case %zu out of range (suite %zu has %zu)", test_case, suite, cases);
  const fb::BundledMethodTestCase* tc = root_->method_test_suites()
                                            ->Get(static_cast<flatbuffers::uoffset_t>(suite))
                                            ->test_cases()
                                            ->Get(static_cast<flatbuffers::uoffset_t>(test_case));
  EMBER_CHECK_OR_RETURN(tc != nullptr, Error::InvalidProgram, "bundled program: suite %zu case %zu missing", suite,
                        test_case);
  const auto* list = expected ? tc->expected_outputs() : tc->inputs();
  std::vector<HostValue> out;
  if (list == nullptr) return out;
  out.reserve(list->size());
  for (flatbuffers::uoffset_t i = 0; i < list->size(); ++i) {
    char where[96];
    std::snprintf(where, sizeof(where), "bundled program: suite %zu case %zu %s %u", suite, test_case,
                  expected ? "expected output" : "input", i);
    EMBER_ASSIGN_OR_RETURN(HostValue value, host_value(list->Get(i), where));
    out.push_back(std::move(value));
  }
  return out;
}

// --- compare ---

namespace {

template <typename T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Element `i` of raw data of `dtype` as double (integers up to 2^53 exact;
// 64-bit integers are compared separately for exactness).
bool element_as_double(ScalarType dtype, const uint8_t* data, size_t i, double* out) {
  switch (dtype) {
    case ScalarType::Byte: *out = load<uint8_t>(data + i); return true;
    case ScalarType::Char: *out = load<int8_t>(data + i); return true;
    case ScalarType::Bool: *out = load<uint8_t>(data + i) != 0 ? 1 : 0; return true;
    case ScalarType::Short: *out = load<int16_t>(data + 2 * i); return true;
    case ScalarType::UInt16: *out = load<uint16_t>(data + 2 * i); return true;
    case ScalarType::Int: *out = load<int32_t>(data + 4 * i); return true;
    case ScalarType::UInt32: *out = load<uint32_t>(data + 4 * i); return true;
    case ScalarType::Float: *out = load<float>(data + 4 * i); return true;
    case ScalarType::Double: *out = load<double>(data + 8 * i); return true;
    case ScalarType::Half: *out = half_to_float(load<uint16_t>(data + 2 * i)); return true;
    case ScalarType::BFloat16: *out = bfloat16_to_float(load<uint16_t>(data + 2 * i)); return true;
    default: return false;
  }
}

std::string shape_string(const std::vector<int32_t>& sizes) {
  std::string s = "[";
  for (size_t i = 0; i < sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(sizes[i]);
  return s + "]";
}

// Folds one floating comparison into `r`; returns false when it fails.
bool check_close(double a, double e, double rtol, double atol, CompareResult* r) {
  if (std::isnan(a) || std::isnan(e)) return std::isnan(a) && std::isnan(e);
  if (std::isinf(a) || std::isinf(e)) return a == e;
  double diff = std::fabs(a - e);
  if (diff > r->max_abs_error) r->max_abs_error = diff;
  if (e != 0 && diff / std::fabs(e) > r->max_rel_error) r->max_rel_error = diff / std::fabs(e);
  return diff <= atol + rtol * std::fabs(e);
}

CompareResult failed(CompareResult r, std::string message) {
  r.pass = false;
  r.message = std::move(message);
  return r;
}

}  // namespace

CompareResult compare(const HostValue& actual, const HostValue& expected, double rtol, double atol) {
  CompareResult r;
  if (actual.tag != expected.tag) {
    return failed(r, std::string("tag ") + tag_name(actual.tag) + ", expected " + tag_name(expected.tag));
  }
  switch (expected.tag) {
    case Tag::None:
      r.pass = true;
      return r;
    case Tag::Int:
      r.max_abs_error = std::fabs(static_cast<double>(actual.int_value) - static_cast<double>(expected.int_value));
      if (actual.int_value != expected.int_value) {
        return failed(r, "int " + std::to_string(actual.int_value) + ", expected " + std::to_string(expected.int_value));
      }
      r.pass = true;
      return r;
    case Tag::Bool:
      if (actual.bool_value != expected.bool_value) {
        return failed(r, std::string("bool ") + (actual.bool_value ? "true" : "false") + ", expected " +
                             (expected.bool_value ? "true" : "false"));
      }
      r.pass = true;
      return r;
    case Tag::Double:
      if (!check_close(actual.double_value, expected.double_value, rtol, atol, &r)) {
        return failed(r, "double " + std::to_string(actual.double_value) + ", expected " +
                             std::to_string(expected.double_value));
      }
      r.pass = true;
      return r;
    case Tag::String:
      if (actual.string_value != expected.string_value) return failed(r, "strings differ");
      r.pass = true;
      return r;
    case Tag::Tensor:
      break;
    default:
      return failed(r, std::string("cannot compare ") + tag_name(expected.tag) + " values");
  }

  const HostTensor& a = actual.tensor;
  const HostTensor& e = expected.tensor;
  if (a.dtype != e.dtype) {
    return failed(r, std::string("dtype ") + scalar_type_name(a.dtype) + ", expected " + scalar_type_name(e.dtype));
  }
  if (a.sizes != e.sizes) return failed(r, "shape " + shape_string(a.sizes) + ", expected " + shape_string(e.sizes));
  if (a.dim_order != e.dim_order) return failed(r, "dim orders differ");
  size_t numel = e.numel();
  size_t elem = element_size(e.dtype);
  if (elem == 0 || a.data.size() != numel * elem || e.data.size() != numel * elem) {
    return failed(r, "data size does not match the shape");
  }
  const bool floating = is_floating_type(e.dtype);
  const bool wide_int = e.dtype == ScalarType::Long || e.dtype == ScalarType::UInt64;
  size_t mismatches = 0;
  size_t first_bad = 0;
  for (size_t i = 0; i < numel; ++i) {
    bool ok;
    if (wide_int) {
      ok = std::memcmp(a.data.data() + 8 * i, e.data.data() + 8 * i, 8) == 0;
      if (!ok) {
        double diff = std::fabs(static_cast<double>(load<int64_t>(a.data.data() + 8 * i)) -
                                static_cast<double>(load<int64_t>(e.data.data() + 8 * i)));
        if (diff > r.max_abs_error) r.max_abs_error = diff;
      }
    } else {
      double av = 0;
      double ev = 0;
      if (!element_as_double(e.dtype, a.data.data(), i, &av) || !element_as_double(e.dtype, e.data.data(), i, &ev)) {
        return failed(r, std::string("cannot compare dtype ") + scalar_type_name(e.dtype));
      }
      if (floating) {
        ok = check_close(av, ev, rtol, atol, &r);
      } else {
        double diff = std::fabs(av - ev);
        if (diff > r.max_abs_error) r.max_abs_error = diff;
        if (ev != 0 && diff / std::fabs(ev) > r.max_rel_error) r.max_rel_error = diff / std::fabs(ev);
        ok = av == ev;
      }
    }
    if (!ok && mismatches++ == 0) first_bad = i;
  }
  if (mismatches != 0) {
    return failed(r, std::to_string(mismatches) + " of " + std::to_string(numel) +
                         " elements differ (first at flat index " + std::to_string(first_bad) + ")");
  }
  r.pass = true;
  return r;
}

}  // namespace ember
