#include "backends/xnnpack/runtime/xnnpack_allocator.h"

#include <xnnpack.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace ember::xnnpack {
namespace {

// Every block carries a header in front of the returned pointer recording the
// start of the underlying malloc block and the usable size.
struct BlockHeader {
  void* base;
  size_t size;
};

constexpr size_t kMinAlignment = 16;

std::atomic<size_t> g_live{0};
std::atomic<size_t> g_peak{0};
std::atomic<size_t> g_count{0};
std::atomic<size_t> g_fail_countdown{0};

bool should_fail() {
  size_t n = g_fail_countdown.load();
  while (n > 0) {
    if (g_fail_countdown.compare_exchange_weak(n, n - 1)) return n == 1;
  }
  return false;
}

void* allocate_aligned(size_t alignment, size_t size) {
  if (alignment < kMinAlignment) alignment = kMinAlignment;
  if (should_fail()) return nullptr;
  size_t header = (sizeof(BlockHeader) + alignment - 1) & ~(alignment - 1);
  size_t total = 0;
  if (__builtin_add_overflow(size, header + alignment, &total)) return nullptr;
  void* base = std::malloc(total);
  if (base == nullptr) return nullptr;
  uintptr_t p = (reinterpret_cast<uintptr_t>(base) + header + alignment - 1) & ~(static_cast<uintptr_t>(alignment) - 1);
  auto* h = reinterpret_cast<BlockHeader*>(p) - 1;
  h->base = base;
  h->size = size;
  size_t live = g_live.fetch_add(size) + size;
  size_t peak = g_peak.load();
  while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
  }
  g_count.fetch_add(1);
  return reinterpret_cast<void*>(p);
}

void deallocate_any(void*, void* pointer) {
  if (pointer == nullptr) return;
  auto* h = static_cast<BlockHeader*>(pointer) - 1;
  g_live.fetch_sub(h->size);
  std::free(h->base);
}

void* allocate(void*, size_t size) { return allocate_aligned(kMinAlignment, size); }

void* reallocate(void* context, void* pointer, size_t size) {
  void* fresh = allocate_aligned(kMinAlignment, size);
  if (fresh == nullptr) return nullptr;
  if (pointer != nullptr) {
    size_t old = (static_cast<BlockHeader*>(pointer) - 1)->size;
    std::memcpy(fresh, pointer, old < size ? old : size);
    deallocate_any(context, pointer);
  }
  return fresh;
}

void* aligned_allocate(void*, size_t alignment, size_t size) { return allocate_aligned(alignment, size); }

const xnn_allocator kAllocator = {nullptr, allocate, reallocate, deallocate_any, aligned_allocate, deallocate_any};

}  // namespace

const xnn_allocator* xnnpack_allocator() { return &kAllocator; }

XnnpackMemoryStats xnnpack_memory_stats() { return {g_live.load(), g_peak.load(), g_count.load()}; }

void fail_xnnpack_allocation_after(size_t n) { g_fail_countdown.store(n); }

}  // namespace ember::xnnpack
