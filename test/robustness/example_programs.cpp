#include "test/robustness/example_programs.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "backends/xnnpack/runtime/xnnpack_allocator.h"
#include "exir/cli/convert.h"
#include "exir/ir/error.h"
#include "runtime/core/memory_manager.h"
#include "runtime/executor/method.h"
#include "runtime/executor/program.h"
#include "runtime/loader/buffer_data_loader.h"
#include "test/exir/model_generator.h"
#include "test/support/program_bytes.h"

namespace ember::test {
namespace {

// Counts allocate() calls and fails call number `fail_at` (1-based).
class CountingAllocator : public MemoryAllocator {
 public:
  CountingAllocator(size_t size, uint8_t* base, size_t fail_at) : MemoryAllocator(size, base), fail_at_(fail_at) {}
  void* allocate(size_t size, size_t alignment) override {
    if (++count_ == fail_at_) {
      fail(Error::MemoryAllocationFailed, "injected failure of allocation %zu (%zu bytes)", count_, size);
      return nullptr;
    }
    return MemoryAllocator::allocate(size, alignment);
  }
  size_t count() const { return count_; }

 private:
  size_t fail_at_;
  size_t count_ = 0;
};

// Delegates take their state from the method allocator beyond what
// method_allocator_bytes() counts (docs/ARCHITECTURE.md).
constexpr size_t kDelegateSlack = 4 << 20;
constexpr size_t kTempBytes = 4 << 20;

}  // namespace

bool convert_example(const char* script, const std::string& model, const std::string& backend, ExampleProgram* out) {
  const std::string& dir = generated_models(script);
  if (dir.empty()) return false;
  const std::string base = dir + "/" + model;
  exir::ConvertOptions options;
  options.backend = backend;
  out->label = model + "/" + backend;
  out->pte = exir::convert_onnx(base + "/model.onnx", options).pte;
  const exir::Value x = exir::read_onnx_tensor_file(base + "/test_data_set_0/input_0.pb");
  out->input = HostTensor();
  out->input.dtype = x.dtype;
  for (int64_t s : x.sizes()) out->input.sizes.push_back(static_cast<int32_t>(s));
  out->input.data = *x.data;
  const exir::Value y = exir::read_onnx_tensor_file(base + "/test_data_set_0/output_0.pb");
  out->reference.assign(y.as<float>(), y.as<float>() + y.numel());
  std::ifstream scale(base + "/output_scale.txt");
  double step = 0;
  out->tolerance = scale >> step ? step : 1e-4;
  return true;
}

RunOutcome run_example(const ExampleProgram& example, const Injection& injection) {
  RunOutcome r;
  const size_t xnn_before = xnnpack::xnnpack_memory_stats().allocations;
  xnnpack::fail_xnnpack_allocation_after(injection.fail_xnnpack_allocation);
  auto finish = [&](Error e) {
    if (e != Error::Ok && r.message.empty()) r.message = error_message();
  };
  {
    AlignedBytes bytes(example.pte.data(), example.pte.size());
    BufferDataLoader loader(bytes.data(), bytes.size());
    Result<Program> program = Program::load(&loader);
    r.load = program.error();
    finish(r.load);
    if (program.ok()) {
      Result<MethodMeta> meta = program->method_meta("forward");
      r.init = meta.error();
      finish(r.init);
      if (meta.ok()) {
        r.planned_buffers = meta->num_memory_planned_buffers();
        std::vector<AlignedBytes> arenas;
        std::vector<Span<uint8_t>> spans;
        for (size_t i = 0; i < meta->num_memory_planned_buffers(); ++i) {
          size_t size = *meta->memory_planned_buffer_size(i);
          if (static_cast<int>(i) == injection.short_planned_buffer && size > 0) --size;
          arenas.emplace_back(size);
        }
        for (AlignedBytes& a : arenas) spans.emplace_back(a.data(), a.size());
        HierarchicalAllocator planned(Span<Span<uint8_t>>(spans.data(), spans.size()));
        const size_t method_bytes = meta->method_allocator_bytes() + 15 + (meta->num_delegates() ? kDelegateSlack : 0);
        AlignedBytes method_storage(method_bytes);
        CountingAllocator method_allocator(method_bytes, method_storage.data(), injection.fail_method_allocation);
        AlignedBytes temp_storage(kTempBytes);
        CountingAllocator temp_allocator(kTempBytes, temp_storage.data(), injection.fail_temp_allocation);
        MemoryManager manager(&method_allocator, &planned, &temp_allocator);
        Result<Method> method = program->load_method("forward", &manager);
        r.init = method.error();
        finish(r.init);
        if (method.ok()) {
          HostTensor in = example.input;
          std::vector<uint8_t> dim_order(in.sizes.size());
          for (size_t d = 0; d < dim_order.size(); ++d) dim_order[d] = static_cast<uint8_t>(d);
          std::vector<int32_t> strides(in.sizes.size());
          TensorImpl impl(in.dtype, in.sizes.size(), in.sizes.data(), in.data.data(), dim_order.data(),
                          strides.data(), TensorShapeDynamism::Static);
          r.execute = method->set_input(EValue(Tensor(&impl)), 0);
          if (r.execute == Error::Ok) r.execute = method->execute();
          finish(r.execute);
          if (r.execute == Error::Ok && method->outputs_size() == 1 && method->get_output(0).is_tensor()) {
            Tensor y = method->get_output(0).to_tensor();
            if (y.scalar_type() == ScalarType::Float) {
              const float* p = y.const_data_ptr<float>();
              r.output.assign(p, p + y.numel());
            }
          }
        }
        r.method_allocations = method_allocator.count();
        r.temp_allocations = temp_allocator.count();
      }
    }
  }
  xnnpack::fail_xnnpack_allocation_after(0);
  r.xnnpack_allocations = xnnpack::xnnpack_memory_stats().allocations - xnn_before;
  return r;
}

Watchdog::Watchdog(int seconds) {
  thread_ = std::thread([this, seconds] {
    uint64_t seen = ~uint64_t{0};
    auto last = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      lock.lock();
      auto now = std::chrono::steady_clock::now();
      if (ticks_ != seen) {
        seen = ticks_;
        last = now;
      } else if (now - last > std::chrono::seconds(seconds)) {
        std::fprintf(stderr, "watchdog: no progress for %d s; stuck in: %s\n", seconds, what_.c_str());
        std::abort();
      }
    }
  });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  thread_.join();
}

void Watchdog::progress(const std::string& what) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++ticks_;
  what_ = what;
}

}  // namespace ember::test
