#include "runtime/kernel/kernel_runtime_context.h"

#include <cstdarg>
#include <cstdio>

namespace ember {

void KernelRuntimeContext::fail(Error error, const char* format, ...) {
  if (failure_ != Error::Ok) return;
  failure_ = error == Error::Ok ? Error::Internal : error;
  char message[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  ember::fail(failure_, "%s", message);
}

void* KernelRuntimeContext::allocate_temp(size_t size, size_t alignment) {
  if (temp_allocator_ == nullptr) {
    ember::fail(Error::NotFound, "no temp allocator for kernel scratch of %zu bytes", size);
    return nullptr;
  }
  return temp_allocator_->allocate(size, alignment);
}

}  // namespace ember
