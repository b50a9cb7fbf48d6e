// BackendRegistry: backend id -> BackendInterface.
//
// Filled by explicit registration calls (e.g. register_xnnpack_backend()). The
// registry keeps the pointers it is given; backends and their names must
// outlive it (static storage in practice).
#pragma once

#include <cstddef>

#include "runtime/backend/backend_interface.h"

namespace ember {

class BackendRegistry final {
 public:
  static constexpr size_t kMaxBackends = 16;

  static BackendRegistry& global();

  // Fails on a second, different backend under the same name or when full.
  // Registering the same backend object again is a no-op.
  Error register_backend(const char* name, const BackendInterface* backend);
  // Null when no backend has that name.
  const BackendInterface* find(const char* name) const;

  size_t size() const { return count_; }
  const char* name_at(size_t i) const { return entries_[i].name; }

 private:
  struct Entry {
    const char* name = nullptr;
    const BackendInterface* backend = nullptr;
  };
  Entry entries_[kMaxBackends];
  size_t count_ = 0;
};

}  // namespace ember
