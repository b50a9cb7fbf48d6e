// Thread safety as docs/ARCHITECTURE.md states it: two Methods of one Program
// execute concurrently from two threads with correct results (portable
// kernels, and XNNPACK delegates sharing a 1-thread pool); one Method entered
// a second time while it runs returns InvalidState (made deterministic by a
// test backend that blocks inside execute until released).
#include <gtest/gtest.h>

#include <cmath>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/backend/backend_registry.h"
#include "runtime/core/memory_manager.h"
#include "runtime/executor/method.h"
#include "runtime/executor/program.h"
#include "runtime/kernel/thread_pool.h"
#include "runtime/loader/buffer_data_loader.h"
#include "runtime/module/module.h"
#include "test/support/program_bytes.h"
#include "test/support/xnnpack_program.h"

namespace ember::test {
namespace {

constexpr int kIterations = 200;

// Owns one Method and the memory it borrows.
class MethodInstance {
 public:
  Error load(Program& program, const char* name, const MethodLoadOptions& options = {}) {
    Result<MethodMeta> meta = program.method_meta(name);
    if (!meta.ok()) return meta.error();
    for (size_t i = 0; i < meta->num_memory_planned_buffers(); ++i) {
      arenas_.emplace_back(*meta->memory_planned_buffer_size(i));
    }
    for (AlignedBytes& a : arenas_) spans_.emplace_back(a.data(), a.size());
    planned_ = HierarchicalAllocator(Span<Span<uint8_t>>(spans_.data(), spans_.size()));
    // Delegates take their state from the method allocator beyond the figure.
    size_t bytes = meta->method_allocator_bytes() + (size_t{1} << 20);
    method_storage_ = AlignedBytes(bytes);
    method_allocator_ = std::make_unique<MemoryAllocator>(bytes, method_storage_.data());
    temp_storage_ = AlignedBytes(1 << 16);
    temp_allocator_ = std::make_unique<MemoryAllocator>(temp_storage_.size(), temp_storage_.data());
    manager_ = std::make_unique<MemoryManager>(method_allocator_.get(), &planned_, temp_allocator_.get());
    Result<Method> m = program.load_method(name, manager_.get(), options);
    if (!m.ok()) return m.error();
    method_ = std::make_unique<Method>(std::move(*m));
    return Error::Ok;
  }
  Method& method() { return *method_; }

 private:
  std::vector<AlignedBytes> arenas_;
  std::vector<Span<uint8_t>> spans_;
  HierarchicalAllocator planned_;
  AlignedBytes method_storage_;
  std::unique_ptr<MemoryAllocator> method_allocator_;
  AlignedBytes temp_storage_;
  std::unique_ptr<MemoryAllocator> temp_allocator_;
  std::unique_ptr<MemoryManager> manager_;
  std::unique_ptr<Method> method_;
};

// A loaded program over its own copy of the bytes.
struct LoadedProgram {
  explicit LoadedProgram(const std::vector<uint8_t>& pte) : bytes(pte.data(), pte.size()), loader(bytes.data(), bytes.size()) {
    Result<Program> p = Program::load(&loader);
    error = p.error();
    if (p.ok()) program = std::make_unique<Program>(std::move(*p));
  }
  AlignedBytes bytes;
  BufferDataLoader loader;
  Error error = Error::Ok;
  std::unique_ptr<Program> program;
};

// A float tensor input owning its data.
struct FloatInput {
  explicit FloatInput(std::vector<int32_t> s) : sizes(std::move(s)), dim_order(sizes.size()), strides(sizes.size()) {
    size_t n = 1;
    for (size_t d = 0; d < sizes.size(); ++d) {
      n *= static_cast<size_t>(sizes[d]);
      dim_order[d] = static_cast<uint8_t>(d);
    }
    data.resize(n);
    impl = TensorImpl(ScalarType::Float, sizes.size(), sizes.data(), data.data(), dim_order.data(), strides.data(),
                      TensorShapeDynamism::Static);
  }
  EValue value() { return EValue(Tensor(&impl)); }
  std::vector<int32_t> sizes;
  std::vector<uint8_t> dim_order;
  std::vector<int32_t> strides;
  std::vector<float> data;
  TensorImpl impl;
};

// Runs `method` kIterations times with x[i] = f(thread, iteration, i) and
// counts outputs that differ from `expected` (by more than `tolerance`).
template <typename Input, typename Expected>
size_t run_and_check(Method& method, std::vector<int32_t> sizes, Input input, Expected expected, int thread,
                     float tolerance) {
  FloatInput x(std::move(sizes));
  size_t mismatches = 0;
  for (int it = 0; it < kIterations; ++it) {
    for (size_t i = 0; i < x.data.size(); ++i) x.data[i] = input(thread, it, i);
    if (method.set_input(x.value(), 0) != Error::Ok || method.execute() != Error::Ok) return x.data.size() + 1;
    const Tensor& y = method.get_output(0).to_tensor();
    std::vector<float> want = expected(x.data);
    if (static_cast<size_t>(y.numel()) != want.size()) return want.size() + 1;
    const float* got = y.const_data_ptr<float>();
    for (size_t i = 0; i < want.size(); ++i) {
      mismatches += !(std::fabs(got[i] - want[i]) <= tolerance * (1.0f + std::fabs(want[i])));
    }
  }
  return mismatches;
}

// forward(x: f32[32, 32]) = relu(x * w + b), portable kernels.
constexpr int kRows = 32;
constexpr int kCols = 32;

float weight(size_t i) { return static_cast<float>(static_cast<int>(i % 7) - 3) * 0.5f; }
float bias(size_t c) { return static_cast<float>(static_cast<int>(c % 5) - 2) * 0.25f; }

std::vector<uint8_t> portable_program() {
  std::vector<float> w(kRows * kCols);
  std::vector<float> b(kCols);
  for (size_t i = 0; i < w.size(); ++i) w[i] = weight(i);
  for (size_t c = 0; c < b.size(); ++c) b[c] = bias(c);
  ProgramBuilder builder;
  MethodBuilder& m = builder.add_method("forward");
  int x = m.add_arena_tensor(ScalarType::Float, {kRows, kCols});
  int wv = m.add_constant_tensor(ScalarType::Float, {kRows, kCols}, w.data());
  int bv = m.add_constant_tensor(ScalarType::Float, {kCols}, b.data());
  int alpha = m.add_int(1);
  int xw = m.add_arena_tensor(ScalarType::Float, {kRows, kCols});
  int xwb = m.add_arena_tensor(ScalarType::Float, {kRows, kCols});
  int y = m.add_arena_tensor(ScalarType::Float, {kRows, kCols});
  m.add_kernel_call("aten::mul", "out", {x, wv, xw, xw});
  m.add_kernel_call("aten::add", "out", {xw, bv, alpha, xwb, xwb});
  m.add_kernel_call("aten::relu", "out", {xwb, y, y});
  m.set_inputs({x});
  m.set_outputs({y});
  return builder.build();
}

std::vector<float> portable_reference(const std::vector<float>& x) {
  std::vector<float> y(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    float v = x[i] * weight(i) + bias(i % kCols);
    y[i] = v > 0 ? v : 0.0f;
  }
  return y;
}

float input_value(int thread, int iteration, size_t i) {
  return static_cast<float>(static_cast<int>((i * 13 + static_cast<size_t>(iteration) * 7) % 19) - 9) * 0.125f +
         static_cast<float>(thread);
}

class ThreadSafetyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(register_all_kernels_and_backends(), Error::Ok); }
};

TEST_F(ThreadSafetyTest, TwoPortableMethodsOfOneProgramRunConcurrently) {
  LoadedProgram p(portable_program());
  ASSERT_EQ(p.error, Error::Ok) << error_message();
  MethodInstance a;
  MethodInstance b;
  ASSERT_EQ(a.load(*p.program, "forward"), Error::Ok) << error_message();
  ASSERT_EQ(b.load(*p.program, "forward"), Error::Ok) << error_message();
  size_t bad[2] = {0, 0};
  auto work = [&](MethodInstance* m, int t) {
    bad[t] = run_and_check(m->method(), {kRows, kCols}, input_value, portable_reference, t, 0.0f);
  };
  std::thread t0(work, &a, 0);
  std::thread t1(work, &b, 1);
  t0.join();
  t1.join();
  EXPECT_EQ(bad[0], 0u);
  EXPECT_EQ(bad[1], 0u);
}

// y = relu(fully_connected(x, w, b)), fp32 [8, 32] x [32, 32]^T.
constexpr int kBatch = 8;
constexpr int kIn = 32;
constexpr int kOut = 32;

float fc_weight(size_t i) { return static_cast<float>(static_cast<int>(i * 5 % 11) - 5) * 0.0625f; }

std::vector<uint8_t> xnnpack_program() {
  xnnpack::XnnpackBlobBuilder b;
  using xnnpack::DataType;
  uint32_t x = b.add_input(DataType::Fp32, {kBatch, kIn}, 0);
  std::vector<float> w(kOut * kIn);
  std::vector<float> bias_values(kOut);
  for (size_t i = 0; i < w.size(); ++i) w[i] = fc_weight(i);
  for (size_t o = 0; o < bias_values.size(); ++o) bias_values[o] = bias(o);
  uint32_t wv = b.add_constant(DataType::Fp32, {kOut, kIn}, xnnpack::ConstantSource::of(w));
  uint32_t bv = b.add_constant(DataType::Fp32, {kOut}, xnnpack::ConstantSource::of(bias_values));
  uint32_t y = b.add_output(DataType::Fp32, {kBatch, kOut}, 1);
  xnnpack::NodeOptions relu;
  relu.clamp = xnnpack::OutputClamp{0.0f, std::numeric_limits<float>::infinity()};
  b.add_fully_connected(x, wv, bv, y, relu);
  return make_xnnpack_program(b);
}

std::vector<float> xnnpack_reference(const std::vector<float>& x) {
  std::vector<float> y(kBatch * kOut);
  for (int n = 0; n < kBatch; ++n) {
    for (int o = 0; o < kOut; ++o) {
      double acc = bias(static_cast<size_t>(o));
      for (int i = 0; i < kIn; ++i) acc += double{x[n * kIn + i]} * fc_weight(static_cast<size_t>(o * kIn + i));
      y[n * kOut + o] = acc > 0 ? static_cast<float>(acc) : 0.0f;
    }
  }
  return y;
}

TEST_F(ThreadSafetyTest, TwoXnnpackMethodsOfOneProgramRunConcurrently) {
  LoadedProgram p(xnnpack_program());
  ASSERT_EQ(p.error, Error::Ok) << error_message();
  // One shared pool of one thread: Debian's pthreadpool is not built for
  // TSan, and a 1-thread pool runs the work on the caller.
  Result<ThreadPool*> pool = ThreadPool::create(1);
  ASSERT_TRUE(pool.ok()) << error_message();
  std::unique_ptr<ThreadPool> pool_owner(*pool);
  MethodLoadOptions options;
  options.thread_pool = pool_owner.get();
  MethodInstance a;
  MethodInstance b;
  ASSERT_EQ(a.load(*p.program, "forward", options), Error::Ok) << error_message();
  ASSERT_EQ(b.load(*p.program, "forward", options), Error::Ok) << error_message();
  size_t bad[2] = {0, 0};
  auto work = [&](MethodInstance* m, int t) {
    bad[t] = run_and_check(m->method(), {kBatch, kIn}, input_value, xnnpack_reference, t, 1e-5f);
  };
  std::thread t0(work, &a, 0);
  std::thread t1(work, &b, 1);
  t0.join();
  t1.join();
  EXPECT_EQ(bad[0], 0u);
  EXPECT_EQ(bad[1], 0u);
}

// A backend whose execute() announces that it entered and then waits until
// released, copying its input to its output. Lets a test hold one execute()
// open while another thread tries to enter the same Method.
class BlockingBackend final : public BackendInterface {
 public:
  bool is_available() const override { return true; }
  Result<DelegateHandle*> init(BackendInitContext&, FreeableBuffer*, ArrayRef<CompileSpec>) const override {
    return static_cast<DelegateHandle*>(const_cast<BlockingBackend*>(this));
  }
  Error execute(BackendExecutionContext&, DelegateHandle*, Span<EValue*> args) const override {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      entered_ = true;
      changed_.notify_all();
      changed_.wait(lock, [this] { return released_; });
    }
    const Tensor& in = args[0]->to_tensor();
    const Tensor& out = args[1]->to_tensor();
    std::memcpy(out.mutable_data_ptr(), in.const_data_ptr(), in.nbytes());
    return Error::Ok;
  }
  void destroy(DelegateHandle*) const override {}

  void wait_until_entered() const {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return entered_; });
  }
  void release() const {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  mutable bool entered_ = false;
  mutable bool released_ = false;
};

std::vector<uint8_t> blocking_program() {
  ProgramBuilder builder;
  MethodBuilder& m = builder.add_method("forward");
  int x = m.add_arena_tensor(ScalarType::Float, {4});
  int y = m.add_arena_tensor(ScalarType::Float, {4});
  int d = m.add_delegate("BlockingBackend", {1, 2, 3, 4});
  m.add_delegate_call(d, {x, y});
  m.set_inputs({x});
  m.set_outputs({y});
  return builder.build();
}

TEST_F(ThreadSafetyTest, MethodEnteredTwiceReturnsInvalidState) {
  BlockingBackend backend;
  BackendRegistry backends;
  ASSERT_EQ(backends.register_backend("BlockingBackend", &backend), Error::Ok);
  LoadedProgram p(blocking_program());
  ASSERT_EQ(p.error, Error::Ok) << error_message();
  MethodLoadOptions options;
  options.backends = &backends;
  MethodInstance m;
  ASSERT_EQ(m.load(*p.program, "forward", options), Error::Ok) << error_message();
  FloatInput x({4});
  x.data = {1.5f, -2.0f, 3.25f, 0.0f};
  x.impl = TensorImpl(ScalarType::Float, 1, x.sizes.data(), x.data.data(), x.dim_order.data(), x.strides.data(),
                      TensorShapeDynamism::Static);
  ASSERT_EQ(m.method().set_input(x.value(), 0), Error::Ok) << error_message();

  Error first = Error::Internal;
  std::thread runner([&] { first = m.method().execute(); });
  backend.wait_until_entered();
  // The first execute() is now inside the backend: a second entry, from this
  // thread, must be refused without touching the running one.
  EXPECT_EQ(m.method().execute(), Error::InvalidState);
  EXPECT_NE(std::string(error_message()).find("already executing"), std::string::npos) << error_message();
  EXPECT_EQ(m.method().set_input(x.value(), 0), Error::InvalidState);
  EXPECT_NE(std::string(error_message()).find("set_input during execute"), std::string::npos) << error_message();
  backend.release();
  runner.join();
  EXPECT_EQ(first, Error::Ok);
  const float* y = m.method().get_output(0).to_tensor().const_data_ptr<float>();
  EXPECT_EQ(std::vector<float>(y, y + 4), (std::vector<float>{1.5f, -2.0f, 3.25f, 0.0f}));
  // Once it has returned, the Method runs again.
  EXPECT_EQ(m.method().execute(), Error::Ok) << error_message();
}

}  // namespace
}  // namespace ember::test
