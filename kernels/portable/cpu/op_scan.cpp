// Ops along one dim: aten::_softmax.out and _log_softmax.out (numerically
// stable: the row maximum is subtracted before exp) and cumsum.out.
#include <cmath>
#include <type_traits>

#include "kernels/portable/cpu/math_ops.h"
#include "kernels/portable/util/arith.h"
#include "kernels/portable/util/broadcast_util.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/op_args.h"
#include "kernels/portable/util/scalar_type_util.h"
#include "kernels/portable/util/walk.h"

namespace ember::portable {
namespace {

// self and out of the same shape, split into the other dims (outer) and `dim`
// (inner); operands: self, out.
struct Scan {
  kernels::Walk<2> outer;
  kernels::Walk<2> inner;
};

// Reads [self, dim, (flag), out, ret] with `n` values, sizes out like self and
// builds the walks.
bool parse_scan(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, size_t n, Tensor* self, Tensor* out,
                Scan* s) {
  int64_t dim = 0;
  size_t d = 0;
  if (!kernels::check_arg_count(ctx, args, n, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", self) ||
      !kernels::int_arg(ctx, args, 1, op, "dim", &dim) || !kernels::tensor_arg(ctx, args, n - 2, op, "out", out) ||
      !kernels::check_real_or_bool(ctx, op, "self", *self) || !kernels::check_real_or_bool(ctx, op, "out", *out) ||
      !kernels::normalize_dim(ctx, op, "dim", dim, self->dim(), &d) ||
      !kernels::resize_out(ctx, op, *out, self->sizes())) {
    return false;
  }
  int64_t in_strides[kTensorDimensionLimit];
  int64_t out_strides[kTensorDimensionLimit];
  kernels::element_strides(*self, in_strides);
  kernels::element_strides(*out, out_strides);
  for (size_t k = 0; k < self->dim(); ++k) {
    (k == d ? s->inner : s->outer).add(self->size(k), {in_strides[k], out_strides[k]});
  }
  return true;
}

void softmax_impl(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool log) {
  Tensor self;
  Tensor out;
  Scan s;
  bool half_to_float = false;
  if (!parse_scan(ctx, args, op, 5, &self, &out, &s) ||
      !kernels::bool_arg(ctx, args, 2, op, "half_to_float", &half_to_float) ||
      !kernels::check_floating(ctx, op, "self", self) ||
      !kernels::check_dtype(ctx, op, "out", out, self.scalar_type())) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, !half_to_float, Error::InvalidArgument,
                     "%s: half_to_float: only supported for Half inputs on CUDA (must be false)", op);
  kernels::dispatch_floating(self.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* in = self.const_data_ptr<T>();
    T* o = out.mutable_data_ptr<T>();
    const int64_t base[2] = {0, 0};
    kernels::for_each_offset(s.outer, base, [&](const int64_t* row) {
      T max = -std::numeric_limits<T>::infinity();
      kernels::for_each_offset(s.inner, row, [&](const int64_t* p) { max = in[p[0]] > max ? in[p[0]] : max; });
      double sum = 0;
      kernels::for_each_offset(s.inner, row, [&](const int64_t* p) {
        const T e = std::exp(in[p[0]] - max);
        sum += static_cast<double>(e);
        if (!log) o[p[1]] = e;
      });
      if (log) {
        // (x - max) first: it is exact near the maximum, where x - (max + log)
        // would round at max's magnitude.
        const T log_sum = static_cast<T>(std::log(sum));
        kernels::for_each_offset(s.inner, row, [&](const int64_t* p) { o[p[1]] = (in[p[0]] - max) - log_sum; });
      } else {
        const T scale = static_cast<T>(1.0 / sum);
        kernels::for_each_offset(s.inner, row, [&](const int64_t* p) { o[p[1]] *= scale; });
      }
    });
  });
}

}  // namespace

void softmax_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  softmax_impl(ctx, args, "aten::_softmax.out", false);
}

void log_softmax_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  softmax_impl(ctx, args, "aten::_log_softmax.out", true);
}

void cumsum_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::cumsum.out";
  Tensor self;
  Tensor out;
  Scan s;
  bool has_dtype = false;
  ScalarType dtype = ScalarType::Float;
  if (!parse_scan(ctx, args, op, 5, &self, &out, &s) ||
      !kernels::optional_dtype_arg(ctx, args, 2, op, "dtype", &has_dtype, &dtype)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, !has_dtype || dtype == out.scalar_type(), Error::InvalidArgument,
                     "%s: dtype: %s differs from out's dtype %s", op, scalar_type_name(dtype),
                     scalar_type_name(out.scalar_type()));
  // Computed in out's dtype (ATen casts self to it first); floats accumulate
  // in double.
  kernels::dispatch_real_bool(self.scalar_type(), [&](auto in_tag) {
    using IT = typename decltype(in_tag)::type;
    kernels::dispatch_real_bool(out.scalar_type(), [&](auto out_tag) {
      using OT = typename decltype(out_tag)::type;
      using AT = std::conditional_t<std::is_floating_point_v<OT>, double, OT>;
      const IT* in = self.const_data_ptr<IT>();
      OT* o = out.mutable_data_ptr<OT>();
      const int64_t base[2] = {0, 0};
      kernels::for_each_offset(s.outer, base, [&](const int64_t* row) {
        AT acc = AT(0);
        kernels::for_each_offset(s.inner, row, [&](const int64_t* p) {
          acc = kernels::arith::add(acc, static_cast<AT>(kernels::convert<OT>(in[p[0]])));
          o[p[1]] = kernels::convert<OT>(acc);
        });
      });
    });
  });
}

}  // namespace ember::portable
