// Normalizations with ATen's three outputs: aten::native_layer_norm.out
// (out, mean, rstd over the trailing normalized_shape), native_group_norm.out
// (mean, rstd of shape [N, group]) and _native_batch_norm_legit_no_training.out
// (running statistics; save_mean and save_invstd come back empty, as ATen).
// Statistics accumulate in double with a two-pass variance (biased).
#include <cmath>

#include "kernels/portable/cpu/math_ops.h"
#include "kernels/portable/util/broadcast_util.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/op_args.h"
#include "kernels/portable/util/scalar_type_util.h"
#include "kernels/portable/util/walk.h"

namespace ember::portable {
namespace {

// Walk operands of the row normalizations.
enum Operand : size_t { kIn, kOut, kWeight, kBias, kMean, kRstd, kOperands };
using NormWalk = kernels::Walk<kOperands>;

struct NormTensors {
  Tensor input;
  Tensor out;
  Tensor mean;
  Tensor rstd;
  Tensor weight;  // impl() null when absent
  Tensor bias;
};

// For each outer position: mean and rstd of the inner elements, written to
// the mean/rstd operands, and out = (x - mean) * rstd * weight + bias.
template <typename T>
void normalize_rows(const NormTensors& t, const NormWalk& outer, const NormWalk& inner, double eps) {
  const T* in = t.input.const_data_ptr<T>();
  T* out = t.out.mutable_data_ptr<T>();
  T* mean_out = t.mean.mutable_data_ptr<T>();
  T* rstd_out = t.rstd.mutable_data_ptr<T>();
  const T* w = t.weight.impl() != nullptr ? t.weight.const_data_ptr<T>() : nullptr;
  const T* b = t.bias.impl() != nullptr ? t.bias.const_data_ptr<T>() : nullptr;
  const int64_t count = inner.count();
  const int64_t base[kOperands] = {};
  kernels::for_each_offset(outer, base, [&](const int64_t* row) {
    double sum = 0;
    kernels::for_each_offset(inner, row, [&](const int64_t* p) { sum += static_cast<double>(in[p[kIn]]); });
    const double mean = count > 0 ? sum / static_cast<double>(count) : 0.0;
    double sq = 0;
    kernels::for_each_offset(inner, row, [&](const int64_t* p) {
      const double d = static_cast<double>(in[p[kIn]]) - mean;
      sq += d * d;
    });
    const double var = count > 0 ? sq / static_cast<double>(count) : 0.0;
    const double rstd = 1.0 / std::sqrt(var + eps);
    mean_out[row[kMean]] = static_cast<T>(mean);
    rstd_out[row[kRstd]] = static_cast<T>(rstd);
    kernels::for_each_offset(inner, row, [&](const int64_t* p) {
      double y = (static_cast<double>(in[p[kIn]]) - mean) * rstd;
      if (w != nullptr) y *= static_cast<double>(w[p[kWeight]]);
      if (b != nullptr) y += static_cast<double>(b[p[kBias]]);
      out[p[kOut]] = static_cast<T>(y);
    });
  });
}

// Optional weight/bias at args[i]: None, or a tensor of input's dtype with
// the given shape.
bool affine_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                const Tensor& input, ArrayRef<SizesType> shape, Tensor* out) {
  bool present = false;
  if (!kernels::optional_tensor_arg(ctx, args, i, op, name, &present, out)) return false;
  if (!present) {
    *out = Tensor();
    return true;
  }
  if (!kernels::check_dtype(ctx, op, name, *out, input.scalar_type())) return false;
  bool same = out->dim() == shape.size();
  for (size_t d = 0; same && d < shape.size(); ++d) same = out->size(d) == shape[d];
  if (!same) {
    char got[192];
    char want[192];
    ctx.fail(Error::InvalidArgument, "%s: %s: shape %s, expected %s", op, name,
             kernels::format_sizes(out->sizes(), got, sizeof(got)), kernels::format_sizes(shape, want, sizeof(want)));
    return false;
  }
  return true;
}

// out tensors at args[first..first+2]: input's dtype; out sized like input.
bool output_args(KernelRuntimeContext& ctx, Span<EValue*> args, size_t first, const char* op, NormTensors* t) {
  return kernels::tensor_arg(ctx, args, first, op, "out", &t->out) &&
         kernels::tensor_arg(ctx, args, first + 1, op, "mean", &t->mean) &&
         kernels::tensor_arg(ctx, args, first + 2, op, "rstd", &t->rstd) &&
         kernels::check_dtype(ctx, op, "out", t->out, t->input.scalar_type()) &&
         kernels::check_dtype(ctx, op, "mean", t->mean, t->input.scalar_type()) &&
         kernels::check_dtype(ctx, op, "rstd", t->rstd, t->input.scalar_type()) &&
         kernels::resize_out(ctx, op, t->out, t->input.sizes());
}

bool int_size_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                  int64_t expected) {
  int64_t v = 0;
  if (!kernels::int_arg(ctx, args, i, op, name, &v)) return false;
  if (v != expected) {
    ctx.fail(Error::InvalidArgument, "%s: %s: %lld does not match input (%lld)", op, name, static_cast<long long>(v),
             static_cast<long long>(expected));
    return false;
  }
  return true;
}

}  // namespace

void native_layer_norm_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::native_layer_norm.out";
  NormTensors t;
  ArrayRef<int64_t> shape_list;
  double eps = 0;
  if (!kernels::check_arg_count(ctx, args, 11, op) || !kernels::tensor_arg(ctx, args, 0, op, "input", &t.input) ||
      !kernels::check_floating(ctx, op, "input", t.input) ||
      !kernels::int_list_arg(ctx, args, 1, op, "normalized_shape", &shape_list)) {
    return;
  }
  const size_t rank = t.input.dim();
  const size_t k = shape_list.size();
  EMBER_KERNEL_CHECK(ctx, k >= 1 && k <= rank, Error::InvalidArgument,
                     "%s: normalized_shape: %zu entries for an input of rank %zu", op, k, rank);
  const size_t axis = rank - k;
  SizesType shape[kTensorDimensionLimit];
  for (size_t d = 0; d < k; ++d) {
    EMBER_KERNEL_CHECK(ctx, shape_list[d] == t.input.size(axis + d), Error::InvalidArgument,
                       "%s: normalized_shape: entry %zu (%lld) differs from input's size %d", op, d,
                       static_cast<long long>(shape_list[d]), t.input.size(axis + d));
    shape[d] = t.input.size(axis + d);
  }
  const ArrayRef<SizesType> normalized(shape, k);
  if (!affine_arg(ctx, args, 2, op, "weight", t.input, normalized, &t.weight) ||
      !affine_arg(ctx, args, 3, op, "bias", t.input, normalized, &t.bias) ||
      !kernels::double_arg(ctx, args, 4, op, "eps", &eps) || !output_args(ctx, args, 5, op, &t)) {
    return;
  }
  SizesType stat_sizes[kTensorDimensionLimit];
  for (size_t d = 0; d < rank; ++d) stat_sizes[d] = d < axis ? t.input.size(d) : 1;
  if (!kernels::resize_out(ctx, op, t.mean, ArrayRef<SizesType>(stat_sizes, rank)) ||
      !kernels::resize_out(ctx, op, t.rstd, ArrayRef<SizesType>(stat_sizes, rank))) {
    return;
  }
  int64_t s[kOperands][kTensorDimensionLimit] = {};
  const Tensor* tensors[kOperands] = {&t.input, &t.out, &t.weight, &t.bias, &t.mean, &t.rstd};
  for (size_t j = 0; j < kOperands; ++j) {
    if (tensors[j]->impl() != nullptr) kernels::element_strides(*tensors[j], s[j]);
  }
  NormWalk outer;
  NormWalk inner;
  for (size_t d = 0; d < rank; ++d) {
    if (d < axis) {
      outer.add(t.input.size(d), {s[kIn][d], s[kOut][d], 0, 0, s[kMean][d], s[kRstd][d]});
    } else {
      inner.add(t.input.size(d), {s[kIn][d], s[kOut][d], s[kWeight][d - axis], s[kBias][d - axis], 0, 0});
    }
  }
  kernels::dispatch_floating(t.input.scalar_type(),
                             [&](auto tag) { normalize_rows<typename decltype(tag)::type>(t, outer, inner, eps); });
}

void native_group_norm_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::native_group_norm.out";
  NormTensors t;
  int64_t group = 0;
  double eps = 0;
  if (!kernels::check_arg_count(ctx, args, 14, op) || !kernels::tensor_arg(ctx, args, 0, op, "input", &t.input) ||
      !kernels::check_floating(ctx, op, "input", t.input)) {
    return;
  }
  const size_t rank = t.input.dim();
  EMBER_KERNEL_CHECK(ctx, rank >= 2 && rank < kTensorDimensionLimit, Error::InvalidArgument,
                     "%s: input: rank %zu, expected 2 to %zu", op, rank, kTensorDimensionLimit - 1);
  const SizesType channels = t.input.size(1);
  int64_t hxw = 1;
  for (size_t d = 2; d < rank; ++d) hxw *= t.input.size(d);
  const SizesType c_shape[1] = {channels};
  if (!affine_arg(ctx, args, 1, op, "weight", t.input, ArrayRef<SizesType>(c_shape, 1), &t.weight) ||
      !affine_arg(ctx, args, 2, op, "bias", t.input, ArrayRef<SizesType>(c_shape, 1), &t.bias) ||
      !int_size_arg(ctx, args, 3, op, "N", t.input.size(0)) || !int_size_arg(ctx, args, 4, op, "C", channels) ||
      !int_size_arg(ctx, args, 5, op, "HxW", hxw) || !kernels::int_arg(ctx, args, 6, op, "group", &group) ||
      !kernels::double_arg(ctx, args, 7, op, "eps", &eps)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, group > 0 && channels % group == 0, Error::InvalidArgument,
                     "%s: group: %lld does not divide the %d channels", op, static_cast<long long>(group), channels);
  if (!output_args(ctx, args, 8, op, &t)) return;
  const SizesType stat_sizes[2] = {t.input.size(0), static_cast<SizesType>(group)};
  if (!kernels::resize_out(ctx, op, t.mean, ArrayRef<SizesType>(stat_sizes, 2)) ||
      !kernels::resize_out(ctx, op, t.rstd, ArrayRef<SizesType>(stat_sizes, 2))) {
    return;
  }
  int64_t is[kTensorDimensionLimit];
  int64_t os[kTensorDimensionLimit];
  int64_t ms[2];
  int64_t rs[2];
  kernels::element_strides(t.input, is);
  kernels::element_strides(t.out, os);
  kernels::element_strides(t.mean, ms);
  kernels::element_strides(t.rstd, rs);
  const int64_t cg = channels / group;
  NormWalk outer;
  NormWalk inner;
  // The channel dim splits into (group, channel within group).
  outer.add(t.input.size(0), {is[0], os[0], 0, 0, ms[0], rs[0]});
  outer.add(group, {cg * is[1], cg * os[1], cg, cg, ms[1], rs[1]});
  inner.add(cg, {is[1], os[1], 1, 1, 0, 0});
  for (size_t d = 2; d < rank; ++d) inner.add(t.input.size(d), {is[d], os[d], 0, 0, 0, 0});
  kernels::dispatch_floating(t.input.scalar_type(),
                             [&](auto tag) { normalize_rows<typename decltype(tag)::type>(t, outer, inner, eps); });
}

void batch_norm_no_training_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::_native_batch_norm_legit_no_training.out";
  Tensor input;
  Tensor weight;
  Tensor bias;
  Tensor mean;
  Tensor var;
  Tensor out;
  Tensor save_mean;
  Tensor save_invstd;
  double momentum = 0;
  double eps = 0;
  if (!kernels::check_arg_count(ctx, args, 13, op) || !kernels::tensor_arg(ctx, args, 0, op, "input", &input) ||
      !kernels::check_floating(ctx, op, "input", input)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, input.dim() >= 2, Error::InvalidArgument, "%s: input: rank %zu, expected at least 2", op,
                     input.dim());
  const SizesType c_shape[1] = {input.size(1)};
  const ArrayRef<SizesType> per_channel(c_shape, 1);
  if (!affine_arg(ctx, args, 1, op, "weight", input, per_channel, &weight) ||
      !affine_arg(ctx, args, 2, op, "bias", input, per_channel, &bias) ||
      !kernels::tensor_arg(ctx, args, 3, op, "running_mean", &mean) ||
      !affine_arg(ctx, args, 3, op, "running_mean", input, per_channel, &mean) ||
      !kernels::tensor_arg(ctx, args, 4, op, "running_var", &var) ||
      !affine_arg(ctx, args, 4, op, "running_var", input, per_channel, &var) ||
      !kernels::double_arg(ctx, args, 5, op, "momentum", &momentum) ||
      !kernels::double_arg(ctx, args, 6, op, "eps", &eps) || !kernels::tensor_arg(ctx, args, 7, op, "out", &out) ||
      !kernels::tensor_arg(ctx, args, 8, op, "save_mean", &save_mean) ||
      !kernels::tensor_arg(ctx, args, 9, op, "save_invstd", &save_invstd) ||
      !kernels::check_dtype(ctx, op, "out", out, input.scalar_type()) ||
      !kernels::resize_out(ctx, op, out, input.sizes())) {
    return;
  }
  const SizesType empty[1] = {0};
  if (!kernels::resize_out(ctx, op, save_mean, ArrayRef<SizesType>(empty, 1)) ||
      !kernels::resize_out(ctx, op, save_invstd, ArrayRef<SizesType>(empty, 1))) {
    return;
  }
  int64_t is[kTensorDimensionLimit];
  int64_t os[kTensorDimensionLimit];
  kernels::element_strides(input, is);
  kernels::element_strides(out, os);
  // Outer: channels (operand 2 indexes the per-channel tensors); inner: the rest.
  kernels::Walk<3> channel;
  kernels::Walk<3> rest;
  channel.add(input.size(1), {is[1], os[1], 1});
  for (size_t d = 0; d < input.dim(); ++d) {
    if (d != 1) rest.add(input.size(d), {is[d], os[d], 0});
  }
  kernels::dispatch_floating(input.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* in = input.const_data_ptr<T>();
    T* o = out.mutable_data_ptr<T>();
    const T* w = weight.impl() != nullptr ? weight.const_data_ptr<T>() : nullptr;
    const T* b = bias.impl() != nullptr ? bias.const_data_ptr<T>() : nullptr;
    const T* m = mean.const_data_ptr<T>();
    const T* v = var.const_data_ptr<T>();
    const int64_t base[3] = {0, 0, 0};
    kernels::for_each_offset(channel, base, [&](const int64_t* c) {
      const int64_t ch = c[2];
      const double invstd = 1.0 / std::sqrt(static_cast<double>(v[ch]) + eps);
      const double scale = invstd * (w != nullptr ? static_cast<double>(w[ch]) : 1.0);
      const double shift = (b != nullptr ? static_cast<double>(b[ch]) : 0.0) - static_cast<double>(m[ch]) * scale;
      kernels::for_each_offset(
          rest, c, [&](const int64_t* p) { o[p[1]] = static_cast<T>(static_cast<double>(in[p[0]]) * scale + shift); });
    });
  });
}

}  // namespace ember::portable
