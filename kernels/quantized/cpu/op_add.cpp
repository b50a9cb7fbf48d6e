// quantized_decomposed::add.out: dequantize a and b with their own qparams,
// add in float, requantize with out's qparams (ExecuTorch's quantized add).
#include <cinttypes>
#include <cstdio>

#include "kernels/portable/util/kernel_args.h"
#include "kernels/quantized/cpu/quant_util.h"
#include "kernels/quantized/cpu/quantized_ops.h"

namespace ember::quantized {
namespace {

// ExecuTorch's add.out takes the integer dtypes including Long.
template <typename F>
bool dispatch_add_int(ScalarType t, F&& f) {
  if (t == ScalarType::Long) {
    f(TypeTag<int64_t>{});
    return true;
  }
  return t != ScalarType::Bits16 && t != ScalarType::UInt16 && dispatch_quant_int(t, static_cast<F&&>(f));
}

struct QArgs {
  double scale = 0;
  int64_t zero_point = 0;
  int64_t quant_min = 0;
  int64_t quant_max = 0;
};

bool read_qargs(KernelRuntimeContext& ctx, Span<EValue*> args, size_t first, const char* op, const char* prefix,
                QArgs* q) {
  char scale[32], zp[32], qmin[32], qmax[32];
  std::snprintf(scale, sizeof(scale), "%s_scale", prefix);
  std::snprintf(zp, sizeof(zp), "%s_zero_point", prefix);
  std::snprintf(qmin, sizeof(qmin), "%s_quant_min", prefix);
  std::snprintf(qmax, sizeof(qmax), "%s_quant_max", prefix);
  if (!kernels::double_arg(ctx, args, first, op, scale, &q->scale) || !int_arg(ctx, args, first + 1, op, zp, &q->zero_point) ||
      !int_arg(ctx, args, first + 2, op, qmin, &q->quant_min) ||
      !int_arg(ctx, args, first + 3, op, qmax, &q->quant_max)) {
    return false;
  }
  // ExecuTorch requires each range inside [0, 255] (uint8 parity with fbgemm).
  EMBER_QUANT_CHECK(ctx, q->quant_min >= 0 && q->quant_max <= 255 && q->quant_min <= q->quant_max,
                    "%s: %s/%s: [%" PRId64 ", %" PRId64 "] is not an ordered range inside [0, 255]", op, qmin, qmax,
                    q->quant_min, q->quant_max);
  return true;
}

}  // namespace

void add_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  const char* op = "quantized_decomposed::add.out";
  Tensor a, b, out;
  QArgs qa, qb, qo;
  if (!kernels::check_arg_count(ctx, args, 16, op) || !kernels::tensor_arg(ctx, args, 0, op, "a", &a) ||
      !kernels::tensor_arg(ctx, args, 5, op, "b", &b) || !kernels::tensor_arg(ctx, args, 14, op, "out", &out)) {
    return;
  }
  // out_scale, out_zero_point, out_quant_min, out_quant_max start at 10.
  if (!read_qargs(ctx, args, 1, op, "a", &qa) || !read_qargs(ctx, args, 6, op, "b", &qb) ||
      !read_qargs(ctx, args, 10, op, "out", &qo)) {
    return;
  }
  EMBER_KERNEL_CHECK(ctx, a.scalar_type() == b.scalar_type() && a.scalar_type() == out.scalar_type(),
                     Error::InvalidArgument, "%s: a, b and out must share a dtype (%s, %s, %s)", op,
                     scalar_type_name(a.scalar_type()), scalar_type_name(b.scalar_type()),
                     scalar_type_name(out.scalar_type()));
  bool same_shape = a.dim() == b.dim();
  for (size_t d = 0; same_shape && d < a.dim(); ++d) same_shape = a.size(d) == b.size(d);
  EMBER_KERNEL_CHECK(ctx, same_shape, Error::InvalidArgument, "%s: b: shape differs from a's (no broadcasting)", op);
  if (!check_same_dim_order(ctx, op, "b", a, b) || !kernels::resize_out(ctx, op, out, a.sizes()) ||
      !check_same_dim_order(ctx, op, "out", a, out)) {
    return;
  }
  // fbgemm parity: scales as float, zero points as int32.
  const float a_scale = static_cast<float>(qa.scale), b_scale = static_cast<float>(qb.scale);
  const float out_inv_scale = inverse_scale(static_cast<float>(qo.scale));
  const int32_t a_zp = static_cast<int32_t>(qa.zero_point), b_zp = static_cast<int32_t>(qb.zero_point);
  const int32_t out_zp = static_cast<int32_t>(qo.zero_point);
  const bool known = dispatch_add_int(a.scalar_type(), [&](auto tag) {
    using Q = typename decltype(tag)::type;
    const Q* pa = a.const_data_ptr<Q>();
    const Q* pb = b.const_data_ptr<Q>();
    Q* po = out.mutable_data_ptr<Q>();
    const size_t n = a.numel();
    for (size_t i = 0; i < n; ++i) {
      // (q - zp) * scale in double, narrowed to float, as ExecuTorch's dequantize_val.
      const float da = static_cast<float>(static_cast<double>(static_cast<int64_t>(pa[i]) - a_zp) * a_scale);
      const float db = static_cast<float>(static_cast<double>(static_cast<int64_t>(pb[i]) - b_zp) * b_scale);
      po[i] = quantize_val<Q>(out_inv_scale, out_zp, da + db, qo.quant_min, qo.quant_max);
    }
  });
  EMBER_KERNEL_CHECK(ctx, known, Error::InvalidArgument, "%s: a: dtype %s is not an integer dtype", op,
                     scalar_type_name(a.scalar_type()));
}

}  // namespace ember::quantized
