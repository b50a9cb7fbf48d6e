// The GEMM kernel table. Contiguous dim order only (no kAnyDimOrder): the
// registry refuses them for channels-last tensors rather than compute wrongly.
#include "kernels/portable/cpu/gemm_ops.h"

namespace ember::portable {
namespace {

const Kernel kGemmKernels[] = {
    {"aten::mm.out", mm_out, 0, nullptr, 0},
    {"aten::bmm.out", bmm_out, 0, nullptr, 0},
    {"aten::addmm.out", addmm_out, 0, nullptr, 0},
    {"aten::convolution.out", convolution_out, 0, nullptr, 0},
};

}  // namespace

Error register_gemm_kernels(KernelRegistry& registry) { return registry.register_kernels(kGemmKernels); }

}  // namespace ember::portable
