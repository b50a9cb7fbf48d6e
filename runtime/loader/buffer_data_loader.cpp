#include "runtime/loader/buffer_data_loader.h"

#include <cstring>
#include <new>

#include "runtime/loader/loader_util.h"

namespace ember {

using loader_internal::kLoadAlignment;

Result<std::unique_ptr<BufferDataLoader>> BufferDataLoader::from(const void* data, size_t size) {
  EMBER_CHECK_OR_RETURN(data != nullptr || size == 0, Error::InvalidArgument,
                        "BufferDataLoader: data is null but size is %zu", size);
  std::unique_ptr<BufferDataLoader> loader(new (std::nothrow) BufferDataLoader(data, size));
  EMBER_CHECK_OR_RETURN(loader != nullptr, Error::MemoryAllocationFailed,
                        "BufferDataLoader: out of memory creating the loader");
  return loader;
}

Result<FreeableBuffer> BufferDataLoader::load(size_t offset, size_t size, const SegmentInfo& /*info*/) const {
  EMBER_CHECK_OR_RETURN(data_ != nullptr || size_ == 0, Error::InvalidArgument,
                        "BufferDataLoader: data is null but size is %zu", size_);
  EMBER_TRY(loader_internal::check_range("buffer", offset, size, size_));
  if (size == 0) return loader_internal::borrowed_buffer(loader_internal::empty_data(), 0);
  const auto* start = static_cast<const unsigned char*>(data_) + offset;
  if (loader_internal::is_aligned(start, kLoadAlignment)) {
    return loader_internal::borrowed_buffer(start, size);
  }
  void* copy = loader_internal::allocate_aligned(size, kLoadAlignment);
  EMBER_CHECK_OR_RETURN(copy != nullptr, Error::MemoryAllocationFailed,
                        "buffer: out of memory copying %zu bytes at misaligned offset %zu", size, offset);
  std::memcpy(copy, start, size);
  return loader_internal::owning_buffer(copy, size, kLoadAlignment);
}

}  // namespace ember
