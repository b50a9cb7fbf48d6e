// Module and HostValue on the real ExecuTorch fixtures: loading in both modes
// and from memory, running methods, outputs that survive later runs, scalar
// outputs, and the errors a host sees.
#include "runtime/module/module.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "test/support/fixtures.h"

namespace ember {
namespace {

HostValue floats(std::vector<int32_t> sizes, std::vector<float> v) {
  return HostValue::from_tensor(HostTensor::from<float>(std::move(sizes), v));
}

std::vector<float> as_floats(const HostValue& v) {
  EXPECT_EQ(v.tag, Tag::Tensor);
  EXPECT_EQ(v.tensor.dtype, ScalarType::Float);
  const float* p = v.tensor.data_as<float>();
  return std::vector<float>(p, p + v.tensor.numel());
}

TEST(HostValue, NumelAndCopyOf) {
  EXPECT_EQ(HostTensor::from<float>({2, 3}, std::vector<float>(6)).numel(), 6u);
  EXPECT_EQ(HostTensor::from<float>({}, {1}).numel(), 1u);
  HostTensor bad;
  bad.sizes = {2, -1};
  EXPECT_EQ(bad.numel(), 0u);

  // A channels-last style tensor: copy_of keeps sizes, dim order and bytes.
  int32_t sizes[2] = {2, 3};
  uint8_t order[2] = {1, 0};
  int32_t strides[2];
  float data[6] = {1, 4, 2, 5, 3, 6};
  TensorImpl impl(ScalarType::Float, 2, sizes, data, order, strides);
  HostValue h = HostValue::copy_of(EValue(Tensor(&impl)));
  ASSERT_EQ(h.tag, Tag::Tensor);
  EXPECT_EQ(h.tensor.sizes, (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(h.tensor.dim_order, (std::vector<uint8_t>{1, 0}));
  ASSERT_EQ(h.tensor.data.size(), sizeof(data));
  data[0] = 100;  // a deep copy: later writes do not show through
  EXPECT_EQ(h.tensor.data_as<float>()[0], 1.0f);

  uint8_t identity[2] = {0, 1};
  TensorImpl plain(ScalarType::Float, 2, sizes, data, identity, strides);
  EXPECT_TRUE(HostValue::copy_of(EValue(Tensor(&plain))).tensor.dim_order.empty());

  EXPECT_EQ(HostValue::copy_of(EValue(int64_t{5})).int_value, 5);
  EXPECT_EQ(HostValue::copy_of(EValue(2.5)).double_value, 2.5);
  EXPECT_TRUE(HostValue::copy_of(EValue(true)).bool_value);
  EXPECT_EQ(HostValue::copy_of(EValue()).tag, Tag::None);
  const char text[] = "hi";
  HostValue s = HostValue::copy_of(EValue(ArrayRef<char>(text, 2)));
  EXPECT_EQ(s.tag, Tag::String);
  EXPECT_EQ(s.string_value, "hi");
}

TEST(Module, AddInBothLoadModesAndRepeatedRuns) {
  EMBER_REQUIRE_FIXTURES();
  for (auto mode : {ModuleOptions::LoadMode::Mmap, ModuleOptions::LoadMode::File}) {
    ModuleOptions options;
    options.load_mode = mode;
    options.num_threads = 1;
    Result<std::unique_ptr<Module>> module = Module::load(test::fixture_path("executorch/add.pte"), options);
    ASSERT_TRUE(module.ok()) << error_message();
    EXPECT_EQ((*module)->method_names(), std::vector<std::string>{"forward"});
    ASSERT_NE((*module)->thread_pool(), nullptr);
    EXPECT_EQ((*module)->thread_pool()->num_threads(), 1u);

    Result<std::vector<HostValue>> first = (*module)->run("forward", {floats({1}, {2}), floats({1}, {5})});
    ASSERT_TRUE(first.ok()) << error_message();
    ASSERT_EQ(first->size(), 1u);
    EXPECT_EQ(as_floats((*first)[0]), std::vector<float>{7});
    Result<std::vector<HostValue>> second = (*module)->run("forward", {floats({1}, {-1}), floats({1}, {0.5f})});
    ASSERT_TRUE(second.ok()) << error_message();
    EXPECT_EQ(as_floats((*second)[0]), std::vector<float>{-0.5f});
    EXPECT_EQ(as_floats((*first)[0]), std::vector<float>{7});  // owned copy, not clobbered
  }
}

TEST(Module, LoadFromBufferAndConstants) {
  EMBER_REQUIRE_FIXTURES();
  std::ifstream in(test::fixture_path("executorch/add_one_constant.pte"), std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<std::unique_ptr<Module>> module = Module::load_from_buffer(bytes.data(), bytes.size());
  ASSERT_TRUE(module.ok()) << error_message();
  Result<std::vector<HostValue>> out = (*module)->run("forward", {floats({3}, {1, 2, 3})});
  ASSERT_TRUE(out.ok()) << error_message();
  EXPECT_EQ(as_floats((*out)[0]), (std::vector<float>{2, 3, 4}));

  Result<std::unique_ptr<Module>> linear =
      Module::load(test::fixture_path("executorch/linear_inline_constants_deprecated.pte"));
  ASSERT_TRUE(linear.ok()) << error_message();
  Result<std::vector<HostValue>> lin = (*linear)->run("forward", {floats({2, 2}, {0, 1, -1, 2})});
  ASSERT_TRUE(lin.ok()) << error_message();
  EXPECT_EQ(as_floats((*lin)[0]), (std::vector<float>{2, 5, -1, 8}));
}

TEST(Module, MultipleMethodsAndScalarOutputs) {
  EMBER_REQUIRE_FIXTURES();
  Result<std::unique_ptr<Module>> multi = Module::load(test::fixture_path("executorch-numpy-runtime/multi.pte"));
  ASSERT_TRUE(multi.ok()) << error_message();
  std::vector<std::string> names = (*multi)->method_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "forward"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "double"), names.end());
  Result<std::vector<HostValue>> f = (*multi)->run("forward", {floats({2}, {1, 2})});
  Result<std::vector<HostValue>> d = (*multi)->run("double", {floats({2}, {1, 2})});
  ASSERT_TRUE(f.ok() && d.ok()) << error_message();
  EXPECT_EQ(as_floats((*f)[0]), (std::vector<float>{2, 3}));
  // 'double' was exported from TwoMethods.forward (torch.export always traces
  // forward), so the file computes a + 1 under both names.
  EXPECT_EQ(as_floats((*d)[0]), (std::vector<float>{2, 3}));
  // The exact method-allocator size from MethodMeta sufficed: nothing spilled.
  EXPECT_EQ(*(*multi)->method_allocator_heap_bytes("forward"), 0u);
  EXPECT_EQ(*(*multi)->method_allocator_heap_bytes("double"), 0u);
  EXPECT_EQ((*multi)->method_allocator_heap_bytes("nope").error(), Error::NotFound);
  // load_method returns the same Method each time.
  Result<Method*> m1 = (*multi)->load_method("forward");
  Result<Method*> m2 = (*multi)->load_method("forward");
  ASSERT_TRUE(m1.ok() && m2.ok());
  EXPECT_EQ(*m1, *m2);

  Result<std::unique_ptr<Module>> consts =
      Module::load(test::fixture_path("executorch-numpy-runtime/const_methods.pte"));
  ASSERT_TRUE(consts.ok()) << error_message();
  Result<std::vector<HostValue>> v = (*consts)->run("get_scalar", {});
  ASSERT_TRUE(v.ok()) << error_message();
  ASSERT_EQ((*v)[0].tag, Tag::Int);
  EXPECT_EQ((*v)[0].int_value, 128);
  Result<std::vector<HostValue>> vd = (*consts)->run("get_double", {});
  ASSERT_TRUE(vd.ok()) << error_message();
  EXPECT_EQ((*vd)[0].double_value, 2.5);
  Result<std::vector<HostValue>> vb = (*consts)->run("get_bool", {});
  ASSERT_TRUE(vb.ok()) << error_message();
  EXPECT_TRUE((*vb)[0].bool_value);
  Result<std::vector<HostValue>> vt = (*consts)->run("get_tensor", {});
  ASSERT_TRUE(vt.ok()) << error_message();
  ASSERT_EQ((*vt)[0].tensor.dtype, ScalarType::Long);
  const int64_t* t = (*vt)[0].tensor.data_as<int64_t>();
  EXPECT_EQ(std::vector<int64_t>(t, t + 3), (std::vector<int64_t>{1, 2, 3}));

  for (const char* name : {"get_scalar", "get_double", "get_bool", "get_tensor"}) {
    EXPECT_EQ(*(*consts)->method_allocator_heap_bytes(name), 0u) << name;
  }

  Result<std::unique_ptr<Module>> dtypes = Module::load(test::fixture_path("executorch-numpy-runtime/dtypes.pte"));
  ASSERT_TRUE(dtypes.ok()) << error_message();
  Result<std::vector<HostValue>> vx =
      (*dtypes)->run("forward", {HostValue::from_tensor(HostTensor::from<int64_t>({1}, {3})), floats({1}, {2.5f})});
  ASSERT_TRUE(vx.ok()) << error_message();
  EXPECT_EQ((*vx)[0].tensor.data_as<int64_t>()[0], 6);
  EXPECT_EQ(as_floats((*vx)[1]), std::vector<float>{5});
  EXPECT_EQ(*(*dtypes)->method_allocator_heap_bytes("forward"), 0u);
}

TEST(Module, ErrorsAreCleanAndNamed) {
  EMBER_REQUIRE_FIXTURES();
  Result<std::unique_ptr<Module>> missing = Module::load("/nonexistent/model.pte");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), Error::AccessFailed);

  Result<std::unique_ptr<Module>> add = Module::load(test::fixture_path("executorch/add.pte"));
  ASSERT_TRUE(add.ok()) << error_message();
  EXPECT_FALSE((*add)->load_method("nope").ok());
  EXPECT_FALSE((*add)->method_meta("nope").ok());
  Result<std::vector<HostValue>> r = (*add)->run("forward", {floats({1}, {2})});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(error_message()).find("takes 2 inputs, 1 given"), std::string::npos) << error_message();
  // Data that does not match the declared shape.
  HostValue wrong = floats({1}, {2});
  wrong.tensor.data.resize(2);
  Result<std::vector<HostValue>> r2 = (*add)->run("forward", {wrong, floats({1}, {5})});
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error(), Error::InvalidArgument);
  // A shape the method does not accept is the method's to refuse.
  EXPECT_FALSE((*add)->run("forward", {floats({2}, {1, 2}), floats({1}, {5})}).ok());

  Result<std::unique_ptr<Module>> lstm = Module::load(test::fixture_path("executorch-numpy-runtime/lstm/lstm.pte"));
  ASSERT_TRUE(lstm.ok()) << error_message();
  Result<Method*> m = (*lstm)->load_method("forward");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), Error::OperatorMissing);
  EXPECT_NE(std::string(error_message()).find("etnp::lstm.out"), std::string::npos) << error_message();
}

}  // namespace
}  // namespace ember
