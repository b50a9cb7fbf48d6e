// The XNNPACK-delegated ExecuTorch fixtures through Module (and so through
// XnnpackBackend), with values checked against references computed here.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "backends/xnnpack/runtime/xnnpack_allocator.h"
#include "backends/xnnpack/runtime/xnnpack_blob.h"
#include "runtime/module/module.h"
#include "schema/program_generated.h"
#include "test/support/fixtures.h"
#include "test/support/program_bytes.h"
#include "xnnpack_graph_generated.h"

namespace ember::test {
namespace {

std::unique_ptr<Module> load(const std::string& name) {
  Result<std::unique_ptr<Module>> m = Module::load(fixture_path(name));
  EXPECT_TRUE(m.ok()) << error_message();
  return m.ok() ? std::move(*m) : nullptr;
}

std::vector<float> floats(const HostValue& v) {
  const float* p = v.tensor.data_as<float>();
  return std::vector<float>(p, p + v.tensor.numel());
}

TEST(XnnpackFixtureTest, AddRunsTwiceWithoutClobberingTheFirstOutput) {
  EMBER_REQUIRE_FIXTURES();
  auto m = load("executorch-numpy-runtime/add.pte");
  ASSERT_NE(m, nullptr);
  auto first = m->run("forward", {HostValue::from_tensor(HostTensor::from<float>({3}, {2, 2, 2})),
                                  HostValue::from_tensor(HostTensor::from<float>({3}, {5, 5, 5}))});
  ASSERT_TRUE(first.ok()) << error_message();
  auto second = m->run("forward", {HostValue::from_tensor(HostTensor::from<float>({3}, {1, 2, 3})),
                                   HostValue::from_tensor(HostTensor::from<float>({3}, {10, 20, 30}))});
  ASSERT_TRUE(second.ok()) << error_message();
  EXPECT_EQ(floats((*first)[0]), (std::vector<float>{7, 7, 7}));
  EXPECT_EQ(floats((*second)[0]), (std::vector<float>{11, 22, 33}));
}

TEST(XnnpackFixtureTest, DynamicShapesWithinTheBound) {
  EMBER_REQUIRE_FIXTURES();
  auto m = load("executorch-numpy-runtime/dynamic.pte");
  ASSERT_NE(m, nullptr);
  for (int n : {1, 4, 8, 3, 8, 1}) {
    auto out = m->run("forward", {HostValue::from_tensor(HostTensor::from<float>({n}, std::vector<float>(n, 1.0f)))});
    ASSERT_TRUE(out.ok()) << "n=" << n << ": " << error_message();
    EXPECT_EQ((*out)[0].tensor.sizes, std::vector<int32_t>{n});
    EXPECT_EQ(floats((*out)[0]), std::vector<float>(n, 2.0f)) << "n=" << n;
  }
  auto too_big = m->run("forward", {HostValue::from_tensor(HostTensor::from<float>({9}, std::vector<float>(9, 1.0f)))});
  EXPECT_FALSE(too_big.ok());
}

// Repeated runs at a shape already seen allocate nothing in XNNPACK (and the
// executor allocates nothing on execute by construction).
TEST(XnnpackFixtureTest, SteadyShapeRunsAllocateNothing) {
  EMBER_REQUIRE_FIXTURES();
  auto m = load("executorch-numpy-runtime/quantized.pte");
  ASSERT_NE(m, nullptr);
  std::vector<HostValue> in{HostValue::from_tensor(HostTensor::from<float>({2, 8}, std::vector<float>(16, 0.5f)))};
  ASSERT_TRUE(m->run("forward", in).ok()) << error_message();
  xnnpack::XnnpackMemoryStats before = xnnpack::xnnpack_memory_stats();
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(m->run("forward", in).ok());
  xnnpack::XnnpackMemoryStats after = xnnpack::xnnpack_memory_stats();
  EXPECT_EQ(after.allocations, before.allocations);
  EXPECT_EQ(after.live_bytes, before.live_bytes);
}

// The quantized linear: Convert(f32->qs8) -> FullyConnected(qs8) -> Convert(qs8->f32).
struct QuantizedLinear {
  float s_x, s_w, s_b, s_y;
  int z_x, z_y;
  std::vector<int8_t> w;   // [8, 8]
  std::vector<int32_t> b;  // [8]
};

QuantizedLinear read_quantized_linear(Module& m) {
  QuantizedLinear q{};
  const auto* fb = m.program().flatbuffer();
  auto* plan = fb->execution_plan()->Get(0);
  size_t segment = plan->delegates()->Get(0)->processed()->index();
  Result<FreeableBuffer> blob_bytes = m.program().load_segment(segment, {SegmentInfo::Type::Backend, segment, nullptr});
  EXPECT_TRUE(blob_bytes.ok());
  Result<xnnpack::XnnpackBlob> blob = xnnpack::XnnpackBlob::parse(blob_bytes->data(), blob_bytes->size());
  EXPECT_TRUE(blob.ok()) << error_message();
  auto* values = blob->graph->xvalues();
  auto quant = [&](int id) {
    return values->Get(id)->xvalue_union_as_XNNQuantizedTensorValue()->quant_params_as_PerTensorQuant();
  };
  auto key = [&](int id) {
    uint32_t idx = values->Get(id)->xvalue_union_as_XNNQuantizedTensorValue()->tensor_value()->constant_buffer_idx();
    return std::string(blob->graph->constant_data()->Get(idx)->named_key()->c_str());
  };
  q.s_x = quant(1)->scale();
  q.z_x = quant(1)->zero_point();
  q.s_w = quant(2)->scale();
  q.s_b = quant(3)->scale();
  q.s_y = quant(4)->scale();
  q.z_y = quant(4)->zero_point();
  Result<FreeableBuffer> w = m.program().get_data(key(2).c_str());
  Result<FreeableBuffer> b = m.program().get_data(key(3).c_str());
  EXPECT_TRUE(w.ok() && b.ok());
  q.w.resize(64);
  q.b.resize(8);
  std::memcpy(q.w.data(), w->data(), 64);
  std::memcpy(q.b.data(), b->data(), 32);
  return q;
}

TEST(XnnpackFixtureTest, QuantizedLinearIsBitExactAndWithinQuantizationError) {
  EMBER_REQUIRE_FIXTURES();
  auto m = load("executorch-numpy-runtime/quantized.pte");
  ASSERT_NE(m, nullptr);
  QuantizedLinear q = read_quantized_linear(*m);
  ASSERT_GT(q.s_x, 0.0f);
  ASSERT_NEAR(q.s_b, q.s_x * q.s_w, 1e-6 * q.s_b);

  // Inputs inside the range the input quantization represents, so the float
  // reference sees the same values up to rounding.
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist((-128 - q.z_x) * q.s_x, (127 - q.z_x) * q.s_x);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<float> x(16);
    for (float& v : x) v = dist(rng);
    auto out = m->run("forward", {HostValue::from_tensor(HostTensor::from<float>({2, 8}, x))});
    ASSERT_TRUE(out.ok()) << error_message();
    std::vector<float> y = floats((*out)[0]);
    ASSERT_EQ(y.size(), 16u);
    float inv_sx = 1.0f / q.s_x;
    float requant = q.s_x * q.s_w / q.s_y;
    for (int r = 0; r < 2; ++r) {
      int qx[8];
      for (int k = 0; k < 8; ++k) {
        float v = std::nearbyint(x[r * 8 + k] * inv_sx) + static_cast<float>(q.z_x);
        qx[k] = static_cast<int>(std::fmin(127.0f, std::fmax(-128.0f, v)));
      }
      for (int n = 0; n < 8; ++n) {
        int32_t acc = q.b[n];
        double ref_float = static_cast<double>(q.b[n]) * q.s_b;
        double w_abs = 0;
        for (int k = 0; k < 8; ++k) {
          acc += (qx[k] - q.z_x) * q.w[n * 8 + k];
          ref_float += static_cast<double>(x[r * 8 + k]) * q.w[n * 8 + k] * q.s_w;
          w_abs += std::fabs(q.w[n * 8 + k] * q.s_w);
        }
        float qy = std::nearbyint(static_cast<float>(acc) * requant) + static_cast<float>(q.z_y);
        qy = std::fmin(127.0f, std::fmax(-128.0f, qy));
        float expected = (qy - static_cast<float>(q.z_y)) * q.s_y;
        // (b) bit-exact against the int8 reference of the same math.
        EXPECT_EQ(y[r * 8 + n], expected) << "trial " << trial << " row " << r << " col " << n;
        // (a) the float linear from the dequantized weights, within the
        // error of quantizing the input (half a step through |w|) and the
        // output (half a step), unless the output saturated.
        if (qy > -128.0f && qy < 127.0f) {
          double tolerance = 0.5 * q.s_y + 0.5 * q.s_x * w_abs + 1e-6;
          EXPECT_NEAR(y[r * 8 + n], ref_float, tolerance);
        }
      }
    }
  }
}

}  // namespace
}  // namespace ember::test
