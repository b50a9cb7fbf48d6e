// Unit tests of the converter's fusion passes on hand-built IR graphs: the
// rewritten graph is asserted node by node, and the graph is lowered, emitted
// and run on our runtime before and after the pass to show the numerics are
// unchanged (and match values computed here by hand).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "exir/emit/pte_emitter.h"
#include "exir/ir/error.h"
#include "exir/ir/graph.h"
#include "exir/ir/verifier.h"
#include "exir/lower/lower_portable.h"
#include "exir/passes/erf_gelu.h"
#include "exir/passes/fold_batch_norm.h"
#include "exir/passes/quantized_embedding.h"
#include "exir/plan/memory_plan.h"
#include "runtime/module/module.h"

namespace {

using exir::Graph;
using exir::Node;
using exir::ValueId;
using ember::ScalarType;

template <typename T>
std::vector<uint8_t> bytes(const std::vector<T>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(T));
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

ValueId activation(Graph& g, const std::string& name, const std::vector<int64_t>& sizes,
                   ScalarType dtype = ScalarType::Float) {
  exir::Value v;
  v.name = name;
  v.dtype = dtype;
  v.shape = exir::static_shape(sizes);
  v.shape_known = true;
  return g.add_value(std::move(v));
}

ValueId input(Graph& g, const std::string& name, const std::vector<int64_t>& sizes, ScalarType dtype = ScalarType::Float) {
  const ValueId id = activation(g, name, sizes, dtype);
  g.inputs.push_back(id);
  return id;
}

ValueId scalar(Graph& g, const std::string& name, float v) {
  return g.add_constant(name, ScalarType::Float, {}, bytes(std::vector<float>{v}));
}

void add_node(Graph& g, const std::string& op, std::vector<ValueId> inputs, std::vector<ValueId> outputs,
              std::map<std::string, exir::Attribute> attrs = {}) {
  Node n;
  n.op = op;
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.attrs = std::move(attrs);
  g.nodes.push_back(std::move(n));
}

exir::Attribute int_attr(int64_t v) {
  exir::Attribute a;
  a.i = v;
  return a;
}

exir::Attribute ints_attr(std::vector<int64_t> v) {
  exir::Attribute a;
  a.kind = exir::Attribute::Kind::Ints;
  a.ints = std::move(v);
  return a;
}

exir::Attribute float_attr(float v) {
  exir::Attribute a;
  a.kind = exir::Attribute::Kind::Float;
  a.f = v;
  return a;
}

template <typename T>
ember::HostTensor host(ScalarType dtype, const std::vector<int32_t>& sizes, const std::vector<T>& data) {
  ember::HostTensor t;
  t.dtype = dtype;
  t.sizes = sizes;
  t.data = bytes(data);
  return t;
}

// Lowers (portable), plans, emits and runs `g` (a copy: lowering adds values);
// returns the single float output.
std::vector<float> run(Graph g, const std::vector<ember::HostTensor>& inputs, std::vector<std::string>* kernels = nullptr) {
  exir::verify_graph(g);
  const std::vector<exir::KernelCall> calls = exir::lower_to_portable(g);
  if (kernels != nullptr) {
    for (const exir::KernelCall& c : calls) kernels->push_back(c.name + "." + c.overload);
  }
  const exir::MemoryPlan plan = exir::plan_memory(g, calls);
  const std::vector<uint8_t> pte = exir::emit_pte(g, calls, plan);
  auto module = ember::Module::load_from_buffer(pte.data(), pte.size());
  EXPECT_TRUE(module.ok()) << ember::error_message();
  if (!module.ok()) return {};
  std::vector<ember::HostValue> in;
  for (const ember::HostTensor& t : inputs) in.push_back(ember::HostValue::from_tensor(t));
  auto outputs = module.get()->run("forward", in);
  EXPECT_TRUE(outputs.ok()) << ember::error_message();
  if (!outputs.ok() || outputs->size() != 1) return {};
  const ember::HostTensor& y = (*outputs)[0].tensor;
  return std::vector<float>(y.data_as<float>(), y.data_as<float>() + y.data.size() / sizeof(float));
}

void expect_close(const std::vector<float>& got, const std::vector<float>& want, double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], tol * (1.0 + std::fabs(want[i]))) << "element " << i;
  }
}

// ---- DQ + Gather -> embedding_byte -------------------------------------------

constexpr int64_t kRows = 8, kCols = 6;

struct Table {
  std::vector<int8_t> s8;
  std::vector<uint8_t> u8;
  std::vector<float> scales;
};

Table make_table() {
  Table t;
  for (int64_t i = 0; i < kRows * kCols; ++i) {
    t.s8.push_back(static_cast<int8_t>((i * 37) % 255 - 127));
    t.u8.push_back(static_cast<uint8_t>((i * 53) % 256));
  }
  for (int64_t r = 0; r < kRows; ++r) t.scales.push_back(0.01f * static_cast<float>(r + 1));
  return t;
}

// DQ(table; per-row scales, zero points, axis 0) -> Gather(indices): returns the gather output.
ValueId embedding_graph(Graph& g, ScalarType dtype, const Table& t, const std::vector<int64_t>& zps,
                        ValueId indices, const std::vector<int64_t>& out_sizes) {
  const bool s8 = dtype == ScalarType::Char;
  const ValueId table = g.add_constant("table", dtype, {kRows, kCols}, s8 ? bytes(t.s8) : bytes(t.u8));
  const ValueId scales = g.add_constant("scales", ScalarType::Float, {kRows}, bytes(t.scales));
  std::vector<uint8_t> zp_bytes;
  for (int64_t z : zps) zp_bytes.push_back(static_cast<uint8_t>(z));
  const ValueId zp = g.add_constant("zp", dtype, {kRows}, zp_bytes);
  exir::QuantParams q;
  q.scales = t.scales;
  q.zero_points = zps;
  q.axis = 0;
  q.qmin = s8 ? -128 : 0;
  q.qmax = s8 ? 127 : 255;
  q.storage = dtype;
  g.value(table).quant = q;
  const ValueId deq = activation(g, "table_dq", {kRows, kCols});
  add_node(g, "DequantizeLinear", {table, scales, zp}, {deq}, {{"axis", int_attr(0)}});
  const ValueId out = activation(g, "emb", out_sizes);
  add_node(g, "Gather", {deq, indices}, {out}, {{"axis", int_attr(0)}});
  g.outputs = {out};
  return out;
}

std::vector<float> expected_rows(const Table& t, bool s8, const std::vector<int64_t>& zps, const std::vector<int64_t>& ids,
                                 int64_t groups = 1, const std::vector<float>& group_scales = {},
                                 const std::vector<int64_t>& group_zps = {}) {
  std::vector<float> want;
  for (int64_t id : ids) {
    for (int64_t c = 0; c < kCols; ++c) {
      const int64_t e = id * kCols + c;
      const int64_t k = id * groups + c / (kCols / groups);
      const float q = s8 ? t.s8[static_cast<size_t>(e)] : t.u8[static_cast<size_t>(e)];
      const float s = groups > 1 ? group_scales[static_cast<size_t>(k)] : t.scales[static_cast<size_t>(id)];
      const float z = static_cast<float>(groups > 1 ? group_zps[static_cast<size_t>(k)] : zps[static_cast<size_t>(id)]);
      want.push_back((q - z) * s);
    }
  }
  return want;
}

TEST(ExirPasses, PerRowInt8EmbeddingBecomesEmbeddingByte) {
  const Table t = make_table();
  Graph g;
  const ValueId ids = input(g, "ids", {2, 3}, ScalarType::Long);
  const std::vector<int64_t> zps(kRows, 0);
  const ValueId out = embedding_graph(g, ScalarType::Char, t, zps, ids, {2, 3, kCols});
  const std::vector<int64_t> id_values = {7, 0, 3, 3, 5, 1};
  const ember::HostTensor in = host(ScalarType::Long, {2, 3}, id_values);
  const std::vector<float> before = run(g, {in});
  const ValueId table = g.nodes[0].inputs[0];

  EXPECT_EQ(exir::fuse_quantized_embedding(g), 1);
  ASSERT_EQ(g.nodes.size(), 1u);
  const Node& e = g.nodes[0];
  EXPECT_EQ(e.op, "QuantizedEmbedding");
  EXPECT_EQ(e.domain, "ember");
  ASSERT_EQ(e.inputs.size(), 4u);
  EXPECT_EQ(e.inputs[0], table) << "the int8 table itself, not a dequantized copy";
  EXPECT_EQ(g.value(e.inputs[0]).dtype, ScalarType::Char);
  EXPECT_EQ(g.value(e.inputs[1]).sizes(), (std::vector<int64_t>{kRows}));
  EXPECT_EQ(e.inputs[2], exir::kNoValue) << "all-zero zero points are omitted";
  EXPECT_EQ(e.inputs[3], ids);
  EXPECT_EQ(e.outputs[0], out);
  EXPECT_EQ(e.attr_int("quant_min", 0), -128);
  EXPECT_EQ(e.attr_int("quant_max", 0), 127);

  std::vector<std::string> kernels;
  const std::vector<float> after = run(g, {in}, &kernels);
  EXPECT_EQ(kernels, (std::vector<std::string>{"quantized_decomposed::embedding_byte.out"}));
  expect_close(after, before, 1e-6);
  expect_close(after, expected_rows(t, true, zps, id_values), 1e-6);
}

TEST(ExirPasses, Uint8EmbeddingKeepsZeroPointsAndWidensInt32Indices) {
  const Table t = make_table();
  Graph g;
  const ValueId ids = input(g, "ids", {4}, ScalarType::Int);
  const std::vector<int64_t> zps = {128, 120, 3, 255, 0, 77, 130, 64};
  embedding_graph(g, ScalarType::Byte, t, zps, ids, {4, kCols});
  const std::vector<int32_t> id_values = {6, 2, 0, 7};
  const ember::HostTensor in = host(ScalarType::Int, {4}, id_values);
  const std::vector<float> before = run(g, {in});

  EXPECT_EQ(exir::fuse_quantized_embedding(g), 1);
  ASSERT_EQ(g.nodes.size(), 1u);
  const Node& e = g.nodes[0];
  ASSERT_NE(e.inputs[2], exir::kNoValue);
  const exir::Value& z = g.value(e.inputs[2]);
  EXPECT_EQ(z.dtype, ScalarType::Float) << "ExecuTorch reads the zero points in out's dtype";
  EXPECT_EQ(z.as<float>()[3], 255.0f);
  EXPECT_EQ(e.attr_int("quant_min", -1), 0);
  EXPECT_EQ(e.attr_int("quant_max", -1), 255);

  std::vector<std::string> kernels;
  const std::vector<float> after = run(g, {in}, &kernels);
  EXPECT_EQ(kernels, (std::vector<std::string>{"aten::_to_copy.out", "quantized_decomposed::embedding_byte.out"}));
  expect_close(after, before, 1e-6);
  expect_close(after, expected_rows(t, false, zps, {6, 2, 0, 7}), 1e-6);
}

TEST(ExirPasses, BlockedPerRowGroupsBecomeTwoDimensionalScales) {
  const Table t = make_table();
  Graph g;
  const ValueId ids = input(g, "ids", {3}, ScalarType::Long);
  std::vector<float> gs;
  std::vector<int8_t> gz;
  for (int64_t k = 0; k < kRows * 2; ++k) {
    gs.push_back(0.005f * static_cast<float>(k + 1));
    gz.push_back(static_cast<int8_t>(k % 5 - 2));
  }
  const ValueId table = g.add_constant("table", ScalarType::Char, {kRows, kCols}, bytes(t.s8));
  const ValueId scales = g.add_constant("scales", ScalarType::Float, {kRows, 2}, bytes(gs));
  const ValueId zp = g.add_constant("zp", ScalarType::Char, {kRows, 2}, bytes(gz));
  const ValueId deq = activation(g, "table_dq", {kRows, kCols});
  add_node(g, "DequantizeLinear", {table, scales, zp}, {deq}, {{"axis", int_attr(1)}, {"block_size", int_attr(3)}});
  const ValueId out = activation(g, "emb", {3, kCols});
  add_node(g, "Gather", {deq, ids}, {out}, {{"axis", int_attr(0)}});
  g.outputs = {out};

  EXPECT_EQ(exir::fuse_quantized_embedding(g), 1);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.value(g.nodes[0].inputs[1]).sizes(), (std::vector<int64_t>{kRows, 2}));
  EXPECT_EQ(g.value(g.nodes[0].inputs[2]).sizes(), (std::vector<int64_t>{kRows, 2}));
  const std::vector<int64_t> id_values = {5, 0, 7};
  const std::vector<float> after = run(g, {host(ScalarType::Long, {3}, id_values)});
  std::vector<int64_t> gz64(gz.begin(), gz.end());
  expect_close(after, expected_rows(t, true, {}, id_values, 2, gs, gz64), 1e-6);
}

TEST(ExirPasses, EmbeddingLeavesOtherGathersAlone) {
  const Table t = make_table();
  Graph g;
  const ValueId ids = input(g, "ids", {2}, ScalarType::Long);
  const ValueId table = g.add_constant("table", ScalarType::Char, {kRows, kCols}, bytes(t.s8));
  const ValueId scales = g.add_constant("scales", ScalarType::Float, {kCols}, bytes(std::vector<float>(kCols, 0.1f)));
  const ValueId deq = activation(g, "table_dq", {kRows, kCols});
  // Per-column scales (axis 1) are not per-row parameters.
  add_node(g, "DequantizeLinear", {table, scales}, {deq}, {{"axis", int_attr(1)}});
  const ValueId out = activation(g, "emb", {2, kCols});
  add_node(g, "Gather", {deq, ids}, {out}, {{"axis", int_attr(0)}});
  const ValueId cols = activation(g, "cols", {kRows, 2});
  add_node(g, "Gather", {deq, ids}, {cols}, {{"axis", int_attr(1)}});
  g.outputs = {out, cols};
  EXPECT_EQ(exir::fuse_quantized_embedding(g), 0);
  EXPECT_EQ(g.nodes.size(), 3u);
}

// ---- Erf subgraph -> Gelu -----------------------------------------------------

const std::vector<float> kGeluX = {-3.0f, -1.5f, -0.7f, -0.1f, 0.0f, 0.2f, 0.9f, 1.7f, 2.5f, 4.0f};

std::vector<float> exact_gelu(const std::vector<float>& x) {
  std::vector<float> y;
  for (float v : x) y.push_back(static_cast<float>(0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0)))));
  return y;
}

enum class GeluForm { TorchExport, HalfXFirst, HalfTimesSumFirst };

// Builds one of the forms; returns the final value.
ValueId gelu_graph(Graph& g, GeluForm form, ValueId* x) {
  *x = input(g, "x", {2, 5});
  const ValueId scaled = activation(g, "scaled", {2, 5}), e = activation(g, "erf", {2, 5}),
                sum = activation(g, "sum", {2, 5}), p = activation(g, "p", {2, 5}), y = activation(g, "y", {2, 5});
  if (form == GeluForm::TorchExport) {
    add_node(g, "Div", {*x, scalar(g, "sqrt2", 1.4142135f)}, {scaled});
  } else {
    add_node(g, "Mul", {scalar(g, "rsqrt2", 0.70710677f), *x}, {scaled});
  }
  add_node(g, "Erf", {scaled}, {e});
  add_node(g, "Add", {scalar(g, "one", 1.0f), e}, {sum});
  switch (form) {
    case GeluForm::TorchExport:
      add_node(g, "Mul", {*x, sum}, {p});
      add_node(g, "Mul", {p, scalar(g, "half", 0.5f)}, {y});
      break;
    case GeluForm::HalfXFirst:
      add_node(g, "Mul", {*x, scalar(g, "half", 0.5f)}, {p});
      add_node(g, "Mul", {sum, p}, {y});
      break;
    case GeluForm::HalfTimesSumFirst:
      add_node(g, "Mul", {sum, scalar(g, "half", 0.5f)}, {p});
      add_node(g, "Mul", {p, *x}, {y});
      break;
  }
  g.outputs = {y};
  return y;
}

class GeluForms : public ::testing::TestWithParam<GeluForm> {};

TEST_P(GeluForms, ErfSubgraphBecomesOneGelu) {
  Graph g;
  ValueId x;
  const ValueId y = gelu_graph(g, GetParam(), &x);
  const ember::HostTensor in = host(ScalarType::Float, {2, 5}, kGeluX);
  const std::vector<float> before = run(g, {in});
  EXPECT_EQ(exir::fuse_erf_gelu(g), 1);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op, "Gelu");
  EXPECT_EQ(g.nodes[0].attr_string("approximate", ""), "none");
  EXPECT_EQ(g.nodes[0].inputs, (std::vector<ValueId>{x}));
  EXPECT_EQ(g.nodes[0].outputs, (std::vector<ValueId>{y}));
  std::vector<std::string> kernels;
  const std::vector<float> after = run(g, {in}, &kernels);
  EXPECT_EQ(kernels, (std::vector<std::string>{"aten::gelu.out"}));
  expect_close(after, before, 1e-6);
  expect_close(after, exact_gelu(kGeluX), 1e-6);
}

INSTANTIATE_TEST_SUITE_P(ExirPasses, GeluForms,
                         ::testing::Values(GeluForm::TorchExport, GeluForm::HalfXFirst, GeluForm::HalfTimesSumFirst));

TEST(ExirPasses, GeluNotFusedWhenAnIntermediateIsReadElsewhereOrAConstantDiffers) {
  {
    Graph g;
    ValueId x;
    const ValueId y = gelu_graph(g, GeluForm::TorchExport, &x);
    g.outputs = {y, g.nodes[1].outputs[0]};  // Erf's output is also a graph output
    EXPECT_EQ(exir::fuse_erf_gelu(g), 0);
    EXPECT_EQ(g.nodes.size(), 5u);
  }
  {
    Graph g;
    ValueId x;
    gelu_graph(g, GeluForm::TorchExport, &x);
    g.value(g.nodes[4].inputs[1]).data = bytes(std::vector<float>{0.45f});  // x * (1 + erf) * 0.45
    EXPECT_EQ(exir::fuse_erf_gelu(g), 0);
    EXPECT_EQ(g.nodes.size(), 5u);
  }
}

// ---- Conv + BatchNormalization -> Conv ------------------------------------------

ValueId conv_bn_graph(Graph& g, bool with_bias, ValueId* conv_out) {
  const ValueId x = input(g, "x", {1, 2, 5, 5});
  std::vector<float> w, b = {0.3f, -0.2f, 0.1f};
  for (int i = 0; i < 3 * 2 * 3 * 3; ++i) w.push_back(0.05f * static_cast<float>((i * 7) % 11 - 5));
  std::vector<ValueId> ins = {x, g.add_constant("w", ScalarType::Float, {3, 2, 3, 3}, bytes(w))};
  if (with_bias) ins.push_back(g.add_constant("b", ScalarType::Float, {3}, bytes(b)));
  *conv_out = activation(g, "c", {1, 3, 5, 5});
  add_node(g, "Conv", ins, {*conv_out},
           {{"kernel_shape", ints_attr({3, 3})}, {"strides", ints_attr({1, 1})}, {"pads", ints_attr({1, 1, 1, 1})},
            {"dilations", ints_attr({1, 1})}, {"group", int_attr(1)}});
  auto param = [&](const char* name, std::vector<float> v) {
    return g.add_constant(name, ScalarType::Float, {3}, bytes(v));
  };
  const ValueId y = activation(g, "y", {1, 3, 5, 5});
  add_node(g, "BatchNormalization",
           {*conv_out, param("gamma", {1.2f, 0.7f, -0.9f}), param("beta", {0.1f, -0.3f, 0.2f}),
            param("mean", {0.05f, -0.1f, 0.3f}), param("var", {0.8f, 1.5f, 0.2f})},
           {y}, {{"epsilon", float_attr(1e-3f)}, {"momentum", float_attr(0.9f)}});
  g.outputs = {y};
  return y;
}

std::vector<float> ramp(size_t n) {
  std::vector<float> v;
  for (size_t i = 0; i < n; ++i) v.push_back(std::sin(0.37f * static_cast<float>(i)));
  return v;
}

class ConvBn : public ::testing::TestWithParam<bool> {};

TEST_P(ConvBn, BatchNormFoldsIntoTheConv) {
  Graph g;
  ValueId c;
  const ValueId y = conv_bn_graph(g, GetParam(), &c);
  const ember::HostTensor in = host(ScalarType::Float, {1, 2, 5, 5}, ramp(50));
  std::vector<std::string> kernels_before;
  const std::vector<float> before = run(g, {in}, &kernels_before);
  EXPECT_EQ(kernels_before.size(), 2u);
  EXPECT_EQ(exir::fold_conv_batch_norm(g), 1);
  ASSERT_EQ(g.nodes.size(), 1u);
  const Node& conv = g.nodes[0];
  EXPECT_EQ(conv.op, "Conv");
  EXPECT_EQ(conv.outputs, (std::vector<ValueId>{y}));
  ASSERT_EQ(conv.inputs.size(), 3u);
  ASSERT_NE(conv.inputs[2], exir::kNoValue) << "the folded shift becomes the bias";
  // Channel 2: k = -0.9 / sqrt(0.2 + 1e-3); bias = (b - mean) * k + beta.
  const double k2 = -0.9 / std::sqrt(0.2 + static_cast<double>(1e-3f));
  const double b2 = ((GetParam() ? 0.1 : 0.0) - 0.3) * k2 + 0.2;
  EXPECT_NEAR(g.value(conv.inputs[2]).as<float>()[2], b2, 1e-6);
  std::vector<std::string> kernels_after;
  const std::vector<float> after = run(g, {in}, &kernels_after);
  EXPECT_EQ(kernels_after, (std::vector<std::string>{"aten::convolution.out"}));
  expect_close(after, before, 2e-6);
}

INSTANTIATE_TEST_SUITE_P(ExirPasses, ConvBn, ::testing::Values(false, true));

TEST(ExirPasses, BatchNormNotFoldedWhenTheConvOutputIsReadElsewhere) {
  Graph g;
  ValueId c;
  const ValueId y = conv_bn_graph(g, true, &c);
  g.outputs = {y, c};
  EXPECT_EQ(exir::fold_conv_batch_norm(g), 0);
  EXPECT_EQ(g.nodes.size(), 2u);
}

}  // namespace
