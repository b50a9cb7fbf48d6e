// MmapDataLoader: maps a whole file read-only once and hands out views of it.
//
// The loader owns the mapping (unmapped by the destructor; the file descriptor
// is closed right after mapping). A load() whose start is aligned to
// alignof(std::max_align_t) returns a view into the mapping: no copy, freeing
// it does nothing, and its bytes are valid only while the loader lives. A load
// at a misaligned offset returns an aligned heap copy instead, owned by the
// returned buffer. Either way, keep the loader alive longer than every buffer
// and every Program made from it. The file must not be truncated while
// mapped (reading a truncated page raises SIGBUS, as with any mmap). A
// zero-byte file is accepted and is not mapped; only empty loads succeed on it.
// load() is safe to call from several threads at once.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "runtime/core/data_loader.h"
#include "runtime/core/result.h"

namespace ember {

class MmapDataLoader final : public DataLoader {
 public:
  // Maps the regular file at `path`. Fails with AccessFailed when it cannot be
  // opened, is not a regular file, or cannot be mapped.
  static Result<std::unique_ptr<MmapDataLoader>> from(const char* path);

  ~MmapDataLoader() override;
  MmapDataLoader(const MmapDataLoader&) = delete;
  MmapDataLoader& operator=(const MmapDataLoader&) = delete;

  Result<FreeableBuffer> load(size_t offset, size_t size, const SegmentInfo& info) const override;
  Result<size_t> size() const override { return file_size_; }

  const std::string& path() const { return path_; }

 private:
  MmapDataLoader(const void* base, size_t file_size, std::string path);

  const void* base_;  // null for a zero-byte file
  size_t file_size_;
  std::string path_;
  std::string source_;  // "file '<path>'", the prefix of failure messages
};

}  // namespace ember
