// Value: one tensor of an XNNPACK delegate graph at run time.
//
// Dims are physical (NHWC inside the delegate: a tensor's sizes permuted by
// its dim order). `capacity` is the element count the blob declared, the most
// the value may hold when shapes change. Data points at a constant (owned by
// the executor's kept buffers or the blob), at the delegate's arena (owned by
// the method allocator), or at a caller tensor (externals, rebound each run).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ember::xnnpack {

constexpr size_t kMaxDims = 6;  // XNN_MAX_TENSOR_DIMS
constexpr uint32_t kInvalidId = 0xFFFFFFFFu;

// Mirrors fb_xnnpack::XNNDatatype.
enum class DataType : int16_t {
  Invalid = 0,
  Fp32 = 1,
  Fp16 = 2,
  QInt8 = 3,
  QUInt8 = 4,
  QInt32 = 5,
  QCInt8 = 6,
  QCInt32 = 7,
  QCInt4 = 8,
  QDInt8 = 9,
  QBInt4 = 10,
  QPInt8 = 11,
  Int32 = 12,
  PFp32 = 13,
  BFloat16 = 14,
};

const char* data_type_name(DataType type);
// Bytes per element; 0 for types this backend cannot store.
size_t data_type_size(DataType type);

struct QuantParams {
  float scale = 1.0f;
  int32_t zero_point = 0;
  // Per-channel (qcint8/qcint32): one scale per channel along channel_dim.
  const float* channel_scales = nullptr;
  size_t num_channel_scales = 0;
  int32_t channel_dim = 0;
};

struct Value {
  DataType type = DataType::Invalid;
  size_t rank = 0;
  size_t dims[kMaxDims] = {};
  size_t capacity = 0;  // elements
  QuantParams quant;
  uint32_t external_id = kInvalidId;
  bool is_input = false;
  bool is_output = false;
  const void* constant = nullptr;
  void* data = nullptr;

  size_t numel() const {
    size_t n = 1;
    for (size_t i = 0; i < rank; ++i) n *= dims[i];
    return n;
  }
  size_t nbytes() const { return numel() * data_type_size(type); }
  bool is_external() const { return external_id != kInvalidId; }
  bool is_per_channel() const { return quant.channel_scales != nullptr; }
};

}  // namespace ember::xnnpack
