// Tensors made from Scalars: aten::full, full_like, zeros, ones (out's dtype
// decides the result's) and arange.start_out.
#include <cmath>
#include <cstdint>

#include "kernels/portable/cpu/math_ops.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/op_args.h"
#include "kernels/portable/util/scalar_type_util.h"

namespace ember::portable {
namespace {

// Sizes out to the int list at args[i] (non-negative, int32 entries).
bool resize_to_list(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const Tensor& out) {
  ArrayRef<int64_t> size;
  if (!kernels::int_list_arg(ctx, args, i, op, "size", &size)) return false;
  if (size.size() > kTensorDimensionLimit) {
    ctx.fail(Error::InvalidArgument, "%s: size: %zu entries exceed the rank limit", op, size.size());
    return false;
  }
  SizesType sizes[kTensorDimensionLimit];
  for (size_t k = 0; k < size.size(); ++k) {
    if (size[k] < 0 || size[k] > INT32_MAX) {
      ctx.fail(Error::InvalidArgument, "%s: size: entry %zu (%lld) is invalid", op, k, static_cast<long long>(size[k]));
      return false;
    }
    sizes[k] = static_cast<SizesType>(size[k]);
  }
  return kernels::resize_out(ctx, op, out, ArrayRef<SizesType>(sizes, size.size()));
}

// Every element of out (whatever its dim order) becomes `value`.
bool fill(KernelRuntimeContext& ctx, const char* op, const Tensor& out, const EValue& value) {
  if (!kernels::check_real_or_bool(ctx, op, "out", out) ||
      !kernels::check_scalar_fits(ctx, op, "fill_value", value, out.scalar_type())) {
    return false;
  }
  kernels::dispatch_real_bool(out.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = kernels::scalar_to<T>(value);
    T* data = out.mutable_data_ptr<T>();
    const size_t n = out.numel();
    for (size_t i = 0; i < n; ++i) data[i] = v;
  });
  return true;
}

// [size, out, ret] filled with `value`.
void constant_of_size(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, int64_t value) {
  Tensor out;
  if (!kernels::check_arg_count(ctx, args, 3, op) || !kernels::tensor_arg(ctx, args, 1, op, "out", &out) ||
      !resize_to_list(ctx, args, 0, op, out)) {
    return;
  }
  fill(ctx, op, out, EValue(value));
}

// Number of arange elements, or -1 (after failing ctx) when the arguments
// are inconsistent. Integer arguments count exactly.
int64_t arange_length(KernelRuntimeContext& ctx, const char* op, const EValue& start, const EValue& end,
                      const EValue& step) {
  const double s = start.scalar_as_double();
  const double e = end.scalar_as_double();
  const double st = step.scalar_as_double();
  if (st == 0 || std::isnan(s) || std::isnan(e) || std::isnan(st) || std::isinf(s) || std::isinf(e)) {
    ctx.fail(Error::InvalidArgument, "%s: step: must be nonzero with finite start and end", op);
    return -1;
  }
  if ((st > 0 && e < s) || (st < 0 && e > s)) {
    ctx.fail(Error::InvalidArgument, "%s: step: sign does not lead from start (%g) to end (%g)", op, s, e);
    return -1;
  }
  long double n = 0;
  if (start.is_int() && end.is_int() && step.is_int()) {
    const long double span = static_cast<long double>(end.to_int()) - static_cast<long double>(start.to_int());
    n = std::ceil(span / static_cast<long double>(step.to_int()));
  } else {
    n = std::ceil((e - s) / st);
  }
  if (!(n <= static_cast<long double>(INT32_MAX))) {
    ctx.fail(Error::InvalidArgument, "%s: end: %Lg elements exceed the size limit", op, n);
    return -1;
  }
  return static_cast<int64_t>(n);
}

}  // namespace

void full_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::full.out";
  Tensor out;
  const EValue* value = nullptr;
  if (!kernels::check_arg_count(ctx, args, 4, op) || !kernels::scalar_arg(ctx, args, 1, op, "fill_value", &value) ||
      !kernels::tensor_arg(ctx, args, 2, op, "out", &out) || !resize_to_list(ctx, args, 0, op, out)) {
    return;
  }
  fill(ctx, op, out, *value);
}

void full_like_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::full_like.out";
  Tensor self;
  Tensor out;
  const EValue* value = nullptr;
  if (!kernels::check_arg_count(ctx, args, 5, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::scalar_arg(ctx, args, 1, op, "fill_value", &value) ||
      !kernels::tensor_arg(ctx, args, 3, op, "out", &out)) {
    return;
  }
  // memory_format only names out's layout, which out already has.
  EMBER_KERNEL_CHECK(ctx, args[2]->is_none() || args[2]->is_int(), Error::InvalidArgument,
                     "%s: memory_format: expected None or an Int, got %s", op, tag_name(args[2]->tag()));
  if (!kernels::resize_out(ctx, op, out, self.sizes())) return;
  fill(ctx, op, out, *value);
}

void zeros_out(KernelRuntimeContext& ctx, Span<EValue*> args) { constant_of_size(ctx, args, "aten::zeros.out", 0); }

void ones_out(KernelRuntimeContext& ctx, Span<EValue*> args) { constant_of_size(ctx, args, "aten::ones.out", 1); }

void arange_start_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::arange.start_out";
  const EValue* start = nullptr;
  const EValue* end = nullptr;
  const EValue* step = nullptr;
  Tensor out;
  if (!kernels::check_arg_count(ctx, args, 5, op) || !kernels::scalar_arg(ctx, args, 0, op, "start", &start) ||
      !kernels::scalar_arg(ctx, args, 1, op, "end", &end) || !kernels::scalar_arg(ctx, args, 2, op, "step", &step) ||
      !kernels::tensor_arg(ctx, args, 3, op, "out", &out)) {
    return;
  }
  if (!kernels::check_real_or_bool(ctx, op, "out", out) || out.scalar_type() == ScalarType::Bool) {
    ctx.fail(Error::InvalidArgument, "%s: out: dtype %s is not supported", op, scalar_type_name(out.scalar_type()));
    return;
  }
  const int64_t n = arange_length(ctx, op, *start, *end, *step);
  if (n < 0) return;
  const SizesType size = static_cast<SizesType>(n);
  if (!kernels::resize_out(ctx, op, out, ArrayRef<SizesType>(&size, 1))) return;
  const bool integral = start->is_int() && step->is_int();
  kernels::dispatch_real(out.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* data = out.mutable_data_ptr<T>();
    if (integral) {
      const int64_t s = start->to_int();
      const int64_t st = step->to_int();
      for (int64_t i = 0; i < n; ++i) data[i] = static_cast<T>(s + i * st);
    } else {
      const double s = start->scalar_as_double();
      const double st = step->scalar_as_double();
      for (int64_t i = 0; i < n; ++i) data[i] = kernels::convert<T>(s + static_cast<double>(i) * st);
    }
  });
}

}  // namespace ember::portable
