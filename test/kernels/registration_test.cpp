// register_portable_kernels / register_prim_ops into a fresh registry.
#include <gtest/gtest.h>

#include <iterator>
#include <memory>

#include "kernels/portable/register_portable_kernels.h"
#include "kernels/prim/register_prim_ops.h"
#include "runtime/kernel/kernel_registry.h"

namespace ember {
namespace {

const char* const kPortableNames[] = {
    "aten::add.out",        "aten::add.Scalar_out", "aten::sub.out",
    "aten::sub.Scalar_out", "aten::mul.out",        "aten::mul.Scalar_out",
    "aten::div.out",        "aten::div.Scalar_out", "aten::relu.out",
    "aten::clone.out",      "aten::_to_copy.out",   "dim_order_ops::_to_dim_order_copy.out",
    "dim_order_ops::_clone_dim_order.out",          "aten::view_copy.out",
};

const char* const kPrimNames[] = {
    "aten::sym_size.int",
    "aten::sym_numel",
    "aten::_local_scalar_dense",
    "executorch_prim::et_view.default",
    "executorch_prim::et_copy_index.tensor",
    "executorch_prim::add.Scalar",
    "executorch_prim::sub.Scalar",
    "executorch_prim::mul.Scalar",
    "executorch_prim::floordiv.Scalar",
    "executorch_prim::truediv.Scalar",
    "executorch_prim::mod.Scalar",
    "executorch_prim::eq.Scalar",
    "executorch_prim::gt.Scalar",
    "executorch_prim::lt.Scalar",
    "executorch_prim::ge.Scalar",
    "executorch_prim::le.Scalar",
    "executorch_prim::neg.Scalar",
    "executorch_prim::ceil.Scalar",
    "executorch_prim::round.Scalar",
    "executorch_prim::trunc.Scalar",
    "executorch_prim::sym_float.Scalar",
    "executorch_prim::sym_int.Scalar",
    "executorch_prim::sym_max.Scalar",
    "executorch_prim::sym_min.Scalar",
    "executorch_prim::sym_not.Scalar",
    "executorch_prim::sym_ite.Scalar",
};

TEST(Registration, FreshRegistryFindsEveryName) {
  auto registry = std::make_unique<KernelRegistry>();
  ASSERT_EQ(register_portable_kernels(*registry), Error::Ok);
  ASSERT_EQ(register_prim_ops(*registry), Error::Ok);
  // At least these: each kernel area lists and checks its own names (kernel_list_test).
  EXPECT_GE(registry->size(), std::size(kPortableNames) + std::size(kPrimNames));
  for (const char* name : kPortableNames) {
    EXPECT_TRUE(registry->has_operator(name)) << name;
    EXPECT_TRUE(registry->find(name, {}).ok()) << name;
  }
  for (const char* name : kPrimNames) {
    EXPECT_TRUE(registry->has_operator(name)) << name;
    EXPECT_TRUE(registry->find(name, {}).ok()) << name;
  }
  EXPECT_FALSE(registry->find("aten::add.not_an_overload", {}).ok());
}

TEST(Registration, TwiceIsANoOp) {
  auto registry = std::make_unique<KernelRegistry>();
  ASSERT_EQ(register_portable_kernels(*registry), Error::Ok);
  ASSERT_EQ(register_prim_ops(*registry), Error::Ok);
  const size_t n = registry->size();
  EXPECT_EQ(register_portable_kernels(*registry), Error::Ok);
  EXPECT_EQ(register_prim_ops(*registry), Error::Ok);
  EXPECT_EQ(registry->size(), n);
}

TEST(Registration, DimOrderKeys) {
  auto registry = std::make_unique<KernelRegistry>();
  ASSERT_EQ(register_portable_kernels(*registry), Error::Ok);
  ASSERT_EQ(register_prim_ops(*registry), Error::Ok);
  const TensorMeta channels_last[] = {{ScalarType::Float, false}, {ScalarType::Float, false}};
  const TensorMeta contiguous[] = {{ScalarType::Float, true}, {ScalarType::Float, true}};
  // view_copy is contiguous-only: refused for a channels-last tensor.
  Result<OpFunction> view = registry->find("aten::view_copy.out", channels_last);
  EXPECT_EQ(view.error(), Error::OperatorMissing);
  EXPECT_TRUE(registry->find("aten::view_copy.out", contiguous).ok());
  // Elementwise and copy kernels handle any dim order.
  EXPECT_TRUE(registry->find("aten::add.out", channels_last).ok());
  EXPECT_TRUE(registry->find("dim_order_ops::_to_dim_order_copy.out", channels_last).ok());
  EXPECT_EQ(registry->find("executorch_prim::et_view.default", channels_last).error(), Error::OperatorMissing);
}

}  // namespace
}  // namespace ember
