// FileDataLoader: reads byte ranges of a file with pread into heap buffers.
//
// The loader owns an open file descriptor for its whole life (closed by the
// destructor). Each load() allocates a fresh aligned heap buffer, reads the
// range into it, and returns a FreeableBuffer that owns the buffer: the bytes
// stay valid until that buffer is freed, independent of the loader. The file
// size is taken once at open; a file that shrinks later makes loads fail with
// AccessFailed rather than return short data. load() is safe to call from
// several threads at once (pread does not move a shared file offset).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "runtime/core/data_loader.h"
#include "runtime/core/result.h"

namespace ember {

class FileDataLoader final : public DataLoader {
 public:
  // Opens the regular file at `path`. `alignment` (a power of two, at least
  // alignof(std::max_align_t)) is the alignment of every returned buffer.
  // Fails with AccessFailed when the file cannot be opened or is not a regular
  // file, InvalidArgument for a bad alignment.
  static Result<std::unique_ptr<FileDataLoader>> from(const char* path, size_t alignment = alignof(std::max_align_t));

  ~FileDataLoader() override;
  FileDataLoader(const FileDataLoader&) = delete;
  FileDataLoader& operator=(const FileDataLoader&) = delete;

  Result<FreeableBuffer> load(size_t offset, size_t size, const SegmentInfo& info) const override;
  Result<size_t> size() const override { return file_size_; }

  const std::string& path() const { return path_; }

 private:
  FileDataLoader(int fd, size_t file_size, size_t alignment, std::string path);

  int fd_;
  size_t file_size_;
  size_t alignment_;
  std::string path_;
  std::string source_;  // "file '<path>'", the prefix of failure messages
};

}  // namespace ember
