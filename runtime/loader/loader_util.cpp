#include "runtime/loader/loader_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

namespace ember::loader_internal {

void* allocate_aligned(size_t size, size_t alignment) {
  return ::operator new(size == 0 ? 1 : size, std::align_val_t(alignment), std::nothrow);
}

void free_aligned_buffer(void* context, const void* data, size_t /*size*/) {
  const size_t alignment = reinterpret_cast<uintptr_t>(context);
  ::operator delete(const_cast<void*>(data), std::align_val_t(alignment));
}

FreeableBuffer owning_buffer(void* data, size_t size, size_t alignment) {
  return FreeableBuffer(data, size, free_aligned_buffer, reinterpret_cast<void*>(static_cast<uintptr_t>(alignment)));
}

FreeableBuffer borrowed_buffer(const void* data, size_t size) { return FreeableBuffer(data, size, nullptr); }

const void* empty_data() {
  alignas(std::max_align_t) static const unsigned char kEmpty[1] = {0};
  return kEmpty;
}

bool is_valid_alignment(size_t alignment) { return alignment >= kLoadAlignment && (alignment & (alignment - 1)) == 0; }

Result<OpenFile> open_regular_file(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail(Error::AccessFailed, "file '%s': cannot open: %s", path, std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int saved = errno;
    ::close(fd);
    return fail(Error::AccessFailed, "file '%s': cannot stat: %s", path, std::strerror(saved));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(Error::AccessFailed, "file '%s': not a regular file", path);
  }
  if (static_cast<uint64_t>(st.st_size) > SIZE_MAX) {
    ::close(fd);
    return fail(Error::AccessFailed, "file '%s': %lld bytes do not fit the address space", path,
                static_cast<long long>(st.st_size));
  }
  return OpenFile{fd, static_cast<size_t>(st.st_size)};
}

Error check_range(const char* source, size_t offset, size_t size, size_t total) {
  if (offset > total || size > total - offset) {
    const bool overflows = size > SIZE_MAX - offset;
    return fail(Error::InvalidArgument, "%s: load of %zu bytes at offset %zu is outside the data (%zu bytes)%s", source,
                size, offset, total, overflows ? "; offset + size overflows" : "");
  }
  return Error::Ok;
}

}  // namespace ember::loader_internal
