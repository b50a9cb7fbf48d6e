// Helpers shared by the loaders (internal to runtime/loader): opening a file,
// aligned heap copies and the range check.
//
// The DataLoader contract promises data aligned to alignof(std::max_align_t).
// A loader that cannot hand out an aligned view copies the bytes into a heap
// block from allocate_aligned(); the FreeableBuffer it returns owns that block
// and releases it through free_aligned_buffer.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/error.h"
#include "runtime/core/freeable_buffer.h"
#include "runtime/core/result.h"

namespace ember::loader_internal {

constexpr size_t kLoadAlignment = alignof(std::max_align_t);

inline bool is_aligned(const void* p, size_t alignment) { return reinterpret_cast<uintptr_t>(p) % alignment == 0; }

// `size` bytes aligned to `alignment` (a power of two), or null when out of
// memory. Never returns null for size 0 (a one-byte block is allocated), so a
// successful load always has a non-null data pointer.
void* allocate_aligned(size_t size, size_t alignment);

// FreeableBuffer::FreeFn for blocks from allocate_aligned; `context` carries
// the alignment.
void free_aligned_buffer(void* context, const void* data, size_t size);

// Wraps a block from allocate_aligned so the buffer frees it.
FreeableBuffer owning_buffer(void* data, size_t size, size_t alignment);

// A buffer that does not own its bytes (freeing it does nothing).
FreeableBuffer borrowed_buffer(const void* data, size_t size);

// A non-null, maximally aligned pointer for zero-byte loads.
const void* empty_data();

// True when `alignment` is a power of two no smaller than kLoadAlignment.
bool is_valid_alignment(size_t alignment);

// A read-only descriptor and the file's size. The caller owns `fd` and closes it.
struct OpenFile {
  int fd = -1;
  size_t size = 0;
};

// Opens `path` read-only (close-on-exec) and checks that it is a regular file
// whose size fits size_t; on failure nothing stays open and AccessFailed is
// recorded naming "file '<path>'".
Result<OpenFile> open_regular_file(const char* path);

// Ok when [offset, offset + size) lies inside `total` bytes (overflow-checked);
// otherwise records InvalidArgument naming `source` (a path or "buffer"), the
// range and the total.
Error check_range(const char* source, size_t offset, size_t size, size_t total);

}  // namespace ember::loader_internal
