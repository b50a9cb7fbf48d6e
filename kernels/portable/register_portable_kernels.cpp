#include "kernels/portable/register_portable_kernels.h"

#include "kernels/portable/cpu/gemm_ops.h"
#include "kernels/portable/cpu/math_ops.h"
#include "kernels/portable/cpu/portable_ops.h"
#include "kernels/portable/cpu/shape_ops.h"

namespace ember {
namespace {

// Every kernel here checks dtypes itself, so all are fallbacks (no dtype key).
// kAnyDimOrder marks the kernels that compute through each tensor's own
// layout; the others are only selected for contiguous tensors.
constexpr uint32_t kAny = Kernel::kAnyDimOrder;

const Kernel kPortableKernels[] = {
    {"aten::add.out", portable::add_out, kAny, nullptr, 0},
    {"aten::add.Scalar_out", portable::add_scalar_out, kAny, nullptr, 0},
    {"aten::sub.out", portable::sub_out, kAny, nullptr, 0},
    {"aten::sub.Scalar_out", portable::sub_scalar_out, kAny, nullptr, 0},
    {"aten::mul.out", portable::mul_out, kAny, nullptr, 0},
    {"aten::mul.Scalar_out", portable::mul_scalar_out, kAny, nullptr, 0},
    {"aten::div.out", portable::div_out, kAny, nullptr, 0},
    {"aten::div.Scalar_out", portable::div_scalar_out, kAny, nullptr, 0},
    {"aten::relu.out", portable::relu_out, kAny, nullptr, 0},
    {"aten::clone.out", portable::clone_out, kAny, nullptr, 0},
    {"aten::_to_copy.out", portable::to_copy_out, kAny, nullptr, 0},
    {"dim_order_ops::_to_dim_order_copy.out", portable::to_dim_order_copy_out, kAny, nullptr, 0},
    {"dim_order_ops::_clone_dim_order.out", portable::clone_dim_order_out, kAny, nullptr, 0},
    {"aten::view_copy.out", portable::view_copy_out, 0, nullptr, 0},
};

}  // namespace

Error register_portable_kernels(KernelRegistry& registry) {
  EMBER_TRY(registry.register_kernels(kPortableKernels));
  EMBER_TRY(portable::register_gemm_kernels(registry));
  EMBER_TRY(portable::register_math_kernels(registry));
  EMBER_TRY(registry.register_kernels(portable::shape_kernels()));
  return Error::Ok;
}

}  // namespace ember
