// Delegate overhead of XnnpackBackend: an int8 MLP (784-1024-1024-10) and a
// small int8 CNN (3x3 conv s2, depthwise 3x3, 1x1, residual add, global
// average pool at 96x96) run
//   (a) as an XNNPACK delegate blob through Method::execute, and
//   (b) as the same XNNPACK operators created and run directly,
// single-threaded, alternating blocks of runs, median over >= 1000 runs each.
//
// usage: xnnpack_delegate_bench [RUNS]   (default 2000)
#include <xnnpack.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <vector>

#include "backends/xnnpack/runtime/xnnpack_backend.h"
#include "backends/xnnpack/serialize/xnnpack_blob_builder.h"
#include "exir/emit/program_builder.h"
#include "runtime/executor/method.h"
#include "runtime/loader/buffer_data_loader.h"

using namespace ember;
using namespace ember::xnnpack;

namespace {

struct Layer {  // quantization of one int8 activation
  float scale;
  int zp;
};

std::vector<int8_t> random_int8(size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(-127, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}
std::vector<int32_t> random_bias(size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(-5000, 5000);
  std::vector<int32_t> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

double now_us() {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "error: %s: %s\n", what, error_message());
    std::exit(1);
  }
}
void check_xnn(xnn_status s, const char* what) {
  if (s != xnn_status_success) {
    std::fprintf(stderr, "error: %s: xnn_status %d\n", what, static_cast<int>(s));
    std::exit(1);
  }
}

// A program whose only instruction is a DelegateCall over one fp32 input and
// one fp32 output, both planned.
std::vector<uint8_t> wrap_blob(const std::vector<uint8_t>& blob, std::vector<int32_t> in_sizes,
                               std::vector<int32_t> out_sizes) {
  ProgramBuilder program;
  MethodBuilder& m = program.add_method("forward");
  size_t in_bytes = 4;
  for (int32_t s : in_sizes) in_bytes *= static_cast<size_t>(s);
  int in = m.add_planned_tensor(ScalarType::Float, in_sizes, 1, 0);
  int out = m.add_planned_tensor(ScalarType::Float, out_sizes, 1, (in_bytes + 63) / 64 * 64);
  int d = m.add_delegate("XnnpackBackend", blob, BlobLocation::Segment);
  m.add_delegate_call(d, {in, out});
  m.set_inputs({in});
  m.set_outputs({out});
  return program.build();
}

// Runs a Method with all of its memory owned here.
class EmberRunner {
 public:
  explicit EmberRunner(const std::vector<uint8_t>& pte) : bytes_(pte), loader_(bytes_.data(), bytes_.size()) {
    Result<Program> p = Program::load(&loader_);
    check(p.ok(), "Program::load");
    program_.reset(new Program(std::move(*p)));
    MethodMeta meta = *program_->method_meta("forward");
    arena_.resize(*meta.memory_planned_buffer_size(0) + 64);
    spans_.emplace_back(arena_.data(), arena_.size() - 64);
    planned_ = HierarchicalAllocator(Span<Span<uint8_t>>(spans_.data(), 1));
    method_memory_.resize(meta.method_allocator_bytes() + (64 << 20));
    method_allocator_.reset(new MemoryAllocator(method_memory_.size(), method_memory_.data()));
    temp_memory_.resize(1 << 20);
    temp_allocator_.reset(new MemoryAllocator(temp_memory_.size(), temp_memory_.data()));
    manager_.reset(new MemoryManager(method_allocator_.get(), &planned_, temp_allocator_.get()));
    Result<Method> m = program_->load_method("forward", manager_.get());
    check(m.ok(), "load_method");
    method_.reset(new Method(std::move(*m)));
  }
  void set_input(std::vector<float>& data, std::vector<int32_t> sizes) {
    sizes_ = sizes;
    dim_order_.resize(sizes.size());
    strides_.resize(sizes.size());
    for (size_t i = 0; i < sizes.size(); ++i) dim_order_[i] = static_cast<uint8_t>(i);
    input_ = TensorImpl(ScalarType::Float, sizes_.size(), sizes_.data(), data.data(), dim_order_.data(),
                        strides_.data());
    check(method_->set_input(EValue(Tensor(&input_)), 0) == Error::Ok, "set_input");
  }
  void run() { check(method_->execute() == Error::Ok, "execute"); }
  const float* output() const { return method_->get_output(0).to_tensor().const_data_ptr<float>(); }

 private:
  std::vector<uint8_t> bytes_;
  BufferDataLoader loader_;
  std::unique_ptr<Program> program_;
  std::vector<uint8_t> arena_;
  std::vector<Span<uint8_t>> spans_;
  HierarchicalAllocator planned_;
  std::vector<uint8_t> method_memory_, temp_memory_;
  std::unique_ptr<MemoryAllocator> method_allocator_, temp_allocator_;
  std::unique_ptr<MemoryManager> manager_;
  std::unique_ptr<Method> method_;
  std::vector<int32_t> sizes_, strides_;
  std::vector<uint8_t> dim_order_;
  TensorImpl input_;
};

// The direct baseline: operators in order, each run with the same buffers.
struct DirectGraph {
  std::vector<xnn_operator_t> ops;
  ~DirectGraph() {
    for (xnn_operator_t op : ops) xnn_delete_operator(op);
  }
  void run() {
    for (xnn_operator_t op : ops) check_xnn(xnn_run_operator(op, nullptr), "xnn_run_operator");
  }
};

struct Timing {
  double ember_us, direct_us;
};

Timing time_both(const std::function<void()>& ember, const std::function<void()>& direct, int runs) {
  for (int i = 0; i < 100; ++i) {
    ember();
    direct();
  }
  std::vector<double> te, td;
  const int block = 50;
  for (int done = 0; done < runs; done += block) {
    for (int i = 0; i < block; ++i) {
      double t0 = now_us();
      ember();
      te.push_back(now_us() - t0);
    }
    for (int i = 0; i < block; ++i) {
      double t0 = now_us();
      direct();
      td.push_back(now_us() - t0);
    }
  }
  auto median = [](std::vector<double>& v) {
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  return {median(te), median(td)};
}

float max_diff(const float* a, const float* b, size_t n) {
  float m = 0;
  for (size_t i = 0; i < n; ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

void report(const char* name, Timing t, float diff) {
  std::printf("%-34s ember %9.1f us   direct %9.1f us   overhead %+6.2f %%   max |diff| %g\n", name, t.ember_us,
              t.direct_us, 100.0 * (t.ember_us - t.direct_us) / t.direct_us, diff);
}

void mlp(int runs) {
  std::mt19937 rng(1);
  const uint32_t dims[] = {784, 1024, 1024, 10};
  const Layer act[] = {{0.02f, 3}, {0.1f, -5}, {0.1f, -5}, {0.2f, 0}};
  const float w_scale = 0.004f;
  std::vector<std::vector<int8_t>> w;
  std::vector<std::vector<int32_t>> b;
  for (int l = 0; l < 3; ++l) {
    w.push_back(random_int8(size_t{dims[l + 1]} * dims[l], rng));
    b.push_back(random_bias(dims[l + 1], rng));
  }

  XnnpackBlobBuilder g;
  uint32_t x = g.add_input(DataType::Fp32, {1, dims[0]}, 0);
  uint32_t cur = g.add_internal(DataType::QInt8, {1, dims[0]}, Quantization::per_tensor(act[0].scale, act[0].zp));
  g.add_unary(NodeKind::Convert, x, cur);
  for (int l = 0; l < 3; ++l) {
    uint32_t wv = g.add_constant(DataType::QInt8, {dims[l + 1], dims[l]}, ConstantSource::of(w[l]),
                                 Quantization::per_tensor(w_scale, 0));
    uint32_t bv = g.add_constant(DataType::QInt32, {dims[l + 1]}, ConstantSource::of(b[l]),
                                 Quantization::per_tensor(act[l].scale * w_scale, 0));
    uint32_t y = g.add_internal(DataType::QInt8, {1, dims[l + 1]}, Quantization::per_tensor(act[l + 1].scale, act[l + 1].zp));
    NodeOptions relu;
    if (l < 2) relu.clamp = OutputClamp{0.0f, std::numeric_limits<float>::infinity()};
    g.add_fully_connected(cur, wv, bv, y, relu);
    cur = y;
  }
  uint32_t out = g.add_output(DataType::Fp32, {1, dims[3]}, 1);
  g.add_unary(NodeKind::Convert, cur, out);
  EmberRunner ember(wrap_blob(g.build(), {1, 784}, {1, 10}));
  std::vector<float> input(784);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (float& v : input) v = u(rng);
  ember.set_input(input, {1, 784});

  DirectGraph direct;
  std::vector<int8_t> a0(784 + 16), a1(1024 + 16), a2(1024 + 16), a3(10 + 16);
  std::vector<float> y(10 + 4);
  xnn_operator_t op;
  check_xnn(xnn_create_convert_nc_f32_qs8(784, 784, 784, act[0].scale, act[0].zp, -128, 127, 0, &op), "convert");
  check_xnn(xnn_setup_convert_nc_f32_qs8(op, 1, input.data(), a0.data(), nullptr), "setup");
  direct.ops.push_back(op);
  int8_t* bufs[] = {a0.data(), a1.data(), a2.data(), a3.data()};
  for (int l = 0; l < 3; ++l) {
    int8_t lo = l < 2 ? static_cast<int8_t>(act[l + 1].zp) : -128;
    check_xnn(xnn_create_fully_connected_nc_qs8(dims[l], dims[l + 1], dims[l], dims[l + 1], act[l].zp, act[l].scale,
                                                w_scale, w[l].data(), b[l].data(), act[l + 1].zp, act[l + 1].scale, lo,
                                                127, 0, &op),
              "fully_connected");
    check_xnn(xnn_setup_fully_connected_nc_qs8(op, 1, bufs[l], bufs[l + 1], nullptr), "setup");
    direct.ops.push_back(op);
  }
  check_xnn(xnn_create_convert_nc_qs8_f32(10, 10, 10, act[3].scale, act[3].zp, 0, &op), "convert");
  check_xnn(xnn_setup_convert_nc_qs8_f32(op, 1, a3.data(), y.data(), nullptr), "setup");
  direct.ops.push_back(op);

  Timing t = time_both([&] { ember.run(); }, [&] { direct.run(); }, runs);
  report("int8 MLP 784-1024-1024-10", t, max_diff(ember.output(), y.data(), 10));
}

void cnn(int runs) {
  std::mt19937 rng(2);
  const uint32_t H = 96, W = 96, C0 = 3, C = 16, H1 = 48, W1 = 48;
  const Layer in{0.02f, 0}, l1{0.05f, -10}, l2{0.05f, -10}, l3{0.05f, 0}, l4{0.05f, 0}, l5{0.02f, 0};
  const float ws = 0.01f;
  auto w1 = random_int8(size_t{C} * 3 * 3 * C0, rng);  // [16,3,3,3]
  auto w2 = random_int8(size_t{3} * 3 * C, rng);       // [1,3,3,16]
  auto w3 = random_int8(size_t{C} * C, rng);           // [16,1,1,16]
  auto b1 = random_bias(C, rng), b2 = random_bias(C, rng), b3 = random_bias(C, rng);

  XnnpackBlobBuilder g;
  uint32_t x = g.add_input(DataType::Fp32, {1, H, W, C0}, 0);
  uint32_t q0 = g.add_internal(DataType::QInt8, {1, H, W, C0}, Quantization::per_tensor(in.scale, in.zp));
  g.add_unary(NodeKind::Convert, x, q0);
  auto conv = [&](NodeKind kind, const ConvParams& p, uint32_t input, const std::vector<int8_t>& wt,
                  std::vector<uint32_t> wdims, const std::vector<int32_t>& bias, float in_scale, Layer outq,
                  std::vector<uint32_t> odims, bool relu) {
    uint32_t wv = g.add_constant(DataType::QInt8, wdims, ConstantSource::of(wt), Quantization::per_tensor(ws, 0));
    uint32_t bv = g.add_constant(DataType::QInt32, {C}, ConstantSource::of(bias), Quantization::per_tensor(in_scale * ws, 0));
    uint32_t y = g.add_internal(DataType::QInt8, odims, Quantization::per_tensor(outq.scale, outq.zp));
    NodeOptions o;
    if (relu) o.clamp = OutputClamp{0.0f, std::numeric_limits<float>::infinity()};
    g.add_conv(kind, p, input, wv, bv, y, o);
    return y;
  };
  ConvParams p1;
  p1.padding_top = p1.padding_right = p1.padding_bottom = p1.padding_left = 1;
  p1.kernel_height = p1.kernel_width = 3;
  p1.stride_height = p1.stride_width = 2;
  p1.group_input_channels = C0;
  p1.group_output_channels = C;
  uint32_t y1 = conv(NodeKind::Conv2d, p1, q0, w1, {C, 3, 3, C0}, b1, in.scale, l1, {1, H1, W1, C}, true);
  ConvParams p2 = p1;
  p2.stride_height = p2.stride_width = 1;
  p2.group_input_channels = 1;
  p2.group_output_channels = 1;
  p2.groups = C;
  uint32_t y2 = conv(NodeKind::DepthwiseConv2d, p2, y1, w2, {1, 3, 3, C}, b2, l1.scale, l2, {1, H1, W1, C}, true);
  ConvParams p3;
  p3.group_input_channels = C;
  p3.group_output_channels = C;
  uint32_t y3 = conv(NodeKind::Conv2d, p3, y2, w3, {C, 1, 1, C}, b3, l2.scale, l3, {1, H1, W1, C}, false);
  uint32_t y4 = g.add_internal(DataType::QInt8, {1, H1, W1, C}, Quantization::per_tensor(l4.scale, l4.zp));
  g.add_binary(NodeKind::Add, y3, y2, y4);
  uint32_t y5 = g.add_internal(DataType::QInt8, {1, 1, 1, C}, Quantization::per_tensor(l5.scale, l5.zp));
  g.add_unary(NodeKind::GlobalAvgPooling2d, y4, y5);
  uint32_t out = g.add_output(DataType::Fp32, {1, 1, 1, C}, 1);
  g.add_unary(NodeKind::Convert, y5, out);
  EmberRunner ember(wrap_blob(g.build(), {1, int32_t(H), int32_t(W), int32_t(C0)}, {1, 1, 1, int32_t(C)}));
  std::vector<float> input(size_t{H} * W * C0);
  std::uniform_real_distribution<float> u(0.0f, 2.0f);
  for (float& v : input) v = u(rng);
  ember.set_input(input, {1, int32_t(H), int32_t(W), int32_t(C0)});

  DirectGraph direct;
  std::vector<int8_t> a0(size_t{H} * W * C0 + 16), a1(size_t{H1} * W1 * C + 16), a2(a1.size()), a3(a1.size()),
      a4(a1.size()), a5(C + 16);
  std::vector<float> y(C + 4);
  xnn_operator_t op;
  check_xnn(xnn_create_convert_nc_f32_qs8(C0, C0, C0, in.scale, in.zp, -128, 127, 0, &op), "convert");
  check_xnn(xnn_setup_convert_nc_f32_qs8(op, size_t{H} * W, input.data(), a0.data(), nullptr), "setup");
  direct.ops.push_back(op);
  check_xnn(xnn_create_convolution2d_nhwc_qs8(1, 1, 1, 1, 3, 3, 2, 2, 1, 1, 1, C0, C, C0, C, in.zp, in.scale, ws,
                                              w1.data(), b1.data(), l1.zp, l1.scale, l1.zp, 127, 0, &op),
            "conv1");
  check_xnn(xnn_setup_convolution2d_nhwc_qs8(op, 1, H, W, a0.data(), a1.data(), nullptr), "setup");
  direct.ops.push_back(op);
  check_xnn(xnn_create_convolution2d_nhwc_qs8(1, 1, 1, 1, 3, 3, 1, 1, 1, 1, C, 1, 1, C, C, l1.zp, l1.scale, ws,
                                              w2.data(), b2.data(), l2.zp, l2.scale, l2.zp, 127,
                                              XNN_FLAG_DEPTHWISE_CONVOLUTION, &op),
            "dwconv");
  check_xnn(xnn_setup_convolution2d_nhwc_qs8(op, 1, H1, W1, a1.data(), a2.data(), nullptr), "setup");
  direct.ops.push_back(op);
  check_xnn(xnn_create_convolution2d_nhwc_qs8(0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, C, C, C, C, l2.zp, l2.scale, ws,
                                              w3.data(), b3.data(), l3.zp, l3.scale, -128, 127, 0, &op),
            "conv1x1");
  check_xnn(xnn_setup_convolution2d_nhwc_qs8(op, 1, H1, W1, a2.data(), a3.data(), nullptr), "setup");
  direct.ops.push_back(op);
  check_xnn(xnn_create_add_nd_qs8(l3.zp, l3.scale, l2.zp, l2.scale, l4.zp, l4.scale, -128, 127, 0, &op), "add");
  size_t shape[] = {1, H1, W1, C};
  check_xnn(xnn_setup_add_nd_qs8(op, 4, shape, 4, shape, a3.data(), a2.data(), a4.data(), nullptr), "setup");
  direct.ops.push_back(op);
  check_xnn(xnn_create_global_average_pooling_nwc_qs8(C, C, C, l4.zp, l4.scale, l5.zp, l5.scale, -128, 127, 0, &op),
            "gap");
  check_xnn(xnn_setup_global_average_pooling_nwc_qs8(op, 1, size_t{H1} * W1, a4.data(), a5.data(), nullptr), "setup");
  direct.ops.push_back(op);
  check_xnn(xnn_create_convert_nc_qs8_f32(C, C, C, l5.scale, l5.zp, 0, &op), "convert");
  check_xnn(xnn_setup_convert_nc_qs8_f32(op, 1, a5.data(), y.data(), nullptr), "setup");
  direct.ops.push_back(op);

  Timing t = time_both([&] { ember.run(); }, [&] { direct.run(); }, runs);
  report("int8 CNN 96x96 (conv,dw,1x1,add,gap)", t, max_diff(ember.output(), y.data(), C));
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 2000;
  if (runs < 100) runs = 100;
  check(register_xnnpack_backend() == Error::Ok, "register_xnnpack_backend");
  check(XnnpackBackend().is_available(), "XnnpackBackend (xnn_initialize)");
  std::printf("1 thread, median of %d runs each, alternating blocks of 50\n", runs);
  mlp(runs);
  cnn(runs);
  return 0;
}
