#include <mutex>

#include "kernels/portable/register_portable_kernels.h"
#include "kernels/prim/register_prim_ops.h"
#include "kernels/quantized/register_quantized_kernels.h"
#include "runtime/module/module.h"
#if EMBER_HAVE_XNNPACK
#include "backends/xnnpack/runtime/xnnpack_backend.h"
#endif

namespace ember {

Error register_all_kernels_and_backends() {
  // Registration fills process-wide tables; do it once, and remember the
  // outcome so every later caller sees the same result.
  static std::once_flag once;
  static Error result = Error::Ok;
  std::call_once(once, [] {
    result = register_portable_kernels();
    if (result == Error::Ok) result = register_prim_ops();
    if (result == Error::Ok) result = register_quantized_kernels();
#if EMBER_HAVE_XNNPACK
    if (result == Error::Ok) result = register_xnnpack_backend();
#endif
  });
  return result;
}

}  // namespace ember
