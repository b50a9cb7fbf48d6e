// The quantized kernel table: a fresh registry and the process registry that
// register_all_kernels_and_backends() fills (what `executor_runner
// --list-kernels` prints) hold exactly these names.
#include <gtest/gtest.h>

#include <iterator>
#include <memory>
#include <string>

#include "kernels/quantized/register_quantized_kernels.h"
#include "runtime/kernel/kernel_registry.h"
#include "runtime/module/module.h"

namespace ember {
namespace {

const char* const kQuantizedNames[] = {
#include "test/quantized/quantized_kernel_list.inc"
};

TEST(QuantizedRegistration, FreshRegistryHasExactlyTheTable) {
  auto registry = std::make_unique<KernelRegistry>();
  ASSERT_EQ(register_quantized_kernels(*registry), Error::Ok);
  EXPECT_EQ(registry->size(), std::size(kQuantizedNames));
  for (const char* name : kQuantizedNames) EXPECT_TRUE(registry->find(name, {}).ok()) << name;
  // Registering again is a no-op.
  EXPECT_EQ(register_quantized_kernels(*registry), Error::Ok);
  EXPECT_EQ(registry->size(), std::size(kQuantizedNames));
}

TEST(QuantizedRegistration, RegisterAllListsThem) {
  ASSERT_EQ(register_all_kernels_and_backends(), Error::Ok);
  const KernelRegistry& global = KernelRegistry::global();
  for (const char* name : kQuantizedNames) {
    bool listed = false;
    for (size_t i = 0; i < global.size() && !listed; ++i) listed = std::string(global.at(i).name) == name;
    EXPECT_TRUE(listed) << name;
  }
}

}  // namespace
}  // namespace ember
