#include "runtime/core/error.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "runtime/platform/platform.h"

namespace ember {
namespace {

constexpr size_t kMessageCapacity = 1024;
thread_local char t_message[kMessageCapacity];

}  // namespace

const char* error_name(Error error) {
  switch (error) {
    case Error::Ok: return "Ok";
    case Error::Internal: return "Internal";
    case Error::InvalidState: return "InvalidState";
    case Error::EndOfMethod: return "EndOfMethod";
    case Error::AlreadyLoaded: return "AlreadyLoaded";
    case Error::NotSupported: return "NotSupported";
    case Error::NotImplemented: return "NotImplemented";
    case Error::InvalidArgument: return "InvalidArgument";
    case Error::InvalidType: return "InvalidType";
    case Error::OperatorMissing: return "OperatorMissing";
    case Error::RegistrationExceedingMaxKernels: return "RegistrationExceedingMaxKernels";
    case Error::RegistrationAlreadyRegistered: return "RegistrationAlreadyRegistered";
    case Error::NotFound: return "NotFound";
    case Error::MemoryAllocationFailed: return "MemoryAllocationFailed";
    case Error::AccessFailed: return "AccessFailed";
    case Error::InvalidProgram: return "InvalidProgram";
    case Error::InvalidExternalData: return "InvalidExternalData";
    case Error::OutOfResources: return "OutOfResources";
    case Error::LimitExceeded: return "LimitExceeded";
    case Error::DelegateInvalidCompatibility: return "DelegateInvalidCompatibility";
    case Error::DelegateMemoryAllocationFailed: return "DelegateMemoryAllocationFailed";
    case Error::DelegateInvalidHandle: return "DelegateInvalidHandle";
  }
  return "Unknown";
}

const char* error_message() { return t_message; }

void clear_error_message() { t_message[0] = '\0'; }

Error fail(Error error, const char* format, ...) {
  va_list args;
  va_start(args, format);
  std::vsnprintf(t_message, kMessageCapacity, format, args);
  va_end(args);
  EMBER_LOG(Debug, "%s: %s", error_name(error), t_message);
  return error;
}

Error add_context(Error error, const char* format, ...) {
  char prefix[256];
  va_list args;
  va_start(args, format);
  int n = std::vsnprintf(prefix, sizeof(prefix), format, args);
  va_end(args);
  if (n <= 0) return error;
  size_t prefix_len = std::strlen(prefix);
  size_t old_len = std::strlen(t_message);
  // "prefix: old", truncated to capacity; shift the old message right.
  size_t head = prefix_len + (old_len > 0 ? 2 : 0);
  if (head >= kMessageCapacity) head = kMessageCapacity - 1;
  size_t keep = old_len;
  if (head + keep >= kMessageCapacity) keep = kMessageCapacity - 1 - head;
  std::memmove(t_message + head, t_message, keep);
  t_message[head + keep] = '\0';
  std::memcpy(t_message, prefix, head < prefix_len ? head : prefix_len);
  if (old_len > 0 && head >= prefix_len + 2) {
    t_message[prefix_len] = ':';
    t_message[prefix_len + 1] = ' ';
  }
  return error;
}

}  // namespace ember
