// Conv2d / DepthwiseConv2d / ConvTranspose2d nodes: one-node blobs (our blob
// builder) run through Program/Method and XnnpackBackend against a scalar
// reference, 24 random configurations per kind and datatype, exact equality
// for the 8-bit paths; and every capability limit on both sides.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "backends/xnnpack/serialize/xnnpack_blob_builder.h"
#include "runtime/core/error.h"
#include "test/support/xnnpack_program.h"

namespace ember::test {
namespace {

using xnnpack::ConstantSource;
using xnnpack::ConvParams;
using xnnpack::DataType;
using xnnpack::NodeKind;
using xnnpack::Quantization;
using xnnpack::XnnpackBlobBuilder;

enum class QType { F32, QS8, QC8, QU8 };

struct Config {
  NodeKind kind = NodeKind::Conv2d;
  QType qtype = QType::F32;
  ConvParams p;
  uint32_t n = 1, h = 1, w = 1;
  uint32_t oh = 0, ow = 0;
  bool bias = true;
  bool bias_scale_differs = false;  // exercises the init-time bias rescale
  bool clamp = false;
  float clamp_min = 0, clamp_max = 0;
  float s_in = 1, s_out = 1;
  int32_t z_in = 0, z_out = 0, z_w = 0;
  std::vector<float> s_w;  // one per output channel (per-tensor: all equal)
  float s_bias = 0;
  std::vector<float> xf, wf, bf;  // fp32 data
  std::vector<int32_t> xq, wq;    // 8-bit codes
  std::vector<int32_t> bq;

  uint32_t ic() const { return p.groups * p.group_input_channels; }
  uint32_t oc() const { return p.groups * p.group_output_channels; }
  bool quantized() const { return qtype != QType::F32; }
  DataType act_type() const {
    return qtype == QType::F32 ? DataType::Fp32 : qtype == QType::QU8 ? DataType::QUInt8 : DataType::QInt8;
  }
  // Weight element for output channel o, tap (ky, kx), group input channel i.
  size_t widx(uint32_t o, uint32_t ky, uint32_t kx, uint32_t i) const {
    if (kind == NodeKind::DepthwiseConv2d) return (static_cast<size_t>(ky) * p.kernel_width + kx) * oc() + o;
    return ((static_cast<size_t>(o) * p.kernel_height + ky) * p.kernel_width + kx) * p.group_input_channels + i;
  }
};

int64_t extent(const Config& c, uint32_t in, uint32_t k, uint32_t s, uint32_t d, uint32_t pa, uint32_t pb,
               uint32_t adj) {
  int64_t eff = static_cast<int64_t>(k - 1) * d + 1;
  if (c.kind == NodeKind::ConvTranspose2d) return static_cast<int64_t>(s) * (in - 1) + adj + eff - pa - pb;
  int64_t padded = static_cast<int64_t>(in) + pa + pb;
  return padded < eff ? 0 : (padded - eff) / s + 1;
}

int32_t qlo(QType q) { return q == QType::QU8 ? 0 : -128; }
int32_t qhi(QType q) { return q == QType::QU8 ? 255 : 127; }

int32_t quant_bound(float real, float scale, int32_t zp, int32_t lo, int32_t hi) {
  if (std::isinf(real)) return real < 0 ? lo : hi;
  float q = std::nearbyint(real / scale) + static_cast<float>(zp);
  return q <= lo ? lo : q >= hi ? hi : static_cast<int32_t>(q);
}

// Accumulates output (n, oy, ox, o) for every pair of input pixel and tap
// that reaches it, calling f(input index, weight index).
template <typename F>
void for_each_tap(const Config& c, uint32_t n, uint32_t oy, uint32_t ox, uint32_t o, F f) {
  const ConvParams& p = c.p;
  uint32_t g = o / p.group_output_channels;
  for (uint32_t ky = 0; ky < p.kernel_height; ++ky) {
    for (uint32_t kx = 0; kx < p.kernel_width; ++kx) {
      int64_t iy, ix;
      if (c.kind == NodeKind::ConvTranspose2d) {
        int64_t ty = static_cast<int64_t>(oy) + p.padding_top - static_cast<int64_t>(ky) * p.dilation_height;
        int64_t tx = static_cast<int64_t>(ox) + p.padding_left - static_cast<int64_t>(kx) * p.dilation_width;
        if (ty < 0 || tx < 0 || ty % p.stride_height != 0 || tx % p.stride_width != 0) continue;
        iy = ty / p.stride_height;
        ix = tx / p.stride_width;
      } else {
        iy = static_cast<int64_t>(oy) * p.stride_height - p.padding_top + static_cast<int64_t>(ky) * p.dilation_height;
        ix = static_cast<int64_t>(ox) * p.stride_width - p.padding_left + static_cast<int64_t>(kx) * p.dilation_width;
      }
      if (iy < 0 || ix < 0 || iy >= c.h || ix >= c.w) continue;
      for (uint32_t i = 0; i < p.group_input_channels; ++i) {
        size_t xi = ((static_cast<size_t>(n) * c.h + iy) * c.w + ix) * c.ic() + g * p.group_input_channels + i;
        f(xi, c.widx(o, ky, kx, i));
      }
    }
  }
}

// The scalar reference: exact integer accumulation, then XNNPACK's fp32
// requantization (float scale s_in * s_w / s_out, round to nearest even).
std::vector<double> reference(const Config& c) {
  std::vector<double> out(static_cast<size_t>(c.n) * c.oh * c.ow * c.oc());
  int32_t lo = qlo(c.qtype), hi = qhi(c.qtype);
  if (c.quantized() && c.clamp) {
    lo = quant_bound(c.clamp_min, c.s_out, c.z_out, lo, hi);
    hi = quant_bound(c.clamp_max, c.s_out, c.z_out, qlo(c.qtype), hi);
  }
  size_t k = 0;
  for (uint32_t n = 0; n < c.n; ++n) {
    for (uint32_t oy = 0; oy < c.oh; ++oy) {
      for (uint32_t ox = 0; ox < c.ow; ++ox) {
        for (uint32_t o = 0; o < c.oc(); ++o, ++k) {
          if (!c.quantized()) {
            double acc = c.bias ? c.bf[o] : 0.0;
            for_each_tap(c, n, oy, ox, o, [&](size_t xi, size_t wi) { acc += double(c.xf[xi]) * c.wf[wi]; });
            if (c.clamp) acc = std::min<double>(std::max<double>(acc, c.clamp_min), c.clamp_max);
            out[k] = acc;
            continue;
          }
          int64_t acc = 0;
          if (c.bias) {
            float bs = c.s_bias, ws = c.s_w[o];
            acc = c.bias_scale_differs
                      ? static_cast<int64_t>(std::nearbyint(double(c.bq[o]) * bs / (double(c.s_in) * ws)))
                      : c.bq[o];
          }
          for_each_tap(c, n, oy, ox, o,
                       [&](size_t xi, size_t wi) { acc += int64_t(c.xq[xi] - c.z_in) * (c.wq[wi] - c.z_w); });
          float scale = c.s_in * c.s_w[o] / c.s_out;
          float q = std::nearbyint(static_cast<float>(acc) * scale) + static_cast<float>(c.z_out);
          out[k] = std::min<float>(std::max<float>(q, lo), hi);
        }
      }
    }
  }
  return out;
}

// Builds the one-node blob for `c`.
XnnpackBlobBuilder build(const Config& c) {
  XnnpackBlobBuilder b;
  DataType at = c.act_type();
  Quantization qin = c.quantized() ? Quantization::per_tensor(c.s_in, c.z_in) : Quantization::none();
  Quantization qout = c.quantized() ? Quantization::per_tensor(c.s_out, c.z_out) : Quantization::none();
  uint32_t x = b.add_input(at, {c.n, c.h, c.w, c.ic()}, 0, qin);
  std::vector<uint32_t> wdims = c.kind == NodeKind::DepthwiseConv2d
                                    ? std::vector<uint32_t>{1, c.p.kernel_height, c.p.kernel_width, c.oc()}
                                    : std::vector<uint32_t>{c.oc(), c.p.kernel_height, c.p.kernel_width,
                                                            c.p.group_input_channels};
  uint32_t wid;
  if (!c.quantized()) {
    wid = b.add_constant(DataType::Fp32, wdims, ConstantSource::of(c.wf));
  } else if (c.qtype == QType::QU8) {
    std::vector<uint8_t> wb(c.wq.begin(), c.wq.end());
    wid = b.add_constant(DataType::QUInt8, wdims, ConstantSource::of(wb), Quantization::per_tensor(c.s_w[0], c.z_w));
  } else {
    std::vector<int8_t> wb(c.wq.begin(), c.wq.end());
    Quantization wq = c.qtype == QType::QC8
                          ? Quantization::per_channel(c.s_w, c.kind == NodeKind::DepthwiseConv2d ? 3 : 0)
                          : Quantization::per_tensor(c.s_w[0], c.z_w);
    wid = b.add_constant(c.qtype == QType::QC8 ? DataType::QCInt8 : DataType::QInt8, wdims, ConstantSource::of(wb),
                         wq);
  }
  uint32_t bid = xnnpack::kInvalidId;
  if (c.bias && !c.quantized()) {
    bid = b.add_constant(DataType::Fp32, {c.oc()}, ConstantSource::of(c.bf));
  } else if (c.bias) {
    bid = c.qtype == QType::QC8 && !c.bias_scale_differs
              ? b.add_constant(DataType::QCInt32, {c.oc()}, ConstantSource::of(c.bq),
                               Quantization::per_channel(
                                   [&] {
                                     std::vector<float> s;
                                     for (float ws : c.s_w) s.push_back(c.s_in * ws);
                                     return s;
                                   }(),
                                   0))
              : b.add_constant(DataType::QInt32, {c.oc()}, ConstantSource::of(c.bq),
                               Quantization::per_tensor(c.s_bias, 0));
  }
  uint32_t y = b.add_output(at, {c.n, c.oh, c.ow, c.oc()}, 1, qout);
  xnnpack::NodeOptions o;
  if (c.clamp) o.clamp = xnnpack::OutputClamp{c.clamp_min, c.clamp_max};
  b.add_conv(c.kind, c.p, x, wid, bid, y, o);
  return b;
}

HostValue input_of(const Config& c) {
  std::vector<int32_t> sizes = {int32_t(c.n), int32_t(c.h), int32_t(c.w), int32_t(c.ic())};
  if (!c.quantized()) return HostValue::from_tensor(HostTensor::from<float>(sizes, c.xf));
  if (c.qtype == QType::QU8) {
    return HostValue::from_tensor(HostTensor::from<uint8_t>(sizes, std::vector<uint8_t>(c.xq.begin(), c.xq.end())));
  }
  return HostValue::from_tensor(HostTensor::from<int8_t>(sizes, std::vector<int8_t>(c.xq.begin(), c.xq.end())));
}

// Runs `c`; returns false (with a failure recorded) when init or run fails.
bool run(const Config& c, std::vector<double>* got, std::string* init_error = nullptr) {
  auto program = XnnpackProgram::load(build(c));
  if (!program.ok()) {
    if (init_error != nullptr) {
      *init_error = error_message();
    } else {
      ADD_FAILURE() << error_message();
    }
    return false;
  }
  // The method (and so the delegate) initializes on its first run.
  auto out = (*program)->run({input_of(c)});
  if (!out.ok()) {
    if (init_error != nullptr) {
      *init_error = error_message();
    } else {
      ADD_FAILURE() << error_message();
    }
    return false;
  }
  const HostTensor& t = (*out)[0].tensor;
  EXPECT_EQ(t.sizes, (std::vector<int32_t>{int32_t(c.n), int32_t(c.oh), int32_t(c.ow), int32_t(c.oc())}));
  got->resize(t.numel());
  for (size_t i = 0; i < got->size(); ++i) {
    (*got)[i] = !c.quantized() ? t.data_as<float>()[i]
                : c.qtype == QType::QU8 ? t.data_as<uint8_t>()[i]
                                        : t.data_as<int8_t>()[i];
  }
  return true;
}

// Fills data and quantization for geometry already in `c`.
void fill(Config& c, std::mt19937& rng) {
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto real = [&](float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng); };
  size_t nx = size_t(c.n) * c.h * c.w * c.ic();
  size_t nw = size_t(c.oc()) * c.p.kernel_height * c.p.kernel_width * c.p.group_input_channels;
  if (!c.quantized()) {
    c.xf.resize(nx);
    c.wf.resize(nw);
    c.bf.resize(c.oc());
    for (float& v : c.xf) v = real(-1, 1);
    for (float& v : c.wf) v = real(-1, 1);
    for (float& v : c.bf) v = real(-1, 1);
    if (c.clamp) {
      c.clamp_min = real(-1.0f, 0.0f);
      c.clamp_max = real(0.1f, 1.0f);
    }
    return;
  }
  int32_t lo = qlo(c.qtype), hi = qhi(c.qtype);
  // Zero points at the extremes of the range in turn.
  int pick = uni(0, 2);
  c.z_in = pick == 0 ? lo : pick == 1 ? hi : uni(lo, hi);
  pick = uni(0, 2);
  c.z_out = pick == 0 ? lo : pick == 1 ? hi : uni(lo, hi);
  c.z_w = c.qtype == QType::QU8 ? uni(0, 255) : 0;
  c.s_in = real(0.005f, 0.05f);
  c.s_out = real(0.02f, 0.2f);
  c.s_w.assign(c.oc(), real(0.002f, 0.02f));
  if (c.qtype == QType::QC8) {
    for (float& s : c.s_w) s = real(0.001f, 0.03f);
  }
  c.xq.resize(nx);
  c.wq.resize(nw);
  for (int32_t& v : c.xq) v = uni(lo, hi);
  for (int32_t& v : c.wq) v = c.qtype == QType::QU8 ? uni(0, 255) : uni(-127, 127);
  c.bq.resize(c.oc());
  for (int32_t& v : c.bq) v = uni(-20000, 20000);
  c.bias_scale_differs = c.qtype != QType::F32 && uni(0, 3) == 0;
  c.s_bias = c.bias_scale_differs ? c.s_in * c.s_w[0] * 0.5f : c.s_in * c.s_w[0];
  if (c.bias_scale_differs && c.qtype == QType::QC8) c.s_bias = c.s_in * 0.01f;
  if (c.clamp) {
    c.clamp_min = real(-3.0f, 0.0f);
    c.clamp_max = real(0.5f, 3.0f);
  }
}

// A random geometry for `kind` whose output is non-empty.
Config random_config(NodeKind kind, QType q, std::mt19937& rng) {
  auto uni = [&](int lo, int hi) { return uint32_t(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  for (;;) {
    Config c;
    c.kind = kind;
    c.qtype = q;
    ConvParams& p = c.p;
    p.kernel_height = uni(1, 3);
    p.kernel_width = uni(1, 4);
    p.stride_height = uni(1, 3);
    p.stride_width = uni(1, 4);  // often above the kernel width
    p.dilation_height = uni(1, 2);
    p.dilation_width = uni(1, 2);
    p.padding_top = uni(0, 2);
    p.padding_bottom = uni(0, 2);
    p.padding_left = uni(0, 2);
    p.padding_right = uni(0, 1);
    if (kind == NodeKind::DepthwiseConv2d) {
      p.groups = uni(1, 21);
      p.group_input_channels = 1;
      p.group_output_channels = uni(1, 3);
    } else {
      p.groups = uni(1, 3);
      p.group_input_channels = uni(1, 7);
      p.group_output_channels = uni(1, 7);
    }
    if (kind == NodeKind::ConvTranspose2d) {
      p.adjustment_height = uni(0, p.stride_height - 1);
      p.adjustment_width = uni(0, p.stride_width - 1);
    }
    c.n = uni(1, 3);
    c.h = uni(1, 9);
    c.w = uni(1, 9);
    c.bias = uni(0, 4) != 0;
    c.clamp = uni(0, 2) == 0;
    int64_t oh = extent(c, c.h, p.kernel_height, p.stride_height, p.dilation_height, p.padding_top,
                        p.padding_bottom, p.adjustment_height);
    int64_t ow = extent(c, c.w, p.kernel_width, p.stride_width, p.dilation_width, p.padding_left,
                        p.padding_right, p.adjustment_width);
    if (oh <= 0 || ow <= 0) continue;
    c.oh = uint32_t(oh);
    c.ow = uint32_t(ow);
    fill(c, rng);
    return c;
  }
}

std::string describe(const Config& c) {
  const ConvParams& p = c.p;
  char s[320];
  std::snprintf(s, sizeof(s),
                "%s q%d n%u h%u w%u groups%u gic%u goc%u k%ux%u s%ux%u d%ux%u pad t%u r%u b%u l%u adj%ux%u bias%d "
                "clamp%d zin%d zout%d zw%d",
                xnnpack::node_kind_name(c.kind), int(c.qtype), c.n, c.h, c.w, p.groups, p.group_input_channels,
                p.group_output_channels, p.kernel_height, p.kernel_width, p.stride_height, p.stride_width,
                p.dilation_height, p.dilation_width, p.padding_top, p.padding_right, p.padding_bottom,
                p.padding_left, p.adjustment_height, p.adjustment_width, int(c.bias), int(c.clamp), c.z_in, c.z_out,
                c.z_w);
  return s;
}

void expect_matches(const Config& c) {
  std::vector<double> got;
  if (!run(c, &got)) {
    ADD_FAILURE() << describe(c);
    return;
  }
  std::vector<double> want = reference(c);
  ASSERT_EQ(got.size(), want.size()) << describe(c);
  size_t bad = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    double tol = c.quantized() ? 0.0 : 1e-4 * (1.0 + std::fabs(want[i]));
    if (std::fabs(got[i] - want[i]) > tol && bad++ < 3) {
      ADD_FAILURE() << describe(c) << ": element " << i << " got " << got[i] << " want " << want[i];
    }
  }
}

struct KindCase {
  NodeKind kind;
  QType q;
};

class ConvNodeRandomTest : public ::testing::TestWithParam<KindCase> {};

TEST_P(ConvNodeRandomTest, MatchesScalarReference) {
  std::mt19937 rng(1234 + int(GetParam().kind) * 16 + int(GetParam().q));
  for (int i = 0; i < 24; ++i) expect_matches(random_config(GetParam().kind, GetParam().q, rng));
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, ConvNodeRandomTest,
    ::testing::Values(KindCase{NodeKind::Conv2d, QType::F32}, KindCase{NodeKind::Conv2d, QType::QS8},
                      KindCase{NodeKind::Conv2d, QType::QC8}, KindCase{NodeKind::Conv2d, QType::QU8},
                      KindCase{NodeKind::DepthwiseConv2d, QType::F32}, KindCase{NodeKind::DepthwiseConv2d, QType::QS8},
                      KindCase{NodeKind::DepthwiseConv2d, QType::QC8}, KindCase{NodeKind::DepthwiseConv2d, QType::QU8},
                      KindCase{NodeKind::ConvTranspose2d, QType::F32}, KindCase{NodeKind::ConvTranspose2d, QType::QS8},
                      KindCase{NodeKind::ConvTranspose2d, QType::QU8}));

// A small fixed quantized configuration for the boundary tests.
Config boundary_config(NodeKind kind, QType q) {
  std::mt19937 rng(7);
  Config c;
  c.kind = kind;
  c.qtype = q;
  c.p.kernel_height = c.p.kernel_width = 3;
  c.p.padding_top = c.p.padding_left = 1;
  c.p.padding_bottom = c.p.padding_right = 1;
  c.p.groups = kind == NodeKind::DepthwiseConv2d ? 5 : 1;
  c.p.group_input_channels = kind == NodeKind::DepthwiseConv2d ? 1 : 3;
  c.p.group_output_channels = kind == NodeKind::DepthwiseConv2d ? 1 : 5;
  if (kind == NodeKind::ConvTranspose2d) c.p.stride_height = c.p.stride_width = 2;
  c.n = 2;
  c.h = c.w = 5;
  c.oh = uint32_t(extent(c, c.h, 3, c.p.stride_height, 1, 1, 1, 0));
  c.ow = uint32_t(extent(c, c.w, 3, c.p.stride_width, 1, 1, 1, 0));
  fill(c, rng);
  c.bias_scale_differs = false;
  if (c.quantized()) c.s_bias = c.s_in * c.s_w[0];
  c.clamp = false;
  return c;
}

// Init must fail naming node 0 and its kind, with `reason` in the message.
void expect_refused(const Config& c, const std::string& reason) {
  std::vector<double> got;
  std::string message;
  EXPECT_FALSE(run(c, &got, &message)) << describe(c);
  EXPECT_NE(message.find(std::string("node 0 (") + xnnpack::node_kind_name(c.kind)), std::string::npos)
      << message;
  EXPECT_NE(message.find(reason), std::string::npos) << message;
}

TEST(ConvNodeLimitTest, RequantizationScaleBelow256RunsAtOrAbove256IsRefused) {
  for (QType q : {QType::QS8, QType::QC8, QType::QU8}) {
    Config c = boundary_config(NodeKind::Conv2d, q);
    c.s_in = 1.0f;
    c.s_out = 1.0f / 1024;
    c.s_w.assign(c.oc(), std::nextafter(0.25f, 0.0f));  // scale just below 256
    c.bq.assign(c.oc(), 0);
    c.s_bias = c.s_in * c.s_w[0];
    expect_matches(c);
    c.s_w.assign(c.oc(), 0.25f);  // exactly 256
    c.s_bias = c.s_in * c.s_w[0];
    expect_refused(c, "requantization scale");
  }
}

TEST(ConvNodeLimitTest, RequantizationScaleAtTwoToMinus32RunsBelowIsRefused) {
  Config c = boundary_config(NodeKind::Conv2d, QType::QS8);
  c.s_in = 1.0f / 65536;
  c.s_w.assign(c.oc(), 1.0f / 65536);
  c.s_out = 1.0f;  // 2^-32 exactly
  c.s_bias = c.s_in * c.s_w[0];
  expect_matches(c);
  c.s_out = 2.0f;
  expect_refused(c, "requantization scale");
}

TEST(ConvNodeLimitTest, Qint8FilterZeroPointMustBeZero) {
  for (NodeKind kind : {NodeKind::Conv2d, NodeKind::DepthwiseConv2d, NodeKind::ConvTranspose2d}) {
    Config c = boundary_config(kind, QType::QS8);
    expect_matches(c);  // zero point 0
    c.z_w = 1;
    expect_refused(c, "filter zero point");
  }
}

TEST(ConvNodeLimitTest, PerChannelTransposedConvolutionIsRefusedPerTensorRuns) {
  Config c = boundary_config(NodeKind::ConvTranspose2d, QType::QS8);
  expect_matches(c);
  c.qtype = QType::QC8;
  for (size_t i = 0; i < c.s_w.size(); ++i) c.s_w[i] *= 1.0f + 0.1f * float(i);
  expect_refused(c, "per-channel deconvolution");
}

TEST(ConvNodeLimitTest, AdjustmentMustBeBelowStride) {
  Config c = boundary_config(NodeKind::ConvTranspose2d, QType::F32);
  c.p.adjustment_height = c.p.adjustment_width = 1;  // stride 2
  c.oh = uint32_t(extent(c, c.h, 3, 2, 1, 1, 1, 1));
  c.ow = c.oh;
  expect_matches(c);
  c.p.adjustment_height = 2;
  expect_refused(c, "adjustment");
}

TEST(ConvNodeLimitTest, FusedClampMustKeepTwoQuantizedLevels) {
  Config c = boundary_config(NodeKind::Conv2d, QType::QS8);
  c.s_out = 0.1f;
  c.z_out = 0;
  c.clamp = true;
  c.clamp_min = 0.0f;
  c.clamp_max = 0.1f;  // quantized [0, 1]
  expect_matches(c);
  c.clamp_max = 0.04f;  // quantized [0, 0]
  expect_refused(c, "requires min < max");
}

TEST(ConvNodeLimitTest, ChangingBatchAndSpatialSizeAtRunTime) {
  // One program, inputs of several shapes within the bound (DYNAMIC_BOUND).
  Config c = boundary_config(NodeKind::Conv2d, QType::QC8);
  c.p.stride_height = 2;
  c.oh = uint32_t(extent(c, c.h, 3, 2, 1, 1, 1, 0));
  XnnpackProgramOptions options;
  options.dynamism = TensorShapeDynamism::DynamicBound;
  auto program = XnnpackProgram::load(build(c), options);
  ASSERT_TRUE(program.ok()) << error_message();
  std::mt19937 rng(99);
  for (uint32_t n : {2u, 1u, 2u}) {
    for (uint32_t hw : {5u, 3u, 4u}) {
      Config d = c;
      d.n = n;
      d.h = d.w = hw;
      d.oh = uint32_t(extent(d, hw, 3, 2, 1, 1, 1, 0));
      d.ow = uint32_t(extent(d, hw, 3, 1, 1, 1, 1, 0));
      d.xq.resize(size_t(n) * hw * hw * d.ic());
      for (int32_t& v : d.xq) v = std::uniform_int_distribution<int>(-128, 127)(rng);
      auto out = (*program)->run({input_of(d)});
      ASSERT_TRUE(out.ok()) << error_message();
      const HostTensor& t = (*out)[0].tensor;
      ASSERT_EQ(t.sizes, (std::vector<int32_t>{int32_t(n), int32_t(d.oh), int32_t(d.ow), int32_t(d.oc())}));
      std::vector<double> want = reference(d);
      for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(double(t.data_as<int8_t>()[i]), want[i]) << i;
    }
  }
}

}  // namespace
}  // namespace ember::test
