#include "kernels/prim/register_prim_ops.h"

#include "kernels/prim/prim_ops.h"

namespace ember {
namespace {

constexpr uint32_t kAny = Kernel::kAnyDimOrder;

// et_view and et_copy_index address raw rows, so they are contiguous-only;
// the rest never touch tensor data layout.
const Kernel kPrimOps[] = {
    {"aten::sym_size.int", prim::sym_size_int, kAny, nullptr, 0},
    {"aten::sym_numel", prim::sym_numel, kAny, nullptr, 0},
    {"aten::_local_scalar_dense", prim::local_scalar_dense, kAny, nullptr, 0},
    {"executorch_prim::et_view.default", prim::et_view, 0, nullptr, 0},
    {"executorch_prim::et_copy_index.tensor", prim::et_copy_index, 0, nullptr, 0},
    {"executorch_prim::add.Scalar", prim::add, kAny, nullptr, 0},
    {"executorch_prim::sub.Scalar", prim::sub, kAny, nullptr, 0},
    {"executorch_prim::mul.Scalar", prim::mul, kAny, nullptr, 0},
    {"executorch_prim::floordiv.Scalar", prim::floordiv, kAny, nullptr, 0},
    {"executorch_prim::truediv.Scalar", prim::truediv, kAny, nullptr, 0},
    {"executorch_prim::mod.Scalar", prim::mod, kAny, nullptr, 0},
    {"executorch_prim::eq.Scalar", prim::eq, kAny, nullptr, 0},
    {"executorch_prim::gt.Scalar", prim::gt, kAny, nullptr, 0},
    {"executorch_prim::lt.Scalar", prim::lt, kAny, nullptr, 0},
    {"executorch_prim::ge.Scalar", prim::ge, kAny, nullptr, 0},
    {"executorch_prim::le.Scalar", prim::le, kAny, nullptr, 0},
    {"executorch_prim::neg.Scalar", prim::neg, kAny, nullptr, 0},
    {"executorch_prim::ceil.Scalar", prim::ceil, kAny, nullptr, 0},
    {"executorch_prim::round.Scalar", prim::round, kAny, nullptr, 0},
    {"executorch_prim::trunc.Scalar", prim::trunc, kAny, nullptr, 0},
    {"executorch_prim::sym_float.Scalar", prim::sym_float, kAny, nullptr, 0},
    {"executorch_prim::sym_int.Scalar", prim::sym_int, kAny, nullptr, 0},
    {"executorch_prim::sym_max.Scalar", prim::sym_max, kAny, nullptr, 0},
    {"executorch_prim::sym_min.Scalar", prim::sym_min, kAny, nullptr, 0},
    {"executorch_prim::sym_not.Scalar", prim::sym_not, kAny, nullptr, 0},
    {"executorch_prim::sym_ite.Scalar", prim::sym_ite, kAny, nullptr, 0},
};

}  // namespace

Error register_prim_ops(KernelRegistry& registry) { return registry.register_kernels(kPrimOps); }

}  // namespace ember
