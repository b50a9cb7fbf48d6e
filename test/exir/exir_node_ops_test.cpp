// Pooling beyond 2-D / ATen's padding limits, MaxPool's Indices, and the
// small ops lowered as several portable kernels (HardSwish, integer Div,
// runtime negative Gather indices, negative Slice steps, training-mode
// BatchNormalization) on one-node models, against values computed by hand.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "exir/cli/convert.h"
#include "exir/ir/error.h"
#include "runtime/module/module.h"

namespace {

struct Tensor {
  std::string name;
  int elem = onnx::TensorProto::FLOAT;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;  // graph inputs: the values fed
};

template <typename T>
Tensor tensor(const std::string& name, int elem, std::vector<int64_t> shape, const std::vector<T>& values = {}) {
  Tensor t{name, elem, std::move(shape), std::vector<uint8_t>(values.size() * sizeof(T))};
  if (!values.empty()) std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}
Tensor floats(const std::string& name, std::vector<int64_t> shape, const std::vector<float>& v = {}) {
  return tensor<float>(name, onnx::TensorProto::FLOAT, std::move(shape), v);
}

class OneNode {
 public:
  OneNode(const std::string& op, int64_t opset) {
    model_.set_ir_version(8);
    model_.add_opset_import()->set_version(opset);
    node_ = model_.mutable_graph()->add_node();
    node_->set_op_type(op);
    node_->set_name(op);
  }
  OneNode& ints(const std::string& name, const std::vector<int64_t>& v) {
    auto* a = node_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
    return *this;
  }
  OneNode& integer(const std::string& name, int64_t v) {
    auto* a = node_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
    return *this;
  }
  OneNode& real(const std::string& name, float v) {
    auto* a = node_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
    return *this;
  }
  // An int64 initializer input.
  OneNode& constant(const std::string& name, const std::vector<int64_t>& v) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<int64_t>(v.size()));
    for (int64_t x : v) t->add_int64_data(x);
    node_->add_input(name);
    return *this;
  }
  OneNode& input(Tensor t) {
    node_->add_input(t.name);
    inputs_.push_back(std::move(t));
    return *this;
  }
  OneNode& output(Tensor t) {
    node_->add_output(t.name);
    outputs_.push_back(std::move(t));
    return *this;
  }

  // Converts, runs on the inputs' values and returns the outputs.
  std::vector<ember::HostTensor> run() {
    auto* g = model_.mutable_graph();
    g->set_name("node_test");
    for (const Tensor& t : inputs_) shape(g->add_input(), t);
    for (const Tensor& t : outputs_) shape(g->add_output(), t);
    char path[] = "/tmp/exir_node_ops_test_XXXXXX";
    const int fd = mkstemp(path);
    EXPECT_GE(fd, 0);
    close(fd);
    {
      std::ofstream out(path, std::ios::binary);
      EXPECT_TRUE(model_.SerializeToOstream(&out));
    }
    exir::ConvertResult r;
    try {
      r = exir::convert_onnx(path, exir::ConvertOptions{});
    } catch (...) {
      std::remove(path);
      throw;
    }
    std::remove(path);
    auto module = ember::Module::load_from_buffer(r.pte.data(), r.pte.size());
    EXPECT_TRUE(module.ok()) << ember::error_message();
    if (!module.ok()) return {};
    std::vector<ember::HostValue> values;
    for (const Tensor& t : inputs_) {
      ember::HostTensor h;
      h.dtype = dtype(t.elem);
      for (int64_t s : t.shape) h.sizes.push_back(static_cast<int32_t>(s));
      h.data = t.bytes;
      values.push_back(ember::HostValue::from_tensor(h));
    }
    auto outputs = module.get()->run("forward", values);
    EXPECT_TRUE(outputs.ok()) << ember::error_message();
    std::vector<ember::HostTensor> result;
    if (outputs.ok()) {
      for (const auto& v : *outputs) result.push_back(v.tensor);
    }
    return result;
  }

 private:
  static ember::ScalarType dtype(int elem) {
    switch (elem) {
      case onnx::TensorProto::INT64: return ember::ScalarType::Long;
      case onnx::TensorProto::INT32: return ember::ScalarType::Int;
      case onnx::TensorProto::UINT8: return ember::ScalarType::Byte;
      default: return ember::ScalarType::Float;
    }
  }
  static void shape(onnx::ValueInfoProto* v, const Tensor& t) {
    v->set_name(t.name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(t.elem);
    for (int64_t d : t.shape) tt->mutable_shape()->add_dim()->set_dim_value(d);
  }

  onnx::ModelProto model_;
  onnx::NodeProto* node_;
  std::vector<Tensor> inputs_, outputs_;
};

template <typename T>
std::vector<T> values(const ember::HostTensor& t) {
  return std::vector<T>(t.data_as<T>(), t.data_as<T>() + t.data.size() / sizeof(T));
}

void expect_floats(const ember::HostTensor& t, const std::vector<float>& want) {
  const std::vector<float> got = values<float>(t);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5) << "element " << i;
}

// 1x1x2x3 [[1, 2, 3], [4, 5, 6]], kernel 2x2, pads (top 1, left 0, bottom 0,
// right 1) without count_include_pad: windows (rows -1..0, 0..1) over the
// real elements only. Row 0: {1,2}/2, {2,3}/2, {3}/1; row 1: {1,2,4,5}/4,
// {2,3,5,6}/4, {3,6}/2.
TEST(ExirNodeOps, AveragePoolAsymmetricPadsCountOnlyRealElements) {
  OneNode m("AveragePool", 13);
  m.ints("kernel_shape", {2, 2}).ints("pads", {1, 0, 0, 1});
  m.input(floats("x", {1, 1, 2, 3}, {1, 2, 3, 4, 5, 6})).output(floats("y", {1, 1, 2, 3}));
  const auto out = m.run();
  ASSERT_EQ(out.size(), 1u);
  expect_floats(out[0], {1.5f, 2.5f, 3.0f, 3.0f, 4.0f, 4.5f});
}

// 1-D: [1, 5, 2, 8, 3], kernel 2, stride 2, pads (1, 0): windows {1}, {5,2},
// {8,3}.
TEST(ExirNodeOps, MaxAndAveragePool1d) {
  OneNode mx("MaxPool", 13);
  mx.ints("kernel_shape", {2}).ints("strides", {2}).ints("pads", {1, 0});
  mx.input(floats("x", {1, 1, 5}, {1, 5, 2, 8, 3})).output(floats("y", {1, 1, 3}));
  const auto a = mx.run();
  ASSERT_EQ(a.size(), 1u);
  expect_floats(a[0], {1, 5, 8});
  OneNode av("AveragePool", 13);
  av.ints("kernel_shape", {2}).ints("strides", {2}).ints("pads", {1, 0});
  av.input(floats("x", {1, 1, 5}, {1, 5, 2, 8, 3})).output(floats("y", {1, 1, 3}));
  const auto b = av.run();
  ASSERT_EQ(b.size(), 1u);
  expect_floats(b[0], {1, 3.5f, 5.5f});
}

// 3-D 1x1x2x2x2 holding x[d][h][w] = 4d + 2h + w, kernel 2x2x2, stride 1,
// pads one before W and one after D, no count_include_pad: output 2x1x2.
// (d 0..1, w -1..0) holds {0, 2, 4, 6} -> 3; (d 0..1, w 0..1) all eight ->
// 3.5; (d 1, w 0) {4, 6} -> 5; (d 1, w 0..1) {4, 5, 6, 7} -> 5.5. MaxPool:
// 6, 7, 6, 7.
TEST(ExirNodeOps, Pool3dIsSeparable) {
  std::vector<float> x(8);
  for (int i = 0; i < 8; ++i) x[static_cast<size_t>(i)] = static_cast<float>(i);
  OneNode av("AveragePool", 13);
  av.ints("kernel_shape", {2, 2, 2}).ints("pads", {0, 0, 1, 1, 0, 0});
  av.input(floats("x", {1, 1, 2, 2, 2}, x)).output(floats("y", {1, 1, 2, 1, 2}));
  const auto a = av.run();
  ASSERT_EQ(a.size(), 1u);
  expect_floats(a[0], {3, 3.5f, 5, 5.5f});
  OneNode mx("MaxPool", 13);
  mx.ints("kernel_shape", {2, 2, 2}).ints("pads", {0, 0, 1, 1, 0, 0});
  mx.input(floats("x", {1, 1, 2, 2, 2}, x)).output(floats("y", {1, 1, 2, 1, 2}));
  const auto b = mx.run();
  ASSERT_EQ(b.size(), 1u);
  expect_floats(b[0], {6, 7, 6, 7});
}

// 1x2x2x3, kernel 2x2, stride 1: plane 0 [[1, 9, 2], [3, 4, 8]], plane 1
// [[7, 0, 0], [0, 0, 5]]. Maxima 9, 9 / 7, 5 at (0,1), (0,1) / (0,0), (1,2).
// Row-major flat indices: 1, 1, 6 + 0, 6 + 5; column-major (w * H + h):
// 2, 2, 6 + 0, 6 + 5.
TEST(ExirNodeOps, MaxPoolIndicesOverTheWholeTensor) {
  const std::vector<float> x = {1, 9, 2, 3, 4, 8, 7, 0, 0, 0, 0, 5};
  for (int64_t order : {0, 1}) {
    OneNode m("MaxPool", 12);
    m.ints("kernel_shape", {2, 2}).integer("storage_order", order);
    m.input(floats("x", {1, 2, 2, 3}, x)).output(floats("y", {1, 2, 1, 2}));
    m.output(tensor<int64_t>("i", onnx::TensorProto::INT64, {1, 2, 1, 2}));
    const auto out = m.run();
    ASSERT_EQ(out.size(), 2u);
    expect_floats(out[0], {9, 9, 7, 5});
    EXPECT_EQ(values<int64_t>(out[1]), order == 0 ? (std::vector<int64_t>{1, 1, 6, 11})
                                                  : (std::vector<int64_t>{2, 2, 6, 11}))
        << "storage_order " << order;
  }
}

// x * clamp(x + 3, 0, 6) / 6: -4 -> 0, -1 -> -1/3, 1 -> 2/3, 4 -> 4.
TEST(ExirNodeOps, HardSwish) {
  OneNode m("HardSwish", 14);
  m.input(floats("x", {4}, {-4, -1, 1, 4})).output(floats("y", {4}));
  const auto out = m.run();
  ASSERT_EQ(out.size(), 1u);
  expect_floats(out[0], {0, -1.0f / 3, 2.0f / 3, 4});
}

// ONNX integer Div truncates toward zero: -7/2 = -3, 7/-2 = -3, 9/4 = 2.
TEST(ExirNodeOps, IntegerDivTruncates) {
  OneNode m("Div", 14);
  m.input(tensor<int32_t>("a", onnx::TensorProto::INT32, {3}, {-7, 7, 9}));
  m.input(tensor<int32_t>("b", onnx::TensorProto::INT32, {3}, {2, -2, 4}));
  m.output(tensor<int32_t>("c", onnx::TensorProto::INT32, {3}));
  const auto out = m.run();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{-3, -3, 2}));
}

// Runtime indices [-1, 0, -3] on a 2x3 input along axis 1: columns 2, 0, 0.
TEST(ExirNodeOps, GatherNegativeRuntimeIndices) {
  OneNode m("Gather", 13);
  m.integer("axis", 1);
  m.input(floats("x", {2, 3}, {1, 2, 3, 4, 5, 6}));
  m.input(tensor<int64_t>("i", onnx::TensorProto::INT64, {3}, {-1, 0, -3}));
  m.output(floats("y", {2, 3}));
  const auto out = m.run();
  ASSERT_EQ(out.size(), 1u);
  expect_floats(out[0], {3, 1, 1, 6, 4, 4});
}

// starts -1, ends -100 (clamped to -1: through element 0), step -2 over
// [0..4]: 4, 2, 0.
TEST(ExirNodeOps, SliceNegativeStep) {
  OneNode m("Slice", 13);
  m.input(floats("x", {5}, {0, 1, 2, 3, 4}));
  m.constant("starts", {-1}).constant("ends", {-100}).constant("axes", {0}).constant("steps", {-2});
  m.output(floats("y", {3}));
  const auto out = m.run();
  ASSERT_EQ(out.size(), 1u);
  expect_floats(out[0], {4, 2, 0});
}

// x 2x1x2 = [[1, 3]], [[5, 7]] (one channel): batch mean 4, population
// variance 5; scale 2, bias 1: y = 2 (x - 4) / sqrt(5 + 1e-5) + 1. Running
// statistics with momentum 0.5 from mean 0, var 1: 0.5 * 0 + 0.5 * 4 = 2 and
// 0.5 * 1 + 0.5 * 5 = 3.
TEST(ExirNodeOps, BatchNormTrainingMode) {
  OneNode m("BatchNormalization", 15);
  m.integer("training_mode", 1).real("momentum", 0.5f);
  m.input(floats("x", {2, 1, 2}, {1, 3, 5, 7})).input(floats("s", {1}, {2})).input(floats("b", {1}, {1}));
  m.input(floats("mean", {1}, {0})).input(floats("var", {1}, {1}));
  m.output(floats("y", {2, 1, 2})).output(floats("running_mean", {1})).output(floats("running_var", {1}));
  const auto out = m.run();
  ASSERT_EQ(out.size(), 3u);
  const float r = 2.0f / std::sqrt(5.0f);
  expect_floats(out[0], {1 - 3 * r, 1 - r, 1 + r, 1 + 3 * r});
  expect_floats(out[1], {2});
  expect_floats(out[2], {3});
}

// Below opset 10 an operator is accepted only if its definition is the one
// implemented: GlobalAveragePool (unchanged since 1) converts at opset 1,
// Add at opset 6 (then with a `broadcast` attribute) is refused naming it.
TEST(ExirNodeOps, OldOpsetsPerOperator) {
  OneNode gap("GlobalAveragePool", 1);
  gap.input(floats("x", {1, 1, 2, 2}, {1, 2, 3, 6})).output(floats("y", {1, 1, 1, 1}));
  const auto out = gap.run();
  ASSERT_EQ(out.size(), 1u);
  expect_floats(out[0], {3});
  OneNode add("Add", 6);
  add.input(floats("a", {2}, {1, 2})).input(floats("b", {2}, {3, 4})).output(floats("c", {2}));
  try {
    add.run();
    FAIL() << "opset 6 Add was accepted";
  } catch (const exir::Error& e) {
    EXPECT_NE(std::string(e.what()).find("operator Add at opset 6 is not supported"), std::string::npos) << e.what();
  }
}

}  // namespace
