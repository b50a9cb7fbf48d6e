#include "runtime/kernel/thread_pool.h"

#include <cpuinfo.h>
#include <pthreadpool.h>

#include <new>

namespace ember {

size_t ThreadPool::default_thread_count() {
  if (!cpuinfo_initialize()) return 1;
  uint32_t cores = cpuinfo_get_cores_count();
  return cores == 0 ? 1 : cores;
}

Result<ThreadPool*> ThreadPool::create(size_t num_threads) {
  if (num_threads == 0) num_threads = default_thread_count();
  EMBER_CHECK_OR_RETURN(num_threads <= 1024, Error::InvalidArgument, "thread pool: %zu threads is too many",
                        num_threads);
  pthreadpool_t pool = pthreadpool_create(num_threads);
  EMBER_CHECK_OR_RETURN(pool != nullptr, Error::OutOfResources, "thread pool: cannot create %zu threads",
                        num_threads);
  ThreadPool* result = new (std::nothrow) ThreadPool(pool);
  if (result == nullptr) {
    pthreadpool_destroy(pool);
    return fail(Error::MemoryAllocationFailed, "thread pool: out of memory");
  }
  return result;
}

ThreadPool::~ThreadPool() { pthreadpool_destroy(pool_); }

size_t ThreadPool::num_threads() const { return pthreadpool_get_threads_count(pool_); }

namespace {
struct Thunk {
  void (*fn)(void*, size_t);
  void* context;
};
void run_thunk(void* t, size_t i) {
  auto* thunk = static_cast<Thunk*>(t);
  thunk->fn(thunk->context, i);
}
}  // namespace

void ThreadPool::parallel_for(size_t n, void (*fn)(void* context, size_t i), void* context) const {
  Thunk thunk{fn, context};
  pthreadpool_parallelize_1d(pool_, run_thunk, &thunk, n, 0);
}

}  // namespace ember
