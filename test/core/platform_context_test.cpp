// Platform hooks (log sink, clock), ThreadPool and KernelRuntimeContext.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "runtime/kernel/kernel_runtime_context.h"
#include "runtime/kernel/thread_pool.h"
#include "runtime/platform/platform.h"

namespace ember {
namespace {

struct LogLine {
  LogLevel level;
  std::string text;
};
std::vector<LogLine> g_lines;
void record_log(LogLevel level, const char* message, size_t length) {
  g_lines.push_back({level, std::string(message, length)});
}

uint64_t fake_clock() { return 123456789; }

// Installs the recording sink and puts every global setting back afterwards.
class PlatformHooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PlatformHooks hooks;
    hooks.log = record_log;
    previous_ = set_platform_hooks(hooks);
    set_logging_enabled(true);
    set_log_level(LogLevel::Info);
    g_lines.clear();
  }
  void TearDown() override {
    set_platform_hooks(previous_);
    set_logging_enabled(true);
    set_log_level(LogLevel::Info);
    EXPECT_NE(platform_hooks().log, &record_log);
    EXPECT_NE(platform_hooks().now_ns, &fake_clock);
  }

  PlatformHooks previous_;
};

TEST_F(PlatformHooksTest, SinkReceivesLinesAtOrAboveLevel) {
  EMBER_LOG(Info, "loaded %d methods from %s", 2, "model.pte");
  EMBER_LOG(Debug, "not shown %d", 1);
  EMBER_LOG(Error, "failed: %s", "boom");
  ASSERT_EQ(g_lines.size(), 2u);
  EXPECT_EQ(g_lines[0].level, LogLevel::Info);
  EXPECT_EQ(g_lines[0].text, "loaded 2 methods from model.pte");
  EXPECT_EQ(g_lines[1].level, LogLevel::Error);
  EXPECT_EQ(g_lines[1].text, "failed: boom");

  set_log_level(LogLevel::Error);
  EMBER_LOG(Info, "info hidden");
  EMBER_LOG(Error, "error shown");
  ASSERT_EQ(g_lines.size(), 3u);
  EXPECT_EQ(g_lines[2].text, "error shown");
  EXPECT_FALSE(log_enabled(LogLevel::Info));
  EXPECT_TRUE(log_enabled(LogLevel::Error));
}

TEST_F(PlatformHooksTest, FailLogsCodeAndMessageAtDebug) {
  set_log_level(LogLevel::Debug);
  fail(Error::InvalidProgram, "value %d out of range", 4);
  ASSERT_EQ(g_lines.size(), 1u);
  EXPECT_EQ(g_lines[0].level, LogLevel::Debug);
  EXPECT_EQ(g_lines[0].text, "InvalidProgram: value 4 out of range");
}

TEST_F(PlatformHooksTest, DisabledLoggingIsSilent) {
  set_logging_enabled(false);
  EXPECT_FALSE(log_enabled(LogLevel::Error));
  EMBER_LOG(Error, "dropped %d", 1);
  EMBER_LOG(Info, "dropped %d", 2);
  EXPECT_TRUE(g_lines.empty());
  set_logging_enabled(true);
  EMBER_LOG(Error, "back");
  ASSERT_EQ(g_lines.size(), 1u);
  EXPECT_EQ(g_lines[0].text, "back");
}

TEST_F(PlatformHooksTest, LongLineTruncated) {
  std::string long_text(3000, 'x');
  log_message(LogLevel::Error, "%s", long_text.c_str());
  ASSERT_EQ(g_lines.size(), 1u);
  EXPECT_EQ(g_lines[0].text, std::string(1023, 'x'));
}

TEST_F(PlatformHooksTest, ClockHook) {
  PlatformHooks hooks;
  hooks.now_ns = fake_clock;
  PlatformHooks before = set_platform_hooks(hooks);
  // Null members kept what was installed: the log sink is still ours.
  EXPECT_EQ(before.log, &record_log);
  EXPECT_EQ(platform_hooks().log, &record_log);
  EXPECT_EQ(now_ns(), 123456789u);
  EXPECT_EQ(now_ns(), 123456789u);
  set_platform_hooks(before);
  uint64_t a = now_ns();
  uint64_t b = now_ns();
  EXPECT_NE(a, 123456789u);
  EXPECT_GE(b, a);
}

TEST(ThreadPoolTest, ParallelForVisitsEveryIndexOnce) {
  Result<ThreadPool*> created = ThreadPool::create(2);
  ASSERT_TRUE(created.ok()) << error_message();
  std::unique_ptr<ThreadPool> pool(*created);
  EXPECT_EQ(pool->num_threads(), 2u);
  EXPECT_NE(pool->handle(), nullptr);

  constexpr size_t kN = 1000;
  std::vector<std::atomic<int>> counts(kN);
  for (auto& c : counts) c.store(0);
  pool->parallel_for(
      kN, [](void* context, size_t i) { (*static_cast<std::vector<std::atomic<int>>*>(context))[i].fetch_add(1); },
      &counts);
  int total = 0;
  for (size_t i = 0; i < kN; ++i) {
    EXPECT_EQ(counts[i].load(), 1) << "index " << i;
    total += counts[i].load();
  }
  EXPECT_EQ(total, 1000);

  // n = 0 calls nothing.
  pool->parallel_for(
      0, [](void* context, size_t) { static_cast<std::atomic<int>*>(context)->fetch_add(1); }, &counts[0]);
  EXPECT_EQ(counts[0].load(), 1);
}

TEST(ThreadPoolTest, SingleThreadRunsOnCaller) {
  Result<ThreadPool*> created = ThreadPool::create(1);
  ASSERT_TRUE(created.ok()) << error_message();
  std::unique_ptr<ThreadPool> pool(*created);
  EXPECT_EQ(pool->num_threads(), 1u);
  struct Seen {
    std::thread::id caller;
    std::atomic<int> on_caller{0};
    std::atomic<int> sum{0};
  } seen;
  seen.caller = std::this_thread::get_id();
  pool->parallel_for(
      10,
      [](void* context, size_t i) {
        auto* s = static_cast<Seen*>(context);
        if (std::this_thread::get_id() == s->caller) s->on_caller.fetch_add(1);
        s->sum.fetch_add(static_cast<int>(i));
      },
      &seen);
  EXPECT_EQ(seen.on_caller.load(), 10);
  EXPECT_EQ(seen.sum.load(), 45);
}

TEST(ThreadPoolTest, DefaultAndInvalidSizes) {
  size_t n = ThreadPool::default_thread_count();
  EXPECT_GE(n, 1u);
  Result<ThreadPool*> created = ThreadPool::create(0);
  ASSERT_TRUE(created.ok()) << error_message();
  std::unique_ptr<ThreadPool> pool(*created);
  EXPECT_EQ(pool->num_threads(), n);

  Result<ThreadPool*> too_many = ThreadPool::create(5000);
  EXPECT_EQ(too_many.error(), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "thread pool: 5000 threads is too many");
}

void checked_kernel(KernelRuntimeContext& ctx, int x, int* reached) {
  EMBER_KERNEL_CHECK(ctx, x >= 0, Error::InvalidArgument, "x is %d", x);
  *reached = 1;
}

TEST(KernelRuntimeContextTest, FirstFailureWins) {
  KernelRuntimeContext ctx;
  EXPECT_EQ(ctx.failure_state(), Error::Ok);
  EXPECT_EQ(ctx.thread_pool(), nullptr);
  ctx.fail(Error::InvalidArgument, "first failure %d", 1);
  EXPECT_EQ(ctx.failure_state(), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "first failure 1");
  ctx.fail(Error::InvalidType, "second failure");
  EXPECT_EQ(ctx.failure_state(), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "first failure 1");
}

TEST(KernelRuntimeContextTest, FailWithOkBecomesInternal) {
  KernelRuntimeContext ctx;
  ctx.fail(Error::Ok, "nonsense");
  EXPECT_EQ(ctx.failure_state(), Error::Internal);
  EXPECT_STREQ(error_message(), "nonsense");
}

TEST(KernelRuntimeContextTest, KernelCheckMacro) {
  KernelRuntimeContext ctx;
  int reached = 0;
  checked_kernel(ctx, 3, &reached);
  EXPECT_EQ(reached, 1);
  EXPECT_EQ(ctx.failure_state(), Error::Ok);
  reached = 0;
  checked_kernel(ctx, -2, &reached);
  EXPECT_EQ(reached, 0);
  EXPECT_EQ(ctx.failure_state(), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "x is -2");
}

TEST(KernelRuntimeContextTest, AllocateTemp) {
  KernelRuntimeContext without;
  EXPECT_EQ(without.allocate_temp(16), nullptr);
  EXPECT_STREQ(error_message(), "no temp allocator for kernel scratch of 16 bytes");
  // Failing to allocate does not fail the context: the kernel decides.
  EXPECT_EQ(without.failure_state(), Error::Ok);

  alignas(std::max_align_t) uint8_t storage[128];
  MemoryAllocator temp(sizeof(storage), storage);
  KernelRuntimeContext with(&temp);
  void* a = with.allocate_temp(10);
  ASSERT_EQ(a, storage);
  void* b = with.allocate_temp(8);
  EXPECT_EQ(b, storage + alignof(std::max_align_t));
  EXPECT_EQ(with.allocate_temp(4, 4), storage + alignof(std::max_align_t) + 8);
  EXPECT_EQ(with.allocate_temp(1000), nullptr);
  EXPECT_EQ(with.failure_state(), Error::Ok);
}

}  // namespace
}  // namespace ember
