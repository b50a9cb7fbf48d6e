// MaxPooling2d / AvgPooling2d / GlobalAvgPooling2d / ArgMaxPooling2d nodes:
// one-node blobs (our blob builder) run through Program/Method and
// XnnpackBackend against scalar references, 24 random configurations per
// kind and datatype (exact for max and argmax pooling, ±1 step for 8-bit
// average pooling), and every capability limit on both sides.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>

#include "backends/xnnpack/serialize/xnnpack_blob_builder.h"
#include "runtime/core/error.h"
#include "test/support/xnnpack_program.h"

namespace ember::test {
namespace {

using xnnpack::DataType;
using xnnpack::NodeKind;
using xnnpack::PoolingParams;
using xnnpack::Quantization;
using xnnpack::XnnpackBlobBuilder;

struct Config {
  NodeKind kind = NodeKind::MaxPooling2d;
  DataType type = DataType::Fp32;
  PoolingParams p;
  uint32_t n = 1, h = 1, w = 1, c = 1;
  uint32_t oh = 1, ow = 1;
  bool clamp = false;
  float clamp_min = 0, clamp_max = 0;
  float s_in = 1, s_out = 1;
  int32_t z_in = 0, z_out = 0;
  std::vector<float> x;  // fp32 values, or 8-bit codes
  bool quantized() const { return type != DataType::Fp32; }
};

int32_t qlo(DataType t) { return t == DataType::QUInt8 ? 0 : -128; }
int32_t qhi(DataType t) { return t == DataType::QUInt8 ? 255 : 127; }

int32_t quant_bound(float real, float scale, int32_t zp, int32_t lo, int32_t hi) {
  if (std::isinf(real)) return real < 0 ? lo : hi;
  float q = std::nearbyint(real / scale) + static_cast<float>(zp);
  return q <= lo ? lo : q >= hi ? hi : static_cast<int32_t>(q);
}

// Reference values (and argmax indices, XNNPACK's window-local column-major
// order x * pool_h + y, first maximum wins).
void reference(const Config& c, std::vector<double>* out, std::vector<int32_t>* idx) {
  const PoolingParams& p = c.p;
  bool global = c.kind == NodeKind::GlobalAvgPooling2d;
  uint32_t ph = global ? c.h : p.pooling_height, pw = global ? c.w : p.pooling_width;
  uint32_t sh = global ? 1 : p.stride_height, sw = global ? 1 : p.stride_width;
  uint32_t dh = global ? 1 : p.dilation_height, dw = global ? 1 : p.dilation_width;
  int64_t pt = global ? 0 : p.padding_top, pl = global ? 0 : p.padding_left;
  double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
  if (c.quantized()) {
    lo = qlo(c.type);
    hi = qhi(c.type);
    if (c.clamp) {
      lo = quant_bound(c.clamp_min, c.s_out, c.z_out, qlo(c.type), qhi(c.type));
      hi = quant_bound(c.clamp_max, c.s_out, c.z_out, qlo(c.type), qhi(c.type));
    }
  } else if (c.clamp) {
    lo = c.clamp_min;
    hi = c.clamp_max;
  }
  out->clear();
  idx->clear();
  for (uint32_t n = 0; n < c.n; ++n) {
    for (uint32_t oy = 0; oy < c.oh; ++oy) {
      for (uint32_t ox = 0; ox < c.ow; ++ox) {
        for (uint32_t ch = 0; ch < c.c; ++ch) {
          double best = -std::numeric_limits<double>::infinity(), sum = 0;
          int32_t best_idx = -1, count = 0;
          for (uint32_t ky = 0; ky < ph; ++ky) {
            int64_t iy = int64_t(oy) * sh - pt + int64_t(ky) * dh;
            for (uint32_t kx = 0; kx < pw; ++kx) {
              int64_t ix = int64_t(ox) * sw - pl + int64_t(kx) * dw;
              if (iy < 0 || ix < 0 || iy >= c.h || ix >= c.w) continue;
              double v = c.x[((size_t(n) * c.h + iy) * c.w + ix) * c.c + ch];
              if (v > best) {
                best = v;
                best_idx = int32_t(kx * ph + ky);
              }
              sum += c.quantized() ? v - c.z_in : v;
              ++count;
            }
          }
          double r;
          if (c.kind == NodeKind::MaxPooling2d || c.kind == NodeKind::ArgMaxPooling2d) {
            r = best;
          } else if (!c.quantized()) {
            r = sum / count;
          } else {
            // Dequantize, average, requantize (ExecuTorch's q/dq decomposition).
            r = std::nearbyint(sum * c.s_in / count / c.s_out) + c.z_out;
          }
          out->push_back(std::min(std::max(r, lo), hi));
          idx->push_back(best_idx);
        }
      }
    }
  }
}

XnnpackBlobBuilder build(const Config& c) {
  XnnpackBlobBuilder b;
  Quantization qin = c.quantized() ? Quantization::per_tensor(c.s_in, c.z_in) : Quantization::none();
  Quantization qout = c.quantized() ? Quantization::per_tensor(c.s_out, c.z_out) : Quantization::none();
  uint32_t x = b.add_input(c.type, {c.n, c.h, c.w, c.c}, 0, qin);
  uint32_t y = b.add_output(c.type, {c.n, c.oh, c.ow, c.c}, 1, qout);
  xnnpack::NodeOptions o;
  if (c.clamp) o.clamp = xnnpack::OutputClamp{c.clamp_min, c.clamp_max};
  if (c.kind == NodeKind::GlobalAvgPooling2d) {
    b.add_unary(NodeKind::GlobalAvgPooling2d, x, y, o);
  } else if (c.kind == NodeKind::ArgMaxPooling2d) {
    uint32_t i = b.add_output(DataType::Int32, {c.n, c.oh, c.ow, c.c}, 2);
    b.add_argmax_pooling(c.p, x, y, i, o);
  } else {
    b.add_pooling(c.kind, c.p, x, y, o);
  }
  return b;
}

HostValue input_of(const Config& c) {
  std::vector<int32_t> sizes = {int32_t(c.n), int32_t(c.h), int32_t(c.w), int32_t(c.c)};
  if (c.type == DataType::Fp32) return HostValue::from_tensor(HostTensor::from<float>(sizes, c.x));
  if (c.type == DataType::QUInt8) {
    return HostValue::from_tensor(HostTensor::from<uint8_t>(sizes, std::vector<uint8_t>(c.x.begin(), c.x.end())));
  }
  return HostValue::from_tensor(HostTensor::from<int8_t>(sizes, std::vector<int8_t>(c.x.begin(), c.x.end())));
}

std::string describe(const Config& c) {
  const PoolingParams& p = c.p;
  char s[320];
  std::snprintf(s, sizeof(s),
                "%s %s n%u h%u w%u c%u pool%ux%u s%ux%u d%ux%u pad t%u r%u b%u l%u clamp%d zin%d zout%d sin%g sout%g",
                xnnpack::node_kind_name(c.kind), xnnpack::data_type_name(c.type), c.n, c.h, c.w, c.c,
                p.pooling_height, p.pooling_width, p.stride_height, p.stride_width, p.dilation_height,
                p.dilation_width, p.padding_top, p.padding_right, p.padding_bottom, p.padding_left, int(c.clamp),
                c.z_in, c.z_out, c.s_in, c.s_out);
  return s;
}

// Runs `c`: false with `init_error` set (or a failure added) if it fails.
bool run(const Config& c, std::vector<double>* got, std::vector<int32_t>* idx, std::string* init_error = nullptr) {
  auto report = [&]() {
    if (init_error != nullptr) {
      *init_error = error_message();
    } else {
      ADD_FAILURE() << describe(c) << ": " << error_message();
    }
    return false;
  };
  auto program = XnnpackProgram::load(build(c));
  if (!program.ok()) return report();
  auto out = (*program)->run({input_of(c)});  // the delegate initializes on the first run
  if (!out.ok()) return report();
  const HostTensor& t = (*out)[0].tensor;
  EXPECT_EQ(t.sizes, (std::vector<int32_t>{int32_t(c.n), int32_t(c.oh), int32_t(c.ow), int32_t(c.c)}))
      << describe(c);
  got->resize(t.numel());
  for (size_t i = 0; i < got->size(); ++i) {
    (*got)[i] = c.type == DataType::Fp32     ? t.data_as<float>()[i]
                : c.type == DataType::QUInt8 ? t.data_as<uint8_t>()[i]
                                             : t.data_as<int8_t>()[i];
  }
  idx->clear();
  if (c.kind == NodeKind::ArgMaxPooling2d) {
    const HostTensor& ti = (*out)[1].tensor;
    idx->assign(ti.data_as<int32_t>(), ti.data_as<int32_t>() + ti.numel());
  }
  return true;
}

void fill(Config& c, std::mt19937& rng) {
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto real = [&](float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng); };
  c.x.resize(size_t(c.n) * c.h * c.w * c.c);
  if (!c.quantized()) {
    for (float& v : c.x) v = real(-4, 4);
    if (c.clamp) {
      c.clamp_min = real(-3, 0);
      c.clamp_max = real(0.5f, 3);
    }
    return;
  }
  int32_t lo = qlo(c.type), hi = qhi(c.type);
  for (float& v : c.x) v = float(uni(lo, hi));
  int pick = uni(0, 2);
  c.z_in = pick == 0 ? lo : pick == 1 ? hi : uni(lo, hi);
  c.s_in = real(0.01f, 0.1f);
  if (c.kind == NodeKind::MaxPooling2d) {
    c.z_out = c.z_in;  // s8/u8 max pooling keeps the input's grid
    c.s_out = c.s_in;
  } else {
    pick = uni(0, 2);
    c.z_out = pick == 0 ? lo : pick == 1 ? hi : uni(lo, hi);
    c.s_out = c.s_in * real(0.25f, 3.0f);
  }
  if (c.clamp) {
    c.clamp_min = (lo - c.z_out) * c.s_out * real(0.2f, 0.8f);
    c.clamp_max = (hi - c.z_out) * c.s_out * real(0.2f, 0.8f);
    if (quant_bound(c.clamp_min, c.s_out, c.z_out, lo, hi) >= quant_bound(c.clamp_max, c.s_out, c.z_out, lo, hi)) {
      c.clamp = false;
    }
  }
}

Config random_config(NodeKind kind, DataType type, std::mt19937& rng) {
  auto uni = [&](int lo, int hi) { return uint32_t(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  for (;;) {
    Config c;
    c.kind = kind;
    c.type = type;
    c.n = uni(1, 3);
    c.h = uni(1, 11);
    c.w = uni(1, 11);
    c.c = uni(1, 37);
    c.clamp = kind != NodeKind::ArgMaxPooling2d && uni(0, 2) == 0;
    PoolingParams& p = c.p;
    if (kind == NodeKind::GlobalAvgPooling2d) {
      c.oh = c.ow = 1;
      fill(c, rng);
      return c;
    }
    p.pooling_height = uni(1, 4);
    p.pooling_width = uni(1, 4);
    if (p.pooling_height * p.pooling_width == 1) continue;
    if (kind == NodeKind::ArgMaxPooling2d) {
      p.stride_height = p.pooling_height;
      p.stride_width = p.pooling_width;
    } else {
      p.stride_height = uni(1, 3);
      p.stride_width = uni(1, 5);  // often above the pooling width
      p.padding_top = uni(0, p.pooling_height / 2);
      p.padding_bottom = uni(0, p.pooling_height / 2);
      p.padding_left = uni(0, p.pooling_width / 2);
      p.padding_right = uni(0, p.pooling_width / 2);
      bool dilate = type == DataType::Fp32 ? kind == NodeKind::MaxPooling2d : kind == NodeKind::AvgPooling2d;
      if (dilate) {
        p.dilation_height = uni(1, 2);
        p.dilation_width = uni(1, 2);
      }
    }
    int64_t eh = int64_t(p.pooling_height - 1) * p.dilation_height + 1;
    int64_t ew = int64_t(p.pooling_width - 1) * p.dilation_width + 1;
    int64_t padh = int64_t(c.h) + p.padding_top + p.padding_bottom;
    int64_t padw = int64_t(c.w) + p.padding_left + p.padding_right;
    if (padh < eh || padw < ew) continue;
    if (kind == NodeKind::ArgMaxPooling2d) {
      c.oh = uint32_t(padh / p.pooling_height);
      c.ow = uint32_t(padw / p.pooling_width);
    } else {
      c.oh = uint32_t((padh - eh) / p.stride_height + 1);
      c.ow = uint32_t((padw - ew) / p.stride_width + 1);
    }
    fill(c, rng);
    return c;
  }
}

void expect_matches(const Config& c) {
  std::vector<double> got, want;
  std::vector<int32_t> idx, want_idx;
  if (!run(c, &got, &idx)) return;
  reference(c, &want, &want_idx);
  ASSERT_EQ(got.size(), want.size()) << describe(c);
  bool average = c.kind == NodeKind::AvgPooling2d || c.kind == NodeKind::GlobalAvgPooling2d;
  size_t bad = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    double tol = !c.quantized() ? (average ? 1e-5 * (1 + std::fabs(want[i])) : 0.0) : average ? 1.0 : 0.0;
    if (std::fabs(got[i] - want[i]) > tol && bad++ < 3) {
      ADD_FAILURE() << describe(c) << ": element " << i << " got " << got[i] << " want " << want[i];
    }
    if (c.kind == NodeKind::ArgMaxPooling2d && idx[i] != want_idx[i] && bad++ < 3) {
      ADD_FAILURE() << describe(c) << ": index " << i << " got " << idx[i] << " want " << want_idx[i];
    }
  }
}

struct KindCase {
  NodeKind kind;
  DataType type;
};

class PoolingNodeRandomTest : public ::testing::TestWithParam<KindCase> {};

TEST_P(PoolingNodeRandomTest, MatchesScalarReference) {
  std::mt19937 rng(4321 + int(GetParam().kind) * 16 + int(GetParam().type));
  for (int i = 0; i < 24; ++i) expect_matches(random_config(GetParam().kind, GetParam().type, rng));
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, PoolingNodeRandomTest,
    ::testing::Values(KindCase{NodeKind::MaxPooling2d, DataType::Fp32}, KindCase{NodeKind::MaxPooling2d, DataType::QInt8},
                      KindCase{NodeKind::MaxPooling2d, DataType::QUInt8},
                      KindCase{NodeKind::AvgPooling2d, DataType::Fp32}, KindCase{NodeKind::AvgPooling2d, DataType::QInt8},
                      KindCase{NodeKind::AvgPooling2d, DataType::QUInt8},
                      KindCase{NodeKind::GlobalAvgPooling2d, DataType::Fp32},
                      KindCase{NodeKind::GlobalAvgPooling2d, DataType::QInt8},
                      KindCase{NodeKind::GlobalAvgPooling2d, DataType::QUInt8},
                      KindCase{NodeKind::ArgMaxPooling2d, DataType::Fp32}));

Config fixed(NodeKind kind, DataType type) {
  std::mt19937 rng(11);
  Config c;
  c.kind = kind;
  c.type = type;
  c.n = 2;
  c.h = c.w = 6;
  c.c = 19;
  c.p.pooling_height = c.p.pooling_width = 2;
  c.p.stride_height = c.p.stride_width = 2;
  c.oh = c.ow = kind == NodeKind::GlobalAvgPooling2d ? 1 : 3;
  fill(c, rng);
  return c;
}

void expect_refused(const Config& c, const std::string& reason) {
  std::vector<double> got;
  std::vector<int32_t> idx;
  std::string message;
  EXPECT_FALSE(run(c, &got, &idx, &message)) << describe(c);
  EXPECT_NE(message.find(std::string("node 0 (") + xnnpack::node_kind_name(c.kind)), std::string::npos) << message;
  EXPECT_NE(message.find(reason), std::string::npos) << message;
}

TEST(PoolingNodeLimitTest, PaddingUpToHalfTheWindowRunsBeyondIsRefused) {
  for (NodeKind kind : {NodeKind::MaxPooling2d, NodeKind::AvgPooling2d}) {
    for (DataType t : {DataType::Fp32, DataType::QInt8}) {
      Config c = fixed(kind, t);
      c.p.pooling_height = c.p.pooling_width = 3;
      c.p.padding_top = c.p.padding_left = 1;  // 2 * 1 <= 3
      c.oh = c.ow = (6 + 1 - 3) / 2 + 1;
      expect_matches(c);
      c.p.padding_top = 2;
      c.oh = (6 + 2 - 3) / 2 + 1;
      expect_refused(c, "exceeds half");
    }
  }
}

TEST(PoolingNodeLimitTest, OneByOneMaxPoolingIsRefusedTwoByOneRuns) {
  Config c = fixed(NodeKind::MaxPooling2d, DataType::QUInt8);
  c.p.pooling_width = 1;
  c.p.stride_width = 1;
  c.ow = 6;
  expect_matches(c);
  c.p.pooling_height = 1;
  c.oh = 6;
  expect_refused(c, "1x1 max pooling");
}

TEST(PoolingNodeLimitTest, EightBitMaxPoolingNeedsEqualQuantization) {
  Config c = fixed(NodeKind::MaxPooling2d, DataType::QInt8);
  expect_matches(c);
  c.z_out = c.z_in == 0 ? 1 : 0;
  expect_refused(c, "equal input and output quantization");
}

TEST(PoolingNodeLimitTest, GlobalPoolingScaleRatioWithinTwoToPlusMinus8) {
  for (DataType t : {DataType::QInt8, DataType::QUInt8}) {
    Config c = fixed(NodeKind::GlobalAvgPooling2d, t);
    c.s_in = 0.5f;
    c.s_out = 128.0f;  // ratio 2^-8: runs
    expect_matches(c);
    c.s_out = std::nextafter(128.0f, 1000.0f);
    expect_refused(c, "outside [2^-8, 2^8)");
    c.s_in = std::nextafter(256.0f, 0.0f);
    c.s_out = 1.0f;  // just below 2^8: runs
    expect_matches(c);
    c.s_in = 256.0f;
    expect_refused(c, "outside [2^-8, 2^8)");
  }
}

TEST(PoolingNodeLimitTest, DilatedMaxPoolingRunsOnFp32IsRefusedOn8Bit) {
  Config c = fixed(NodeKind::MaxPooling2d, DataType::Fp32);
  c.p.dilation_width = 2;
  c.ow = (6 - 3) / 2 + 1;
  expect_matches(c);
  for (DataType t : {DataType::QInt8, DataType::QUInt8}) {
    c.type = t;
    std::mt19937 rng(5);
    fill(c, rng);
    expect_refused(c, "dilated 8-bit max pooling");
  }
}

TEST(PoolingNodeLimitTest, ArgMaxPoolingWithPaddingIsRefused) {
  Config c = fixed(NodeKind::ArgMaxPooling2d, DataType::Fp32);
  expect_matches(c);
  c.p.padding_bottom = 1;
  c.oh = 3;  // (6 + 1) / 2
  expect_refused(c, "padded argmax pooling");
}

TEST(PoolingNodeLimitTest, DilatedAveragePoolingRunsOnlyOnTheHostPath) {
  Config c = fixed(NodeKind::AvgPooling2d, DataType::QInt8);
  c.p.dilation_height = 2;
  c.oh = (6 - 3) / 2 + 1;
  expect_matches(c);
  c.type = DataType::Fp32;
  std::mt19937 rng(3);
  fill(c, rng);
  expect_refused(c, "dilated fp32 average pooling");
}

TEST(PoolingNodeLimitTest, AveragePoolingRoundsHalfToEven) {
  // qint8, 1x2 window, scales 1: averages of (0, 1) and (2, 3) are 0.5 and
  // 2.5, which round to 0 and 2; (1, 2) gives 1.5 -> 2.
  Config c;
  c.kind = NodeKind::AvgPooling2d;
  c.type = DataType::QInt8;
  c.h = 1;
  c.w = 6;
  c.c = 1;
  c.p.pooling_height = 1;
  c.p.pooling_width = 2;
  c.p.stride_width = 2;
  c.oh = 1;
  c.ow = 3;
  c.x = {0, 1, 2, 3, 1, 2};
  std::vector<double> got;
  std::vector<int32_t> idx;
  ASSERT_TRUE(run(c, &got, &idx));
  EXPECT_EQ(got, (std::vector<double>{0, 2, 2}));
}

}  // namespace
}  // namespace ember::test
