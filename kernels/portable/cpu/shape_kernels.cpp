// The kernel table of the shape, indexing, padding, upsampling and pooling
// ops. Each kernel checks dtypes itself (no dtype keys) and indexes every
// tensor through its own dim order, so all are flagged kAnyDimOrder.
#include "kernels/portable/cpu/shape_ops.h"

namespace ember::portable {
namespace {

constexpr uint32_t kAny = Kernel::kAnyDimOrder;

const Kernel kShapeKernels[] = {
    {"aten::permute_copy.out", permute_copy_out, kAny, nullptr, 0},
    {"aten::transpose_copy.int_out", transpose_copy_int_out, kAny, nullptr, 0},
    {"aten::unsqueeze_copy.out", unsqueeze_copy_out, kAny, nullptr, 0},
    {"aten::squeeze_copy.dims_out", squeeze_copy_dims_out, kAny, nullptr, 0},
    {"aten::expand_copy.out", expand_copy_out, kAny, nullptr, 0},
    {"aten::slice_copy.Tensor_out", slice_copy_tensor_out, kAny, nullptr, 0},
    {"aten::select_copy.int_out", select_copy_int_out, kAny, nullptr, 0},
    {"aten::cat.out", cat_out, kAny, nullptr, 0},
    {"aten::split_with_sizes_copy.out", split_with_sizes_copy_out, kAny, nullptr, 0},
    {"aten::constant_pad_nd.out", constant_pad_nd_out, kAny, nullptr, 0},
    {"aten::reflection_pad2d.out", reflection_pad2d_out, kAny, nullptr, 0},
    {"aten::replication_pad2d.out", replication_pad2d_out, kAny, nullptr, 0},
    {"aten::embedding.out", embedding_out, kAny, nullptr, 0},
    {"aten::index_select.out", index_select_out, kAny, nullptr, 0},
    {"aten::gather.out", gather_out, kAny, nullptr, 0},
    {"aten::upsample_nearest2d.vec_out", upsample_nearest2d_vec_out, kAny, nullptr, 0},
    {"aten::upsample_bilinear2d.vec_out", upsample_bilinear2d_vec_out, kAny, nullptr, 0},
    {"aten::max_pool2d_with_indices.out", max_pool2d_with_indices_out, kAny, nullptr, 0},
    {"aten::avg_pool2d.out", avg_pool2d_out, kAny, nullptr, 0},
    {"aten::_adaptive_avg_pool2d.out", adaptive_avg_pool2d_out, kAny, nullptr, 0},
};

}  // namespace

ArrayRef<Kernel> shape_kernels() { return kShapeKernels; }

}  // namespace ember::portable
