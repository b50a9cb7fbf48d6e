// The math kernel table. Every kernel checks dtypes itself (no dtype key)
// and computes through each tensor's own dim order (kAnyDimOrder) except
// the ones marked contiguous-only below.
#include "kernels/portable/cpu/math_ops.h"

namespace ember::portable {
namespace {

constexpr uint32_t kAny = Kernel::kAnyDimOrder;

const Kernel kMathKernels[] = {
    {"aten::neg.out", neg_out, kAny, nullptr, 0},
    {"aten::abs.out", abs_out, kAny, nullptr, 0},
    {"aten::exp.out", exp_out, kAny, nullptr, 0},
    {"aten::log.out", log_out, kAny, nullptr, 0},
    {"aten::sqrt.out", sqrt_out, kAny, nullptr, 0},
    {"aten::rsqrt.out", rsqrt_out, kAny, nullptr, 0},
    {"aten::reciprocal.out", reciprocal_out, kAny, nullptr, 0},
    {"aten::erf.out", erf_out, kAny, nullptr, 0},
    {"aten::sigmoid.out", sigmoid_out, kAny, nullptr, 0},
    {"aten::tanh.out", tanh_out, kAny, nullptr, 0},
    {"aten::logical_not.out", logical_not_out, kAny, nullptr, 0},
    {"aten::hardtanh.out", hardtanh_out, kAny, nullptr, 0},
    {"aten::clamp.out", clamp_out, kAny, nullptr, 0},
    {"aten::gelu.out", gelu_out, kAny, nullptr, 0},
    {"aten::leaky_relu.out", leaky_relu_out, kAny, nullptr, 0},
    {"aten::elu.out", elu_out, kAny, nullptr, 0},
    {"aten::div.out_mode", div_out_mode, kAny, nullptr, 0},
    {"aten::rsub.Scalar_out", rsub_scalar_out, kAny, nullptr, 0},
    {"aten::pow.Tensor_Scalar_out", pow_tensor_scalar_out, kAny, nullptr, 0},
    {"aten::pow.Tensor_Tensor_out", pow_tensor_tensor_out, kAny, nullptr, 0},
    {"aten::eq.Scalar_out", eq_scalar_out, kAny, nullptr, 0},
    {"aten::eq.Tensor_out", eq_tensor_out, kAny, nullptr, 0},
    {"aten::ne.Scalar_out", ne_scalar_out, kAny, nullptr, 0},
    {"aten::ne.Tensor_out", ne_tensor_out, kAny, nullptr, 0},
    {"aten::lt.Scalar_out", lt_scalar_out, kAny, nullptr, 0},
    {"aten::lt.Tensor_out", lt_tensor_out, kAny, nullptr, 0},
    {"aten::le.Scalar_out", le_scalar_out, kAny, nullptr, 0},
    {"aten::le.Tensor_out", le_tensor_out, kAny, nullptr, 0},
    {"aten::gt.Scalar_out", gt_scalar_out, kAny, nullptr, 0},
    {"aten::gt.Tensor_out", gt_tensor_out, kAny, nullptr, 0},
    {"aten::ge.Scalar_out", ge_scalar_out, kAny, nullptr, 0},
    {"aten::ge.Tensor_out", ge_tensor_out, kAny, nullptr, 0},
    {"aten::logical_and.out", logical_and_out, kAny, nullptr, 0},
    {"aten::where.self_out", where_self_out, kAny, nullptr, 0},
    {"aten::masked_fill.Scalar_out", masked_fill_scalar_out, kAny, nullptr, 0},
    {"aten::full.out", full_out, kAny, nullptr, 0},
    {"aten::full_like.out", full_like_out, kAny, nullptr, 0},
    {"aten::zeros.out", zeros_out, kAny, nullptr, 0},
    {"aten::ones.out", ones_out, kAny, nullptr, 0},
    {"aten::arange.start_out", arange_start_out, kAny, nullptr, 0},
    {"aten::sum.IntList_out", sum_intlist_out, kAny, nullptr, 0},
    {"aten::mean.out", mean_out, kAny, nullptr, 0},
    {"aten::amax.out", amax_out, kAny, nullptr, 0},
    {"aten::amin.out", amin_out, kAny, nullptr, 0},
    {"aten::argmax.out", argmax_out, kAny, nullptr, 0},
    {"aten::_softmax.out", softmax_out, kAny, nullptr, 0},
    {"aten::_log_softmax.out", log_softmax_out, kAny, nullptr, 0},
    {"aten::cumsum.out", cumsum_out, kAny, nullptr, 0},
    {"aten::native_layer_norm.out", native_layer_norm_out, kAny, nullptr, 0},
    {"aten::_native_batch_norm_legit_no_training.out", batch_norm_no_training_out, kAny, nullptr, 0},
    {"aten::native_group_norm.out", native_group_norm_out, kAny, nullptr, 0},
};

}  // namespace

Error register_math_kernels(KernelRegistry& registry) { return registry.register_kernels(kMathKernels); }

}  // namespace ember::portable
