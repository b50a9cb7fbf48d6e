// The math area's kernel table (math_list.inc, also included by the shared
// kernel_list_test) is registered, each name exactly once and reachable for
// channels-last tensors (every math kernel is flagged kAnyDimOrder).
#include <gtest/gtest.h>

#include <cstring>
#include <iterator>

#include "test/kernels/kernel_test_util.h"

namespace ember::test {
namespace {

const char* const kMathKernels[] = {
#include "test/kernels/math_list.inc"
};

TEST(MathKernelList, EveryNameRegisteredOnceForAnyDimOrder) {
  EXPECT_EQ(std::size(kMathKernels), 51u);
  const KernelRegistry& registry = test_registry();
  for (const char* name : kMathKernels) {
    size_t found = 0;
    for (size_t i = 0; i < registry.size(); ++i) {
      if (std::strcmp(registry.at(i).name, name) != 0) continue;
      ++found;
      EXPECT_TRUE(registry.at(i).flags & Kernel::kAnyDimOrder) << name;
    }
    EXPECT_EQ(found, 1u) << name;
    const TensorMeta channels_last[] = {{ScalarType::Float, false}};
    EXPECT_TRUE(registry.find(name, channels_last).ok()) << name;
  }
}

}  // namespace
}  // namespace ember::test
