// XnnpackBlobBuilder: ExecuTorch's blob layout byte for byte, fixture graphs
// rebuilt from their parsed form decode identically under `flatc --json`,
// and builder-made blobs run through XnnpackBackend.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "backends/xnnpack/runtime/xnnpack_blob.h"
#include "backends/xnnpack/serialize/xnnpack_blob_builder.h"
#include "runtime/module/module.h"
#include "schema/program_generated.h"
#include "test/support/fixtures.h"
#include "test/support/program_bytes.h"
#include "test/support/xnnpack_program.h"
#include "xnnpack_graph_generated.h"

namespace ember::test {
namespace {

using xnnpack::Binding;
using xnnpack::ConstantSource;
using xnnpack::DataType;
using xnnpack::NodeKind;
using xnnpack::Quantization;
using xnnpack::XnnpackBlobBuilder;

uint32_t u32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24; }
uint64_t u64(const uint8_t* p) { return u32(p) | static_cast<uint64_t>(u32(p + 4)) << 32; }

// The delegate blob of a fixture (segment of delegate 0 of plan 0).
std::vector<uint8_t> fixture_blob(const std::string& name) {
  Result<std::unique_ptr<Module>> m = Module::load(fixture_path(name));
  EXPECT_TRUE(m.ok()) << error_message();
  if (!m.ok()) return {};
  const auto* plan = (*m)->program().flatbuffer()->execution_plan()->Get(0);
  size_t segment = plan->delegates()->Get(0)->processed()->index();
  Result<FreeableBuffer> bytes = (*m)->program().load_segment(segment, {SegmentInfo::Type::Backend, segment, nullptr});
  EXPECT_TRUE(bytes.ok()) << error_message();
  if (!bytes.ok()) return {};
  const auto* p = static_cast<const uint8_t*>(bytes->data());
  return std::vector<uint8_t>(p, p + bytes->size());
}

std::vector<uint32_t> to_vector(const flatbuffers::Vector<uint32_t>* v) {
  return v == nullptr ? std::vector<uint32_t>{} : std::vector<uint32_t>(v->begin(), v->end());
}

// Re-creates a parsed graph through the builder's public API (the node kinds
// the fixtures use and every _XNNNode1x1/_XNNNode2x1 kind).
XnnpackBlobBuilder rebuild(const fb_xnnpack::XNNGraph* g) {
  XnnpackBlobBuilder b;
  for (uint32_t i = 1; g->constant_data() != nullptr && i < g->constant_data()->size(); ++i) {
    const auto* c = g->constant_data()->Get(i);
    b.add_constant_entry(c->offset(), c->size(), c->named_key() ? c->named_key()->str() : std::string());
  }
  for (const fb_xnnpack::XValue* xv : *g->xvalues()) {
    const fb_xnnpack::XNNTensorValue* tv = xv->xvalue_union_as_XNNTensorValue();
    xnnpack::TensorSpec spec;
    if (const auto* qv = xv->xvalue_union_as_XNNQuantizedTensorValue()) {
      tv = qv->tensor_value();
      const auto* pt = qv->quant_params_as_PerTensorQuant();
      EXPECT_NE(pt, nullptr);
      if (pt != nullptr) spec.quant = Quantization::per_tensor(pt->scale(), pt->zero_point());
    }
    spec.type = static_cast<DataType>(tv->datatype());
    spec.dims = to_vector(tv->dims());
    spec.binding = Binding{tv->flags(), tv->external_id()};
    spec.constant.raw_index = tv->constant_buffer_idx();
    spec.dq_datatype = static_cast<DataType>(tv->dq_datatype());
    b.add_tensor(spec);
  }
  for (const fb_xnnpack::XNode* n : *g->xnodes()) {
    xnnpack::NodeOptions o;
    o.debug_handle = n->debug_handle();
    auto kind = static_cast<NodeKind>(n->xnode_union_type());
    if (const auto* fc = n->xnode_union_as_XNNFullyConnected()) {
      o.flags = fc->flags();
      b.add_fully_connected(fc->input1_id(), fc->filter_id(), fc->bias_id(), fc->output_id(), o);
    } else if (const auto* bin = static_cast<const fb_xnnpack::_XNNNode2x1*>(n->xnode_union());
               kind == NodeKind::Add || kind == NodeKind::Multiply) {
      o.flags = bin->flags();
      b.add_binary(kind, bin->input1_id(), bin->input2_id(), bin->output_id(), o);
    } else {
      const auto* un = static_cast<const fb_xnnpack::_XNNNode1x1*>(n->xnode_union());
      o.flags = un->flags();
      b.add_unary(kind, un->input_id(), un->output_id(), o);
    }
  }
  b.set_inputs(to_vector(g->input_ids()));
  b.set_outputs(to_vector(g->output_ids()));
  b.set_num_externs(g->num_externs());
  b.set_version(g->version() ? g->version()->str() : "");
  return b;
}

// `flatc --json` of a flatbuffer, or "" when flatc cannot run.
std::string flatc_json(const uint8_t* data, size_t size, const std::string& tag) {
  std::string dir = ::testing::TempDir();
  std::string bin = dir + "/ember_xnn_ser_" + tag + ".bin";
  FILE* f = std::fopen(bin.c_str(), "wb");
  if (f == nullptr) return "";
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  std::string cmd = std::string(EMBER_FLATC) + " --json --strict-json --raw-binary -o " + dir + " " +
                    EMBER_XNN_SCHEMA + " -- " + bin + " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) return "";
  std::vector<uint8_t> json = read_file(dir + "/ember_xnn_ser_" + tag + ".json");
  return std::string(json.begin(), json.end());
}

// The layout rules of ExecuTorch's serializer, checked on any blob.
void expect_layout(const std::vector<uint8_t>& blob) {
  ASSERT_GE(blob.size(), 32u);
  EXPECT_EQ(u32(blob.data()), 0u);
  EXPECT_EQ(std::memcmp(blob.data() + 4, "XH00", 4), 0);
  EXPECT_EQ(blob[8] | blob[9] << 8, 30);
  uint32_t fb_offset = u32(&blob[10]);
  uint32_t fb_size = u32(&blob[14]);
  uint32_t constant_offset = u32(&blob[18]);
  uint64_t constant_size = u64(&blob[22]);
  EXPECT_EQ(blob[30], 0);
  EXPECT_EQ(blob[31], 0);
  EXPECT_EQ(fb_offset, 32u);
  EXPECT_EQ(std::memcmp(blob.data() + fb_offset + 4, "XN01", 4), 0);
  EXPECT_EQ(constant_offset, fb_offset + (fb_size + 15) / 16 * 16);
  EXPECT_EQ(constant_size % 16, 0u);
  EXPECT_EQ(blob.size(), constant_offset + constant_size);
  for (size_t i = fb_offset + fb_size; i < constant_offset; ++i) EXPECT_EQ(blob[i], 0) << "padding byte " << i;
}

class SerializerFixtureTest : public ::testing::TestWithParam<const char*> {};

TEST_P(SerializerFixtureTest, RebuiltGraphDecodesEqualAndKeepsTheLayout) {
  EMBER_REQUIRE_FIXTURES();
  std::vector<uint8_t> original = fixture_blob(std::string("executorch-numpy-runtime/") + GetParam() + ".pte");
  ASSERT_FALSE(original.empty());
  expect_layout(original);
  Result<xnnpack::XnnpackBlob> parsed = xnnpack::XnnpackBlob::parse(original.data(), original.size());
  ASSERT_TRUE(parsed.ok()) << error_message();

  std::vector<uint8_t> rebuilt = rebuild(parsed->graph).build();
  expect_layout(rebuilt);
  // Header fields before the sizes are the same bytes; constants are keyed,
  // so both regions are empty.
  EXPECT_EQ(std::vector<uint8_t>(original.begin(), original.begin() + 14),
            std::vector<uint8_t>(rebuilt.begin(), rebuilt.begin() + 14));
  EXPECT_EQ(u64(&original[22]), 0u);
  EXPECT_EQ(u64(&rebuilt[22]), 0u);
  ASSERT_TRUE(xnnpack::XnnpackBlob::parse(rebuilt.data(), rebuilt.size()).ok()) << error_message();

  std::string want = flatc_json(original.data() + 32, u32(&original[14]), std::string(GetParam()) + "_want");
  std::string got = flatc_json(rebuilt.data() + 32, u32(&rebuilt[14]), std::string(GetParam()) + "_got");
  if (want.empty()) GTEST_SKIP() << "flatc could not run";
  EXPECT_GT(want.size(), 100u);
  EXPECT_EQ(want, got);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, SerializerFixtureTest, ::testing::Values("add", "dynamic", "quantized"));

TEST(XnnpackBlobBuilderTest, ConstantsAre16AlignedAndZeroPadded) {
  XnnpackBlobBuilder b;
  std::vector<uint8_t> c5 = {1, 2, 3, 4, 5};
  std::vector<float> c4 = {1.5f, -2.0f, 3.25f, 4.0f};
  std::vector<int8_t> c33(33, -7);
  uint32_t v5 = b.add_constant(DataType::QUInt8, {5}, ConstantSource::of(c5), Quantization::per_tensor(0.5f, 3));
  uint32_t v4 = b.add_constant(DataType::Fp32, {2, 2}, ConstantSource::of(c4));
  uint32_t v33 = b.add_constant(DataType::QCInt8, {33, 1}, ConstantSource::of(c33),
                                Quantization::per_channel(std::vector<float>(33, 0.25f), 0));
  uint32_t named = b.add_constant(DataType::Fp32, {4}, ConstantSource::named("weights", 16));
  EXPECT_EQ(b.constant_region().size(), 16u + 16u + 48u);
  std::vector<uint8_t> blob = b.build();
  expect_layout(blob);
  uint32_t constant_offset = u32(&blob[18]);
  EXPECT_EQ(u64(&blob[22]), 80u);

  Result<xnnpack::XnnpackBlob> parsed = xnnpack::XnnpackBlob::parse(blob.data(), blob.size());
  ASSERT_TRUE(parsed.ok()) << error_message();
  EXPECT_EQ(parsed->constants, blob.data() + constant_offset);
  const auto* cd = parsed->graph->constant_data();
  ASSERT_EQ(cd->size(), 5u);
  EXPECT_EQ(cd->Get(0)->offset(), 0u);
  EXPECT_EQ(cd->Get(0)->size(), 0u);
  auto entry = [&](uint32_t value) {
    return cd->Get(parsed->graph->xvalues()->Get(value)->xvalue_union_as_XNNQuantizedTensorValue()
                       ? parsed->graph->xvalues()->Get(value)->xvalue_union_as_XNNQuantizedTensorValue()
                             ->tensor_value()->constant_buffer_idx()
                       : parsed->graph->xvalues()->Get(value)->xvalue_union_as_XNNTensorValue()->constant_buffer_idx());
  };
  EXPECT_EQ(entry(v5)->offset(), 0u);
  EXPECT_EQ(entry(v5)->size(), 5u);
  EXPECT_EQ(entry(v4)->offset(), 16u);
  EXPECT_EQ(entry(v4)->size(), 16u);
  EXPECT_EQ(entry(v33)->offset(), 32u);
  EXPECT_EQ(entry(v33)->size(), 33u);
  EXPECT_EQ(entry(named)->offset(), UINT64_MAX);
  EXPECT_EQ(entry(named)->size(), 16u);
  EXPECT_EQ(entry(named)->named_key()->str(), "weights");
  const uint8_t* region = blob.data() + constant_offset;
  EXPECT_EQ(std::memcmp(region, c5.data(), 5), 0);
  for (int i = 5; i < 16; ++i) EXPECT_EQ(region[i], 0);
  EXPECT_EQ(std::memcmp(region + 16, c4.data(), 16), 0);
  EXPECT_EQ(std::memcmp(region + 32, c33.data(), 33), 0);
  for (int i = 65; i < 80; ++i) EXPECT_EQ(region[i], 0);

  const auto* q = parsed->graph->xvalues()->Get(v33)->xvalue_union_as_XNNQuantizedTensorValue();
  ASSERT_NE(q->quant_params_as_PerChannelQuant(), nullptr);
  EXPECT_EQ(q->quant_params_as_PerChannelQuant()->scale()->size(), 33u);
  EXPECT_EQ(q->quant_params_as_PerChannelQuant()->channel_dim(), 0);
  EXPECT_EQ(parsed->graph->num_externs(), 0u);
}

TEST(XnnpackBlobBuilderTest, NodeFieldsLandWhereTheSchemaSaysAndExternalsAreOrdered) {
  XnnpackBlobBuilder b;
  uint32_t out = b.add_output(DataType::Fp32, {1, 4, 4, 2}, 2);
  uint32_t x = b.add_input(DataType::Fp32, {1, 4, 4, 3}, 0);
  uint32_t y = b.add_input(DataType::Fp32, {1, 4, 4, 3}, 1);
  uint32_t mid = b.add_internal(DataType::Fp32, {1, 4, 4, 6});
  b.add_concat({x, y}, 3, mid);
  xnnpack::NodeOptions clamp;
  clamp.clamp = xnnpack::OutputClamp{-1.0f, 2.5f};
  clamp.debug_handle = 9;
  b.add_slice({0, 1, 0, 2}, {1, 3, 4, 2}, mid, out, clamp);
  b.add_pad({0, 1, 2, 0}, {0, 0, 1, 3}, 0.5f, x, y);
  b.add_concat({x, y, mid, out, x}, 1, mid);
  xnnpack::ConvParams p;
  p.padding_top = 1;
  p.padding_left = 2;
  p.kernel_height = 3;
  p.kernel_width = 5;
  p.stride_height = 4;
  p.group_input_channels = 7;
  p.group_output_channels = 11;
  p.groups = 2;
  b.add_conv(NodeKind::DepthwiseConv2d, p, x, y, xnnpack::kInvalidId, out);
  std::vector<uint8_t> blob = b.build();
  Result<xnnpack::XnnpackBlob> parsed = xnnpack::XnnpackBlob::parse(blob.data(), blob.size());
  ASSERT_TRUE(parsed.ok()) << error_message();
  const auto* g = parsed->graph;
  EXPECT_EQ(g->num_externs(), 3u);
  EXPECT_EQ(to_vector(g->input_ids()), (std::vector<uint32_t>{x, y}));
  EXPECT_EQ(to_vector(g->output_ids()), (std::vector<uint32_t>{out}));
  EXPECT_EQ(g->version()->str(), "0");
  ASSERT_EQ(g->xnodes()->size(), 5u);
  const auto* cat = g->xnodes()->Get(0)->xnode_union_as_XNNConcatenate2();
  ASSERT_NE(cat, nullptr);
  EXPECT_EQ(cat->axis(), 3u);
  EXPECT_EQ(cat->input1_id(), x);
  EXPECT_EQ(cat->input2_id(), y);
  EXPECT_EQ(cat->input3_id(), 0u);
  EXPECT_EQ(cat->output_id(), mid);
  const auto* slice_node = g->xnodes()->Get(1);
  const auto* slice = slice_node->xnode_union_as_XNNStaticSlice();
  ASSERT_NE(slice, nullptr);
  EXPECT_EQ(slice->num_dims(), 4u);
  EXPECT_EQ(to_vector(slice->offsets()), (std::vector<uint32_t>{0, 1, 0, 2}));
  EXPECT_EQ(to_vector(slice->sizes()), (std::vector<uint32_t>{1, 3, 4, 2}));
  EXPECT_EQ(slice_node->debug_handle(), 9u);
  ASSERT_NE(slice_node->output_min_max(), nullptr);
  EXPECT_EQ(slice_node->output_min_max()->output_min(), -1.0f);
  EXPECT_EQ(slice_node->output_min_max()->output_max(), 2.5f);
  const auto* pad = g->xnodes()->Get(2)->xnode_union_as_XNNStaticConstantPad();
  ASSERT_NE(pad, nullptr);
  EXPECT_EQ(to_vector(pad->pre_paddings()), (std::vector<uint32_t>{0, 1, 2, 0}));
  EXPECT_EQ(to_vector(pad->post_paddings()), (std::vector<uint32_t>{0, 0, 1, 3}));
  EXPECT_EQ(pad->padding_value(), 0.5f);
  const auto* cat5 = g->xnodes()->Get(3)->xnode_union_as_XNNConcatenate5();
  ASSERT_NE(cat5, nullptr);
  EXPECT_EQ(cat5->input4_id(), out);
  EXPECT_EQ(cat5->input5_id(), x);
  const auto* conv = g->xnodes()->Get(4)->xnode_union_as_XNNDepthwiseConv2d();
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->padding_top(), 1u);
  EXPECT_EQ(conv->padding_left(), 2u);
  EXPECT_EQ(conv->kernel_height(), 3u);
  EXPECT_EQ(conv->kernel_width(), 5u);
  EXPECT_EQ(conv->subsampling_height(), 4u);
  EXPECT_EQ(conv->subsampling_width(), 1u);
  EXPECT_EQ(conv->dilation_height(), 1u);
  EXPECT_EQ(conv->group_input_channels(), 7u);
  EXPECT_EQ(conv->group_output_channels(), 11u);
  EXPECT_EQ(conv->groups(), 2u);
  EXPECT_EQ(conv->bias_id(), xnnpack::kInvalidId);
  EXPECT_EQ(conv->output_id(), out);
  // Internal values carry XNN_INVALID_VALUE_ID as external id.
  EXPECT_EQ(g->xvalues()->Get(mid)->xvalue_union_as_XNNTensorValue()->external_id(), xnnpack::kInvalidId);
  EXPECT_EQ(g->xvalues()->Get(out)->xvalue_union_as_XNNTensorValue()->flags(), xnnpack::kExternalOutput);
  EXPECT_EQ(g->xvalues()->Get(y)->xvalue_union_as_XNNTensorValue()->id_out(), y);
}

TEST(XnnpackBlobBuilderTest, HeaderlessFlatbufferParses) {
  XnnpackBlobBuilder b;
  uint32_t x = b.add_input(DataType::Fp32, {3}, 0);
  uint32_t y = b.add_output(DataType::Fp32, {3}, 1);
  b.add_unary(NodeKind::Copy, x, y);
  std::vector<uint8_t> fb = b.build_flatbuffer();
  AlignedBytes aligned(fb.data(), fb.size());
  Result<xnnpack::XnnpackBlob> parsed = xnnpack::XnnpackBlob::parse(aligned.data(), aligned.size());
  ASSERT_TRUE(parsed.ok()) << error_message();
  EXPECT_FALSE(parsed->has_header);
  EXPECT_EQ(parsed->graph->xnodes()->Get(0)->xnode_union_type(), fb_xnnpack::XNodeUnion::XNNCopy);
}

TEST(XnnpackBlobBuilderTest, OneNodeAddRunsThroughTheBackend) {
  XnnpackBlobBuilder b;
  uint32_t x = b.add_input(DataType::Fp32, {2, 3}, 0);
  uint32_t y = b.add_input(DataType::Fp32, {2, 3}, 1);
  uint32_t z = b.add_output(DataType::Fp32, {2, 3}, 2);
  b.add_binary(NodeKind::Add, x, y, z);
  // Planned inputs are copied into the arena; unplanned ones are bound.
  for (bool planned : {true, false}) {
    XnnpackProgramOptions options;
    options.plan_inputs = planned;
    auto program = XnnpackProgram::load(b, options);
    ASSERT_TRUE(program.ok()) << error_message();
    std::vector<float> a = {1.5f, -2.0f, 3.0f, 0.25f, 100.0f, -7.5f};
    std::vector<float> c = {0.5f, 2.0f, -1.0f, 0.75f, 0.125f, 7.0f};
    auto out = (*program)->run({HostValue::from_tensor(HostTensor::from<float>({2, 3}, a)),
                                HostValue::from_tensor(HostTensor::from<float>({2, 3}, c))});
    ASSERT_TRUE(out.ok()) << error_message();
    ASSERT_EQ((*out).size(), 1u);
    EXPECT_EQ((*out)[0].tensor.sizes, (std::vector<int32_t>{2, 3}));
    const float* p = (*out)[0].tensor.data_as<float>();
    for (int i = 0; i < 6; ++i) EXPECT_EQ(p[i], a[i] + c[i]) << i;
  }
}

TEST(XnnpackBlobBuilderTest, ConstantOperandsFromTheBlobAndFromNamedData) {
  std::vector<float> k = {10.0f, 20.0f, 30.0f, 40.0f};
  std::vector<float> m = {2.0f, 4.0f, 0.5f, -1.0f};
  XnnpackBlobBuilder b;
  uint32_t x = b.add_input(DataType::Fp32, {4}, 0);
  uint32_t kc = b.add_constant(DataType::Fp32, {4}, ConstantSource::of(k));
  uint32_t mc = b.add_constant(DataType::Fp32, {4}, ConstantSource::named("scale_vector", 16));
  uint32_t t = b.add_internal(DataType::Fp32, {4});
  uint32_t y = b.add_output(DataType::Fp32, {4}, 1);
  b.add_binary(NodeKind::Add, x, kc, t);
  xnnpack::NodeOptions clamp;
  clamp.clamp = xnnpack::OutputClamp{-50.0f, 50.0f};
  b.add_binary(NodeKind::Multiply, t, mc, y, clamp);
  XnnpackProgramOptions options;
  std::vector<uint8_t> mb(16);
  std::memcpy(mb.data(), m.data(), 16);
  options.named_data.emplace_back("scale_vector", mb);
  auto program = XnnpackProgram::load(b, options);
  ASSERT_TRUE(program.ok()) << error_message();
  std::vector<float> in = {1.0f, 2.0f, 3.0f, 4.0f};
  auto out = (*program)->run({HostValue::from_tensor(HostTensor::from<float>({4}, in))});
  ASSERT_TRUE(out.ok()) << error_message();
  const float* p = (*out)[0].tensor.data_as<float>();
  EXPECT_EQ(p[0], 22.0f);
  EXPECT_EQ(p[1], 50.0f);  // 88 clamped
  EXPECT_EQ(p[2], 16.5f);
  EXPECT_EQ(p[3], -44.0f);
}

}  // namespace
}  // namespace ember::test
