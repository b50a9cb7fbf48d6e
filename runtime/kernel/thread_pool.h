// ThreadPool: the one pthreadpool a runtime instance shares between heavy
// portable kernels and delegates.
//
// The host creates it (size of its choosing; default_thread_count() gives the
// number of physical cores from cpuinfo) and passes it to Method loading; it
// must outlive those Methods. A pool of 1 thread runs work on the caller.
#pragma once

#include <cstddef>

#include "runtime/core/result.h"

struct pthreadpool;

namespace ember {

class ThreadPool final {
 public:
  // `num_threads` 0 means default_thread_count().
  static Result<ThreadPool*> create(size_t num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  size_t num_threads() const;
  // The underlying pthreadpool, for delegates that take one (XNNPACK).
  pthreadpool* handle() const { return pool_; }

  // Calls fn(context, i) for i in [0, n), spread over the pool's threads.
  void parallel_for(size_t n, void (*fn)(void* context, size_t i), void* context) const;

  // Physical cores reported by cpuinfo (1 if it cannot tell).
  static size_t default_thread_count();

 private:
  explicit ThreadPool(pthreadpool* pool) : pool_(pool) {}
  pthreadpool* pool_;
};

}  // namespace ember
