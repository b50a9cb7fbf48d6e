// Boxed entry points of the portable shape, indexing, padding, upsampling and
// pooling kernels (internal to the library; hosts reach them through
// register_portable_kernels). Argument lists are ExecuTorch's: inputs in
// schema order, then the out tensor(s), then the return value(s), which are
// the same EValues as the outs.
#pragma once

#include "runtime/core/array_ref.h"
#include "runtime/core/evalue.h"
#include "runtime/core/span.h"
#include "runtime/kernel/kernel_registry.h"
#include "runtime/kernel/kernel_runtime_context.h"

namespace ember::portable {

#define EMBER_SHAPE_OP(fn) void fn(KernelRuntimeContext& ctx, Span<EValue*> args);

EMBER_SHAPE_OP(permute_copy_out)             // [self, dims, out, ret]
EMBER_SHAPE_OP(transpose_copy_int_out)       // [self, dim0, dim1, out, ret]
EMBER_SHAPE_OP(unsqueeze_copy_out)           // [self, dim, out, ret]
EMBER_SHAPE_OP(squeeze_copy_dims_out)        // [self, dim (int list), out, ret]
EMBER_SHAPE_OP(expand_copy_out)              // [self, size, implicit, out, ret]
EMBER_SHAPE_OP(slice_copy_tensor_out)        // [self, dim, start?, end?, step, out, ret]
EMBER_SHAPE_OP(select_copy_int_out)          // [self, dim, index, out, ret]
EMBER_SHAPE_OP(cat_out)                      // [tensors, dim, out, ret]
EMBER_SHAPE_OP(split_with_sizes_copy_out)    // [self, split_sizes, dim, out (list)] (returns nothing)
EMBER_SHAPE_OP(constant_pad_nd_out)          // [self, pad, value, out, ret]
EMBER_SHAPE_OP(reflection_pad2d_out)         // [self, padding, out, ret]
EMBER_SHAPE_OP(replication_pad2d_out)        // [self, padding, out, ret]
EMBER_SHAPE_OP(embedding_out)                // [weight, indices, padding_idx, scale_grad_by_freq, sparse, out, ret]
EMBER_SHAPE_OP(index_select_out)             // [self, dim, index, out, ret]
EMBER_SHAPE_OP(gather_out)                   // [self, dim, index, sparse_grad, out, ret]
EMBER_SHAPE_OP(upsample_nearest2d_vec_out)   // [input, output_size?, scale_factors?, out, ret]
EMBER_SHAPE_OP(upsample_bilinear2d_vec_out)  // [input, output_size?, align_corners, scale_factors?, out, ret]
EMBER_SHAPE_OP(
    max_pool2d_with_indices_out)  // [self, kernel_size, stride, padding, dilation, ceil_mode, out, indices, ret0, ret1]
EMBER_SHAPE_OP(
    avg_pool2d_out)  // [self, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override?, out, ret]
EMBER_SHAPE_OP(adaptive_avg_pool2d_out)  // [self, output_size, out, ret]

#undef EMBER_SHAPE_OP

// The table of the kernels above (static storage; names are literals).
ArrayRef<Kernel> shape_kernels();

}  // namespace ember::portable
