// KernelRegistry selection and registration rules; BackendRegistry.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/backend/backend_registry.h"
#include "runtime/kernel/kernel_registry.h"

namespace ember {
namespace {

// Distinct bodies, so identical-code folding cannot merge their addresses.
void kernel_fallback(KernelRuntimeContext& c, Span<EValue*>) { c.fail(Error::Internal, "fallback"); }
void kernel_float(KernelRuntimeContext& c, Span<EValue*>) { c.fail(Error::Internal, "float"); }
void kernel_long(KernelRuntimeContext& c, Span<EValue*>) { c.fail(Error::Internal, "long"); }
void kernel_float_any(KernelRuntimeContext& c, Span<EValue*>) { c.fail(Error::Internal, "float any"); }
void kernel_other(KernelRuntimeContext& c, Span<EValue*>) { c.fail(Error::Internal, "other"); }

constexpr int8_t kFloatFloat[] = {static_cast<int8_t>(ScalarType::Float), static_cast<int8_t>(ScalarType::Float)};
constexpr int8_t kLongLong[] = {static_cast<int8_t>(ScalarType::Long), static_cast<int8_t>(ScalarType::Long)};
constexpr int8_t kFloatAny[] = {static_cast<int8_t>(ScalarType::Float), -1};

Kernel make_kernel(const char* name, OpFunction fn, const int8_t* dtypes = nullptr, size_t num_dtypes = 0,
                   uint32_t flags = 0) {
  Kernel k;
  k.name = name;
  k.fn = fn;
  k.dtypes = dtypes;
  k.num_dtypes = num_dtypes;
  k.flags = flags;
  return k;
}

// The registry is 1024 entries; keep it off the stack.
std::unique_ptr<KernelRegistry> new_registry() { return std::make_unique<KernelRegistry>(); }

TEST(KernelRegistryTest, DtypeKernelPreferredOverFallback) {
  auto registry = new_registry();
  // Fallback first, so the preference does not depend on order.
  const Kernel kernels[] = {make_kernel("test::op.out", kernel_fallback),
                            make_kernel("test::op.out", kernel_float, kFloatFloat, 2),
                            make_kernel("test::op.out", kernel_long, kLongLong, 2)};
  ASSERT_EQ(registry->register_kernels(kernels), Error::Ok) << error_message();
  EXPECT_EQ(registry->size(), 3u);

  const TensorMeta floats[] = {{ScalarType::Float, true}, {ScalarType::Float, true}};
  Result<OpFunction> f = registry->find("test::op.out", floats);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, &kernel_float);

  const TensorMeta longs[] = {{ScalarType::Long, true}, {ScalarType::Long, true}};
  Result<OpFunction> l = registry->find("test::op.out", longs);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(*l, &kernel_long);

  const TensorMeta mixed[] = {{ScalarType::Float, true}, {ScalarType::Long, true}};
  Result<OpFunction> m = registry->find("test::op.out", mixed);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*m, &kernel_fallback);

  // A different number of tensor arguments matches no dtype key.
  const TensorMeta one_float[] = {{ScalarType::Float, true}};
  Result<OpFunction> one = registry->find("test::op.out", one_float);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, &kernel_fallback);
}

TEST(KernelRegistryTest, WildcardDtype) {
  auto registry = new_registry();
  const Kernel kernels[] = {make_kernel("test::op.out", kernel_float, kFloatAny, 2)};
  ASSERT_EQ(registry->register_kernels(kernels), Error::Ok);
  const TensorMeta float_int[] = {{ScalarType::Float, true}, {ScalarType::Int, true}};
  Result<OpFunction> f = registry->find("test::op.out", float_int);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, &kernel_float);
  const TensorMeta int_float[] = {{ScalarType::Int, true}, {ScalarType::Float, true}};
  EXPECT_EQ(registry->find("test::op.out", int_float).error(), Error::OperatorMissing);
  EXPECT_STREQ(error_message(), "operator test::op.out has no kernel for tensor arguments [Int, Float]");
}

TEST(KernelRegistryTest, ContiguousOnlyKernelNotSelectedForOtherDimOrder) {
  auto registry = new_registry();
  const Kernel kernels[] = {make_kernel("test::op.out", kernel_fallback),
                            make_kernel("test::op.out", kernel_float, kFloatFloat, 2)};
  ASSERT_EQ(registry->register_kernels(kernels), Error::Ok);
  const TensorMeta channels_last[] = {{ScalarType::Float, false}, {ScalarType::Float, true}};
  Result<OpFunction> r = registry->find("test::op.out", channels_last);
  EXPECT_EQ(r.error(), Error::OperatorMissing);
  EXPECT_STREQ(error_message(),
               "operator test::op.out has no kernel for tensor arguments [Float(non-contiguous), Float]");

  // A kernel that handles any dim order is chosen for it; contiguous
  // arguments still get the first exact match.
  auto second = new_registry();
  const Kernel both[] = {make_kernel("test::op.out", kernel_float, kFloatFloat, 2),
                         make_kernel("test::op.out", kernel_float_any, kFloatAny, 2, Kernel::kAnyDimOrder)};
  ASSERT_EQ(second->register_kernels(both), Error::Ok);
  Result<OpFunction> f = second->find("test::op.out", channels_last);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, &kernel_float_any);
  const TensorMeta contiguous[] = {{ScalarType::Float, true}, {ScalarType::Float, true}};
  Result<OpFunction> c = second->find("test::op.out", contiguous);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, &kernel_float);
}

TEST(KernelRegistryTest, DuplicateWithOtherFunctionRefusedAtomically) {
  auto registry = new_registry();
  const Kernel first[] = {make_kernel("test::op.out", kernel_float, kFloatFloat, 2)};
  ASSERT_EQ(registry->register_kernels(first), Error::Ok);
  // A new kernel in the same call as the conflicting one is not added either.
  const Kernel conflicting[] = {make_kernel("test::new.out", kernel_other),
                                make_kernel("test::op.out", kernel_other, kFloatFloat, 2)};
  EXPECT_EQ(registry->register_kernels(conflicting), Error::RegistrationAlreadyRegistered);
  EXPECT_STREQ(error_message(), "register_kernels: test::op.out is already registered with another function");
  EXPECT_EQ(registry->size(), 1u);
  EXPECT_FALSE(registry->has_operator("test::new.out"));
  // Another dtype key under the same name is not a duplicate.
  const Kernel other_key[] = {make_kernel("test::op.out", kernel_other, kLongLong, 2)};
  EXPECT_EQ(registry->register_kernels(other_key), Error::Ok);
  EXPECT_EQ(registry->size(), 2u);
}

TEST(KernelRegistryTest, ConflictWithinOneTableRefused) {
  auto registry = new_registry();
  // Same name and dtype key twice in one call, with different functions.
  const Kernel conflicting[] = {make_kernel("test::op.out", kernel_float, kFloatFloat, 2),
                                make_kernel("test::op.out", kernel_other, kFloatFloat, 2)};
  EXPECT_EQ(registry->register_kernels(conflicting), Error::RegistrationAlreadyRegistered);
  EXPECT_STREQ(error_message(), "register_kernels: test::op.out is already registered with another function");
  EXPECT_EQ(registry->size(), 0u);
  // The same entry twice in one call is added once and counted once.
  const Kernel repeated[] = {make_kernel("test::op.out", kernel_float, kFloatFloat, 2),
                             make_kernel("test::op.out", kernel_float, kFloatFloat, 2)};
  EXPECT_EQ(registry->register_kernels(repeated), Error::Ok);
  EXPECT_EQ(registry->size(), 1u);
}

TEST(KernelRegistryTest, SameTableTwiceIsNoOp) {
  auto registry = new_registry();
  const Kernel kernels[] = {make_kernel("test::a.out", kernel_fallback),
                            make_kernel("test::b.out", kernel_float, kFloatFloat, 2)};
  ASSERT_EQ(registry->register_kernels(kernels), Error::Ok);
  ASSERT_EQ(registry->register_kernels(kernels), Error::Ok);
  EXPECT_EQ(registry->size(), 2u);
  EXPECT_STREQ(registry->at(0).name, "test::a.out");
  EXPECT_EQ(registry->at(1).fn, &kernel_float);
}

TEST(KernelRegistryTest, CapacityOverflowAddsNothing) {
  auto registry = new_registry();
  // Names must outlive the registry.
  std::vector<std::string> names;
  for (size_t i = 0; i < KernelRegistry::kMaxKernels + 8; ++i) names.push_back("test::op" + std::to_string(i));
  std::vector<Kernel> kernels;
  for (const std::string& n : names) kernels.push_back(make_kernel(n.c_str(), kernel_fallback));

  ASSERT_EQ(registry->register_kernels(ArrayRef<Kernel>(kernels.data(), 1020)), Error::Ok);
  EXPECT_EQ(registry->size(), 1020u);
  // Five new ones (plus one already there) do not fit in the last four slots.
  EXPECT_EQ(registry->register_kernels(ArrayRef<Kernel>(kernels.data() + 1019, 6)),
            Error::RegistrationExceedingMaxKernels);
  EXPECT_STREQ(error_message(), "register_kernels: 5 more kernels exceed the capacity of 1024 (1020 used)");
  EXPECT_EQ(registry->size(), 1020u);
  EXPECT_EQ(registry->register_kernels(ArrayRef<Kernel>(kernels.data() + 1020, 8)),
            Error::RegistrationExceedingMaxKernels);
  EXPECT_STREQ(error_message(), "register_kernels: 8 more kernels exceed the capacity of 1024 (1020 used)");
  EXPECT_EQ(registry->size(), 1020u);
  EXPECT_FALSE(registry->has_operator("test::op1020"));

  ASSERT_EQ(registry->register_kernels(ArrayRef<Kernel>(kernels.data() + 1020, 3)), Error::Ok);
  // One slot left: a table naming the same new kernel twice needs only it.
  const Kernel twice[] = {kernels[1023], kernels[1023]};
  ASSERT_EQ(registry->register_kernels(twice), Error::Ok) << error_message();
  EXPECT_EQ(registry->size(), 1024u);
  // Full, but re-registering existing kernels still is a no-op.
  EXPECT_EQ(registry->register_kernels(ArrayRef<Kernel>(kernels.data(), 10)), Error::Ok);
  EXPECT_EQ(registry->register_kernels(ArrayRef<Kernel>(kernels.data() + 1024, 1)),
            Error::RegistrationExceedingMaxKernels);
  EXPECT_STREQ(error_message(), "register_kernels: 1 more kernels exceed the capacity of 1024 (1024 used)");
  EXPECT_EQ(registry->size(), 1024u);
}

TEST(KernelRegistryTest, MissingOperatorNamed) {
  auto registry = new_registry();
  const Kernel kernels[] = {make_kernel("test::op.out", kernel_fallback)};
  ASSERT_EQ(registry->register_kernels(kernels), Error::Ok);
  EXPECT_TRUE(registry->has_operator("test::op.out"));
  EXPECT_FALSE(registry->has_operator("aten::nope.out"));
  Result<OpFunction> r = registry->find("aten::nope.out", ArrayRef<TensorMeta>());
  EXPECT_EQ(r.error(), Error::OperatorMissing);
  EXPECT_STREQ(error_message(), "missing operator aten::nope.out");
}

TEST(KernelRegistryTest, RefusesEntryWithoutNameOrFunction) {
  auto registry = new_registry();
  const Kernel no_fn[] = {make_kernel("test::ok.out", kernel_fallback), make_kernel("test::op.out", nullptr)};
  EXPECT_EQ(registry->register_kernels(no_fn), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "register_kernels: entry 1 has no name or function");
  const Kernel no_name[] = {make_kernel(nullptr, kernel_fallback)};
  EXPECT_EQ(registry->register_kernels(no_name), Error::InvalidArgument);
  EXPECT_EQ(registry->size(), 0u);
}

class NullBackend final : public BackendInterface {
 public:
  bool is_available() const override { return true; }
  Result<DelegateHandle*> init(BackendInitContext&, FreeableBuffer*, ArrayRef<CompileSpec>) const override {
    return Error::NotImplemented;
  }
  Error execute(BackendExecutionContext&, DelegateHandle*, Span<EValue*>) const override {
    return Error::NotImplemented;
  }
  void destroy(DelegateHandle*) const override {}
};

TEST(BackendRegistryTest, RegisterAndFind) {
  BackendRegistry registry;
  NullBackend a;
  NullBackend b;
  EXPECT_EQ(registry.find("A"), nullptr);
  ASSERT_EQ(registry.register_backend("A", &a), Error::Ok);
  ASSERT_EQ(registry.register_backend("B", &b), Error::Ok);
  EXPECT_EQ(registry.size(), 2u);
  EXPECT_EQ(registry.find("A"), &a);
  EXPECT_EQ(registry.find("B"), &b);
  // Names compare by content, not pointer.
  std::string name = "A";
  EXPECT_EQ(registry.find(name.c_str()), &a);
  EXPECT_EQ(registry.find("a"), nullptr);
  EXPECT_STREQ(registry.name_at(1), "B");
}

TEST(BackendRegistryTest, DuplicateNameRules) {
  BackendRegistry registry;
  NullBackend a;
  NullBackend other;
  ASSERT_EQ(registry.register_backend("A", &a), Error::Ok);
  EXPECT_EQ(registry.register_backend("A", &a), Error::Ok);
  EXPECT_EQ(registry.size(), 1u);
  EXPECT_EQ(registry.register_backend("A", &other), Error::RegistrationAlreadyRegistered);
  EXPECT_STREQ(error_message(), "register_backend: A is already registered");
  EXPECT_EQ(registry.find("A"), &a);
  EXPECT_EQ(registry.register_backend(nullptr, &a), Error::InvalidArgument);
  EXPECT_EQ(registry.register_backend("C", nullptr), Error::InvalidArgument);
  EXPECT_EQ(registry.size(), 1u);
}

TEST(BackendRegistryTest, CapacitySixteen) {
  BackendRegistry registry;
  NullBackend backends[BackendRegistry::kMaxBackends + 1];
  std::vector<std::string> names;
  for (size_t i = 0; i <= BackendRegistry::kMaxBackends; ++i) names.push_back("Backend" + std::to_string(i));
  for (size_t i = 0; i < BackendRegistry::kMaxBackends; ++i) {
    ASSERT_EQ(registry.register_backend(names[i].c_str(), &backends[i]), Error::Ok) << i;
  }
  EXPECT_EQ(registry.size(), 16u);
  EXPECT_EQ(registry.register_backend(names[16].c_str(), &backends[16]), Error::RegistrationExceedingMaxKernels);
  EXPECT_STREQ(error_message(), "register_backend: more than 16 backends");
  EXPECT_EQ(registry.size(), 16u);
  EXPECT_EQ(registry.find("Backend16"), nullptr);
  EXPECT_EQ(registry.find("Backend15"), &backends[15]);
  // Re-registering an existing one still works when full.
  EXPECT_EQ(registry.register_backend(names[3].c_str(), &backends[3]), Error::Ok);
}

}  // namespace
}  // namespace ember
