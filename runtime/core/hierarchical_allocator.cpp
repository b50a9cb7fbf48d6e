#include "runtime/core/hierarchical_allocator.h"

namespace ember {

Result<uint8_t*> HierarchicalAllocator::offset_address(size_t arena_index, uint64_t offset, size_t size) const {
  EMBER_CHECK_OR_RETURN(arena_index < arenas_.size(), Error::InvalidArgument,
                        "memory id %zu has no arena (%zu provided)", arena_index + 1, arenas_.size());
  Span<uint8_t> a = arenas_[arena_index];
  EMBER_CHECK_OR_RETURN(offset <= a.size() && size <= a.size() - offset, Error::InvalidArgument,
                        "memory id %zu: [%llu, +%zu) is outside the arena of %zu bytes", arena_index + 1,
                        static_cast<unsigned long long>(offset), size, a.size());
  EMBER_CHECK_OR_RETURN(a.data() != nullptr || size == 0, Error::InvalidArgument,
                        "memory id %zu: arena has no storage", arena_index + 1);
  return a.data() + offset;
}

}  // namespace ember
