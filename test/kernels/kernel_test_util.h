// Runs kernels by name for the kernel tests: a private registry with the
// portable kernels and prim ops, a fresh KernelRuntimeContext per call, and
// the failure (state + message) it left.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kernels/portable/register_portable_kernels.h"
#include "kernels/prim/register_prim_ops.h"
#include "runtime/core/error.h"
#include "runtime/kernel/kernel_registry.h"

namespace ember::test {

struct KernelResult {
  Error error = Error::Ok;
  std::string message;  // the context's failure message ("" when ok)
  bool ok() const { return error == Error::Ok; }
};

inline const KernelRegistry& test_registry() {
  static const KernelRegistry* registry = [] {
    auto* r = new KernelRegistry();
    EXPECT_EQ(register_portable_kernels(*r), Error::Ok);
    EXPECT_EQ(register_prim_ops(*r), Error::Ok);
    return r;
  }();
  return *registry;
}

// Calls the kernel registered as `name` in `registry` with `args` (the
// instruction's values) under `ctx`, which should be fresh.
inline KernelResult run_kernel(const KernelRegistry& registry, const char* name, std::vector<EValue*> args,
                               KernelRuntimeContext& ctx) {
  KernelResult result;
  Result<OpFunction> fn = registry.find(name, {});
  EXPECT_TRUE(fn.ok()) << name << " is not registered";
  if (!fn.ok()) {
    result.error = fn.error();
    return result;
  }
  clear_error_message();
  (*fn)(ctx, Span<EValue*>(args.data(), args.size()));
  result.error = ctx.failure_state();
  if (!result.ok()) result.message = error_message();
  return result;
}

// The same with a context without temp memory or threads.
inline KernelResult run_kernel(const KernelRegistry& registry, const char* name, std::vector<EValue*> args) {
  KernelRuntimeContext ctx;
  return run_kernel(registry, name, std::move(args), ctx);
}

// The same with the portable kernels and prim ops.
inline KernelResult run_kernel(const char* name, std::vector<EValue*> args) {
  return run_kernel(test_registry(), name, std::move(args));
}

}  // namespace ember::test

// The kernel failed and its message names the op (and, when given, more).
#define EXPECT_KERNEL_FAILS(result, op, fragment)                                         \
  do {                                                                                    \
    const ::ember::test::KernelResult& r_ = (result);                                     \
    EXPECT_NE(r_.error, ::ember::Error::Ok);                                              \
    EXPECT_NE(r_.message.find(op), std::string::npos) << "message: " << r_.message;       \
    EXPECT_NE(r_.message.find(fragment), std::string::npos) << "message: " << r_.message; \
  } while (0)
