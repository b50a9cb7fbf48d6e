// Method init/execute on the real ExecuTorch fixtures, exact method-allocator
// sizing, allocation-failure injection and input checks.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "kernels/portable/register_portable_kernels.h"
#include "kernels/prim/register_prim_ops.h"
#include "test/executor/method_harness.h"
#include "test/support/fixtures.h"

namespace ember::test {
namespace {

class RegisterKernels : public ::testing::Environment {
 public:
  void SetUp() override {
    ASSERT_EQ(register_portable_kernels(), Error::Ok);
    ASSERT_EQ(register_prim_ops(), Error::Ok);
  }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new RegisterKernels);

struct Fixture {
  std::vector<uint8_t> bytes;
  std::unique_ptr<MethodHarness> harness;
};

Fixture open(const std::string& name) {
  Fixture f;
  f.bytes = read_file(fixture_path(name));
  f.harness = std::make_unique<MethodHarness>(f.bytes.data(), f.bytes.size());
  return f;
}

bool contains(const char* haystack, const char* needle) { return std::strstr(haystack, needle) != nullptr; }

TEST(MethodTest, AddsTwoScalars) {
  EMBER_REQUIRE_FIXTURES();
  Fixture f = open("executorch/add.pte");
  ASSERT_EQ(f.harness->load("forward"), Error::Ok) << error_message();
  Method& m = f.harness->method();
  OwnedTensor x({1}, std::vector<float>{2.0f});
  OwnedTensor y({1}, std::vector<float>{5.0f});
  ASSERT_EQ(m.set_input(x.value(), 0), Error::Ok) << error_message();
  ASSERT_EQ(m.set_input(y.value(), 1), Error::Ok) << error_message();
  ASSERT_EQ(m.execute(), Error::Ok) << error_message();
  ASSERT_EQ(m.outputs_size(), 1u);
  EXPECT_EQ(tensor_values<float>(m.get_output(0)), std::vector<float>{7.0f});
  EXPECT_TRUE(m.output_is_memory_planned(0));
}

TEST(MethodTest, AddsConstantFromSegment) {
  EMBER_REQUIRE_FIXTURES();
  Fixture f = open("executorch/add_one_constant.pte");
  ASSERT_EQ(f.harness->load("forward"), Error::Ok) << error_message();
  Method& m = f.harness->method();
  OwnedTensor x({3}, std::vector<float>{1, 2, 3});
  ASSERT_EQ(m.set_input(x.value(), 0), Error::Ok) << error_message();
  ASSERT_EQ(m.execute(), Error::Ok) << error_message();
  EXPECT_EQ(tensor_values<float>(m.get_output(0)), (std::vector<float>{2, 3, 4}));
}

TEST(MethodTest, ReadsDeprecatedInlineConstants) {
  EMBER_REQUIRE_FIXTURES();
  Fixture f = open("executorch/linear_inline_constants_deprecated.pte");
  ASSERT_EQ(f.harness->load("forward"), Error::Ok) << error_message();
  Method& m = f.harness->method();
  OwnedTensor x({2, 2}, std::vector<float>{1, -2, 0.5f, 10});
  ASSERT_EQ(m.set_input(x.value(), 0), Error::Ok) << error_message();
  ASSERT_EQ(m.execute(), Error::Ok) << error_message();
  EXPECT_EQ(tensor_values<float>(m.get_output(0)), (std::vector<float>{5, -4, 3.5f, 32}));
}

TEST(MethodTest, RunsTwoDtypes) {
  EMBER_REQUIRE_FIXTURES();
  Fixture f = open("executorch-numpy-runtime/dtypes.pte");
  ASSERT_EQ(f.harness->load("forward"), Error::Ok) << error_message();
  Method& m = f.harness->method();
  OwnedTensor a({1}, std::vector<int64_t>{3});
  OwnedTensor b({1}, std::vector<float>{2.5f});
  ASSERT_EQ(m.set_input(a.value(), 0), Error::Ok) << error_message();
  ASSERT_EQ(m.set_input(b.value(), 1), Error::Ok) << error_message();
  ASSERT_EQ(m.execute(), Error::Ok) << error_message();
  ASSERT_EQ(m.outputs_size(), 2u);
  EXPECT_EQ(tensor_values<int64_t>(m.get_output(0)), std::vector<int64_t>{6});
  EXPECT_EQ(tensor_values<float>(m.get_output(1)), std::vector<float>{5.0f});
}

TEST(MethodTest, RunsBothMethodsOfOneProgram) {
  EMBER_REQUIRE_FIXTURES();
  Fixture f = open("executorch-numpy-runtime/multi.pte");
  OwnedTensor a({2}, std::vector<float>{1, 2});
  ASSERT_EQ(f.harness->load("forward"), Error::Ok) << error_message();
  ASSERT_EQ(f.harness->method().set_input(a.value(), 0), Error::Ok);
  ASSERT_EQ(f.harness->method().execute(), Error::Ok) << error_message();
  EXPECT_EQ(tensor_values<float>(f.harness->method().get_output(0)), (std::vector<float>{2, 3}));
  // The fixture README expects double([1,2]) = [2,4], but this file's "double"
  // plan is the same graph as forward (to_dim_order_copy of the constant 1,
  // then add.out; see `flatc --json`), so the correct answer is [2,3].
  ASSERT_EQ(f.harness->load("double"), Error::Ok) << error_message();
  ASSERT_EQ(f.harness->method().set_input(a.value(), 0), Error::Ok);
  ASSERT_EQ(f.harness->method().execute(), Error::Ok) << error_message();
  EXPECT_EQ(tensor_values<float>(f.harness->method().get_output(0)), (std::vector<float>{2, 3}));
}

TEST(MethodTest, RunsZeroInputConstantMethods) {
  EMBER_REQUIRE_FIXTURES();
  Fixture f = open("executorch-numpy-runtime/const_methods.pte");
  ASSERT_EQ(f.harness->load("get_scalar"), Error::Ok) << error_message();
  ASSERT_EQ(f.harness->method().execute(), Error::Ok);
  ASSERT_TRUE(f.harness->method().get_output(0).is_int());
  EXPECT_EQ(f.harness->method().get_output(0).to_int(), 128);
  ASSERT_EQ(f.harness->load("get_double"), Error::Ok);
  ASSERT_EQ(f.harness->method().execute(), Error::Ok);
  EXPECT_DOUBLE_EQ(f.harness->method().get_output(0).to_double(), 2.5);
  ASSERT_EQ(f.harness->load("get_bool"), Error::Ok);
  ASSERT_EQ(f.harness->method().execute(), Error::Ok);
  EXPECT_TRUE(f.harness->method().get_output(0).to_bool());
  ASSERT_EQ(f.harness->load("get_tensor"), Error::Ok);
  ASSERT_EQ(f.harness->method().execute(), Error::Ok);
  EXPECT_EQ(tensor_values<int64_t>(f.harness->method().get_output(0)), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_FALSE(f.harness->method().output_is_memory_planned(0));
}

TEST(MethodTest, ReportsMissingCustomOperator) {
  EMBER_REQUIRE_FIXTURES();
  Fixture f = open("executorch-numpy-runtime/lstm/lstm.pte");
  ASSERT_EQ(f.harness->program_error(), Error::Ok) << error_message();
  EXPECT_EQ(f.harness->load("forward"), Error::OperatorMissing);
  EXPECT_TRUE(contains(error_message(), "etnp::lstm.out")) << error_message();
  EXPECT_TRUE(contains(error_message(), "method 'forward'")) << error_message();
}

TEST(MethodTest, ReportsUnregisteredBackend) {
  EMBER_REQUIRE_FIXTURES();
  for (const char* name : {"executorch-numpy-runtime/add.pte", "executorch-numpy-runtime/dynamic.pte",
                           "executorch-numpy-runtime/quantized.pte"}) {
    Fixture f = open(name);
    ASSERT_EQ(f.harness->program_error(), Error::Ok) << name << ": " << error_message();
    EXPECT_EQ(f.harness->load("forward"), Error::NotFound) << name;
    EXPECT_TRUE(contains(error_message(), "XnnpackBackend")) << error_message();
  }
}

// Init needs exactly MethodMeta::method_allocator_bytes(): one byte less fails.
TEST(MethodTest, MethodAllocatorSizeIsExact) {
  EMBER_REQUIRE_FIXTURES();
  struct Case {
    const char* file;
    const char* method;
  };
  for (Case c : {Case{"executorch/add.pte", "forward"}, Case{"executorch/add_one_constant.pte", "forward"},
                 Case{"executorch/linear_inline_constants_deprecated.pte", "forward"},
                 Case{"executorch-numpy-runtime/dtypes.pte", "forward"},
                 Case{"executorch-numpy-runtime/multi.pte", "double"},
                 Case{"executorch-numpy-runtime/const_methods.pte", "get_tensor"}}) {
    Fixture f = open(c.file);
    size_t exact = f.harness->program().method_meta(c.method)->method_allocator_bytes();
    ASSERT_GT(exact, 0u);
    ASSERT_EQ(f.harness->load(c.method, {}, exact), Error::Ok) << c.file << ": " << error_message();
    EXPECT_EQ(f.harness->method_bytes_used(), exact) << c.file;
    EXPECT_EQ(f.harness->load(c.method, {}, exact - 1), Error::MemoryAllocationFailed) << c.file;
  }
}

// Fails the k-th allocation for every k: always a clean error, never a crash.
class FailingAllocator : public MemoryAllocator {
 public:
  FailingAllocator(size_t size, uint8_t* base, size_t fail_at) : MemoryAllocator(size, base), fail_at_(fail_at) {}
  void* allocate(size_t size, size_t alignment) override {
    if (++count_ == fail_at_) return nullptr;
    return MemoryAllocator::allocate(size, alignment);
  }
  size_t count() const { return count_; }

 private:
  size_t fail_at_;
  size_t count_ = 0;
};

TEST(MethodTest, EveryAllocationFailureIsAnError) {
  EMBER_REQUIRE_FIXTURES();
  for (const char* name : {"executorch/add_one_constant.pte", "executorch-numpy-runtime/multi.pte",
                           "executorch-numpy-runtime/lstm/lstm.pte"}) {
    Fixture f = open(name);
    size_t bytes = f.harness->program().method_meta("forward")->method_allocator_bytes();
    AlignedBytes storage(bytes);
    size_t total = 0;
    {
      FailingAllocator counting(bytes, storage.data(), 0);
      f.harness->load("forward", {}, 0, &counting);
      total = counting.count();
    }
    ASSERT_GT(total, 3u);
    for (size_t k = 1; k <= total; ++k) {
      FailingAllocator failing(bytes, storage.data(), k);
      EXPECT_EQ(f.harness->load("forward", {}, 0, &failing), Error::MemoryAllocationFailed) << name << " k=" << k;
    }
  }
}

TEST(MethodTest, ChecksInputs) {
  EMBER_REQUIRE_FIXTURES();
  Fixture f = open("executorch/add.pte");
  ASSERT_EQ(f.harness->load("forward"), Error::Ok);
  Method& m = f.harness->method();
  EXPECT_EQ(m.execute(), Error::InvalidState);
  EXPECT_TRUE(contains(error_message(), "input 0 was not set")) << error_message();
  OwnedTensor wrong_dtype({1}, std::vector<int32_t>{2});
  EXPECT_EQ(m.set_input(wrong_dtype.value(), 0), Error::InvalidArgument);
  EXPECT_TRUE(contains(error_message(), "dtype Int")) << error_message();
  OwnedTensor wrong_shape({2}, std::vector<float>{1, 2});
  EXPECT_EQ(m.set_input(wrong_shape.value(), 0), Error::InvalidArgument);
  EXPECT_EQ(m.set_input(EValue(int64_t{3}), 0), Error::InvalidType);
  EXPECT_EQ(m.set_input(wrong_shape.value(), 2), Error::InvalidArgument);
  EXPECT_TRUE(m.get_output(5).is_none());
}

TEST(MethodTest, OutputsAreOverwrittenByTheNextRun) {
  EMBER_REQUIRE_FIXTURES();
  Fixture f = open("executorch/add.pte");
  ASSERT_EQ(f.harness->load("forward"), Error::Ok);
  Method& m = f.harness->method();
  OwnedTensor x({1}, std::vector<float>{2});
  OwnedTensor y({1}, std::vector<float>{5});
  m.set_input(x.value(), 0);
  m.set_input(y.value(), 1);
  ASSERT_EQ(m.execute(), Error::Ok);
  const float* first = m.get_output(0).to_tensor().const_data_ptr<float>();
  EXPECT_EQ(*first, 7.0f);
  OwnedTensor z({1}, std::vector<float>{10});
  m.set_input(z.value(), 1);
  ASSERT_EQ(m.execute(), Error::Ok);
  // Same planned storage, new value: hosts must copy outputs to keep them.
  EXPECT_EQ(m.get_output(0).to_tensor().const_data_ptr<float>(), first);
  EXPECT_EQ(*first, 12.0f);
}

}  // namespace
}  // namespace ember::test
