#include "runtime/backend/backend_registry.h"

#include <cstring>
#include <mutex>

namespace ember {

BackendRegistry& BackendRegistry::global() {
  static BackendRegistry registry;
  return registry;
}

Error BackendRegistry::register_backend(const char* name, const BackendInterface* backend) {
  static std::mutex m;
  std::lock_guard<std::mutex> lock(m);
  EMBER_CHECK_OR_RETURN(name != nullptr && backend != nullptr, Error::InvalidArgument,
                        "register_backend: null name or backend");
  for (size_t i = 0; i < count_; ++i) {
    if (std::strcmp(entries_[i].name, name) == 0) {
      EMBER_CHECK_OR_RETURN(entries_[i].backend == backend, Error::RegistrationAlreadyRegistered,
                            "register_backend: %s is already registered", name);
      return Error::Ok;
    }
  }
  EMBER_CHECK_OR_RETURN(count_ < kMaxBackends, Error::RegistrationExceedingMaxKernels,
                        "register_backend: more than %zu backends", kMaxBackends);
  entries_[count_++] = {name, backend};
  return Error::Ok;
}

const BackendInterface* BackendRegistry::find(const char* name) const {
  for (size_t i = 0; i < count_; ++i) {
    if (std::strcmp(entries_[i].name, name) == 0) return entries_[i].backend;
  }
  return nullptr;
}

}  // namespace ember
