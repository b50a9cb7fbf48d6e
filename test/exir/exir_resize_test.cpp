// ONNX Resize through the converter and the runtime on small hand-built
// models, against values computed by hand; bad Resize nodes fail with one
// clear exir::Error. (The libonnx-testdata test_resize_* cases run in
// exir_conformance.)
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

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

struct Attr {
  std::string name;
  int64_t i = 0;
  float f = 0;
  std::string s;
  std::vector<int64_t> ints;
  enum class Kind { Int, Float, String, Ints } kind = Kind::Int;
};

Attr int_attr(const std::string& n, int64_t v) { Attr a; a.name = n; a.i = v; a.kind = Attr::Kind::Int; return a; }
Attr float_attr(const std::string& n, float v) { Attr a; a.name = n; a.f = v; a.kind = Attr::Kind::Float; return a; }
Attr str_attr(const std::string& n, const std::string& v) { Attr a; a.name = n; a.s = v; a.kind = Attr::Kind::String; return a; }
Attr ints_attr(const std::string& n, std::vector<int64_t> v) { Attr a; a.name = n; a.ints = std::move(v); a.kind = Attr::Kind::Ints; return a; }

void set_shape(onnx::ValueInfoProto* v, const std::string& name, int elem, const std::vector<int64_t>& shape) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(elem);
  for (int64_t d : shape) t->mutable_shape()->add_dim()->set_dim_value(d);
}

// A one-node Resize model: X (float graph input of shape `x`) and the named
// optional inputs roi / scales / sizes as initializers (or, for
// `scales_as_input`, scales as a graph input); writes it to a temp file.
class ResizeModel {
 public:
  ResizeModel(int64_t opset, std::vector<int64_t> x, std::vector<int64_t> y)
      : opset_(opset), x_(std::move(x)), y_(std::move(y)) {
    model_.set_ir_version(8);
    model_.add_opset_import()->set_version(opset);
    node_ = model_.mutable_graph()->add_node();
    node_->set_op_type("Resize");
    node_->set_name("resize");
    node_->add_input("X");
    node_->add_output("Y");
  }
  void roi(const std::vector<float>& v) { floats("roi", v); }
  void scales(const std::vector<float>& v, bool as_input = false) {
    if (as_input) {
      set_shape(model_.mutable_graph()->add_input(), "scales", onnx::TensorProto::FLOAT,
                {static_cast<int64_t>(v.size())});
      set_input(scales_index(), "scales");
      return;
    }
    floats("scales", v);
  }
  void sizes(const std::vector<int64_t>& v) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name("sizes");
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<int64_t>(v.size()));
    for (int64_t s : v) t->add_int64_data(s);
    set_input(3, "sizes");
  }
  void attr(const Attr& a) {
    auto* p = node_->add_attribute();
    p->set_name(a.name);
    switch (a.kind) {
      case Attr::Kind::Int: p->set_type(onnx::AttributeProto::INT); p->set_i(a.i); break;
      case Attr::Kind::Float: p->set_type(onnx::AttributeProto::FLOAT); p->set_f(a.f); break;
      case Attr::Kind::String: p->set_type(onnx::AttributeProto::STRING); p->set_s(a.s); break;
      case Attr::Kind::Ints:
        p->set_type(onnx::AttributeProto::INTS);
        for (int64_t v : a.ints) p->add_ints(v);
        break;
    }
  }
  std::string write() {
    auto* g = model_.mutable_graph();
    g->set_name("resize_test");
    set_shape(g->add_input(), "X", onnx::TensorProto::FLOAT, x_);
    // X first: the converter's forward takes graph inputs in order.
    if (g->input_size() > 1) g->mutable_input()->SwapElements(0, g->input_size() - 1);
    set_shape(g->add_output(), "Y", onnx::TensorProto::FLOAT, y_);
    char path[] = "/tmp/exir_resize_test_XXXXXX";
    const int fd = mkstemp(path);
    EXPECT_GE(fd, 0);
    close(fd);
    std::ofstream out(path, std::ios::binary);
    EXPECT_TRUE(model_.SerializeToOstream(&out));
    path_ = path;
    return path_;
  }
  ~ResizeModel() {
    if (!path_.empty()) std::remove(path_.c_str());
  }

 private:
  // Resize-10 has no roi: scales is its second input.
  int scales_index() const { return opset_ < 11 ? 1 : 2; }
  void set_input(int i, const std::string& name) {
    while (node_->input_size() <= i) node_->add_input("");
    node_->set_input(i, name);
  }
  void floats(const std::string& name, const std::vector<float>& v) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_dims(static_cast<int64_t>(v.size()));
    for (float f : v) t->add_float_data(f);
    set_input(name == "roi" ? 1 : scales_index(), name);
  }

  onnx::ModelProto model_;
  onnx::NodeProto* node_;
  int64_t opset_;
  std::vector<int64_t> x_, y_;
  std::string path_;
};

// Converts, runs on `x` and checks the output's shape and values.
void expect_resize(ResizeModel& m, const std::vector<int64_t>& x_shape, const std::vector<float>& x,
                   const std::vector<int32_t>& y_shape, const std::vector<float>& y,
                   const std::string& backend = "portable") {
  exir::ConvertOptions options;
  options.backend = backend;
  const exir::ConvertResult r = exir::convert_onnx(m.write(), options);
  auto module = ember::Module::load_from_buffer(r.pte.data(), r.pte.size());
  ASSERT_TRUE(module.ok()) << ember::error_message();
  ember::HostTensor t;
  t.dtype = ember::ScalarType::Float;
  for (int64_t s : x_shape) t.sizes.push_back(static_cast<int32_t>(s));
  t.data.resize(x.size() * sizeof(float));
  std::memcpy(t.data.data(), x.data(), t.data.size());
  auto outputs = module.get()->run("forward", {ember::HostValue::from_tensor(t)});
  ASSERT_TRUE(outputs.ok()) << ember::error_message();
  ASSERT_EQ(outputs->size(), 1u);
  const ember::HostTensor& got = (*outputs)[0].tensor;
  ASSERT_EQ(got.sizes, y_shape);
  ASSERT_EQ(got.data.size(), y.size() * sizeof(float));
  for (size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(got.data_as<float>()[i], y[i], 1e-6) << "element " << i;
}

// 1x1x2x2 [[1, 2], [3, 4]], linear, half_pixel, scales x2. Along each axis
// (in 2, scale 2) output x samples x_ori = (x + 0.5) / 2 - 0.5 =
// -0.25, 0.25, 0.75, 1.25, clamped to the edges: weights (a, b) =
// (1, 0), (0.75, 0.25), (0.25, 0.75), (0, 1). Rows [1, 2] and [3, 4] become
// [1, 1.25, 1.75, 2] and [3, 3.25, 3.75, 4]; the rows between mix them
// 0.75/0.25 and 0.25/0.75.
const std::vector<float> kLinearX = {1, 2, 3, 4};
const std::vector<float> kLinearY = {1,   1.25, 1.75, 2,   1.5, 1.75, 2.25, 2.5,
                                     2.5, 2.75, 3.25, 3.5, 3,   3.25, 3.75, 4};

TEST(ExirResize, LinearHalfPixelUpsampleByHand) {
  ResizeModel m(13, {1, 1, 2, 2}, {1, 1, 4, 4});
  m.attr(str_attr("mode", "linear"));
  m.scales({1, 1, 2, 2});
  expect_resize(m, {1, 1, 2, 2}, kLinearX, {1, 1, 4, 4}, kLinearY);
}

TEST(ExirResize, XnnpackBackendLeavesResizeToPortable) {
  ResizeModel m(13, {1, 1, 2, 2}, {1, 1, 4, 4});
  m.attr(str_attr("mode", "linear"));
  m.scales({1, 1, 2, 2});
  expect_resize(m, {1, 1, 2, 2}, kLinearX, {1, 1, 4, 4}, kLinearY, "xnnpack");
  ResizeModel again(13, {1, 1, 2, 2}, {1, 1, 4, 4});
  again.attr(str_attr("mode", "linear"));
  again.scales({1, 1, 2, 2});
  exir::ConvertOptions options;
  options.backend = "xnnpack";
  const exir::ConvertResult r = exir::convert_onnx(again.write(), options);
  EXPECT_EQ(r.num_delegates, 0u);
  ASSERT_EQ(r.not_delegated.size(), 1u);
  EXPECT_EQ(r.not_delegated[0].rfind("Resize 'resize': ", 0), 0u) << r.not_delegated[0];
}

// Opset 18, axes [2, 3], sizes [3, 3] with not_larger on 1x1x2x4:
// scale = min(3/2, 3/4) = 0.75, extents round(1.5) = 2 and round(3) = 3.
// Nearest (round_prefer_floor), half_pixel: rows x_ori = 0.17, 1.5 → 0, 1
// (the tie rounds down); columns 0.17, 1.5, 2.83 → 0, 1, 3.
TEST(ExirResize, NearestAxesKeepAspectRatioByHand) {
  ResizeModel m(18, {1, 1, 2, 4}, {1, 1, 2, 3});
  m.attr(str_attr("mode", "nearest"));
  m.attr(ints_attr("axes", {2, 3}));
  m.attr(str_attr("keep_aspect_ratio_policy", "not_larger"));
  m.sizes({3, 3});
  expect_resize(m, {1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}, {1, 1, 2, 3}, {1, 2, 4, 5, 6, 8});
}

// Rank 1, tf_crop_and_resize, roi [0.5, 1.5], sizes [3] on [0, 10, 20, 30]:
// x_ori = x * (1.5 - 0.5) * 3 / 2 + 0.5 * 3 = 1.5, 3, 4.5; the last lies
// past the input (> 3) and takes extrapolation_value -1.
TEST(ExirResize, CropAndResizeExtrapolatesByHand) {
  ResizeModel m(13, {4}, {3});
  m.attr(str_attr("mode", "linear"));
  m.attr(str_attr("coordinate_transformation_mode", "tf_crop_and_resize"));
  m.attr(float_attr("extrapolation_value", -1));
  m.roi({0.5f, 1.5f});
  m.sizes({3});
  expect_resize(m, {4}, {0, 10, 20, 30}, {3}, {15, 30, -1});
}

// Resize-10: asymmetric coordinates x / scale; nearest takes floor when
// upsampling (x3: 0, 0.33, 0.67, 1, 1.33, 1.67 → 0, 0, 0, 1, 1, 1) and ceil
// when downsampling (x0.6, floor(4 * 0.6) = 2 outputs: 0, 1.67 → 0, 2).
TEST(ExirResize, Opset10NearestByHand) {
  ResizeModel up(10, {2}, {6});
  up.scales({3});
  expect_resize(up, {2}, {1, 2}, {6}, {1, 1, 1, 2, 2, 2});
  ResizeModel down(10, {4}, {2});
  down.scales({0.6f});
  expect_resize(down, {4}, {1, 2, 3, 4}, {2}, {1, 3});
}

// Opset 19's half_pixel_symmetric on ONNX's own example
// (test_resize_upsample_scales_linear_half_pixel_symmetric, newer than
// Debian's test data): scales 2.3 and 2.94 on 1x1x2x2.
TEST(ExirResize, HalfPixelSymmetricMatchesOnnxExample) {
  ResizeModel m(19, {1, 1, 2, 2}, {1, 1, 4, 5});
  m.attr(str_attr("mode", "linear"));
  m.attr(str_attr("coordinate_transformation_mode", "half_pixel_symmetric"));
  m.scales({1, 1, 2.3f, 2.94f});
  expect_resize(m, {1, 1, 2, 2}, kLinearX, {1, 1, 4, 5},
                {1.0f,        1.15986395f, 1.5f,        1.84013605f, 2.0f,        1.56521738f, 1.72508133f,
                 2.06521738f, 2.40535343f, 2.56521738f, 2.43478262f, 2.59464657f, 2.93478262f, 3.27491867f,
                 3.43478262f, 3.0f,        3.15986395f, 3.5f,        3.84013605f, 4.0f});
}

// Scale 1 on every axis with half_pixel is the identity: a plain copy.
TEST(ExirResize, IdentityScalesCopy) {
  ResizeModel m(13, {1, 1, 2, 2}, {1, 1, 2, 2});
  m.attr(str_attr("mode", "cubic"));
  m.scales({1, 1, 1, 1});
  expect_resize(m, {1, 1, 2, 2}, kLinearX, {1, 1, 2, 2}, kLinearX);
}

std::string conversion_error(ResizeModel& m) {
  try {
    exir::convert_onnx(m.write(), {});
  } catch (const exir::Error& e) {
    return e.what();
  }
  return "";
}

TEST(ExirResize, AntialiasIsRefusedClearly) {
  ResizeModel m(18, {1, 1, 4, 4}, {1, 1, 2, 2});
  m.attr(str_attr("mode", "linear"));
  m.attr(int_attr("antialias", 1));
  m.scales({1, 1, 0.5f, 0.5f});
  const std::string why = conversion_error(m);
  EXPECT_NE(why.find("Resize 'resize'"), std::string::npos) << why;
  EXPECT_NE(why.find("antialias=1 is not supported"), std::string::npos) << why;
}

TEST(ExirResize, NonConstantScalesAreRefusedClearly) {
  ResizeModel m(13, {1, 1, 2, 2}, {1, 1, 4, 4});
  m.attr(str_attr("mode", "nearest"));
  m.scales({1, 1, 2, 2}, true);
  const std::string why = conversion_error(m);
  EXPECT_NE(why.find("Resize 'resize'"), std::string::npos) << why;
  EXPECT_NE(why.find("'scales' must be a constant"), std::string::npos) << why;
}

TEST(ExirResize, ScalesAndSizesTogetherAreRefused) {
  ResizeModel m(13, {1, 1, 2, 2}, {1, 1, 4, 4});
  m.scales({1, 1, 2, 2});
  m.sizes({1, 1, 4, 4});
  EXPECT_NE(conversion_error(m).find("exactly one of scales and sizes"), std::string::npos);
}

}  // namespace
