#include "runtime/loader/mmap_data_loader.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <new>

#include "runtime/loader/loader_util.h"

namespace ember {

using loader_internal::kLoadAlignment;

Result<std::unique_ptr<MmapDataLoader>> MmapDataLoader::from(const char* path) {
  EMBER_CHECK_OR_RETURN(path != nullptr, Error::InvalidArgument, "MmapDataLoader: path is null");
  Result<loader_internal::OpenFile> file = loader_internal::open_regular_file(path);
  if (!file.ok()) return file.error();
  const int fd = file->fd;
  const size_t file_size = file->size;
  void* base = nullptr;
  // mmap rejects a zero length, and an empty file has nothing to map.
  if (file_size > 0) {
    base = ::mmap(nullptr, file_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED) {
      const int saved = errno;
      ::close(fd);
      return fail(Error::AccessFailed, "file '%s': cannot map %zu bytes: %s", path, file_size, std::strerror(saved));
    }
  }
  // The mapping keeps its own reference to the file.
  ::close(fd);
  std::unique_ptr<MmapDataLoader> loader(new (std::nothrow) MmapDataLoader(base, file_size, path));
  if (loader == nullptr) {
    if (base != nullptr) ::munmap(base, file_size);
    return fail(Error::MemoryAllocationFailed, "file '%s': out of memory creating the loader", path);
  }
  return loader;
}

MmapDataLoader::MmapDataLoader(const void* base, size_t file_size, std::string path)
    : base_(base), file_size_(file_size), path_(std::move(path)) {
  source_ = "file '" + path_ + "'";
}

MmapDataLoader::~MmapDataLoader() {
  if (base_ != nullptr) ::munmap(const_cast<void*>(base_), file_size_);
}

Result<FreeableBuffer> MmapDataLoader::load(size_t offset, size_t size, const SegmentInfo& /*info*/) const {
  EMBER_TRY(loader_internal::check_range(source_.c_str(), offset, size, file_size_));
  if (size == 0) return loader_internal::borrowed_buffer(loader_internal::empty_data(), 0);
  const auto* start = static_cast<const unsigned char*>(base_) + offset;
  if (loader_internal::is_aligned(start, kLoadAlignment)) {
    return loader_internal::borrowed_buffer(start, size);
  }
  // Misaligned views would break the DataLoader alignment promise.
  void* copy = loader_internal::allocate_aligned(size, kLoadAlignment);
  EMBER_CHECK_OR_RETURN(copy != nullptr, Error::MemoryAllocationFailed,
                        "%s: out of memory copying %zu bytes at misaligned offset %zu", source_.c_str(), size, offset);
  std::memcpy(copy, start, size);
  return loader_internal::owning_buffer(copy, size, kLoadAlignment);
}

}  // namespace ember
