// infer_view_sizes: the target shape of a view (view_copy, et_view), with at
// most one -1 entry inferred from the element count.
//
// Shared by the portable kernels and the prim ops, which must not depend on
// each other. Writes into caller-owned storage; keeps no pointers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/array_ref.h"
#include "runtime/core/error.h"
#include "runtime/core/tensor.h"

namespace ember {

// Fills `sizes_out` (room for kTensorDimensionLimit entries) with `size`,
// replacing the first -1 by numel / (product of the others). Every other entry
// must lie in [0, INT32_MAX] and the product must equal `numel`. On failure
// returns InvalidArgument and records a message without a prefix (e.g. "entry
// 2 (-3) is invalid"), so a kernel can report "<op>: size: <message>".
Error infer_view_sizes(ArrayRef<int64_t> size, size_t numel, SizesType* sizes_out);

}  // namespace ember
