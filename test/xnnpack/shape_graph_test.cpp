// Graphs mixing XNNPACK operators and host shape nodes, bilinear resize on
// XNNPACK, and malformed shape-node parameters refused at init with the
// node's index and kind.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "backends/xnnpack/serialize/xnnpack_blob_builder.h"
#include "test/support/xnnpack_program.h"

namespace ember::test {
namespace {

using xnnpack::DataType;
using xnnpack::NodeKind;
using xnnpack::Quantization;
using xnnpack::XnnpackBlobBuilder;

std::vector<float> random_floats(std::mt19937& rng, size_t n) {
  std::vector<float> v(n);
  std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
  for (auto& x : v) x = dist(rng);
  return v;
}

std::vector<float> run_floats(const XnnpackBlobBuilder& b, const std::vector<HostValue>& inputs) {
  auto program = XnnpackProgram::load(b);
  EXPECT_TRUE(program.ok()) << error_message();
  if (!program.ok()) return {};
  auto out = (*program)->run(inputs);
  EXPECT_TRUE(out.ok()) << error_message();
  if (!out.ok()) return {};
  const float* p = (*out)[0].tensor.data_as<float>();
  return std::vector<float>(p, p + (*out)[0].tensor.numel());
}

TEST(XnnpackShapeGraphTest, TransposeAddTransposeEqualsTheReference) {
  std::mt19937 rng(21);
  const uint32_t n = 2, c = 19, h = 7, w = 5;
  XnnpackBlobBuilder b;
  uint32_t x = b.add_input(DataType::Fp32, {n, c, h, w}, 0);
  uint32_t bias = b.add_input(DataType::Fp32, {c}, 1);
  uint32_t nhwc = b.add_internal(DataType::Fp32, {n, h, w, c});
  uint32_t sum = b.add_internal(DataType::Fp32, {n, h, w, c});
  uint32_t y = b.add_output(DataType::Fp32, {n, c, h, w}, 2);
  b.add_transpose({0, 2, 3, 1}, x, nhwc);
  b.add_binary(NodeKind::Add, nhwc, bias, sum);
  b.add_transpose({0, 3, 1, 2}, sum, y);
  std::vector<float> xv = random_floats(rng, n * c * h * w), bv = random_floats(rng, c);
  std::vector<float> got = run_floats(b, {HostValue::from_tensor(HostTensor::from<float>({2, 19, 7, 5}, xv)),
                                          HostValue::from_tensor(HostTensor::from<float>({19}, bv))});
  ASSERT_EQ(got.size(), xv.size());
  for (size_t i = 0; i < xv.size(); ++i) {
    size_t ch = (i / (h * w)) % c;
    EXPECT_EQ(got[i], xv[i] + bv[ch]) << i;
  }
}

TEST(XnnpackShapeGraphTest, ConcatOfTwoConvertsThenSliceEqualsTheReference) {
  std::mt19937 rng(22);
  const float s = 0.05f;
  const int32_t z = -7;
  XnnpackBlobBuilder b;
  uint32_t a = b.add_input(DataType::Fp32, {3, 5, 6}, 0);
  uint32_t c = b.add_input(DataType::Fp32, {3, 5, 11}, 1);
  uint32_t qa = b.add_internal(DataType::QInt8, {3, 5, 6}, Quantization::per_tensor(s, z));
  uint32_t qc = b.add_internal(DataType::QInt8, {3, 5, 11}, Quantization::per_tensor(s, z));
  uint32_t cat = b.add_internal(DataType::QInt8, {3, 5, 17}, Quantization::per_tensor(s, z));
  uint32_t sl = b.add_internal(DataType::QInt8, {3, 2, 9}, Quantization::per_tensor(s, z));
  uint32_t y = b.add_output(DataType::Fp32, {3, 2, 9}, 2);
  b.add_unary(NodeKind::Convert, a, qa);
  b.add_unary(NodeKind::Convert, c, qc);
  b.add_concat({qa, qc}, 2, cat);
  b.add_slice({0, 2, 4}, {3, 2, 9}, cat, sl);
  b.add_unary(NodeKind::Convert, sl, y);
  std::vector<float> av = random_floats(rng, 90), cv = random_floats(rng, 165);
  std::vector<float> got = run_floats(b, {HostValue::from_tensor(HostTensor::from<float>({3, 5, 6}, av)),
                                          HostValue::from_tensor(HostTensor::from<float>({3, 5, 11}, cv))});
  ASSERT_EQ(got.size(), 54u);
  auto fake_quant = [&](float v) {
    float q = std::nearbyint(v / s) + static_cast<float>(z);
    q = std::fmin(127.0f, std::fmax(-128.0f, q));
    return (q - static_cast<float>(z)) * s;
  };
  for (uint32_t i = 0; i < 3; ++i) {
    for (uint32_t j = 0; j < 2; ++j) {
      for (uint32_t k = 0; k < 9; ++k) {
        uint32_t row = j + 2, col = k + 4;
        float v = col < 6 ? av[(i * 5 + row) * 6 + col] : cv[(i * 5 + row) * 11 + col - 6];
        EXPECT_EQ(got[(i * 2 + j) * 9 + k], fake_quant(v)) << i << "," << j << "," << k;
      }
    }
  }
}

// Half-pixel (default), align-corners and legacy (asymmetric) source coordinates.
float resize_reference(const std::vector<float>& in, uint32_t ih, uint32_t iw, uint32_t ch, uint32_t oh, uint32_t ow,
                       uint32_t flags, uint32_t b, uint32_t y, uint32_t x, uint32_t c) {
  auto coord = [&](uint32_t o, uint32_t isz, uint32_t osz) {
    if (flags & xnnpack::kResizeAlignCorners) return osz > 1 ? o * float(isz - 1) / float(osz - 1) : 0.0f;
    float scale = float(isz) / float(osz);
    if (flags & xnnpack::kResizeLegacyMode) return o * scale;
    return std::fmax(0.0f, (o + 0.5f) * scale - 0.5f);
  };
  float sy = coord(y, ih, oh), sx = coord(x, iw, ow);
  uint32_t y0 = std::min<uint32_t>(static_cast<uint32_t>(sy), ih - 1), x0 = std::min<uint32_t>(static_cast<uint32_t>(sx), iw - 1);
  uint32_t y1 = std::min(y0 + 1, ih - 1), x1 = std::min(x0 + 1, iw - 1);
  float fy = sy - y0, fx = sx - x0;
  auto at = [&](uint32_t yy, uint32_t xx) { return in[((b * ih + yy) * iw + xx) * ch + c]; };
  float top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * fx;
  float bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * fx;
  return top + (bottom - top) * fy;
}

TEST(XnnpackShapeGraphTest, ResizeBilinearOnXnnpackIsCloseToTheReference) {
  std::mt19937 rng(23);
  for (int i = 0; i < 20; ++i) {
    uint32_t n = 2, ih = 2 + rng() % 9, iw = 2 + rng() % 9, ch = 1 + rng() % 19, oh = 1 + rng() % 23,
             ow = 1 + rng() % 23;
    const uint32_t all_flags[] = {0, xnnpack::kResizeAlignCorners, xnnpack::kResizeLegacyMode};
    uint32_t flags = all_flags[i % 3];
    XnnpackBlobBuilder b;
    uint32_t x = b.add_input(DataType::Fp32, {n, ih, iw, ch}, 0);
    uint32_t y = b.add_output(DataType::Fp32, {n, oh, ow, ch}, 1);
    xnnpack::NodeOptions o;
    o.flags = flags;
    b.add_resize_bilinear(oh, ow, x, y, o);
    std::vector<float> in = random_floats(rng, n * ih * iw * ch);
    std::vector<float> got = run_floats(
        b, {HostValue::from_tensor(HostTensor::from<float>(
               {int32_t(n), int32_t(ih), int32_t(iw), int32_t(ch)}, in))});
    ASSERT_EQ(got.size(), size_t{n} * oh * ow * ch) << i;
    for (uint32_t bb = 0; bb < n; ++bb) {
      for (uint32_t yy = 0; yy < oh; ++yy) {
        for (uint32_t xx = 0; xx < ow; ++xx) {
          for (uint32_t c = 0; c < ch; ++c) {
            float want = resize_reference(in, ih, iw, ch, oh, ow, flags, bb, yy, xx, c);
            ASSERT_NEAR(got[((bb * oh + yy) * ow + xx) * ch + c], want, 1e-4f)
                << "case " << i << " flags " << flags << " at " << bb << "," << yy << "," << xx << "," << c;
          }
        }
      }
    }
  }
}

// Loading or the first run fails with a message naming node 0 and its kind.
void expect_refused(const XnnpackBlobBuilder& b, const std::vector<HostValue>& inputs, const char* kind,
                    const char* detail) {
  auto program = XnnpackProgram::load(b);
  bool failed = !program.ok() || !(*program)->run(inputs).ok();
  ASSERT_TRUE(failed);
  std::string message = error_message();
  EXPECT_NE(message.find(std::string("node 0 (") + kind + ")"), std::string::npos) << message;
  EXPECT_NE(message.find(detail), std::string::npos) << message;
}

HostValue zeros(std::vector<int32_t> sizes) {
  size_t n = 1;
  for (int32_t s : sizes) n *= static_cast<size_t>(s);
  return HostValue::from_tensor(HostTensor::from<float>(std::move(sizes), std::vector<float>(n, 0.0f)));
}

TEST(XnnpackShapeGraphTest, MalformedParametersAreRefusedAtInit) {
  {
    XnnpackBlobBuilder b;
    uint32_t x = b.add_input(DataType::Fp32, {2, 3, 4}, 0);
    uint32_t y = b.add_output(DataType::Fp32, {2, 3, 4}, 1);
    b.add_transpose({0, 1, 1}, x, y);
    expect_refused(b, {zeros({2, 3, 4})}, "XNNStaticTranspose", "not a permutation");
  }
  {
    XnnpackBlobBuilder b;
    uint32_t x = b.add_input(DataType::Fp32, {2, 3, 4}, 0);
    uint32_t y = b.add_output(DataType::Fp32, {2, 2, 3}, 1);
    b.add_slice({0, 2, 1}, {2, 2, 3}, x, y);
    expect_refused(b, {zeros({2, 3, 4})}, "XNNStaticSlice", "out of range");
  }
  {
    XnnpackBlobBuilder b;
    uint32_t x = b.add_input(DataType::Fp32, {2, 3}, 0);
    uint32_t z = b.add_input(DataType::Fp32, {2, 4}, 1);
    uint32_t y = b.add_output(DataType::Fp32, {4, 3}, 2);
    b.add_concat({x, z}, 0, y);
    expect_refused(b, {zeros({2, 3}), zeros({2, 4})}, "XNNConcatenate2", "concatenating along axis 0");
  }
  {
    XnnpackBlobBuilder b;
    uint32_t x = b.add_input(DataType::Fp32, {2, 3}, 0);
    uint32_t y = b.add_output(DataType::Fp32, {2, 3}, 1);
    b.add_concat({x, x, x}, 5, y);
    expect_refused(b, {zeros({2, 3})}, "XNNConcatenate3", "axis 5 out of range");
  }
  {
    XnnpackBlobBuilder b;
    uint32_t x = b.add_input(DataType::QInt8, {2, 3}, 0, Quantization::per_tensor(0.5f, 0));
    uint32_t y = b.add_output(DataType::QInt8, {3, 2}, 1, Quantization::per_tensor(0.25f, 0));
    b.add_transpose({1, 0}, x, y);
    HostValue in = HostValue::from_tensor(HostTensor::from<int8_t>({2, 3}, std::vector<int8_t>(6, 0)));
    expect_refused(b, {in}, "XNNStaticTranspose", "quantization");
  }
  {
    XnnpackBlobBuilder b;
    uint32_t x = b.add_input(DataType::Fp32, {2, 6}, 0);
    uint32_t y = b.add_output(DataType::Fp32, {4, 3}, 1);
    b.add_reshape({0, 0}, x, y);
    expect_refused(b, {zeros({2, 6})}, "XNNStaticReshape", "inferred");
  }
  {
    XnnpackBlobBuilder b;
    uint32_t x = b.add_input(DataType::Fp32, {2, 3}, 0);
    uint32_t y = b.add_output(DataType::Fp32, {2, 5}, 1);
    b.add_pad({0, 1}, {0}, 0.0f, x, y);
    expect_refused(b, {zeros({2, 3})}, "XNNStaticConstantPad", "post paddings");
  }
}

}  // namespace
}  // namespace ember::test
