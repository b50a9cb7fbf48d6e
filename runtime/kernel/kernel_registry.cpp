#include "runtime/kernel/kernel_registry.h"

#include <cstdio>
#include <cstring>
#include <mutex>

namespace ember {
namespace {

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

bool same_dtypes(const Kernel& a, const Kernel& b) {
  if (a.num_dtypes != b.num_dtypes) return false;
  for (size_t i = 0; i < a.num_dtypes; ++i) {
    if (a.dtypes[i] != b.dtypes[i]) return false;
  }
  return true;
}

bool dtypes_match(const Kernel& k, ArrayRef<TensorMeta> args) {
  if (k.num_dtypes != args.size()) return false;
  for (size_t i = 0; i < k.num_dtypes; ++i) {
    if (k.dtypes[i] >= 0 && k.dtypes[i] != static_cast<int8_t>(args[i].dtype)) return false;
  }
  return true;
}

bool dim_orders_ok(const Kernel& k, ArrayRef<TensorMeta> args) {
  if (k.flags & Kernel::kAnyDimOrder) return true;
  for (const TensorMeta& m : args) {
    if (!m.contiguous) return false;
  }
  return true;
}

}  // namespace

KernelRegistry& KernelRegistry::global() {
  static KernelRegistry registry;
  return registry;
}

Error KernelRegistry::register_kernels(ArrayRef<Kernel> kernels) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  size_t to_add = 0;
  for (size_t i = 0; i < kernels.size(); ++i) {
    const Kernel& k = kernels[i];
    EMBER_CHECK_OR_RETURN(k.name != nullptr && k.fn != nullptr, Error::InvalidArgument,
                          "register_kernels: entry %zu has no name or function", i);
    bool duplicate = false;
    for (size_t j = 0; j < count_; ++j) {
      const Kernel& e = kernels_[j];
      if (std::strcmp(e.name, k.name) == 0 && same_dtypes(e, k)) {
        EMBER_CHECK_OR_RETURN(e.fn == k.fn, Error::RegistrationAlreadyRegistered,
                              "register_kernels: %s is already registered with another function", k.name);
        duplicate = true;
        break;
      }
    }
    // An earlier entry of this same table counts like a registered one, so a
    // conflict inside one call is refused and a repeat is not counted twice.
    for (size_t j = 0; j < i && !duplicate; ++j) {
      const Kernel& e = kernels[j];
      if (std::strcmp(e.name, k.name) == 0 && same_dtypes(e, k)) {
        EMBER_CHECK_OR_RETURN(e.fn == k.fn, Error::RegistrationAlreadyRegistered,
                              "register_kernels: %s is already registered with another function", k.name);
        duplicate = true;
      }
    }
    if (!duplicate) ++to_add;
  }
  EMBER_CHECK_OR_RETURN(count_ + to_add <= kMaxKernels, Error::RegistrationExceedingMaxKernels,
                        "register_kernels: %zu more kernels exceed the capacity of %zu (%zu used)", to_add,
                        kMaxKernels, count_);
  for (const Kernel& k : kernels) {
    bool duplicate = false;
    for (size_t j = 0; j < count_ && !duplicate; ++j) {
      duplicate = std::strcmp(kernels_[j].name, k.name) == 0 && same_dtypes(kernels_[j], k);
    }
    if (!duplicate) kernels_[count_++] = k;
  }
  return Error::Ok;
}

bool KernelRegistry::has_operator(const char* name) const {
  for (size_t i = 0; i < count_; ++i) {
    if (std::strcmp(kernels_[i].name, name) == 0) return true;
  }
  return false;
}

Result<OpFunction> KernelRegistry::find(const char* name, ArrayRef<TensorMeta> args) const {
  const Kernel* fallback = nullptr;
  bool name_found = false;
  for (size_t i = 0; i < count_; ++i) {
    const Kernel& k = kernels_[i];
    if (std::strcmp(k.name, name) != 0) continue;
    name_found = true;
    if (!dim_orders_ok(k, args)) continue;
    if (k.num_dtypes == 0) {
      if (fallback == nullptr) fallback = &k;
    } else if (dtypes_match(k, args)) {
      return k.fn;
    }
  }
  if (fallback != nullptr) return fallback->fn;
  if (!name_found) return fail(Error::OperatorMissing, "missing operator %s", name);
  char desc[256];
  size_t used = 0;
  desc[0] = '\0';
  for (size_t i = 0; i < args.size() && used + 32 < sizeof(desc); ++i) {
    used += static_cast<size_t>(std::snprintf(desc + used, sizeof(desc) - used, "%s%s%s", i ? ", " : "",
                                              scalar_type_name(args[i].dtype), args[i].contiguous ? "" : "(non-contiguous)"));
  }
  return fail(Error::OperatorMissing, "operator %s has no kernel for tensor arguments [%s]", name, desc);
}

}  // namespace ember
