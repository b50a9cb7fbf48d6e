// apply_elementwise: runs an N-input elementwise functor over broadcast,
// arbitrarily laid-out tensors.
//
// The functor takes NIn values of the compute type CT and returns the result
// type R (CT for arithmetic, bool for comparisons). Three paths, fastest
// first: all tensors already of type CT / R with one layout -> a flat loop the
// compiler can vectorize; same types but broadcast or mixed dim orders -> typed
// strided runs; mixed dtypes -> strided runs that convert each element on load
// and store (kernels::convert). Callers check dtypes, promotion and
// castability and size `out` (resize_to_broadcast) before calling.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

#include "kernels/portable/util/broadcast_util.h"
#include "kernels/portable/util/scalar_type_util.h"
#include "runtime/core/tensor.h"

namespace ember::kernels {

namespace internal {

template <typename CT>
using LoadFn = CT (*)(const char*);
template <typename R>
using StoreFn = void (*)(R, char*);

template <typename CT, typename From>
CT load_as(const char* p) {
  if constexpr (std::is_same_v<From, bool>) {
    // Any nonzero byte is true (a bool from a file may hold other values).
    return convert<CT>(*reinterpret_cast<const uint8_t*>(p) != 0);
  } else {
    return convert<CT>(*reinterpret_cast<const From*>(p));
  }
}

template <typename R, typename To>
void store_as(R v, char* p) {
  *reinterpret_cast<To*>(p) = convert<To>(v);
}

template <typename CT>
LoadFn<CT> load_fn(ScalarType t) {
  LoadFn<CT> fn = nullptr;
  dispatch_real_bool(t, [&](auto tag) { fn = &load_as<CT, typename decltype(tag)::type>; });
  return fn;
}

template <typename R>
StoreFn<R> store_fn(ScalarType t) {
  StoreFn<R> fn = nullptr;
  dispatch_real_bool(t, [&](auto tag) { fn = &store_as<R, typename decltype(tag)::type>; });
  return fn;
}

template <typename CT, size_t NIn, typename Op, size_t... I>
void flat_loop(const Tensor (&in)[NIn], const Tensor& out, Op& op, std::index_sequence<I...>) {
  using R = std::invoke_result_t<Op&, decltype((void)I, CT{})...>;
  const CT* src[NIn] = {in[I].template const_data_ptr<CT>()...};
  R* dst = out.mutable_data_ptr<R>();
  const size_t n = out.numel();
  for (size_t i = 0; i < n; ++i) dst[i] = op(src[I][i]...);
}

template <typename CT, size_t NIn, typename Op, size_t... I>
void typed_strided(const StridedPlan<NIn + 1>& plan, const Tensor (&in)[NIn], const Tensor& out, Op& op,
                   std::index_sequence<I...>) {
  using R = std::invoke_result_t<Op&, decltype((void)I, CT{})...>;
  const CT* src[NIn] = {in[I].template const_data_ptr<CT>()...};
  R* dst = out.mutable_data_ptr<R>();
  for_each_run(plan, [&](const int64_t* off, int64_t count, const int64_t* step) {
    R* o = dst + off[0];
    const CT* s[NIn] = {(src[I] + off[I + 1])...};
    if (step[0] == 1 && ((step[I + 1] == 1) && ...)) {
      for (int64_t i = 0; i < count; ++i) o[i] = op(s[I][i]...);
    } else {
      for (int64_t i = 0; i < count; ++i) o[i * step[0]] = op(s[I][i * step[I + 1]]...);
    }
  });
}

template <typename CT, size_t NIn, typename Op, size_t... I>
void converting_strided(const StridedPlan<NIn + 1>& plan, const Tensor (&in)[NIn], const Tensor& out, Op& op,
                        std::index_sequence<I...>) {
  using R = std::invoke_result_t<Op&, decltype((void)I, CT{})...>;
  const LoadFn<CT> load[NIn] = {load_fn<CT>(in[I].scalar_type())...};
  const StoreFn<R> store = store_fn<R>(out.scalar_type());
  const char* src[NIn] = {static_cast<const char*>(in[I].const_data_ptr())...};
  const int64_t esize[NIn] = {static_cast<int64_t>(in[I].element_size())...};
  char* dst = static_cast<char*>(out.mutable_data_ptr());
  const int64_t out_esize = static_cast<int64_t>(out.element_size());
  for_each_run(plan, [&](const int64_t* off, int64_t count, const int64_t* step) {
    for (int64_t i = 0; i < count; ++i) {
      store(op(load[I](src[I] + (off[I + 1] + i * step[I + 1]) * esize[I])...),
            dst + (off[0] + i * step[0]) * out_esize);
    }
  });
}

}  // namespace internal

// out[idx] = op(in[0][idx'], ..., in[NIn-1][idx']) over out's shape, with each
// input broadcast to it. Every dtype must be one of the real + bool dtypes.
template <typename CT, size_t NIn, typename Op>
void apply_elementwise(const Tensor (&in)[NIn], const Tensor& out, Op op) {
  using Seq = std::make_index_sequence<NIn>;
  using R = decltype(std::apply(op, std::array<CT, NIn>{}));
  if (out.numel() == 0) return;
  bool typed = out.scalar_type() == ScalarTypeOf<R>::value;
  bool flat = true;
  for (size_t i = 0; i < NIn; ++i) {
    typed = typed && in[i].scalar_type() == ScalarTypeOf<CT>::value;
    flat = flat && same_layout(in[i], out);
  }
  if (typed && flat) {
    internal::flat_loop<CT>(in, out, op, Seq{});
    return;
  }
  Tensor ops[NIn + 1];
  ops[0] = out;
  for (size_t i = 0; i < NIn; ++i) ops[i + 1] = in[i];
  StridedPlan<NIn + 1> plan;
  make_strided_plan(ops, &plan);
  if (typed) {
    internal::typed_strided<CT>(plan, in, out, op, Seq{});
  } else {
    internal::converting_strided<CT>(plan, in, out, op, Seq{});
  }
}

}  // namespace ember::kernels
