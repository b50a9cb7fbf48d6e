// Platform hooks a host can override at run time: log sink, clock, abort.
//
// Defaults: log lines go to stderr, the clock is CLOCK_MONOTONIC, abort calls
// std::abort. The runtime itself never calls abort on input; the hook exists
// for hosts that embed Ember next to code that does. Hooks are process-wide;
// set them before loading programs, not while other threads run Ember.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ember {

enum class LogLevel : uint8_t { Debug = 0, Info = 1, Error = 2 };

struct PlatformHooks {
  // Receives one complete log line (no trailing newline). May be null: drop logs.
  void (*log)(LogLevel level, const char* message, size_t length) = nullptr;
  // Monotonic time in nanoseconds.
  uint64_t (*now_ns)() = nullptr;
  // Called by the host-facing abort path only; must not return.
  void (*abort)() = nullptr;
};

// Installs hooks; null members keep the default. Returns the previous hooks.
PlatformHooks set_platform_hooks(const PlatformHooks& hooks);
const PlatformHooks& platform_hooks();

// Minimum level that is emitted at run time (default Info; EMBER_LOG_LEVEL env
// var "debug"/"info"/"error"/"none" overrides at first use).
void set_log_level(LogLevel level);
// Silences all logging at run time (tests use it to keep output readable).
void set_logging_enabled(bool enabled);
bool log_enabled(LogLevel level);

uint64_t now_ns();

// printf-style log through the hook. Compiled out when EMBER_LOGGING is 0.
void log_message(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

}  // namespace ember

#ifndef EMBER_LOGGING
#define EMBER_LOGGING 1
#endif

#if EMBER_LOGGING
#define EMBER_LOG(level, ...)                                      \
  do {                                                             \
    if (::ember::log_enabled(::ember::LogLevel::level)) {          \
      ::ember::log_message(::ember::LogLevel::level, __VA_ARGS__); \
    }                                                              \
  } while (0)
#else
#define EMBER_LOG(level, ...) \
  do {                        \
  } while (0)
#endif
