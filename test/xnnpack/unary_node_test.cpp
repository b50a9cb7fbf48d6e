// One-node XNNPACK delegate blobs for every unary, activation and softmax
// node kind, run through Program/Method with XnnpackBackend against scalar
// references: 8-bit outputs exactly (every table is Q(clamp(f(D(q)))) in
// double, round half to even), fp32 within a tight tolerance. Random
// configurations per kind and datatype, both sides of each capability limit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "runtime/core/error.h"
#include "runtime/module/module.h"
#include "test/support/xnnpack_program.h"

namespace ember::test {
namespace {

using xnnpack::DataType;
using xnnpack::NodeKind;
using xnnpack::Quantization;
using xnnpack::XnnpackBlobBuilder;

constexpr int kConfigs = 20;

struct Params {
  float alpha = 1.0f;
  float slope = 0.01f;
  float lo = -INFINITY, hi = INFINITY;  // clamp bounds / fused clamp
  bool has_clamp = false;
};

double ref_f(NodeKind k, double x, const Params& p) {
  switch (k) {
    case NodeKind::Clamp: return x;
    case NodeKind::Sigmoid: return 1.0 / (1.0 + std::exp(-x));
    case NodeKind::ELU: return x > 0 ? x : p.alpha * std::expm1(x);
    case NodeKind::LeakyReLU: return x < 0 ? x * p.slope : x;
    case NodeKind::Hardswish: return x * std::min(std::max(x + 3.0, 0.0), 6.0) / 6.0;
    case NodeKind::Abs: return std::fabs(x);
    case NodeKind::Negate: return -x;
    case NodeKind::Floor: return std::floor(x);
    case NodeKind::Ceiling: return std::ceil(x);
    case NodeKind::Square: return x * x;
    case NodeKind::SquareRoot: return std::sqrt(x);
    case NodeKind::ReciprocalSquareRoot: return 1.0 / std::sqrt(x);
    case NodeKind::Exp: return std::exp(x);
    case NodeKind::Log: return std::log(x);
    case NodeKind::Sin: return std::sin(x);
    case NodeKind::Cos: return std::cos(x);
    case NodeKind::Tanh: return std::tanh(x);
    case NodeKind::Gelu: return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    default: return NAN;
  }
}

struct Q {
  DataType type;
  float scale;
  int32_t zp;
  int32_t lo() const { return type == DataType::QUInt8 ? 0 : -128; }
  int32_t hi() const { return type == DataType::QUInt8 ? 255 : 127; }
  double deq(int32_t q) const { return static_cast<double>(scale) * (q - zp); }
  int32_t quant(double y) const {
    if (std::isnan(y)) return zp;
    double r = std::nearbyint(y / scale) + zp;
    return r <= lo() ? lo() : r >= hi() ? hi() : static_cast<int32_t>(r);
  }
  int32_t read(const uint8_t* p, size_t i) const { return type == DataType::QInt8 ? static_cast<int8_t>(p[i]) : p[i]; }
};

ScalarType st(DataType t) {
  return t == DataType::Fp32 ? ScalarType::Float : t == DataType::QInt8 ? ScalarType::Char : ScalarType::Byte;
}

// Builds and runs input -> node -> output; returns the output bytes.
struct RunResult {
  Error init = Error::Ok;
  std::string message;
  std::vector<uint8_t> out;
};

RunResult run_node(NodeKind kind, DataType tin, DataType tout, const std::vector<uint32_t>& dims, Quantization qin,
                   Quantization qout, const std::vector<uint8_t>& input, const Params& p,
                   const std::vector<float>* prelu_slope = nullptr, std::vector<uint32_t> slope_dims = {}) {
  XnnpackBlobBuilder b;
  uint32_t x = b.add_input(tin, dims, 0, qin);
  uint32_t slope = 0;
  if (prelu_slope != nullptr) {
    slope = b.add_constant(DataType::Fp32, slope_dims, xnnpack::ConstantSource::of(*prelu_slope));
  }
  uint32_t y = b.add_output(tout, dims, 1, qout);
  xnnpack::NodeOptions o;
  if (p.has_clamp) o.clamp = xnnpack::OutputClamp{p.lo, p.hi};
  if (kind == NodeKind::ELU) {
    b.add_elu(p.alpha, x, y, o);
  } else if (kind == NodeKind::LeakyReLU) {
    b.add_leaky_relu(p.slope, x, y, o);
  } else if (kind == NodeKind::PReLU) {
    b.add_binary(kind, x, slope, y, o);
  } else {
    b.add_unary(kind, x, y, o);
  }
  RunResult r;
  auto program = XnnpackProgram::load(b);
  if (!program.ok()) {
    r.init = program.error();
    r.message = error_message();
    return r;
  }
  std::vector<int32_t> sizes(dims.begin(), dims.end());
  HostTensor t;
  t.dtype = st(tin);
  t.sizes = sizes;
  t.data = input;
  auto out = (*program)->run({HostValue::from_tensor(t)});
  if (!out.ok()) {
    r.init = out.error();
    r.message = error_message();
    return r;
  }
  EXPECT_EQ((*out)[0].tensor.sizes, sizes);
  r.out = (*out)[0].tensor.data;
  return r;
}

std::vector<uint32_t> random_dims(std::mt19937& rng, size_t min_numel) {
  std::uniform_int_distribution<int> rank_d(1, 4), dim_d(1, 11);
  std::vector<uint32_t> dims;
  for (;;) {
    dims.clear();
    int rank = rank_d(rng);
    size_t n = 1;
    for (int i = 0; i < rank; ++i) {
      uint32_t d = static_cast<uint32_t>(dim_d(rng));
      if (d % 16 == 0) d += 1;
      dims.push_back(d);
      n *= d;
    }
    if (n >= min_numel && n <= 6000) return dims;
  }
}

size_t numel(const std::vector<uint32_t>& dims) {
  size_t n = 1;
  for (uint32_t d : dims) n *= d;
  return n;
}

Q random_q(std::mt19937& rng, DataType t, int config) {
  std::uniform_real_distribution<float> ls(-7.0f, 0.0f);
  Q q{t, std::exp2(ls(rng)), 0};
  int32_t lo = t == DataType::QUInt8 ? 0 : -128;
  // Zero points at both ends of the range in some configurations.
  if (config % 5 == 1) {
    q.zp = lo;
  } else if (config % 5 == 2) {
    q.zp = lo + 255;
  } else {
    q.zp = std::uniform_int_distribution<int32_t>(lo, lo + 255)(rng);
  }
  return q;
}

// Every byte value at least once, then random bytes, shuffled.
std::vector<uint8_t> all_bytes(std::mt19937& rng, size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = i < 256 ? static_cast<uint8_t>(i) : static_cast<uint8_t>(rng());
  std::shuffle(v.begin(), v.end(), rng);
  return v;
}

class XnnpackUnaryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(register_all_kernels_and_backends(), Error::Ok); }

  // Exact 8-bit check: the output equals Q_out(clamp(f(D_in(q)))) for every element.
  void check_8bit(NodeKind kind, DataType tin, DataType tout, const Q& qi, const Q& qo, const Params& p,
                  const std::vector<uint32_t>& dims, std::mt19937& rng) {
    std::vector<uint8_t> in = all_bytes(rng, numel(dims));
    RunResult r = run_node(kind, tin, tout, dims, Quantization::per_tensor(qi.scale, qi.zp),
                           Quantization::per_tensor(qo.scale, qo.zp), in, p);
    ASSERT_EQ(r.init, Error::Ok) << r.message;
    ASSERT_EQ(r.out.size(), in.size());
    size_t bad = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      double y = ref_f(kind, qi.deq(qi.read(in.data(), i)), p);
      y = std::min(std::max(y, static_cast<double>(p.lo)), static_cast<double>(p.hi));
      int32_t want = qo.quant(y);
      if (qo.read(r.out.data(), i) != want && bad++ < 5) {
        ADD_FAILURE() << xnnpack::node_kind_name(kind) << " q=" << qi.read(in.data(), i) << " got "
                      << qo.read(r.out.data(), i) << " want " << want << " (in scale " << qi.scale << " zp " << qi.zp
                      << ", out scale " << qo.scale << " zp " << qo.zp << ")";
      }
    }
    EXPECT_EQ(bad, 0u);
  }

  void check_f32(NodeKind kind, const std::vector<uint32_t>& dims, const std::vector<float>& in, const Params& p,
                 double rtol, double atol, const std::vector<float>* slope = nullptr,
                 std::vector<uint32_t> slope_dims = {}) {
    std::vector<uint8_t> bytes(in.size() * 4);
    std::memcpy(bytes.data(), in.data(), bytes.size());
    RunResult r = run_node(kind, DataType::Fp32, DataType::Fp32, dims, {}, {}, bytes, p, slope, slope_dims);
    ASSERT_EQ(r.init, Error::Ok) << r.message;
    ASSERT_EQ(r.out.size(), bytes.size());
    const float* got = reinterpret_cast<const float*>(r.out.data());
    size_t c = dims.back();
    size_t bad = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      double want;
      if (kind == NodeKind::Softmax) {
        size_t row = i / c;
        double m = -INFINITY, sum = 0;
        for (size_t j = 0; j < c; ++j) m = std::max(m, static_cast<double>(in[row * c + j]));
        for (size_t j = 0; j < c; ++j) sum += std::exp(in[row * c + j] - m);
        want = std::exp(in[i] - m) / sum;
      } else if (kind == NodeKind::PReLU) {
        float s = (*slope)[slope->size() == 1 ? 0 : i % c];
        want = in[i] < 0 ? s * in[i] : in[i];  // a float product, as XNNPACK computes it
      } else {
        want = ref_f(kind, in[i], p);
      }
      want = std::min(std::max(want, static_cast<double>(p.lo)), static_cast<double>(p.hi));
      bool ok = std::isnan(want) ? std::isnan(got[i]) : std::fabs(got[i] - want) <= atol + rtol * std::fabs(want);
      if (!ok && bad++ < 5) {
        ADD_FAILURE() << xnnpack::node_kind_name(kind) << " x=" << in[i] << " got " << got[i] << " want " << want;
      }
    }
    EXPECT_EQ(bad, 0u);
  }
};

const NodeKind kElementwise[] = {NodeKind::Clamp,      NodeKind::Sigmoid,   NodeKind::ELU,   NodeKind::LeakyReLU,
                                 NodeKind::Hardswish,  NodeKind::Abs,       NodeKind::Negate, NodeKind::Floor,
                                 NodeKind::Ceiling,    NodeKind::Square,    NodeKind::SquareRoot,
                                 NodeKind::ReciprocalSquareRoot, NodeKind::Exp, NodeKind::Log, NodeKind::Sin,
                                 NodeKind::Cos,        NodeKind::Tanh,      NodeKind::Gelu};

Params random_params(std::mt19937& rng, NodeKind kind, int config) {
  Params p;
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  p.alpha = config % 4 == 3 ? -0.5f : 0.1f + 2.0f * u(rng);      // ELU: negative alpha runs on the host
  p.slope = config % 4 == 3 ? 1.5f : 0.01f + 0.9f * u(rng);      // LeakyReLU: slope > 1 on the host
  if (kind == NodeKind::Clamp || config % 3 == 0) {
    p.has_clamp = true;
    p.lo = -4.0f * u(rng);
    p.hi = p.lo + 0.05f + 5.0f * u(rng);
  }
  return p;
}

TEST_F(XnnpackUnaryTest, EightBitTablesAreExact) {
  std::mt19937 rng(1234);
  for (NodeKind kind : kElementwise) {
    for (DataType t : {DataType::QInt8, DataType::QUInt8}) {
      for (int config = 0; config < kConfigs; ++config) {
        SCOPED_TRACE(std::string(xnnpack::node_kind_name(kind)) + (t == DataType::QInt8 ? " qint8 #" : " quint8 #") +
                     std::to_string(config));
        Q qi = random_q(rng, t, config);
        Q qo = random_q(rng, t, config + 1);
        if (config % 4 == 0) qo = qi;  // same quantization (XNNPACK's integer clamp path)
        check_8bit(kind, t, t, qi, qo, random_params(rng, kind, config), random_dims(rng, 256), rng);
      }
    }
  }
}

TEST_F(XnnpackUnaryTest, EightBitTablesAcrossTypes) {
  std::mt19937 rng(99);
  for (NodeKind kind : {NodeKind::Clamp, NodeKind::Tanh, NodeKind::Sigmoid}) {
    for (int config = 0; config < kConfigs; ++config) {
      DataType ti = config % 2 ? DataType::QInt8 : DataType::QUInt8;
      DataType to = config % 2 ? DataType::QUInt8 : DataType::QInt8;
      check_8bit(kind, ti, to, random_q(rng, ti, config), random_q(rng, to, config), random_params(rng, kind, config),
                 random_dims(rng, 256), rng);
    }
  }
}

// XNNPACK's sigmoid operators only exist at output scale 1/256 (zero point
// -128 for qint8, 0 for quint8); elsewhere the host table runs. Both exact.
TEST_F(XnnpackUnaryTest, SigmoidOutputScaleBoundary) {
  std::mt19937 rng(7);
  for (DataType t : {DataType::QInt8, DataType::QUInt8}) {
    int32_t zero = t == DataType::QInt8 ? -128 : 0;
    for (int config = 0; config < kConfigs; ++config) {
      Q qi = random_q(rng, t, config);
      check_8bit(NodeKind::Sigmoid, t, t, qi, Q{t, 1.0f / 256, zero}, {}, random_dims(rng, 256), rng);
      check_8bit(NodeKind::Sigmoid, t, t, qi, Q{t, 1.0f / 255, zero}, {}, random_dims(rng, 256), rng);
      check_8bit(NodeKind::Sigmoid, t, t, qi, Q{t, 1.0f / 256, zero + 1}, {}, random_dims(rng, 256), rng);
    }
  }
}

// This XNNPACK's quint8 clamp accepts a rescale and ignores it (in scale 0.05
// -> out scale 0.10 gave 160 instead of 144). Equal quantization runs on
// XNNPACK's integer clamp; any difference on the exact host table.
TEST_F(XnnpackUnaryTest, Quint8ClampWithEqualAndDifferentScales) {
  Params p;
  p.has_clamp = true;
  p.lo = 0.0f;
  p.hi = 100.0f;
  std::vector<uint8_t> in = {160, 0, 255, 128, 20, 200};
  std::vector<uint32_t> dims = {2, 3};
  RunResult same = run_node(NodeKind::Clamp, DataType::QUInt8, DataType::QUInt8, dims,
                            Quantization::per_tensor(0.05f, 16), Quantization::per_tensor(0.05f, 16), in, p);
  ASSERT_EQ(same.init, Error::Ok) << same.message;
  EXPECT_EQ(same.out, (std::vector<uint8_t>{160, 16, 255, 128, 20, 200}));
  RunResult rescaled = run_node(NodeKind::Clamp, DataType::QUInt8, DataType::QUInt8, dims,
                                Quantization::per_tensor(0.05f, 16), Quantization::per_tensor(0.10f, 16), in, p);
  ASSERT_EQ(rescaled.init, Error::Ok) << rescaled.message;
  // (160 - 16) * 0.05 / 0.10 + 16 = 88; 0 -> clamped at real 0 -> 16; 255 -> 135.5 -> 136 (half to even).
  EXPECT_EQ(rescaled.out, (std::vector<uint8_t>{88, 16, 136, 72, 18, 108}));
  std::mt19937 rng(5);
  for (int config = 0; config < kConfigs; ++config) {
    Q qi = random_q(rng, DataType::QUInt8, config);
    Q qo = qi;
    if (config % 2) qo.scale *= 1.5f;
    if (config % 3 == 1) qo.zp = (qo.zp + 7) % 256;
    check_8bit(NodeKind::Clamp, DataType::QUInt8, DataType::QUInt8, qi, qo, random_params(rng, NodeKind::Clamp, config),
               random_dims(rng, 256), rng);
  }
}

// qu8 leaky_relu runs on XNNPACK for slope in (0, 1] and s_in / s_out in
// [2^-8, 2^8); outside, on the host table.
TEST_F(XnnpackUnaryTest, LeakyReluQuint8Limits) {
  std::mt19937 rng(11);
  for (float slope : {0.25f, 1.0f, 1.0001f, 3.0f}) {
    for (float ratio : {1.0f, 255.0f, 256.0f, 1.0f / 256, 1.0f / 300}) {
      Params p;
      p.slope = slope;
      Q qo{DataType::QUInt8, 0.02f, 100};
      Q qi{DataType::QUInt8, 0.02f * ratio, 128};
      check_8bit(NodeKind::LeakyReLU, DataType::QUInt8, DataType::QUInt8, qi, qo, p, {3, 5, 19}, rng);
    }
  }
}

TEST_F(XnnpackUnaryTest, SoftmaxEightBitIsExact) {
  std::mt19937 rng(21);
  for (DataType t : {DataType::QInt8, DataType::QUInt8}) {
    for (int config = 0; config < kConfigs; ++config) {
      Q qi = random_q(rng, t, config);
      qi.scale *= 8.0f;
      Q qo{t, 1.0f / 256, t == DataType::QInt8 ? -128 : 0};
      if (config % 2) qo = random_q(rng, t, config + 3);
      std::vector<uint32_t> dims = random_dims(rng, 1);
      std::vector<uint8_t> in = all_bytes(rng, numel(dims));
      RunResult r = run_node(NodeKind::Softmax, t, t, dims, Quantization::per_tensor(qi.scale, qi.zp),
                             Quantization::per_tensor(qo.scale, qo.zp), in, {});
      ASSERT_EQ(r.init, Error::Ok) << r.message;
      size_t c = dims.back();
      for (size_t row = 0; row < in.size() / c; ++row) {
        int32_t m = -1000;
        for (size_t j = 0; j < c; ++j) m = std::max(m, qi.read(in.data(), row * c + j));
        double sum = 0;
        for (size_t j = 0; j < c; ++j) sum += std::exp(-static_cast<double>(qi.scale) * (m - qi.read(in.data(), row * c + j)));
        for (size_t j = 0; j < c; ++j) {
          double e = std::exp(-static_cast<double>(qi.scale) * (m - qi.read(in.data(), row * c + j)));
          ASSERT_EQ(qo.read(r.out.data(), row * c + j), qo.quant(e / sum)) << "row " << row << " col " << j;
        }
      }
    }
  }
}

std::vector<float> random_floats(std::mt19937& rng, size_t n, NodeKind kind) {
  bool positive = kind == NodeKind::Log || kind == NodeKind::SquareRoot || kind == NodeKind::ReciprocalSquareRoot;
  std::uniform_real_distribution<float> u(positive ? 0.01f : -8.0f, 8.0f);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  if (!positive && n > 2) {
    v[0] = 0.0f;
    v[1] = -3.0f;  // hardswish / floor / ceil edge points
  }
  return v;
}

TEST_F(XnnpackUnaryTest, Fp32MatchesReference) {
  std::mt19937 rng(31);
  std::vector<NodeKind> kinds(std::begin(kElementwise), std::end(kElementwise));
  kinds.push_back(NodeKind::Softmax);
  for (NodeKind kind : kinds) {
    for (int config = 0; config < kConfigs; ++config) {
      SCOPED_TRACE(std::string(xnnpack::node_kind_name(kind)) + " fp32 #" + std::to_string(config));
      std::vector<uint32_t> dims = random_dims(rng, 1);
      Params p = random_params(rng, kind, config);
      if (kind == NodeKind::Clamp && config == 5) p.hi = p.lo;  // min == max: host loop
      check_f32(kind, dims, random_floats(rng, numel(dims), kind), p, 2e-6, 1e-7);
    }
  }
}

TEST_F(XnnpackUnaryTest, PreluFp32PerChannelAndSingleSlope) {
  std::mt19937 rng(41);
  for (int config = 0; config < kConfigs; ++config) {
    std::vector<uint32_t> dims = random_dims(rng, 1);
    uint32_t c = dims.back();
    bool single = config % 3 == 0;
    std::vector<float> slope(single ? 1 : c);
    for (float& s : slope) s = std::uniform_real_distribution<float>(-1.0f, 2.0f)(rng);
    Params p = random_params(rng, NodeKind::PReLU, config);
    check_f32(NodeKind::PReLU, dims, random_floats(rng, numel(dims), NodeKind::PReLU), p, 0, 0, &slope,
              {static_cast<uint32_t>(slope.size())});
  }
}

TEST_F(XnnpackUnaryTest, RefusedCasesFailAtInitWithAMessage) {
  std::vector<float> slope = {0.5f, 0.25f};
  std::vector<uint8_t> in(6);
  RunResult r = run_node(NodeKind::PReLU, DataType::QInt8, DataType::QInt8, {3, 2}, Quantization::per_tensor(0.1f, 0),
                         Quantization::per_tensor(0.1f, 0), in, {}, &slope, {2});
  EXPECT_EQ(r.init, Error::NotSupported);
  EXPECT_NE(r.message.find("prelu"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("node 0"), std::string::npos) << r.message;
  // Slope not matching the channel count.
  std::vector<uint8_t> f(6 * 4);
  r = run_node(NodeKind::PReLU, DataType::Fp32, DataType::Fp32, {2, 3}, {}, {}, f, {}, &slope, {2});
  EXPECT_EQ(r.init, Error::InvalidProgram) << r.message;
  // Mixed fp32 / 8-bit.
  r = run_node(NodeKind::Tanh, DataType::Fp32, DataType::QInt8, {2, 3}, {}, Quantization::per_tensor(0.1f, 0), f, {});
  EXPECT_EQ(r.init, Error::NotSupported) << r.message;
  // Invalid zero point.
  r = run_node(NodeKind::Abs, DataType::QInt8, DataType::QInt8, {6}, Quantization::per_tensor(0.1f, 300),
               Quantization::per_tensor(0.1f, 0), in, {});
  EXPECT_EQ(r.init, Error::InvalidProgram) << r.message;
  // Empty clamp.
  Params bad;
  bad.has_clamp = true;
  bad.lo = 2.0f;
  bad.hi = 1.0f;
  r = run_node(NodeKind::Clamp, DataType::Fp32, DataType::Fp32, {2, 3}, {}, {}, f, bad);
  EXPECT_EQ(r.init, Error::InvalidProgram) << r.message;
}

}  // namespace
}  // namespace ember::test
