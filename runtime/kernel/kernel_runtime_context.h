// KernelRuntimeContext: what a kernel may use while it runs one instruction.
//
// A kernel reports failure through fail() (never by aborting) and returns; the
// executor reads failure_state() afterwards and stops with that error. Temp
// memory comes from the method's temp allocator and lives until the
// instruction ends. The context is owned by the executor and valid only during
// the kernel call.
#pragma once

#include <cstddef>

#include "runtime/core/error.h"
#include "runtime/core/memory_allocator.h"

namespace ember {

class ThreadPool;

class KernelRuntimeContext final {
 public:
  KernelRuntimeContext(MemoryAllocator* temp_allocator = nullptr, const ThreadPool* thread_pool = nullptr)
      : temp_allocator_(temp_allocator), thread_pool_(thread_pool) {}

  // Records the failure and its message (printf format). The first failure wins.
  void fail(Error error, const char* format, ...) __attribute__((format(printf, 3, 4)));
  Error failure_state() const { return failure_; }

  // Scratch memory for this instruction; null (and an error message) when
  // there is no temp allocator or it is exhausted.
  void* allocate_temp(size_t size, size_t alignment = alignof(std::max_align_t));

  // Null when the host gave none: run single-threaded.
  const ThreadPool* thread_pool() const { return thread_pool_; }

 private:
  MemoryAllocator* temp_allocator_;
  const ThreadPool* thread_pool_;
  Error failure_ = Error::Ok;
};

}  // namespace ember

// In a kernel: if `cond` is false, fail the context with a message and return.
#define EMBER_KERNEL_CHECK(ctx, cond, error, ...) \
  do {                                            \
    if (__builtin_expect(!(cond), 0)) {           \
      (ctx).fail((error), __VA_ARGS__);           \
      return;                                     \
    }                                             \
  } while (0)
