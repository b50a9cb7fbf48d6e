#include "test/support/program_exercise.h"

#include <memory>
#include <vector>

#include "runtime/core/memory_manager.h"
#include "runtime/executor/method.h"
#include "runtime/executor/program.h"
#include "runtime/loader/buffer_data_loader.h"
#include "test/support/program_bytes.h"

namespace ember::test {
namespace {

constexpr size_t kMaxBytes = 1 << 20;

void run_method(Program& program, const char* name, ExerciseResult* result) {
  Result<MethodMeta> meta = program.method_meta(name);
  if (!meta.ok()) return;
  size_t method_bytes = meta->method_allocator_bytes();
  if (method_bytes > kMaxBytes) return;
  // Delegates take their state from the method allocator too, beyond what the
  // file alone determines.
  if (meta->num_delegates() > 0) method_bytes += kMaxBytes;
  std::vector<AlignedBytes> arenas;
  std::vector<Span<uint8_t>> spans;
  for (size_t i = 0; i < meta->num_memory_planned_buffers(); ++i) {
    arenas.emplace_back(*meta->memory_planned_buffer_size(i));
  }
  for (AlignedBytes& a : arenas) spans.emplace_back(a.data(), a.size());
  HierarchicalAllocator planned(Span<Span<uint8_t>>(spans.data(), spans.size()));
  AlignedBytes method_storage(method_bytes);
  MemoryAllocator method_allocator(method_bytes, method_storage.data());
  AlignedBytes temp_storage(1 << 16);
  MemoryAllocator temp_allocator(temp_storage.size(), temp_storage.data());
  MemoryManager manager(&method_allocator, &planned, &temp_allocator);
  MethodLoadOptions options;
  options.max_instructions = 10000;
  Result<Method> method = program.load_method(name, &manager, options);
  if (!method.ok()) return;
  ++result->methods_initialized;

  // Inputs of ones in the declared dtype and shape.
  struct Input {
    std::vector<int32_t> sizes;
    std::vector<uint8_t> dim_order;
    std::vector<int32_t> strides;
    AlignedBytes data;
    TensorImpl impl;
  };
  std::vector<std::unique_ptr<Input>> inputs;
  for (size_t i = 0; i < meta->num_inputs(); ++i) {
    Result<TensorInfo> info = meta->input_tensor_info(i);
    if (!info.ok()) continue;  // scalar inputs keep their traced value
    if (info->nbytes > kMaxBytes) return;
    auto in = std::make_unique<Input>();
    in->sizes.assign(info->sizes.begin(), info->sizes.end());
    in->dim_order.assign(info->dim_order.begin(), info->dim_order.end());
    if (in->dim_order.size() != in->sizes.size()) {
      in->dim_order.clear();
      for (size_t d = 0; d < in->sizes.size(); ++d) in->dim_order.push_back(static_cast<uint8_t>(d));
    }
    in->strides.resize(in->sizes.size());
    in->data = AlignedBytes(info->nbytes);
    size_t esize = element_size(info->dtype);
    for (size_t b = 0; esize > 0 && b < info->nbytes; b += esize) {
      uint8_t* p = in->data.data() + b;
      switch (info->dtype) {
        case ScalarType::Float: *reinterpret_cast<float*>(p) = 1.0f; break;
        case ScalarType::Double: *reinterpret_cast<double*>(p) = 1.0; break;
        default: std::memset(p, 0, esize); p[0] = 1; break;
      }
    }
    in->impl = TensorImpl(info->dtype, in->sizes.size(), in->sizes.data(), in->data.data(), in->dim_order.data(),
                          in->strides.data(), info->dynamism);
    if (method->set_input(EValue(Tensor(&in->impl)), i) != Error::Ok) return;
    inputs.push_back(std::move(in));
  }
  if (method->execute() == Error::Ok) ++result->methods_executed;
}

}  // namespace

ExerciseResult exercise_program(const uint8_t* data, size_t size) {
  ExerciseResult result;
  AlignedBytes bytes(data, size);
  BufferDataLoader loader(bytes.data(), bytes.size());
  ProgramLoadOptions options;
  options.max_planned_bytes = kMaxBytes;
  options.max_delegate_blob_bytes = kMaxBytes;
  Result<Program> program = Program::load(&loader, options);
  result.load = program.error();
  if (!program.ok()) return result;
  for (size_t m = 0; m < program->num_methods(); ++m) {
    run_method(*program, *program->get_method_name(m), &result);
  }
  return result;
}

}  // namespace ember::test
