// Reductions: aten::sum.IntList_out, mean.out, amax.out, amin.out and
// argmax.out over any dim list (negative dims wrap; None or an empty list
// means every dim), with keepdim. sum and mean compute in out's dtype (as
// ATen's get_dtype_from_result), floats accumulated in double.
#include <cmath>
#include <limits>
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

enum class DimArg { kList, kOptionalList, kOptionalInt };

// A checked reduction: outer walks the kept dims (operands: self, out), inner
// the reduced dims of self, both in logical order.
struct Reduction {
  Tensor self;
  Tensor out;
  kernels::Walk<2> outer;
  kernels::Walk<2> inner;
  bool has_empty_reduced_dim = false;
};

// Marks the reduced dims of a rank-`rank` tensor from args[i].
bool reduced_dims(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, DimArg kind, size_t rank,
                  bool* mask) {
  const EValue& v = *args[i];
  bool all = false;
  if (v.is_none() && kind != DimArg::kList) {
    all = true;
  } else if (kind == DimArg::kOptionalInt) {
    int64_t dim = 0;
    size_t d = 0;
    if (!kernels::int_arg(ctx, args, i, op, "dim", &dim) || !kernels::normalize_dim(ctx, op, "dim", dim, rank, &d)) {
      return false;
    }
    if (rank > 0) mask[d] = true;
  } else {
    ArrayRef<int64_t> dims;
    if (!kernels::int_list_arg(ctx, args, i, op, "dim", &dims)) return false;
    all = dims.empty();
    for (size_t k = 0; k < dims.size(); ++k) {
      size_t d = 0;
      if (!kernels::normalize_dim(ctx, op, "dim", dims[k], rank, &d)) return false;
      if (rank == 0) continue;
      if (mask[d]) {
        ctx.fail(Error::InvalidArgument, "%s: dim: dim %zu appears more than once", op, d);
        return false;
      }
      mask[d] = true;
    }
  }
  for (size_t d = 0; all && d < rank; ++d) mask[d] = true;
  return true;
}

// Reads self, the dims, keepdim and out; sizes out and builds the walks.
bool parse_reduction(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, size_t n, DimArg kind,
                     Reduction* r) {
  bool keepdim = false;
  if (!kernels::check_arg_count(ctx, args, n, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &r->self) ||
      !kernels::bool_arg(ctx, args, 2, op, "keepdim", &keepdim) ||
      !kernels::tensor_arg(ctx, args, n - 2, op, "out", &r->out) ||
      !kernels::check_real_or_bool(ctx, op, "self", r->self) || !kernels::check_real_or_bool(ctx, op, "out", r->out)) {
    return false;
  }
  const size_t rank = r->self.dim();
  bool mask[kTensorDimensionLimit] = {};
  if (!reduced_dims(ctx, args, 1, op, kind, rank, mask)) return false;
  SizesType sizes[kTensorDimensionLimit];
  size_t out_rank = 0;
  for (size_t d = 0; d < rank; ++d) {
    if (!mask[d]) {
      sizes[out_rank++] = r->self.size(d);
    } else if (keepdim) {
      sizes[out_rank++] = 1;
    }
    if (mask[d] && r->self.size(d) == 0) r->has_empty_reduced_dim = true;
  }
  if (!kernels::resize_out(ctx, op, r->out, ArrayRef<SizesType>(sizes, out_rank))) return false;
  int64_t in_strides[kTensorDimensionLimit];
  int64_t out_strides[kTensorDimensionLimit];
  kernels::element_strides(r->self, in_strides);
  kernels::element_strides(r->out, out_strides);
  size_t k = 0;
  for (size_t d = 0; d < rank; ++d) {
    if (mask[d]) {
      r->inner.add(r->self.size(d), {in_strides[d], 0});
      if (keepdim) ++k;
    } else {
      r->outer.add(r->self.size(d), {in_strides[d], out_strides[k++]});
    }
  }
  return true;
}

// dtype, when given, must be out's dtype (the result is computed in it).
bool check_dtype_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const Tensor& out) {
  bool present = false;
  ScalarType dtype = ScalarType::Float;
  if (!kernels::optional_dtype_arg(ctx, args, i, op, "dtype", &present, &dtype)) return false;
  if (present && dtype != out.scalar_type()) {
    ctx.fail(Error::InvalidArgument, "%s: dtype: %s differs from out's dtype %s", op, scalar_type_name(dtype),
             scalar_type_name(out.scalar_type()));
    return false;
  }
  return true;
}

bool refuse_empty(KernelRuntimeContext& ctx, const char* op, const Reduction& r) {
  if (r.has_empty_reduced_dim) {
    ctx.fail(Error::InvalidArgument, "%s: dim: cannot reduce over a dimension of size 0", op);
    return true;
  }
  return false;
}

// For each output element: out = finish(fold over the reduced elements,
// starting from init), with self's elements converted to out's type OT.
template <typename IT, typename OT, typename Acc, typename Fold, typename Finish>
void reduce(const Reduction& r, Acc init, Fold fold, Finish finish) {
  const IT* in = r.self.const_data_ptr<IT>();
  OT* out = r.out.mutable_data_ptr<OT>();
  const int64_t base[2] = {0, 0};
  kernels::for_each_offset(r.outer, base, [&](const int64_t* o) {
    Acc acc = init;
    kernels::for_each_offset(r.inner, o, [&](const int64_t* p) { acc = fold(acc, kernels::convert<OT>(in[p[0]])); });
    out[o[1]] = finish(acc);
  });
}

template <typename T>
bool is_nan(T x) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(x);
  } else {
    (void)x;
    return false;
  }
}

template <typename T>
using AccumType = std::conditional_t<std::is_floating_point_v<T>, double, T>;

// amax (is_max) or amin; NaN wins over every number.
void extremum(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool is_max) {
  Reduction r;
  if (!parse_reduction(ctx, args, op, 5, DimArg::kList, &r) ||
      !kernels::check_dtype(ctx, op, "out", r.out, r.self.scalar_type()) || refuse_empty(ctx, op, r)) {
    return;
  }
  kernels::dispatch_real_bool(r.self.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T init = is_max ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
    auto finish = [](T v) { return v; };
    if (is_max) {
      reduce<T, T>(
          r, init, [](T acc, T x) { return !is_nan(acc) && (x > acc || is_nan(x)) ? x : acc; }, finish);
    } else {
      reduce<T, T>(
          r, init, [](T acc, T x) { return !is_nan(acc) && (x < acc || is_nan(x)) ? x : acc; }, finish);
    }
  });
}

}  // namespace

void sum_intlist_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::sum.IntList_out";
  Reduction r;
  if (!parse_reduction(ctx, args, op, 6, DimArg::kOptionalList, &r) || !check_dtype_arg(ctx, args, 3, op, r.out)) {
    return;
  }
  kernels::dispatch_real_bool(r.self.scalar_type(), [&](auto in_tag) {
    using IT = typename decltype(in_tag)::type;
    kernels::dispatch_real_bool(r.out.scalar_type(), [&](auto out_tag) {
      using OT = typename decltype(out_tag)::type;
      using AT = AccumType<OT>;
      reduce<IT, OT>(
          r, AT(0), [](AT acc, OT x) { return kernels::arith::add(acc, static_cast<AT>(x)); },
          [](AT acc) { return kernels::convert<OT>(acc); });
    });
  });
}

void mean_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::mean.out";
  Reduction r;
  if (!parse_reduction(ctx, args, op, 6, DimArg::kOptionalList, &r) || !check_dtype_arg(ctx, args, 3, op, r.out) ||
      !kernels::check_floating(ctx, op, "out", r.out)) {
    return;
  }
  // An empty reduction gives 0 / 0 = NaN, as ATen.
  const double count = static_cast<double>(r.inner.count());
  kernels::dispatch_real_bool(r.self.scalar_type(), [&](auto in_tag) {
    using IT = typename decltype(in_tag)::type;
    kernels::dispatch_floating(r.out.scalar_type(), [&](auto out_tag) {
      using OT = typename decltype(out_tag)::type;
      reduce<IT, OT>(
          r, 0.0, [](double acc, OT x) { return acc + static_cast<double>(x); },
          [count](double acc) { return static_cast<OT>(acc / count); });
    });
  });
}

void amax_out(KernelRuntimeContext& ctx, Span<EValue*> args) { extremum(ctx, args, "aten::amax.out", true); }

void amin_out(KernelRuntimeContext& ctx, Span<EValue*> args) { extremum(ctx, args, "aten::amin.out", false); }

void argmax_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::argmax.out";
  Reduction r;
  if (!parse_reduction(ctx, args, op, 5, DimArg::kOptionalInt, &r) ||
      !kernels::check_dtype(ctx, op, "out", r.out, ScalarType::Long) || refuse_empty(ctx, op, r)) {
    return;
  }
  kernels::dispatch_real_bool(r.self.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* in = r.self.const_data_ptr<T>();
    int64_t* out = r.out.mutable_data_ptr<int64_t>();
    const int64_t base[2] = {0, 0};
    kernels::for_each_offset(r.outer, base, [&](const int64_t* o) {
      // The inner walk visits the reduced dims in logical row-major order, so
      // its position is the index ATen reports; the first maximum (or NaN) wins.
      int64_t pos = 0;
      int64_t best_pos = 0;
      T best = T(0);
      kernels::for_each_offset(r.inner, o, [&](const int64_t* p) {
        const T x = in[p[0]];
        if (pos == 0 || (!is_nan(best) && (x > best || is_nan(x)))) {
          best = x;
          best_pos = pos;
        }
        ++pos;
      });
      out[o[1]] = best_pos;
    });
  });
}

}  // namespace ember::portable
