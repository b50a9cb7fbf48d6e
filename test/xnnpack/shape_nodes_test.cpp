// Host shape nodes of XnnpackBackend (transpose, reshape, copy, slice,
// concatenate, constant pad, bilinear resize, batch matmul, attention), each
// built as a one-node blob with XnnpackBlobBuilder and run end to end through
// Module, against scalar references computed here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
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
using Dims = std::vector<uint32_t>;
using Bytes = std::vector<uint8_t>;

size_t numel(const Dims& d) { return std::accumulate(d.begin(), d.end(), size_t{1}, std::multiplies<size_t>()); }
size_t esize(DataType t) { return t == DataType::Fp32 || t == DataType::Int32 ? 4 : 1; }

HostValue tensor(DataType type, const Dims& dims, const Bytes& bytes) {
  HostTensor t;
  t.dtype = scalar_type_of(type);
  for (uint32_t d : dims) t.sizes.push_back(static_cast<int32_t>(d));
  t.data = bytes;
  return HostValue::from_tensor(std::move(t));
}

// Random elements: floats in [-4, 4) for fp32, any byte for 8-bit.
Bytes random_bytes(std::mt19937& rng, DataType type, size_t n) {
  Bytes b(n * esize(type));
  if (type == DataType::Fp32) {
    std::uniform_real_distribution<float> dist(-4.0f, 4.0f);
    for (size_t i = 0; i < n; ++i) {
      float v = dist(rng);
      std::memcpy(&b[i * 4], &v, 4);
    }
  } else {
    for (auto& x : b) x = static_cast<uint8_t>(rng());
  }
  return b;
}

Quantization quant_for(DataType type) {
  return type == DataType::Fp32 ? Quantization::none() : Quantization::per_tensor(0.125f, 3);
}

// Runs the builder's graph on `inputs`; returns output 0's bytes.
Bytes run(const XnnpackBlobBuilder& b, const std::vector<HostValue>& inputs) {
  auto program = XnnpackProgram::load(b);
  EXPECT_TRUE(program.ok()) << error_message();
  if (!program.ok()) return {};
  auto out = (*program)->run(inputs);
  EXPECT_TRUE(out.ok()) << error_message();
  if (!out.ok()) return {};
  return (*out)[0].tensor.data;
}

std::vector<size_t> strides(const Dims& d) {
  std::vector<size_t> s(d.size(), 1);
  for (size_t i = d.size(); i-- > 1;) s[i - 1] = s[i] * d[i];
  return s;
}

// Calls f(index vector, flat index) for every element of dims, row-major.
template <typename F>
void for_each_index(const Dims& dims, F f) {
  std::vector<uint32_t> idx(dims.size(), 0);
  size_t n = numel(dims);
  for (size_t flat = 0; flat < n; ++flat) {
    f(idx, flat);
    for (size_t d = dims.size(); d-- > 0;) {
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
    }
  }
}

Dims random_dims(std::mt19937& rng, size_t rank, uint32_t max) {
  Dims d(rank);
  for (auto& x : d) x = 1 + rng() % max;
  d[0] = 2 + rng() % 3;  // batch > 1
  return d;
}

DataType random_type(std::mt19937& rng) {
  const DataType types[] = {DataType::Fp32, DataType::QInt8, DataType::QUInt8};
  return types[rng() % 3];
}

TEST(XnnpackShapeNodesTest, TransposeMatchesTheReference) {
  std::mt19937 rng(11);
  std::vector<std::pair<Dims, Dims>> cases = {{{3, 17, 13, 11}, {0, 2, 3, 1}}, {{2, 13, 9, 35}, {0, 3, 1, 2}},
                                              {{2, 64, 7, 9}, {0, 2, 3, 1}},   {{4, 5, 33, 3}, {0, 3, 1, 2}}};
  for (int i = 0; i < 24; ++i) {
    size_t rank = 2 + rng() % 4;
    Dims perm(rank);
    std::iota(perm.begin(), perm.end(), 0u);
    std::shuffle(perm.begin(), perm.end(), rng);
    cases.emplace_back(random_dims(rng, rank, rank > 3 ? 9 : 37), perm);
  }
  for (size_t ci = 0; ci < cases.size(); ++ci) {
    const auto& [dims, perm] = cases[ci];
    for (DataType type : {DataType::Fp32, DataType::QInt8}) {
      Dims out_dims(dims.size());
      for (size_t d = 0; d < dims.size(); ++d) out_dims[d] = dims[perm[d]];
      XnnpackBlobBuilder b;
      uint32_t x = b.add_input(type, dims, 0, quant_for(type));
      uint32_t y = b.add_output(type, out_dims, 1, quant_for(type));
      b.add_transpose(perm, x, y);
      Bytes in = random_bytes(rng, type, numel(dims));
      Bytes got = run(b, {tensor(type, dims, in)});
      Bytes want(in.size());
      auto is = strides(dims);
      size_t es = esize(type);
      for_each_index(out_dims, [&](const std::vector<uint32_t>& idx, size_t flat) {
        size_t src = 0;
        for (size_t d = 0; d < idx.size(); ++d) src += idx[d] * is[perm[d]];
        std::memcpy(&want[flat * es], &in[src * es], es);
      });
      ASSERT_EQ(got, want) << "case " << ci << " type " << static_cast<int>(type);
    }
  }
}

TEST(XnnpackShapeNodesTest, SliceMatchesTheReference) {
  std::mt19937 rng(12);
  for (int i = 0; i < 24; ++i) {
    size_t rank = 1 + rng() % 5;
    Dims dims = random_dims(rng, rank, 13);
    Dims offsets(rank), sizes(rank);
    for (size_t d = 0; d < rank; ++d) {
      offsets[d] = rng() % dims[d];
      sizes[d] = 1 + rng() % (dims[d] - offsets[d]);
    }
    DataType type = random_type(rng);
    XnnpackBlobBuilder b;
    uint32_t x = b.add_input(type, dims, 0, quant_for(type));
    uint32_t y = b.add_output(type, sizes, 1, quant_for(type));
    b.add_slice(offsets, sizes, x, y);
    Bytes in = random_bytes(rng, type, numel(dims));
    Bytes want(numel(sizes) * esize(type));
    auto is = strides(dims);
    size_t es = esize(type);
    for_each_index(sizes, [&](const std::vector<uint32_t>& idx, size_t flat) {
      size_t src = 0;
      for (size_t d = 0; d < rank; ++d) src += (idx[d] + offsets[d]) * is[d];
      std::memcpy(&want[flat * es], &in[src * es], es);
    });
    ASSERT_EQ(run(b, {tensor(type, dims, in)}), want) << "case " << i;
  }
}

TEST(XnnpackShapeNodesTest, ConcatenateMatchesTheReference) {
  std::mt19937 rng(13);
  for (int i = 0; i < 24; ++i) {
    size_t rank = 1 + rng() % 4;
    size_t count = 2 + rng() % 4;
    uint32_t axis = rng() % rank;
    Dims base = random_dims(rng, rank, 11);
    DataType type = random_type(rng);
    // Every third 8-bit case gives the inputs their own quantization.
    bool requant = type != DataType::Fp32 && i % 3 == 0;
    XnnpackBlobBuilder b;
    std::vector<Dims> in_dims;
    std::vector<Bytes> in_bytes;
    std::vector<uint32_t> ids;
    std::vector<HostValue> inputs;
    std::vector<Quantization> quants;
    uint32_t total = 0;
    for (size_t k = 0; k < count; ++k) {
      Dims d = base;
      d[axis] = 1 + rng() % 7;
      total += d[axis];
      // Extreme zero points: -128 / 127 (qint8), 0 / 255 (quint8).
      int32_t zp = type == DataType::QInt8 ? (k % 2 ? 127 : -128) : (k % 2 ? 255 : 0);
      Quantization q = requant ? Quantization::per_tensor(0.05f * (1 + k), zp) : quant_for(type);
      ids.push_back(b.add_input(type, d, static_cast<uint32_t>(k), q));
      in_dims.push_back(d);
      in_bytes.push_back(random_bytes(rng, type, numel(d)));
      inputs.push_back(tensor(type, d, in_bytes.back()));
      quants.push_back(q);
    }
    Dims out_dims = base;
    out_dims[axis] = total;
    Quantization oq = quant_for(type);
    uint32_t y = b.add_output(type, out_dims, static_cast<uint32_t>(count), oq);
    b.add_concat(ids, axis, y);
    size_t es = esize(type);
    size_t outer = 1, inner = 1;
    for (size_t d = 0; d < axis; ++d) outer *= base[d];
    for (size_t d = axis + 1; d < rank; ++d) inner *= base[d];
    Bytes want;
    for (size_t o = 0; o < outer; ++o) {
      for (size_t k = 0; k < count; ++k) {
        size_t chunk = in_dims[k][axis] * inner * es;
        for (size_t j = 0; j < chunk; ++j) {
          uint8_t v = in_bytes[k][o * chunk + j];
          if (requant) {
            int32_t q = type == DataType::QInt8 ? static_cast<int8_t>(v) : v;
            float r = std::nearbyint(static_cast<float>(q - quants[k].zero_point) * (quants[k].scale / oq.scale)) +
                      static_cast<float>(oq.zero_point);
            float lo = type == DataType::QInt8 ? -128.0f : 0.0f, hi = type == DataType::QInt8 ? 127.0f : 255.0f;
            v = static_cast<uint8_t>(static_cast<int32_t>(std::min(hi, std::max(lo, r))));
          }
          want.push_back(v);
        }
      }
    }
    ASSERT_EQ(run(b, inputs), want) << "case " << i;
  }
}

TEST(XnnpackShapeNodesTest, ConstantPadMatchesTheReference) {
  std::mt19937 rng(14);
  for (int i = 0; i < 24; ++i) {
    size_t rank = 1 + rng() % 4;
    Dims dims = random_dims(rng, rank, 9);
    Dims pre(rank), post(rank), out_dims(rank);
    for (size_t d = 0; d < rank; ++d) {
      pre[d] = rng() % 4;
      post[d] = rng() % 5;
      out_dims[d] = dims[d] + pre[d] + post[d];
    }
    DataType type = random_type(rng);
    float value = std::uniform_real_distribution<float>(-30.0f, 30.0f)(rng);
    XnnpackBlobBuilder b;
    uint32_t x = b.add_input(type, dims, 0, quant_for(type));
    uint32_t y = b.add_output(type, out_dims, 1, quant_for(type));
    b.add_pad(pre, post, value, x, y);
    Bytes in = random_bytes(rng, type, numel(dims));
    size_t es = esize(type);
    Bytes fill(es);
    if (type == DataType::Fp32) {
      std::memcpy(fill.data(), &value, 4);
    } else {
      float q = std::nearbyint(value / 0.125f) + 3.0f;
      float lo = type == DataType::QInt8 ? -128.0f : 0.0f, hi = type == DataType::QInt8 ? 127.0f : 255.0f;
      fill[0] = static_cast<uint8_t>(static_cast<int32_t>(std::min(hi, std::max(lo, q))));
    }
    Bytes want(numel(out_dims) * es);
    auto is = strides(dims);
    for_each_index(out_dims, [&](const std::vector<uint32_t>& idx, size_t flat) {
      bool inside = true;
      size_t src = 0;
      for (size_t d = 0; d < rank; ++d) {
        inside = inside && idx[d] >= pre[d] && idx[d] < pre[d] + dims[d];
        src += (idx[d] - pre[d]) * is[d];
      }
      std::memcpy(&want[flat * es], inside ? &in[src * es] : fill.data(), es);
    });
    ASSERT_EQ(run(b, {tensor(type, dims, in)}), want) << "case " << i;
  }
}

TEST(XnnpackShapeNodesTest, ReshapeAndCopyKeepTheBytes) {
  std::mt19937 rng(15);
  for (int i = 0; i < 24; ++i) {
    Dims dims = random_dims(rng, 1 + rng() % 4, 10);
    size_t n = numel(dims);
    // Output shape: [n / k, k] for a divisor k, with one dim inferred on odd cases.
    uint32_t k = 1;
    for (uint32_t c = 2; c <= 9; ++c) {
      if (n % c == 0 && rng() % 2) k = c;
    }
    Dims out_dims = {static_cast<uint32_t>(n / k), k};
    Dims shape = out_dims;
    if (i % 2) shape[rng() % 2] = 0;
    DataType type = random_type(rng);
    XnnpackBlobBuilder b;
    uint32_t x = b.add_input(type, dims, 0, quant_for(type));
    uint32_t mid = b.add_internal(type, out_dims, quant_for(type));
    uint32_t y = b.add_output(type, out_dims, 1, quant_for(type));
    b.add_reshape(shape, x, mid);
    b.add_unary(NodeKind::Copy, mid, y);
    Bytes in = random_bytes(rng, type, n);
    ASSERT_EQ(run(b, {tensor(type, dims, in)}), in) << "case " << i;
  }
}

std::vector<float> random_floats(std::mt19937& rng, size_t n) {
  std::vector<float> v(n);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  for (auto& x : v) x = dist(rng);
  return v;
}

Bytes as_bytes(const std::vector<float>& v) {
  Bytes b(v.size() * 4);
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

TEST(XnnpackShapeNodesTest, BatchMatrixMultiplyMatchesTheReference) {
  std::mt19937 rng(16);
  for (int i = 0; i < 24; ++i) {
    uint32_t batch = 2 + rng() % 3, m = 1 + rng() % 19, k = 1 + rng() % 37, n = 1 + rng() % 23;
    bool tb = i % 2 == 1;
    bool broadcast = i % 3 == 0;
    Dims ad = {batch, m, k};
    Dims bd = {broadcast ? 1u : batch, tb ? n : k, tb ? k : n};
    Dims od = {batch, m, n};
    XnnpackBlobBuilder b;
    uint32_t x = b.add_input(DataType::Fp32, ad, 0);
    uint32_t w = b.add_input(DataType::Fp32, bd, 1);
    uint32_t y = b.add_output(DataType::Fp32, od, 2);
    xnnpack::NodeOptions o;
    o.flags = tb ? xnnpack::kBmmTransposeB : 0;
    b.add_bmm(x, w, y, o);
    std::vector<float> av = random_floats(rng, numel(ad)), bv = random_floats(rng, numel(bd));
    std::vector<float> want(numel(od));
    for (uint32_t t = 0; t < batch; ++t) {
      const float* bb = bv.data() + (broadcast ? 0 : t * k * n);
      for (uint32_t r = 0; r < m; ++r) {
        for (uint32_t c = 0; c < n; ++c) {
          float acc = 0.0f;
          for (uint32_t p = 0; p < k; ++p) acc += av[(t * m + r) * k + p] * (tb ? bb[c * k + p] : bb[p * n + c]);
          want[(t * m + r) * n + c] = acc;
        }
      }
    }
    ASSERT_EQ(run(b, {tensor(DataType::Fp32, ad, as_bytes(av)), tensor(DataType::Fp32, bd, as_bytes(bv))}),
              as_bytes(want))
        << "case " << i;
  }
}

TEST(XnnpackShapeNodesTest, AttentionMatchesTheReference) {
  std::mt19937 rng(17);
  for (int i = 0; i < 20; ++i) {
    uint32_t batch = 2 + rng() % 2, heads = 1 + rng() % 3, l = 1 + rng() % 9, s = 1 + rng() % 11,
             e = 1 + rng() % 17, ev = 1 + rng() % 13;
    bool shared_kv = i % 2 == 0;  // one key/value head for all query heads
    uint32_t kvh = shared_kv ? 1 : heads;
    Dims qd = {batch, heads, l, e}, kd = {batch, kvh, s, e}, vd = {batch, kvh, s, ev}, od = {batch, heads, l, ev};
    std::vector<float> scale(e, 1.0f / std::sqrt(static_cast<float>(e)));
    std::vector<float> qv = random_floats(rng, numel(qd)), kv = random_floats(rng, numel(kd)),
                       vv = random_floats(rng, numel(vd)), mask = random_floats(rng, l * s);
    XnnpackBlobBuilder b;
    uint32_t q = b.add_input(DataType::Fp32, qd, 0);
    uint32_t kk = b.add_input(DataType::Fp32, kd, 1);
    uint32_t v = b.add_input(DataType::Fp32, vd, 2);
    uint32_t m = b.add_input(DataType::Fp32, {l, s}, 3);
    uint32_t sc = b.add_constant(DataType::Fp32, {e}, xnnpack::ConstantSource::of(scale));
    uint32_t y = b.add_output(DataType::Fp32, od, 4);
    b.add_sdpa(q, kk, v, sc, m, y);
    std::vector<float> want(numel(od));
    std::vector<float> p(s);
    for (uint32_t bt = 0; bt < batch * heads; ++bt) {
      uint32_t kvb = shared_kv ? bt / heads : bt;
      for (uint32_t r = 0; r < l; ++r) {
        float mx = -INFINITY;
        for (uint32_t j = 0; j < s; ++j) {
          float acc = 0.0f;
          for (uint32_t c = 0; c < e; ++c) acc += (qv[(bt * l + r) * e + c] * scale[c]) * kv[(kvb * s + j) * e + c];
          p[j] = acc + mask[r * s + j];
          mx = std::max(mx, p[j]);
        }
        float sum = 0.0f;
        for (uint32_t j = 0; j < s; ++j) {
          p[j] = std::exp(p[j] - mx);
          sum += p[j];
        }
        for (uint32_t j = 0; j < s; ++j) p[j] /= sum;
        for (uint32_t c = 0; c < ev; ++c) {
          float acc = 0.0f;
          for (uint32_t j = 0; j < s; ++j) acc += p[j] * vv[(kvb * s + j) * ev + c];
          want[(bt * l + r) * ev + c] = acc;
        }
      }
    }
    ASSERT_EQ(run(b, {tensor(DataType::Fp32, qd, as_bytes(qv)), tensor(DataType::Fp32, kd, as_bytes(kv)),
                      tensor(DataType::Fp32, vd, as_bytes(vv)), tensor(DataType::Fp32, {l, s}, as_bytes(mask))}),
              as_bytes(want))
        << "case " << i;
  }
}

}  // namespace
}  // namespace ember::test
