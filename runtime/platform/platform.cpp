#include "runtime/platform/platform.h"

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace ember {
namespace {

void default_log(LogLevel level, const char* message, size_t length) {
  static const char* const kNames[] = {"D", "I", "E"};
  std::fprintf(stderr, "[ember %s] %.*s\n", kNames[static_cast<int>(level)], static_cast<int>(length), message);
}

uint64_t default_now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

[[noreturn]] void default_abort() { std::abort(); }

PlatformHooks& hooks() {
  static PlatformHooks h{default_log, default_now_ns, default_abort};
  return h;
}

int level_from_env() {
  const char* env = std::getenv("EMBER_LOG_LEVEL");
  if (env == nullptr) return static_cast<int>(LogLevel::Info);
  if (std::strcmp(env, "debug") == 0) return static_cast<int>(LogLevel::Debug);
  if (std::strcmp(env, "error") == 0) return static_cast<int>(LogLevel::Error);
  if (std::strcmp(env, "none") == 0) return 100;
  return static_cast<int>(LogLevel::Info);
}

std::atomic<int>& min_level() {
  static std::atomic<int> level{level_from_env()};
  return level;
}

std::atomic<bool> g_enabled{true};

}  // namespace

PlatformHooks set_platform_hooks(const PlatformHooks& h) {
  PlatformHooks previous = hooks();
  if (h.log != nullptr) hooks().log = h.log;
  if (h.now_ns != nullptr) hooks().now_ns = h.now_ns;
  if (h.abort != nullptr) hooks().abort = h.abort;
  return previous;
}

const PlatformHooks& platform_hooks() { return hooks(); }

void set_log_level(LogLevel level) { min_level().store(static_cast<int>(level)); }
void set_logging_enabled(bool enabled) { g_enabled.store(enabled); }

bool log_enabled(LogLevel level) {
  return g_enabled.load(std::memory_order_relaxed) && static_cast<int>(level) >= min_level().load(std::memory_order_relaxed);
}

uint64_t now_ns() { return hooks().now_ns(); }

void log_message(LogLevel level, const char* format, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, format);
  int n = std::vsnprintf(buffer, sizeof(buffer), format, args);
  va_end(args);
  if (n < 0) return;
  size_t length = static_cast<size_t>(n) < sizeof(buffer) ? static_cast<size_t>(n) : sizeof(buffer) - 1;
  if (hooks().log != nullptr) hooks().log(level, buffer, length);
}

}  // namespace ember
