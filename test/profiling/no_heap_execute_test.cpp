// No heap allocation on the execute path at a steady shape: this binary
// replaces malloc/calloc/realloc/aligned allocation and operator new with
// counting versions (forwarding to glibc's __libc_* functions), then asserts
// that N Module::set_inputs + Method::execute calls after the first run
// allocate nothing, for a portable program and for XNNPACK-delegated
// converted models. XNNPACK allocates through the backend's xnn_allocator,
// which itself calls malloc, so its allocations are counted here too; the
// backend's own counter is checked as a second witness.
#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "backends/xnnpack/runtime/xnnpack_allocator.h"
#include "test/profiling/converted_model.h"

extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t n, size_t size);
void* __libc_realloc(void* p, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
void __libc_free(void* p);
}

namespace {
std::atomic<size_t> g_allocations{0};
void count() { g_allocations.fetch_add(1, std::memory_order_relaxed); }
}  // namespace

extern "C" {
void* malloc(size_t size) {
  count();
  return __libc_malloc(size);
}
void* calloc(size_t n, size_t size) {
  count();
  return __libc_calloc(n, size);
}
void* realloc(void* p, size_t size) {
  count();
  return __libc_realloc(p, size);
}
void free(void* p) { __libc_free(p); }
void* memalign(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
void* aligned_alloc(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, size_t alignment, size_t size) {
  count();
  void* p = __libc_memalign(alignment, size);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}
}

void* operator new(size_t size) {
  void* p = malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void* operator new[](size_t size) { return operator new(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept { return malloc(size == 0 ? 1 : size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return malloc(size == 0 ? 1 : size); }
void operator delete(void* p) noexcept { free(p); }
void operator delete[](void* p) noexcept { free(p); }
void operator delete(void* p, size_t) noexcept { free(p); }
void operator delete[](void* p, size_t) noexcept { free(p); }

namespace ember {
namespace {

constexpr int kRuns = 20;

// Allocations made by kRuns set_inputs + execute calls after a first run.
void expect_no_allocation(test::ConvertedModel& m) {
  ASSERT_NE(m.module, nullptr);
  ASSERT_TRUE(m.module->run("forward", m.inputs).ok()) << error_message();
  Result<Method*> method = m.module->load_method("forward");
  ASSERT_TRUE(method.ok()) << error_message();
  size_t xnn_before = xnnpack::xnnpack_memory_stats().allocations;
  size_t before = g_allocations.load();
  for (int i = 0; i < kRuns; ++i) {
    ASSERT_EQ(m.module->set_inputs(**method, m.inputs), Error::Ok) << error_message();
    ASSERT_EQ((*method)->execute(), Error::Ok) << error_message();
  }
  size_t after = g_allocations.load();
  EXPECT_EQ(after - before, 0u) << "heap allocations in " << kRuns << " runs";
  EXPECT_EQ(xnnpack::xnnpack_memory_stats().allocations - xnn_before, 0u) << "XNNPACK allocations";
}

TEST(NoHeapExecute, CountingAllocatorSeesAllocations) {
  // Volatile pointers keep the compiler from eliding the pairs.
  size_t before = g_allocations.load();
  int* volatile p = new int(3);
  delete p;
  void* volatile q = std::malloc(16);
  std::free(q);
  EXPECT_EQ(g_allocations.load() - before, 2u);
}

TEST(NoHeapExecute, PortableFloatCnn) {
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_MODELS);
  ModuleOptions options;
  options.num_threads = 1;
  test::ConvertedModel m = test::convert_example(EXIR_GEN_MODELS, "cnn", "portable", options);
  EXPECT_EQ(m.convert.num_delegates, 0u);
  expect_no_allocation(m);
}

TEST(NoHeapExecute, PortableFloatMlpTwoThreads) {
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_MODELS);
  ModuleOptions options;
  options.num_threads = 2;
  test::ConvertedModel m = test::convert_example(EXIR_GEN_MODELS, "mlp", "portable", options);
  expect_no_allocation(m);
}

TEST(NoHeapExecute, XnnpackInt8Cnn) {
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_QDQ_MODELS);
  ModuleOptions options;
  options.num_threads = 1;
  test::ConvertedModel m = test::convert_example(EXIR_GEN_QDQ_MODELS, "qdq_cnn", "xnnpack", options);
  EXPECT_GE(m.convert.num_delegates, 1u);
  expect_no_allocation(m);
}

TEST(NoHeapExecute, XnnpackUint8TransformerBlock) {
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_QDQ_MODELS);
  ModuleOptions options;
  options.num_threads = 2;
  test::ConvertedModel m = test::convert_example(EXIR_GEN_QDQ_MODELS, "qdq_tblock_u8", "xnnpack", options);
  EXPECT_GE(m.convert.num_delegates, 1u);
  expect_no_allocation(m);
}

}  // namespace
}  // namespace ember
