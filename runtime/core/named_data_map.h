// NamedDataMap: blobs looked up by string key (the program's named_data, e.g.
// XNNPACK weights keyed by their sha256).
//
// Buffers returned by get_data() are owned by the caller and may be freed at
// any time; the map itself must outlive the Methods that use it.
#pragma once

#include <cstddef>

#include "runtime/core/freeable_buffer.h"
#include "runtime/core/result.h"

namespace ember {

class NamedDataMap {
 public:
  virtual ~NamedDataMap() = default;
  // NotFound (with the key in the message) when the key is absent.
  virtual Result<FreeableBuffer> get_data(const char* key) const = 0;
  virtual size_t num_keys() const = 0;
  virtual Result<const char*> key_at(size_t index) const = 0;
};

}  // namespace ember
