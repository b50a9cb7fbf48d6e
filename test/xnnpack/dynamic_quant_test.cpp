// Dynamically quantized linears (fp32 activations marked qdint8, qcint8
// weights) and per-channel scales stored in constant data, through
// Program/Method with XnnpackBackend. The backend runs dynamic linears as fp32
// FCs on weights dequantized at init, so the reference is the float linear
// of the dequantized weights. 4-bit and blockwise weights fail at init,
// naming the value.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "runtime/core/error.h"
#include "runtime/module/module.h"
#include "test/support/xnnpack_program.h"
#include "xnnpack_graph_generated.h"

namespace ember::test {
namespace {

using xnnpack::DataType;
using xnnpack::NodeKind;
using xnnpack::Quantization;
using xnnpack::XnnpackBlobBuilder;

struct Linear {
  size_t m = 0, k = 0, n = 0;
  std::vector<float> x;
  std::vector<int8_t> w;  // [n, k]
  std::vector<float> scales;
  std::vector<float> bias;

  static Linear random(std::mt19937& rng, size_t m, size_t k, size_t n) {
    Linear l;
    l.m = m;
    l.k = k;
    l.n = n;
    std::uniform_real_distribution<float> u(-2.0f, 2.0f);
    std::uniform_int_distribution<int> q(-127, 127);
    for (size_t i = 0; i < m * k; ++i) l.x.push_back(u(rng));
    for (size_t i = 0; i < n * k; ++i) l.w.push_back(static_cast<int8_t>(q(rng)));
    for (size_t i = 0; i < n; ++i) l.scales.push_back(std::exp2(std::uniform_real_distribution<float>(-9, -4)(rng)));
    for (size_t i = 0; i < n; ++i) l.bias.push_back(u(rng));
    return l;
  }
  // w as stored: [n, k], or [k, n] when transposed.
  std::vector<int8_t> stored(bool transposed) const {
    if (!transposed) return w;
    std::vector<int8_t> t(n * k);
    for (size_t r = 0; r < n; ++r) {
      for (size_t c = 0; c < k; ++c) t[c * n + r] = w[r * k + c];
    }
    return t;
  }
  void check(const float* y, bool with_bias) const {
    for (size_t i = 0; i < m; ++i) {
      for (size_t j = 0; j < n; ++j) {
        double acc = with_bias ? bias[j] : 0.0;
        for (size_t c = 0; c < k; ++c) acc += static_cast<double>(x[i * k + c]) * (w[j * k + c] * scales[j]);
        ASSERT_NEAR(y[i * n + j], acc, 1e-5 * (1.0 + std::fabs(acc))) << "row " << i << " col " << j;
      }
    }
  }
};

std::vector<float> run(XnnpackBlobBuilder& b, const Linear& l, Error* init = nullptr, std::string* message = nullptr) {
  auto program = XnnpackProgram::load(b);
  if (!program.ok()) {
    if (init != nullptr) *init = program.error();
    if (message != nullptr) *message = error_message();
    return {};
  }
  auto out = (*program)->run({HostValue::from_tensor(
      HostTensor::from<float>({static_cast<int32_t>(l.m), static_cast<int32_t>(l.k)}, l.x))});
  if (!out.ok()) {
    if (init != nullptr) *init = out.error();
    if (message != nullptr) *message = error_message();
    return {};
  }
  if (init != nullptr) *init = Error::Ok;
  const HostTensor& t = (*out)[0].tensor;
  return std::vector<float>(t.data_as<float>(), t.data_as<float>() + t.numel());
}

class XnnpackDynamicQuantTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(register_all_kernels_and_backends(), Error::Ok); }
};

// ExecuTorch's newer form: the fp32 external input carries dq_datatype qdint8.
TEST_F(XnnpackDynamicQuantTest, ExternalInputWithDqDatatype) {
  std::mt19937 rng(3);
  for (int config = 0; config < 20; ++config) {
    size_t m = 1 + config % 5, k = 3 + (config * 7) % 37, n = 1 + (config * 5) % 23;
    bool transposed = config % 3 == 2;
    bool with_bias = config % 4 != 3;
    Linear l = Linear::random(rng, m, k, n);
    XnnpackBlobBuilder b;
    xnnpack::TensorSpec in;
    in.type = DataType::Fp32;
    in.dims = {static_cast<uint32_t>(m), static_cast<uint32_t>(k)};
    in.binding = xnnpack::Binding::input(0);
    in.dq_datatype = DataType::QDInt8;
    uint32_t x = b.add_tensor(in);
    std::vector<uint32_t> wdims = transposed ? std::vector<uint32_t>{uint32_t(k), uint32_t(n)}
                                             : std::vector<uint32_t>{uint32_t(n), uint32_t(k)};
    uint32_t w = b.add_constant(DataType::QCInt8, wdims, xnnpack::ConstantSource::of(l.stored(transposed)),
                                Quantization::per_channel(l.scales, transposed ? 1 : 0));
    uint32_t bias = with_bias ? b.add_constant(DataType::Fp32, {uint32_t(n)}, xnnpack::ConstantSource::of(l.bias))
                              : xnnpack::kInvalidId;
    uint32_t y = b.add_output(DataType::Fp32, {uint32_t(m), uint32_t(n)}, 1);
    xnnpack::NodeOptions o;
    o.flags = transposed ? 1u : 0u;  // XNN_FLAG_TRANSPOSE_WEIGHTS
    b.add_fully_connected(x, w, bias, y, o);
    Error e = Error::Internal;
    std::string message;
    std::vector<float> got = run(b, l, &e, &message);
    ASSERT_EQ(e, Error::Ok) << message;
    ASSERT_EQ(got.size(), m * n);
    l.check(got.data(), with_bias);
  }
}

// The older form: Convert fp32 -> qdint8 (per-token dynamic quant), then FC.
TEST_F(XnnpackDynamicQuantTest, ConvertIntoQdint8ThenFullyConnected) {
  std::mt19937 rng(4);
  for (int config = 0; config < 20; ++config) {
    size_t m = 1 + config % 4, k = 5 + (config * 3) % 29, n = 2 + (config * 11) % 17;
    Linear l = Linear::random(rng, m, k, n);
    XnnpackBlobBuilder b;
    uint32_t x = b.add_input(DataType::Fp32, {uint32_t(m), uint32_t(k)}, 0);
    uint32_t q = b.add_internal(DataType::QDInt8, {uint32_t(m), uint32_t(k)}, Quantization::per_token_dynamic(1));
    uint32_t w = b.add_constant(DataType::QCInt8, {uint32_t(n), uint32_t(k)}, xnnpack::ConstantSource::of(l.w),
                                Quantization::per_channel(l.scales, 0));
    uint32_t bias = b.add_constant(DataType::Fp32, {uint32_t(n)}, xnnpack::ConstantSource::of(l.bias));
    uint32_t y = b.add_output(DataType::Fp32, {uint32_t(m), uint32_t(n)}, 1);
    b.add_unary(NodeKind::Convert, x, q);
    b.add_fully_connected(q, w, bias, y);
    Error e = Error::Internal;
    std::string message;
    std::vector<float> got = run(b, l, &e, &message);
    ASSERT_EQ(e, Error::Ok) << message;
    l.check(got.data(), true);
  }
}

TEST_F(XnnpackDynamicQuantTest, FourBitWeightsFailNamingTheValue) {
  for (DataType t : {DataType::QCInt4, DataType::QBInt4}) {
    std::mt19937 rng(1);
    Linear l = Linear::random(rng, 1, 8, 4);
    XnnpackBlobBuilder b;
    uint32_t x = b.add_input(DataType::Fp32, {1, 8}, 0);
    std::vector<uint8_t> packed(16, 0x88);
    uint32_t w = b.add_constant(t, {4, 8}, xnnpack::ConstantSource::of(packed), Quantization::per_channel(l.scales, 0));
    uint32_t y = b.add_output(DataType::Fp32, {1, 4}, 1);
    b.add_fully_connected(x, w, xnnpack::kInvalidId, y);
    Error e = Error::Ok;
    std::string message;
    run(b, l, &e, &message);
    EXPECT_EQ(e, Error::NotSupported);
    EXPECT_NE(message.find("value " + std::to_string(w)), std::string::npos) << message;
    EXPECT_NE(message.find("4-bit"), std::string::npos) << message;
  }
}

// A blob written with the generated API: per-channel weight scales in the
// constant region (PerChannelQuant.scale_buffer_idx), as newer ExecuTorch
// writes them (or a blockwise PerChannelGroupQuant weight, or too few scale bytes).
std::vector<uint8_t> buffered_scales_blob(const Linear& l, bool blockwise, bool short_scales) {
  namespace fb = fb_xnnpack;
  std::vector<uint8_t> region;
  auto put = [&region](const void* p, size_t n) {
    size_t off = region.size();
    region.resize(off + ((n + 15) & ~size_t{15}), 0);
    std::memcpy(region.data() + off, p, n);
    return off;
  };
  size_t w_off = put(l.w.data(), l.w.size());
  size_t s_bytes = (short_scales ? l.n - 1 : l.n) * sizeof(float);
  size_t s_off = put(l.scales.data(), s_bytes);
  size_t b_off = put(l.bias.data(), l.bias.size() * 4);
  flatbuffers::FlatBufferBuilder b;
  std::vector<flatbuffers::Offset<fb::ConstantDataOffset>> cd = {
      fb::CreateConstantDataOffset(b, 0, 0), fb::CreateConstantDataOffset(b, w_off, l.w.size()),
      fb::CreateConstantDataOffset(b, s_off, s_bytes), fb::CreateConstantDataOffset(b, b_off, l.bias.size() * 4)};
  std::vector<uint32_t> xdims = {uint32_t(l.m), uint32_t(l.k)}, wdims = {uint32_t(l.n), uint32_t(l.k)},
                        bdims = {uint32_t(l.n)}, ydims = {uint32_t(l.m), uint32_t(l.n)};
  auto fp32 = fb::XNNDatatype::xnn_datatype_fp32;
  std::vector<flatbuffers::Offset<fb::XValue>> values;
  auto x = fb::CreateXNNTensorValueDirect(b, fp32, 2, &xdims, 0, 0, 1, 0, fb::XNNDatatype::xnn_datatype_qdint8);
  values.push_back(fb::CreateXValue(b, fb::XValueUnion::XNNTensorValue, x.Union()));
  auto wt = fb::CreateXNNTensorValueDirect(b, fb::XNNDatatype::xnn_datatype_qcint8, 2, &wdims, 1, xnnpack::kInvalidId,
                                           0, 1);
  flatbuffers::Offset<void> qp;
  fb::XNNQuantParams qt = fb::XNNQuantParams::PerChannelQuant;
  if (blockwise) {
    qt = fb::XNNQuantParams::PerChannelGroupQuant;
    qp = fb::CreatePerChannelGroupQuant(b, 0, 0, 4, 0, 2, uint32_t(l.n)).Union();
  } else {
    qp = fb::CreatePerChannelQuant(b, 0, 0, 2, uint32_t(l.n)).Union();
  }
  values.push_back(fb::CreateXValue(b, fb::XValueUnion::XNNQuantizedTensorValue,
                                    fb::CreateXNNQuantizedTensorValue(b, wt, qt, qp).Union()));
  auto bt = fb::CreateXNNTensorValueDirect(b, fp32, 1, &bdims, 3, xnnpack::kInvalidId, 0, 2);
  values.push_back(fb::CreateXValue(b, fb::XValueUnion::XNNTensorValue, bt.Union()));
  auto yt = fb::CreateXNNTensorValueDirect(b, fp32, 2, &ydims, 0, 1, 2, 3);
  values.push_back(fb::CreateXValue(b, fb::XValueUnion::XNNTensorValue, yt.Union()));
  std::vector<flatbuffers::Offset<fb::XNode>> nodes = {
      fb::CreateXNode(b, fb::XNodeUnion::XNNFullyConnected, fb::CreateXNNFullyConnected(b, 0, 1, 2, 3, 0).Union())};
  std::vector<uint32_t> ins = {0}, outs = {3};
  b.Finish(fb::CreateXNNGraphDirect(b, "1", &nodes, &values, 2, &ins, &outs, nullptr, nullptr, &cd), "XN01");
  xnnpack::BlobHeader h;
  h.flatbuffer_offset = xnnpack::BlobHeader::kPaddedLength;
  h.flatbuffer_size = b.GetSize();
  h.constant_offset = static_cast<uint32_t>(h.flatbuffer_offset + ((b.GetSize() + 15) & ~15u));
  h.constant_size = region.size();
  std::vector<uint8_t> blob(h.constant_offset + region.size(), 0);
  h.write(blob.data());
  std::memcpy(blob.data() + h.flatbuffer_offset, b.GetBufferPointer(), b.GetSize());
  std::memcpy(blob.data() + h.constant_offset, region.data(), region.size());
  return blob;
}

Result<std::vector<HostValue>> run_blob(const std::vector<uint8_t>& blob, const Linear& l) {
  std::vector<DelegateArg> args(2);
  args[0].sizes = {int32_t(l.m), int32_t(l.k)};
  args[1].is_input = false;
  args[1].sizes = {int32_t(l.m), int32_t(l.n)};
  auto program = XnnpackProgram::load(make_delegate_program(blob, args));
  if (!program.ok()) return program.error();
  return (*program)->run({HostValue::from_tensor(HostTensor::from<float>(args[0].sizes, l.x))});
}

TEST_F(XnnpackDynamicQuantTest, PerChannelScalesInConstantData) {
  std::mt19937 rng(8);
  for (int config = 0; config < 20; ++config) {
    Linear l = Linear::random(rng, 1 + config % 3, 4 + config, 3 + config % 7);
    auto out = run_blob(buffered_scales_blob(l, false, false), l);
    ASSERT_TRUE(out.ok()) << error_message();
    l.check((*out)[0].tensor.data_as<float>(), true);
  }
}

TEST_F(XnnpackDynamicQuantTest, ShortScaleBufferAndBlockwiseWeightsFail) {
  std::mt19937 rng(9);
  Linear l = Linear::random(rng, 2, 8, 5);
  auto out = run_blob(buffered_scales_blob(l, false, true), l);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error(), Error::InvalidProgram);
  EXPECT_NE(std::string(error_message()).find("value 1: scale buffer"), std::string::npos) << error_message();
  auto blockwise = run_blob(buffered_scales_blob(l, true, false), l);
  ASSERT_FALSE(blockwise.ok());
  EXPECT_EQ(blockwise.error(), Error::NotSupported);
  EXPECT_NE(std::string(error_message()).find("value 1: blockwise"), std::string::npos) << error_message();
}

}  // namespace
}  // namespace ember::test
