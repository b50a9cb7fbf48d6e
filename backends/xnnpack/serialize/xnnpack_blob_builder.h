// XnnpackBlobBuilder: writes XNNPACK delegate blobs exactly as ExecuTorch's
// serializer lays them out: a 32-byte "XH00" header, the XNNGraph flatbuffer
// (identifier XN01) padded to 16 bytes, then the constant region in which
// every constant starts 16-aligned and is zero-padded to a multiple of 16.
//
// Used by tests (one-node graphs) and by the converter as the emitter for
// XNNPACK partitions. Like ProgramBuilder it validates nothing: ids, shapes
// and parameters are written as given, so malformed blobs can be made on
// purpose; the backend is what checks them.
//
// Ownership: the builder copies every byte, vector and string it is given;
// build() returns an independent byte vector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backends/xnnpack/capability/capability.h"  // OutputClamp
#include "backends/xnnpack/runtime/xnnpack_value.h"

namespace ember::xnnpack {

// Mirrors fb_xnnpack::XNodeUnion (checked in the .cpp), so callers need not
// include the generated schema header.
enum class NodeKind : uint8_t {
  Add = 1,
  FullyConnected = 2,
  Softmax = 3,
  Sigmoid = 4,
  StaticTranspose = 5,
  Clamp = 6,
  Conv2d = 7,
  Div = 8,
  StaticResizeBilinear2D = 9,
  StaticConstantPad = 10,
  AvgPooling2d = 11,
  Minimum = 12,
  DepthwiseConv2d = 13,
  MaxPooling2d = 14,
  Multiply = 15,
  Subtract = 16,
  Floor = 17,
  Convert = 18,
  GlobalAvgPooling2d = 19,
  StaticReshape = 20,
  ArgMaxPooling2d = 21,
  SquareRoot = 22,
  Ceiling = 23,
  Hardswish = 24,
  LeakyReLU = 25,
  Maximum = 26,
  Negate = 27,
  Square = 28,
  ELU = 29,
  Abs = 30,
  PReLU = 31,
  Concatenate2 = 32,
  Concatenate3 = 33,
  Concatenate4 = 34,
  StaticSlice = 35,
  ScaledDotProductAttention = 36,
  BatchMatrixMultiply = 37,
  Concatenate5 = 38,
  ConvTranspose2d = 39,
  ReciprocalSquareRoot = 40,
  Log = 41,
  Gelu = 42,
  Tanh = 43,
  Exp = 44,
  Sin = 45,
  Copy = 46,
  Cos = 47,
};

const char* node_kind_name(NodeKind kind);

// XNNTensorValue.flags bits.
constexpr uint32_t kExternalInput = 1;
constexpr uint32_t kExternalOutput = 2;

// How a tensor is quantized (XNNQuantizedTensorValue.quant_params), or not.
struct Quantization {
  enum class Kind : uint8_t { None, PerTensor, PerChannel, PerTokenDynamic };
  Kind kind = Kind::None;
  float scale = 1.0f;
  int32_t zero_point = 0;
  std::vector<float> channel_scales;
  int32_t channel_dim = 0;
  int32_t num_nonbatch_dims = 1;

  static Quantization none() { return {}; }
  static Quantization per_tensor(float scale, int32_t zero_point);
  static Quantization per_channel(std::vector<float> scales, int32_t channel_dim);
  static Quantization per_token_dynamic(int32_t num_nonbatch_dims);
};

// External (graph input/output, bound by position in the DelegateCall's
// arguments, inputs first) or internal.
struct Binding {
  uint32_t flags = 0;
  uint32_t external_id = kInvalidId;

  static Binding internal() { return {}; }
  static Binding input(uint32_t external_id) { return {kExternalInput, external_id}; }
  static Binding output(uint32_t external_id) { return {kExternalOutput, external_id}; }
  bool is_input() const { return (flags & kExternalInput) != 0; }
  bool is_output() const { return (flags & kExternalOutput) != 0; }
};

// Constant data of a tensor: bytes stored in the blob's constant region, or a
// key of the program's named data (written with offset UINT64_MAX).
struct ConstantSource {
  std::vector<uint8_t> bytes;
  std::string named_key;
  uint64_t named_size = 0;
  // Non-zero: written as constant_buffer_idx as is, no entry added (for
  // entries made with add_constant_entry, or malformed blobs).
  uint32_t raw_index = 0;

  bool empty() const { return bytes.empty() && named_key.empty() && raw_index == 0; }
  static ConstantSource data(const void* data, size_t nbytes);
  template <typename T>
  static ConstantSource of(const std::vector<T>& values) {
    return data(values.data(), values.size() * sizeof(T));
  }
  static ConstantSource named(std::string key, uint64_t size);
};

struct TensorSpec {
  DataType type = DataType::Fp32;
  std::vector<uint32_t> dims;  // physical (NHWC inside the delegate)
  Binding binding;
  ConstantSource constant;
  Quantization quant;
  // An fp32 external input the graph quantizes dynamically (ExecuTorch's
  // dq_datatype); Invalid = none.
  DataType dq_datatype = DataType::Invalid;
};

// Fields every node carries.
struct NodeOptions {
  uint32_t flags = 0;
  // Fused output clamp (XNode.output_min_max), in real values.
  std::optional<OutputClamp> clamp;
  uint32_t debug_handle = 0;
};

struct ConvParams {
  uint32_t padding_top = 0, padding_right = 0, padding_bottom = 0, padding_left = 0;
  uint32_t kernel_height = 1, kernel_width = 1;
  uint32_t stride_height = 1, stride_width = 1;  // subsampling
  uint32_t dilation_height = 1, dilation_width = 1;
  uint32_t group_input_channels = 0, group_output_channels = 0;
  uint32_t groups = 1;
  uint32_t adjustment_height = 0, adjustment_width = 0;  // transposed convolution only
};

struct PoolingParams {
  uint32_t padding_top = 0, padding_right = 0, padding_bottom = 0, padding_left = 0;
  uint32_t pooling_height = 1, pooling_width = 1;
  uint32_t stride_height = 1, stride_width = 1;
  uint32_t dilation_height = 1, dilation_width = 1;
};

class XnnpackBlobBuilder final {
 public:
  XnnpackBlobBuilder();
  ~XnnpackBlobBuilder();
  XnnpackBlobBuilder(const XnnpackBlobBuilder&) = delete;
  XnnpackBlobBuilder& operator=(const XnnpackBlobBuilder&) = delete;
  XnnpackBlobBuilder(XnnpackBlobBuilder&&) noexcept;
  XnnpackBlobBuilder& operator=(XnnpackBlobBuilder&&) noexcept;

  // --- Values. Each returns the new value's id (its index, = id_out). ---
  uint32_t add_tensor(const TensorSpec& spec);
  // Moves the constant bytes in (no copy; the builder keeps them until build).
  uint32_t add_tensor(TensorSpec&& spec);
  uint32_t add_tensor(DataType type, std::vector<uint32_t> dims, Binding binding = Binding::internal(),
                      ConstantSource constant = {}, Quantization quant = {});
  uint32_t add_input(DataType type, std::vector<uint32_t> dims, uint32_t external_id, Quantization quant = {});
  uint32_t add_output(DataType type, std::vector<uint32_t> dims, uint32_t external_id, Quantization quant = {});
  uint32_t add_internal(DataType type, std::vector<uint32_t> dims, Quantization quant = {});
  uint32_t add_constant(DataType type, std::vector<uint32_t> dims, ConstantSource constant, Quantization quant = {});
  // A raw ConstantDataOffset entry; returns its index (entry 0 is reserved).
  uint32_t add_constant_entry(uint64_t offset, uint64_t size, std::string named_key = {});
  size_t num_values() const;
  const TensorSpec& tensor(uint32_t id) const;

  // input_ids / output_ids. Unless set, the external inputs (outputs) in
  // order of external_id.
  void set_inputs(std::vector<uint32_t> ids);
  void set_outputs(std::vector<uint32_t> ids);
  // Unless set, the number of external values.
  void set_num_externs(uint32_t n);
  void set_version(std::string version);

  // --- Nodes. Each returns the node's index. ---
  // _XNNNode2x1 kinds: Add, Subtract, Multiply, Div, Minimum, Maximum, PReLU,
  // BatchMatrixMultiply.
  uint32_t add_binary(NodeKind kind, uint32_t input1, uint32_t input2, uint32_t output, const NodeOptions& o = {});
  // _XNNNode1x1 kinds: Softmax, Sigmoid, Clamp, Floor, Convert,
  // GlobalAvgPooling2d, SquareRoot, Ceiling, Hardswish, Negate, Square, Abs,
  // ReciprocalSquareRoot, Log, Gelu, Tanh, Exp, Sin, Copy, Cos.
  uint32_t add_unary(NodeKind kind, uint32_t input, uint32_t output, const NodeOptions& o = {});
  // bias kInvalidId: none.
  uint32_t add_fully_connected(uint32_t input, uint32_t filter, uint32_t bias, uint32_t output,
                               const NodeOptions& o = {});
  // Conv2d, DepthwiseConv2d or ConvTranspose2d.
  uint32_t add_conv(NodeKind kind, const ConvParams& p, uint32_t input, uint32_t filter, uint32_t bias,
                    uint32_t output, const NodeOptions& o = {});
  // AvgPooling2d or MaxPooling2d.
  uint32_t add_pooling(NodeKind kind, const PoolingParams& p, uint32_t input, uint32_t output,
                       const NodeOptions& o = {});
  uint32_t add_argmax_pooling(const PoolingParams& p, uint32_t input, uint32_t output_value, uint32_t output_index,
                              const NodeOptions& o = {});
  uint32_t add_transpose(std::vector<uint32_t> perm, uint32_t input, uint32_t output, const NodeOptions& o = {});
  uint32_t add_reshape(std::vector<uint32_t> new_shape, uint32_t input, uint32_t output, const NodeOptions& o = {});
  uint32_t add_slice(std::vector<uint32_t> offsets, std::vector<uint32_t> sizes, uint32_t input, uint32_t output,
                     const NodeOptions& o = {});
  // 2 to 5 inputs pick Concatenate2..5 (other counts are written as
  // Concatenate5 with the ids given, for malformed blobs).
  uint32_t add_concat(const std::vector<uint32_t>& inputs, uint32_t axis, uint32_t output,
                      const NodeOptions& o = {});
  uint32_t add_pad(std::vector<uint32_t> pre_paddings, std::vector<uint32_t> post_paddings, float padding_value,
                   uint32_t input, uint32_t output, const NodeOptions& o = {});
  uint32_t add_resize_bilinear(uint32_t new_height, uint32_t new_width, uint32_t input, uint32_t output,
                               const NodeOptions& o = {});
  uint32_t add_elu(float alpha, uint32_t input, uint32_t output, const NodeOptions& o = {});
  uint32_t add_leaky_relu(float negative_slope, uint32_t input, uint32_t output, const NodeOptions& o = {});
  uint32_t add_bmm(uint32_t input1, uint32_t input2, uint32_t output, const NodeOptions& o = {});
  // mask kInvalidId: none.
  uint32_t add_sdpa(uint32_t query, uint32_t key, uint32_t value, uint32_t scale, uint32_t mask, uint32_t output,
                    const NodeOptions& o = {});
  size_t num_nodes() const;

  // The whole blob: header, flatbuffer, constants.
  std::vector<uint8_t> build() const;
  // The same blob, releasing each constant as it is copied (large models):
  // the builder is left empty.
  std::vector<uint8_t> release_blob() &&;
  // Only the XN01 flatbuffer (a header-less blob, as older exporters wrote).
  std::vector<uint8_t> build_flatbuffer() const;
  // The constant region build() appends (each constant 16-aligned).
  std::vector<uint8_t> constant_region() const;

 private:
  std::vector<uint8_t> assemble(bool release_constants);

  struct State;
  State* state_;
};

// The blob header, as ExecuTorch writes it.
struct BlobHeader {
  static constexpr size_t kLength = 30;        // bytes of fields
  static constexpr size_t kPaddedLength = 32;  // where the flatbuffer starts
  static constexpr size_t kAlignment = 16;     // flatbuffer padding and constant alignment
  uint32_t flatbuffer_offset = 0;
  uint32_t flatbuffer_size = 0;
  uint32_t constant_offset = 0;
  uint64_t constant_size = 0;

  // kPaddedLength bytes, little-endian.
  void write(uint8_t* out) const;
};

}  // namespace ember::xnnpack
