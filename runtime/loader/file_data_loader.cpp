#include "runtime/loader/file_data_loader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "runtime/loader/loader_util.h"

namespace ember {

using loader_internal::allocate_aligned;
using loader_internal::check_range;

Result<std::unique_ptr<FileDataLoader>> FileDataLoader::from(const char* path, size_t alignment) {
  EMBER_CHECK_OR_RETURN(path != nullptr, Error::InvalidArgument, "FileDataLoader: path is null");
  EMBER_CHECK_OR_RETURN(loader_internal::is_valid_alignment(alignment), Error::InvalidArgument,
                        "file '%s': alignment %zu is not a power of two >= %zu", path, alignment,
                        loader_internal::kLoadAlignment);
  Result<loader_internal::OpenFile> file = loader_internal::open_regular_file(path);
  if (!file.ok()) return file.error();
  const int fd = file->fd;
  std::unique_ptr<FileDataLoader> loader(new (std::nothrow) FileDataLoader(fd, file->size, alignment, path));
  if (loader == nullptr) {
    ::close(fd);
    return fail(Error::MemoryAllocationFailed, "file '%s': out of memory creating the loader", path);
  }
  return loader;
}

FileDataLoader::FileDataLoader(int fd, size_t file_size, size_t alignment, std::string path)
    : fd_(fd), file_size_(file_size), alignment_(alignment), path_(std::move(path)) {
  source_ = "file '" + path_ + "'";
}

FileDataLoader::~FileDataLoader() { ::close(fd_); }

Result<FreeableBuffer> FileDataLoader::load(size_t offset, size_t size, const SegmentInfo& /*info*/) const {
  EMBER_TRY(check_range(source_.c_str(), offset, size, file_size_));
  void* data = allocate_aligned(size, alignment_);
  EMBER_CHECK_OR_RETURN(data != nullptr, Error::MemoryAllocationFailed,
                        "%s: out of memory allocating %zu bytes for offset %zu", source_.c_str(), size, offset);
  FreeableBuffer buffer = loader_internal::owning_buffer(data, size, alignment_);

  auto* out = static_cast<unsigned char*>(data);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd_, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Error::AccessFailed, "%s: read of %zu bytes at offset %zu failed: %s", source_.c_str(), size, offset,
                  std::strerror(errno));
    }
    if (n == 0) {
      return fail(Error::AccessFailed, "%s: unexpected end of file at offset %zu reading %zu bytes at offset %zu",
                  source_.c_str(), offset + done, size, offset);
    }
    done += static_cast<size_t>(n);
  }
  return buffer;
}

}  // namespace ember
