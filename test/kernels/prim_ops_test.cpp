// Prim ops with hand-computed values (Python semantics).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "test/kernels/kernel_test_util.h"
#include "test/support/evalue_list.h"
#include "test/support/tensor_factory.h"

namespace ember::test {
namespace {

std::string op_name(const char* short_name) { return std::string("executorch_prim::") + short_name + ".Scalar"; }

// Runs a binary scalar op and returns the out EValue (None on failure).
EValue bin(const char* name, EValue a, EValue b, KernelResult* result = nullptr) {
  EValue out;
  KernelResult r = run_kernel(op_name(name).c_str(), {&a, &b, &out});
  if (result != nullptr) *result = r;
  EXPECT_TRUE(result != nullptr || r.ok()) << name << ": " << r.message;
  return out;
}

EValue un(const char* name, EValue a, KernelResult* result = nullptr) {
  EValue out;
  KernelResult r = run_kernel(op_name(name).c_str(), {&a, &out});
  if (result != nullptr) *result = r;
  EXPECT_TRUE(result != nullptr || r.ok()) << name << ": " << r.message;
  return out;
}

#define EXPECT_INT(v, expected)     \
  do {                              \
    EValue v_ = (v);                \
    ASSERT_TRUE(v_.is_int());       \
    EXPECT_EQ(v_.to_int(), (expected)); \
  } while (0)
#define EXPECT_DOUBLE(v, expected)        \
  do {                                    \
    EValue v_ = (v);                      \
    ASSERT_TRUE(v_.is_double());          \
    EXPECT_DOUBLE_EQ(v_.to_double(), (expected)); \
  } while (0)
#define EXPECT_BOOL(v, expected)      \
  do {                                \
    EValue v_ = (v);                  \
    ASSERT_TRUE(v_.is_bool());        \
    EXPECT_EQ(v_.to_bool(), (expected)); \
  } while (0)

EValue I(int64_t v) { return EValue(v); }
EValue D(double v) { return EValue(v); }
EValue B(bool v) { return EValue(v); }

TEST(PrimScalar, Arithmetic) {
  EXPECT_INT(bin("add", I(3), I(4)), 7);
  EXPECT_DOUBLE(bin("add", I(3), D(0.5)), 3.5);
  EXPECT_INT(bin("sub", I(3), I(10)), -7);
  EXPECT_DOUBLE(bin("sub", D(1.5), D(0.25)), 1.25);
  EXPECT_INT(bin("mul", I(-6), I(7)), -42);
  EXPECT_DOUBLE(bin("mul", D(2.5), I(4)), 10.0);
  EXPECT_INT(bin("add", I(std::numeric_limits<int64_t>::max()), I(1)), std::numeric_limits<int64_t>::min());
}

TEST(PrimScalar, FloorDivModAndTrueDiv) {
  EXPECT_INT(bin("floordiv", I(7), I(2)), 3);
  EXPECT_INT(bin("floordiv", I(-7), I(2)), -4);
  EXPECT_INT(bin("floordiv", I(7), I(-2)), -4);
  EXPECT_INT(bin("floordiv", I(-7), I(-2)), 3);
  EXPECT_INT(bin("floordiv", I(-6), I(3)), -2);
  EXPECT_DOUBLE(bin("floordiv", D(-7.5), I(2)), -4.0);
  EXPECT_DOUBLE(bin("floordiv", D(7.5), D(-2.0)), -4.0);
  EXPECT_INT(bin("mod", I(7), I(3)), 1);
  EXPECT_INT(bin("mod", I(-7), I(3)), 2);
  EXPECT_INT(bin("mod", I(7), I(-3)), -2);
  EXPECT_INT(bin("mod", I(-7), I(-3)), -1);
  EXPECT_INT(bin("mod", I(std::numeric_limits<int64_t>::min()), I(-1)), 0);
  EXPECT_DOUBLE(bin("mod", D(-7.5), I(2)), 0.5);
  EXPECT_DOUBLE(bin("mod", D(7.5), D(-2.0)), -0.5);
  EXPECT_DOUBLE(bin("truediv", I(7), I(2)), 3.5);
  EXPECT_DOUBLE(bin("truediv", I(-1), D(4.0)), -0.25);

  KernelResult r;
  bin("floordiv", I(1), I(0), &r);
  EXPECT_KERNEL_FAILS(r, "executorch_prim::floordiv.Scalar", "zero");
  bin("floordiv", D(1.0), D(0.0), &r);
  EXPECT_KERNEL_FAILS(r, "executorch_prim::floordiv.Scalar", "zero");
  bin("mod", I(5), I(0), &r);
  EXPECT_KERNEL_FAILS(r, "executorch_prim::mod.Scalar", "zero");
  bin("truediv", I(5), I(0), &r);
  EXPECT_KERNEL_FAILS(r, "executorch_prim::truediv.Scalar", "zero");
  bin("floordiv", I(std::numeric_limits<int64_t>::min()), I(-1), &r);
  EXPECT_KERNEL_FAILS(r, "executorch_prim::floordiv.Scalar", "overflows");
}

TEST(PrimScalar, Comparisons) {
  EXPECT_BOOL(bin("eq", I(3), I(3)), true);
  EXPECT_BOOL(bin("eq", I(3), D(3.0)), true);
  EXPECT_BOOL(bin("eq", I(3), D(3.5)), false);
  EXPECT_BOOL(bin("eq", B(true), B(true)), true);
  EXPECT_BOOL(bin("gt", I(4), I(3)), true);
  EXPECT_BOOL(bin("gt", D(2.5), I(3)), false);
  EXPECT_BOOL(bin("lt", I(-1), I(0)), true);
  EXPECT_BOOL(bin("lt", D(0.5), D(0.5)), false);
  EXPECT_BOOL(bin("ge", I(5), D(5.0)), true);
  EXPECT_BOOL(bin("ge", I(4), I(5)), false);
  EXPECT_BOOL(bin("le", I(5), I(5)), true);
  EXPECT_BOOL(bin("le", D(5.1), I(5)), false);
  // 2^53 + 1 is not a double: compared exactly.
  EXPECT_BOOL(bin("eq", I((int64_t{1} << 53) + 1), D(9007199254740992.0)), false);
}

TEST(PrimScalar, UnaryOps) {
  EXPECT_INT(un("neg", I(5)), -5);
  EXPECT_DOUBLE(un("neg", D(-2.5)), 2.5);
  EXPECT_INT(un("ceil", D(2.1)), 3);
  EXPECT_INT(un("ceil", D(-2.9)), -2);
  EXPECT_INT(un("ceil", I(7)), 7);
  EXPECT_INT(un("round", D(2.5)), 2);
  EXPECT_INT(un("round", D(3.5)), 4);
  EXPECT_INT(un("round", D(-2.5)), -2);
  EXPECT_INT(un("round", D(2.6)), 3);
  EXPECT_INT(un("trunc", D(-2.9)), -2);
  EXPECT_INT(un("trunc", D(2.9)), 2);
  EXPECT_DOUBLE(un("sym_float", I(3)), 3.0);
  EXPECT_DOUBLE(un("sym_float", D(1.25)), 1.25);
  EXPECT_INT(un("sym_int", D(-3.7)), -3);
  EXPECT_INT(un("sym_int", I(9)), 9);
  EXPECT_BOOL(un("sym_not", B(true)), false);
  EXPECT_BOOL(un("sym_not", B(false)), true);

  KernelResult r;
  un("ceil", D(std::numeric_limits<double>::infinity()), &r);
  EXPECT_KERNEL_FAILS(r, "executorch_prim::ceil.Scalar", "Int");
  un("sym_int", D(std::nan("")), &r);
  EXPECT_KERNEL_FAILS(r, "executorch_prim::sym_int.Scalar", "Int");
  un("sym_not", I(1), &r);
  EXPECT_KERNEL_FAILS(r, "executorch_prim::sym_not.Scalar", "Bool");
}

TEST(PrimScalar, MaxMinIte) {
  EXPECT_INT(bin("sym_max", I(3), I(-4)), 3);
  EXPECT_INT(bin("sym_min", I(3), I(-4)), -4);
  EXPECT_DOUBLE(bin("sym_max", I(3), D(3.5)), 3.5);
  EXPECT_DOUBLE(bin("sym_min", D(-1.5), I(2)), -1.5);
  EValue c(true), t(int64_t{10}), f(2.5), out;
  ASSERT_TRUE(run_kernel("executorch_prim::sym_ite.Scalar", {&c, &t, &f, &out}).ok());
  EXPECT_INT(out, 10);
  c = EValue(false);
  ASSERT_TRUE(run_kernel("executorch_prim::sym_ite.Scalar", {&c, &t, &f, &out}).ok());
  EXPECT_DOUBLE(out, 2.5);
}

TEST(PrimScalar, BadArguments) {
  auto t = TensorFactory::make<float>({1}, {1.0f});
  EValue vt(t.tensor()), b(int64_t{1}), out;
  KernelResult r = run_kernel("executorch_prim::add.Scalar", {&vt, &b, &out});
  EXPECT_KERNEL_FAILS(r, "executorch_prim::add.Scalar", "a");
  r = run_kernel("executorch_prim::add.Scalar", {&b, &out});
  EXPECT_KERNEL_FAILS(r, "executorch_prim::add.Scalar", "arguments");
}

TEST(PrimTensor, SymSizeNumelLocalScalar) {
  auto t = TensorFactory::make<float>({2, 5, 3});
  EValue vt(t.tensor()), dim(int64_t{1}), out;
  ASSERT_TRUE(run_kernel("aten::sym_size.int", {&vt, &dim, &out}).ok());
  EXPECT_INT(out, 5);
  dim = EValue(int64_t{-1});
  ASSERT_TRUE(run_kernel("aten::sym_size.int", {&vt, &dim, &out}).ok());
  EXPECT_INT(out, 3);
  dim = EValue(int64_t{3});
  EXPECT_KERNEL_FAILS(run_kernel("aten::sym_size.int", {&vt, &dim, &out}), "aten::sym_size.int", "dim");
  EXPECT_KERNEL_FAILS(run_kernel("aten::sym_size.int", {&dim, &dim, &out}), "aten::sym_size.int", "self");
  ASSERT_TRUE(run_kernel("aten::sym_numel", {&vt, &out}).ok());
  EXPECT_INT(out, 30);

  auto l = TensorFactory::make<int64_t>({1, 1}, {-12});
  EValue vl(l.tensor());
  ASSERT_TRUE(run_kernel("aten::_local_scalar_dense", {&vl, &out}).ok());
  EXPECT_INT(out, -12);
  auto d = TensorFactory::make<float>({}, {0.25f});
  EValue vd(d.tensor());
  ASSERT_TRUE(run_kernel("aten::_local_scalar_dense", {&vd, &out}).ok());
  EXPECT_DOUBLE(out, 0.25);
  auto bt = TensorFactory::make<bool>({1}, {true});
  EValue vb(bt.tensor());
  ASSERT_TRUE(run_kernel("aten::_local_scalar_dense", {&vb, &out}).ok());
  EXPECT_BOOL(out, true);
  EXPECT_KERNEL_FAILS(run_kernel("aten::_local_scalar_dense", {&vt, &out}), "aten::_local_scalar_dense", "one element");
}

TEST(PrimTensor, EtView) {
  auto self = TensorFactory::make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  // A dynamic out whose own buffer is never used: et_view points it at self.
  auto out = TensorFactory::dynamic_bound(ScalarType::Float, {6, 1});
  OwnedIntList size({-1, 2});
  EValue vs(self.tensor()), vsize(size.evalue()), vo(out.tensor());
  ASSERT_TRUE(run_kernel("executorch_prim::et_view.default", {&vs, &vsize, &vo}).ok());
  EXPECT_EQ(out.sizes(), (std::vector<SizesType>{3, 2}));
  EXPECT_EQ(out.tensor().const_data_ptr(), self.tensor().const_data_ptr());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{1, 2, 3, 4, 5, 6}));

  OwnedIntList bad({4, 2});
  EValue vbad(bad.evalue());
  EXPECT_KERNEL_FAILS(run_kernel("executorch_prim::et_view.default", {&vs, &vbad, &vo}),
                      "executorch_prim::et_view.default", "size: 8 elements requested, self has 6");
  OwnedIntList rank3({1, 2, 3});
  EValue vr3(rank3.evalue());
  EXPECT_KERNEL_FAILS(run_kernel("executorch_prim::et_view.default", {&vs, &vr3, &vo}),
                      "executorch_prim::et_view.default", "rank");
}

TEST(PrimTensor, EtCopyIndex) {
  // Bound of 4 rows of 2, currently 1 row.
  auto to = TensorFactory::dynamic_bound(ScalarType::Int, {4, 2});
  const SizesType one_row[] = {1, 2};
  ASSERT_EQ(to.impl()->resize(one_row), Error::Ok);
  auto row0 = TensorFactory::make<int32_t>({2}, {1, 2});
  auto row2 = TensorFactory::make<int32_t>({2}, {5, 6});
  EValue vto(to.tensor()), v0(row0.tensor()), v2(row2.tensor()), i0(int64_t{0}), i2(int64_t{2}), i4(int64_t{4});
  ASSERT_TRUE(run_kernel("executorch_prim::et_copy_index.tensor", {&vto, &v0, &i0}).ok());
  EXPECT_EQ(to.sizes(), (std::vector<SizesType>{1, 2}));
  ASSERT_TRUE(run_kernel("executorch_prim::et_copy_index.tensor", {&vto, &v2, &i2}).ok());
  EXPECT_EQ(to.sizes(), (std::vector<SizesType>{3, 2}));
  auto v = to.to_vector<int32_t>();
  EXPECT_EQ(v[0], 1);
  EXPECT_EQ(v[1], 2);
  EXPECT_EQ(v[4], 5);
  EXPECT_EQ(v[5], 6);
  // Index 4 needs 5 rows: beyond the bound.
  EXPECT_KERNEL_FAILS(run_kernel("executorch_prim::et_copy_index.tensor", {&vto, &v2, &i4}),
                      "executorch_prim::et_copy_index.tensor", "copy_to");
  auto wrong = TensorFactory::make<int32_t>({3}, {1, 2, 3});
  EValue vw(wrong.tensor());
  EXPECT_KERNEL_FAILS(run_kernel("executorch_prim::et_copy_index.tensor", {&vto, &vw, &i0}),
                      "executorch_prim::et_copy_index.tensor", "copy_from");
  EValue neg(int64_t{-1});
  EXPECT_KERNEL_FAILS(run_kernel("executorch_prim::et_copy_index.tensor", {&vto, &v0, &neg}),
                      "executorch_prim::et_copy_index.tensor", "index");
}

}  // namespace
}  // namespace ember::test
