// The allocator XNNPACK uses for everything it allocates (packed weights,
// operator state, scratch): installed once, process-wide, by
// xnn_initialize. It counts live bytes (reported by the backend) and can be
// told to fail allocations, so tests can inject XNNPACK allocation failures.
#pragma once

#include <cstddef>
#include <cstdint>

struct xnn_allocator;

namespace ember::xnnpack {

struct XnnpackMemoryStats {
  size_t live_bytes = 0;
  size_t peak_bytes = 0;
  size_t allocations = 0;  // successful allocations so far
};

const xnn_allocator* xnnpack_allocator();
XnnpackMemoryStats xnnpack_memory_stats();

// Allocation number `n` from now (1 = the next one) fails; 0 disables.
void fail_xnnpack_allocation_after(size_t n);

}  // namespace ember::xnnpack
