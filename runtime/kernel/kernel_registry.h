// KernelRegistry: operator name (and tensor dtypes / dim orders) -> function.
//
// Kernels are added by explicit registration calls (register_portable_kernels
// and friends), never by static initializers that a static link could drop.
// Lookups happen once per instruction at Method init; execute calls the
// resolved function pointer directly. The registry stores the Kernel structs it
// is given by value; the name and key strings must be string literals or
// otherwise outlive the registry.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/array_ref.h"
#include "runtime/core/evalue.h"
#include "runtime/core/result.h"
#include "runtime/core/span.h"
#include "runtime/kernel/kernel_runtime_context.h"

namespace ember {

// The boxed kernel calling convention: arguments are the instruction's values,
// inputs then outputs (for `.out` ops the out tensor and then the return value,
// which aliases it).
using OpFunction = void (*)(KernelRuntimeContext& context, Span<EValue*> args);

// Dtype and dim order of one tensor argument, used to pick a kernel.
struct TensorMeta {
  ScalarType dtype = ScalarType::Float;
  bool contiguous = true;  // dim order is 0..n-1
};

struct Kernel {
  enum : uint32_t {
    // The kernel reads and writes any dim order correctly. Without this flag
    // it is only selected when every tensor argument is contiguous.
    kAnyDimOrder = 1u << 0,
  };
  const char* name = nullptr;  // "aten::add.out"
  OpFunction fn = nullptr;
  uint32_t flags = 0;
  // Optional: tensor argument dtypes this kernel requires, in argument order
  // (ScalarType values as int8; -1 = any). Empty = any dtypes (fallback).
  const int8_t* dtypes = nullptr;
  size_t num_dtypes = 0;
};

class KernelRegistry final {
 public:
  static constexpr size_t kMaxKernels = 1024;

  // The process-wide registry that register_*_kernels() fill by default.
  static KernelRegistry& global();

  // Adds kernels. Fails (adding none of them) on a duplicate name with the same
  // dtype key, or when capacity would be exceeded. Registering the very same
  // table twice is a no-op, so libraries may call their registration freely.
  Error register_kernels(ArrayRef<Kernel> kernels);

  // Best kernel for `name` and the tensor arguments' metas: an exact dtype
  // match first, then a fallback. Fails with OperatorMissing naming the op (and
  // the dtypes / dim order when the name exists but no key fits).
  Result<OpFunction> find(const char* name, ArrayRef<TensorMeta> tensor_args) const;
  bool has_operator(const char* name) const;

  size_t size() const { return count_; }
  const Kernel& at(size_t i) const { return kernels_[i]; }

 private:
  Kernel kernels_[kMaxKernels];
  size_t count_ = 0;
};

}  // namespace ember
