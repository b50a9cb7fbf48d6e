#include "kernels/quantized/register_quantized_kernels.h"

#include "kernels/quantized/cpu/quantized_ops.h"

namespace ember {
namespace {

// Every kernel checks dtypes itself, so all are fallbacks (no dtype key).
// Only the element-wise per-tensor kernels work for any dim order (they
// require input and out to share it); the rest index by logical position and
// are selected for contiguous tensors only.
constexpr uint32_t kAny = Kernel::kAnyDimOrder;

const Kernel kQuantizedKernels[] = {
    {"quantized_decomposed::quantize_per_tensor.out", quantized::quantize_per_tensor_out, kAny, nullptr, 0},
    {"quantized_decomposed::quantize_per_tensor.Tensor_out", quantized::quantize_per_tensor_tensor_out, kAny, nullptr,
     0},
    {"quantized_decomposed::dequantize_per_tensor.out", quantized::dequantize_per_tensor_out, kAny, nullptr, 0},
    {"quantized_decomposed::dequantize_per_tensor.Tensor_out", quantized::dequantize_per_tensor_tensor_out, kAny,
     nullptr, 0},
    {"quantized_decomposed::quantize_per_channel.out", quantized::quantize_per_channel_out, 0, nullptr, 0},
    {"quantized_decomposed::dequantize_per_channel.out", quantized::dequantize_per_channel_out, 0, nullptr, 0},
    {"quantized_decomposed::quantize_per_token.out", quantized::quantize_per_token_out, 0, nullptr, 0},
    {"quantized_decomposed::dequantize_per_token.out", quantized::dequantize_per_token_out, 0, nullptr, 0},
    {"quantized_decomposed::choose_qparams.Tensor_out", quantized::choose_qparams_tensor_out, 0, nullptr, 0},
    {"quantized_decomposed::choose_qparams_per_token_asymmetric.out",
     quantized::choose_qparams_per_token_asymmetric_out, 0, nullptr, 0},
    {"quantized_decomposed::embedding_byte.out", quantized::embedding_byte_out, 0, nullptr, 0},
    {"quantized_decomposed::embedding_byte.dtype_out", quantized::embedding_byte_dtype_out, 0, nullptr, 0},
    {"quantized_decomposed::embedding_4bit.out", quantized::embedding_4bit_out, 0, nullptr, 0},
    {"quantized_decomposed::embedding_4bit.dtype_out", quantized::embedding_4bit_dtype_out, 0, nullptr, 0},
    {"quantized_decomposed::embedding_2bit.out", quantized::embedding_2bit_out, 0, nullptr, 0},
    {"quantized_decomposed::embedding_2bit.dtype_out", quantized::embedding_2bit_dtype_out, 0, nullptr, 0},
    {"quantized_decomposed::mixed_linear.out", quantized::mixed_linear_out, 0, nullptr, 0},
    {"quantized_decomposed::mixed_mm.out", quantized::mixed_mm_out, 0, nullptr, 0},
    {"quantized_decomposed::add.out", quantized::add_out, kAny, nullptr, 0},
};

}  // namespace

Error register_quantized_kernels(KernelRegistry& registry) { return registry.register_kernels(kQuantizedKernels); }

}  // namespace ember
