// Error codes of the runtime, grouped by kind, plus the failure message.
//
// Every failing call returns an Error (or a Result<T> holding one) and records a
// human-readable message naming what was wrong (value index, instruction,
// operator, file offset). The message is kept per thread, like errno: read it
// with error_message() right after the failing call. Recording a message never
// allocates.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ember {

enum class Error : uint32_t {
  // System
  Ok = 0x00,
  Internal = 0x01,
  InvalidState = 0x02,
  EndOfMethod = 0x03,
  AlreadyLoaded = 0x04,

  // Logical
  NotSupported = 0x10,
  NotImplemented = 0x11,
  InvalidArgument = 0x12,
  InvalidType = 0x13,
  OperatorMissing = 0x14,
  RegistrationExceedingMaxKernels = 0x15,
  RegistrationAlreadyRegistered = 0x16,

  // Resource
  NotFound = 0x20,
  MemoryAllocationFailed = 0x21,
  AccessFailed = 0x22,
  InvalidProgram = 0x23,
  InvalidExternalData = 0x24,
  OutOfResources = 0x25,
  LimitExceeded = 0x26,

  // Delegate
  DelegateInvalidCompatibility = 0x30,
  DelegateMemoryAllocationFailed = 0x31,
  DelegateInvalidHandle = 0x32,
};

// Stable short name of a code, e.g. "InvalidProgram".
const char* error_name(Error error);

// Message of the most recent failure recorded on this thread ("" if none).
// Valid until the next failure is recorded on this thread.
const char* error_message();

// Replaces the thread's message with a printf-formatted one, logs it at error
// level, and returns `error` so callers can write `return fail(...)`.
Error fail(Error error, const char* format, ...) __attribute__((format(printf, 2, 3)));

// Prefixes the thread's current message with context ("instruction 3: ...").
// Returns `error` unchanged.
Error add_context(Error error, const char* format, ...) __attribute__((format(printf, 2, 3)));

// Clears the thread's message.
void clear_error_message();

}  // namespace ember

// Returns from the enclosing function with `error` and a formatted message
// unless `cond` holds. Works in functions returning Error or Result<T>.
#define EMBER_CHECK_OR_RETURN(cond, error, ...)  \
  do {                                           \
    if (__builtin_expect(!(cond), 0)) {          \
      return ::ember::fail((error), __VA_ARGS__); \
    }                                            \
  } while (0)

// Evaluates an Error-returning expression and propagates a failure.
#define EMBER_TRY(expr)                           \
  do {                                            \
    ::ember::Error ember_try_err_ = (expr);       \
    if (__builtin_expect(ember_try_err_ != ::ember::Error::Ok, 0)) { \
      return ember_try_err_;                      \
    }                                             \
  } while (0)

// Like EMBER_TRY, but prefixes the failure message with formatted context.
#define EMBER_TRY_CTX(expr, ...)                                      \
  do {                                                                \
    ::ember::Error ember_try_err_ = (expr);                           \
    if (__builtin_expect(ember_try_err_ != ::ember::Error::Ok, 0)) {  \
      return ::ember::add_context(ember_try_err_, __VA_ARGS__);       \
    }                                                                 \
  } while (0)
