// The kernel table: every op an area promises is registered (what
// `executor_runner --list-kernels` prints). Each area keeps its names in its
// own <area>_list.inc so engineers add lists without editing the same lines.
#include <gtest/gtest.h>

#include "test/kernels/kernel_test_util.h"

namespace ember::test {
namespace {

const char* const kExpectedKernels[] = {
#include "test/kernels/gemm_list.inc"
#include "test/kernels/math_list.inc"
#include "test/kernels/shape_list.inc"
};

TEST(KernelListTest, EveryListedKernelIsRegistered) {
  for (const char* name : kExpectedKernels) {
    EXPECT_TRUE(test_registry().has_operator(name)) << name << " is not registered";
  }
}

}  // namespace
}  // namespace ember::test
