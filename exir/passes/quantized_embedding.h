// Quantized embedding fusion: DequantizeLinear of a constant 8-bit table
// (per row: axis 0 scales/zero points; or blocked along the row: axis 1 with
// block_size) feeding Gather(axis 0) becomes one QuantizedEmbedding node
// (domain "ember"), lowered to ExecuTorch's
// quantized_decomposed::embedding_byte.out. The table stays 8-bit in the
// program instead of being dequantized at run time into a float copy.
//
// The fused node's inputs: [table (int8/uint8 [V, D]), scales (float [V] or
// [V, D / block]), zero points (float, same shape; kNoValue when all zero),
// indices]; attributes quant_min / quant_max. Its output is the Gather's.
// Packed 4-bit tables (embedding_4bit) cannot arise: the importer has no
// INT4 tensors.
#pragma once

#include "exir/ir/graph.h"

namespace exir {

constexpr const char* kQuantizedEmbeddingOp = "QuantizedEmbedding";
constexpr const char* kEmberDomain = "ember";

// Returns the number of Gather nodes fused.
int fuse_quantized_embedding(Graph& g);

}  // namespace exir
