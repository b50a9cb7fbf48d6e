// QOperator-format models (QLinearConv, com.microsoft QLinearAdd /
// QLinearGlobalAveragePool, QLinearMatMul; gen_qdq_models.py's qop_cnn)
// through `exir convert` with --backend xnnpack and portable: rewritten to
// QDQ, the convs and the matmul delegated to XNNPACK, both outputs within one
// quantization step of the generator's numpy model of ONNX Runtime's integer
// semantics (the share of exact elements is printed). Also MatMulInteger with
// per-row / per-column zero points in int32, against a hand-computed result.
#include <gtest/gtest.h>

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "exir/cli/convert.h"
#include "exir/ir/error.h"
#include "runtime/module/module.h"
#include "test/exir/model_generator.h"
#include "test/exir/model_run.h"

namespace {

const std::string& generated_dir() { return ember::test::generated_models(EXIR_GEN_QDQ_MODELS); }

#define REQUIRE_GENERATOR() EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_QDQ_MODELS)

using ember::test::convert_and_run;
using Outcome = ember::test::ModelRun;

double compare(const std::vector<float>& got, const std::vector<float>& want, double step, const std::string& what) {
  return ember::test::within_one_step(got, want, step, what);
}

TEST(ExirQOperator, QLinearCnnDelegatesConvsAndMatMulAndMatchesReference) {
  REQUIRE_GENERATOR();
  const std::string dir = generated_dir() + "/qop_cnn";
  std::vector<double> steps;
  std::ifstream f(dir + "/output_scale.txt");
  for (double s; f >> s;) steps.push_back(s);
  ASSERT_EQ(steps.size(), 2u);
  std::vector<std::vector<float>> want;
  for (int i = 0; i < 2; ++i) {
    const exir::Value v = exir::read_onnx_tensor_file(dir + "/test_data_set_0/output_" + std::to_string(i) + ".pb");
    want.emplace_back(v.as<float>(), v.as<float>() + v.numel());
  }

  const Outcome xnn = convert_and_run(dir, "xnnpack");
  // conv, conv, add, global average pool in one partition; the uint8 Reshape
  // runs portable between it and the matmul's partition.
  EXPECT_EQ(xnn.convert.num_delegates, 2u);
  EXPECT_EQ(xnn.convert.delegated_units, (std::vector<size_t>{4, 1}));
  for (const std::string& line : xnn.convert.not_delegated) {
    for (const char* op : {"Conv", "MatMul"}) {
      EXPECT_NE(line.rfind(op, 0), 0u) << op << " left outside the partitions: " << line;
    }
  }
  const Outcome portable = convert_and_run(dir, "portable");
  EXPECT_EQ(portable.convert.num_delegates, 0u);
  ASSERT_EQ(xnn.outputs.size(), 2u);
  ASSERT_EQ(portable.outputs.size(), 2u);
  const char* names[] = {"logits", "QLinearAdd output"};
  for (size_t i = 0; i < 2; ++i) {
    compare(xnn.outputs[i], want[i], steps[i], std::string("qop_cnn ") + names[i] + " xnnpack vs numpy");
    compare(portable.outputs[i], want[i], steps[i], std::string("qop_cnn ") + names[i] + " portable vs numpy");
  }
  // The feature map is large enough for the share to mean something: most
  // elements match ONNX Runtime's integer result exactly.
  EXPECT_GT(compare(portable.outputs[1], want[1], steps[1], "qop_cnn feature map portable (share check)"), 0.9);
}

// Y = (A - a_zp[row]) (B - b_zp[col]) in int32, A uint8 [2, 3], B uint8 [3, 2].
TEST(ExirQOperator, MatMulIntegerPerRowAndPerColumnZeroPoints) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(13);
  onnx::GraphProto* g = model.mutable_graph();
  g->set_name("mmi");
  auto add_input = [&](const char* name, int elem, std::vector<int64_t> dims) {
    onnx::ValueInfoProto* v = g->add_input();
    v->set_name(name);
    v->mutable_type()->mutable_tensor_type()->set_elem_type(elem);
    for (int64_t d : dims) v->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
  };
  add_input("A", onnx::TensorProto::UINT8, {2, 3});
  add_input("B", onnx::TensorProto::UINT8, {3, 2});
  auto add_zp = [&](const char* name, std::vector<uint8_t> v) {
    onnx::TensorProto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::UINT8);
    t->add_dims(static_cast<int64_t>(v.size()));
    t->set_raw_data(std::string(v.begin(), v.end()));
  };
  add_zp("a_zp", {10, 20});
  add_zp("b_zp", {1, 2});
  onnx::NodeProto* n = g->add_node();
  n->set_op_type("MatMulInteger");
  for (const char* in : {"A", "B", "a_zp", "b_zp"}) n->add_input(in);
  n->add_output("Y");
  onnx::ValueInfoProto* y = g->add_output();
  y->set_name("Y");
  y->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::INT32);
  char tmpl[] = "/tmp/exir_mmi_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/model.onnx";
  {
    std::ofstream out(path, std::ios::binary);
    ASSERT_TRUE(model.SerializeToOstream(&out));
  }
  exir::ConvertOptions options;
  options.backend = "portable";
  const exir::ConvertResult r = exir::convert_onnx(path, options);
  auto module = ember::Module::load_from_buffer(r.pte.data(), r.pte.size());
  ASSERT_TRUE(module.ok()) << ember::error_message();
  auto tensor = [](std::vector<int32_t> sizes, std::vector<uint8_t> v) {
    ember::HostTensor t;
    t.dtype = ember::ScalarType::Byte;
    t.sizes = std::move(sizes);
    t.data = std::move(v);
    return ember::HostValue::from_tensor(t);
  };
  auto outputs = module.get()->run("forward", {tensor({2, 3}, {11, 12, 13, 20, 25, 30}), tensor({3, 2}, {1, 2, 3, 4, 5, 6})});
  ASSERT_TRUE(outputs.ok()) << ember::error_message();
  ASSERT_EQ(outputs->size(), 1u);
  const ember::HostTensor& t = (*outputs)[0].tensor;
  ASSERT_EQ(t.dtype, ember::ScalarType::Int);
  // A - a_zp = [[1, 2, 3], [0, 5, 10]]; B - b_zp = [[0, 0], [2, 2], [4, 4]].
  const std::vector<int32_t> want = {16, 16, 50, 50};
  EXPECT_EQ(std::vector<int32_t>(t.data_as<int32_t>(), t.data_as<int32_t>() + 4), want);
}

}  // namespace
