#include "kernels/quantized/cpu/quant_util.h"

#include <cinttypes>
#include <limits>

namespace ember::quantized {

bool quant_dtype_range(ScalarType t, int64_t* lo, int64_t* hi) {
  bool known = dispatch_quant_int(t, [&](auto tag) {
    using Q = typename decltype(tag)::type;
    *lo = std::numeric_limits<Q>::min();
    *hi = std::numeric_limits<Q>::max();
  });
  return known;
}

bool dtype_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
               ScalarType* out) {
  const EValue& v = *args[i];
  if (!v.is_int()) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected a ScalarType (Int), got %s", op, name, tag_name(v.tag()));
    return false;
  }
  const int64_t value = v.to_int();
  if (value < INT8_MIN || value > INT8_MAX || !is_valid_scalar_type(static_cast<int>(value))) {
    ctx.fail(Error::InvalidArgument, "%s: %s: %" PRId64 " is not a ScalarType", op, name, value);
    return false;
  }
  *out = static_cast<ScalarType>(value);
  return true;
}

bool optional_dtype_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                        bool* has_value, ScalarType* out) {
  *has_value = !args[i]->is_none();
  return !*has_value || dtype_arg(ctx, args, i, op, name, out);
}

bool per_tensor_qparams(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool tensor_params,
                        double* scale, int64_t* zero_point) {
  if (!tensor_params) {
    return kernels::double_arg(ctx, args, 1, op, "scale", scale) &&
           int_arg(ctx, args, 2, op, "zero_point", zero_point);
  }
  Tensor s, z;
  if (!kernels::tensor_arg(ctx, args, 1, op, "scale", &s) || !kernels::tensor_arg(ctx, args, 2, op, "zero_point", &z) ||
      !check_dtype(ctx, op, "scale", s, ScalarType::Double) ||
      !check_dtype(ctx, op, "zero_point", z, ScalarType::Long)) {
    return false;
  }
  EMBER_QUANT_CHECK(ctx, s.numel() == 1, "%s: scale: expected one element, got %zu", op, s.numel());
  EMBER_QUANT_CHECK(ctx, z.numel() == 1, "%s: zero_point: expected one element, got %zu", op, z.numel());
  *scale = s.const_data_ptr<double>()[0];
  *zero_point = z.const_data_ptr<int64_t>()[0];
  return true;
}

bool check_quant_range(KernelRuntimeContext& ctx, const char* op, ScalarType dtype, int64_t quant_min,
                       int64_t quant_max) {
  int64_t lo = 0;
  int64_t hi = 0;
  if (!quant_dtype_range(dtype, &lo, &hi)) {
    ctx.fail(Error::InvalidArgument, "%s: dtype: %s is not a quantized integer dtype (Byte, Char, Short, Int, "
             "Bits16, UInt16)", op, scalar_type_name(dtype));
    return false;
  }
  if (quant_min < lo) {
    ctx.fail(Error::InvalidArgument, "%s: quant_min: %" PRId64 " is below %s's minimum %" PRId64, op, quant_min,
             scalar_type_name(dtype), lo);
    return false;
  }
  if (quant_max > hi) {
    ctx.fail(Error::InvalidArgument, "%s: quant_max: %" PRId64 " is above %s's maximum %" PRId64, op, quant_max,
             scalar_type_name(dtype), hi);
    return false;
  }
  return true;
}

bool check_same_dim_order(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& a,
                          const Tensor& b) {
  bool same = a.dim() == b.dim();
  for (size_t d = 0; same && d < a.dim(); ++d) same = a.dim_order()[d] == b.dim_order()[d];
  if (!same) {
    ctx.fail(Error::NotSupported, "%s: %s: dim order differs from the input's", op, name);
    return false;
  }
  return true;
}

bool normalize_axis(KernelRuntimeContext& ctx, const char* op, int64_t axis, size_t dim, size_t* out) {
  const int64_t rank = static_cast<int64_t>(dim);
  if (dim == 0 || axis < -rank || axis >= rank) {
    ctx.fail(Error::InvalidArgument, "%s: axis: %" PRId64 " is out of range for a tensor of rank %zu", op, axis, dim);
    return false;
  }
  *out = static_cast<size_t>(axis < 0 ? axis + rank : axis);
  return true;
}

size_t product(ArrayRef<SizesType> sizes, size_t begin, size_t end) {
  size_t n = 1;
  for (size_t d = begin; d < end; ++d) n *= static_cast<size_t>(sizes[d]);
  return n;
}

}  // namespace ember::quantized
