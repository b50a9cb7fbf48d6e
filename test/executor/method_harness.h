// Test harness: owns everything a Method borrows (bytes, loader, program,
// arenas, allocators) so tests can load a fixture method in one call.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/core/memory_manager.h"
#include "runtime/executor/method.h"
#include "runtime/executor/program.h"
#include "runtime/loader/buffer_data_loader.h"
#include "test/support/program_bytes.h"

namespace ember::test {

class MethodHarness {
 public:
  // Loads `bytes` as a program; check program_error() / program().
  explicit MethodHarness(const uint8_t* bytes, size_t size, const ProgramLoadOptions& options = {})
      : bytes_(bytes, size), loader_(bytes_.data(), bytes_.size()) {
    Result<Program> p = Program::load(&loader_, options);
    program_error_ = p.error();
    if (p.ok()) program_ = std::make_unique<Program>(std::move(*p));
  }

  Error program_error() const { return program_error_; }
  Program& program() { return *program_; }

  // Sizes arenas from MethodMeta and loads the method. `method_bytes` 0 =
  // exactly MethodMeta::method_allocator_bytes(). The allocator may be replaced
  // (failure injection) through `allocator`.
  Error load(const char* name, const MethodLoadOptions& options = {}, size_t method_bytes = 0,
             MemoryAllocator* allocator = nullptr) {
    method_.reset();
    Result<MethodMeta> meta = program_->method_meta(name);
    if (!meta.ok()) return meta.error();
    arena_storage_.clear();
    arena_spans_.clear();
    for (size_t i = 0; i < meta->num_memory_planned_buffers(); ++i) {
      arena_storage_.emplace_back(*meta->memory_planned_buffer_size(i));
    }
    for (AlignedBytes& a : arena_storage_) arena_spans_.emplace_back(a.data(), a.size());
    planned_ = HierarchicalAllocator(Span<Span<uint8_t>>(arena_spans_.data(), arena_spans_.size()));
    size_t bytes = method_bytes == 0 ? meta->method_allocator_bytes() : method_bytes;
    method_storage_ = AlignedBytes(bytes);
    method_allocator_ = std::make_unique<MemoryAllocator>(bytes, method_storage_.data());
    temp_storage_ = AlignedBytes(1 << 16);
    temp_allocator_ = std::make_unique<MemoryAllocator>(temp_storage_.size(), temp_storage_.data());
    manager_ = std::make_unique<MemoryManager>(allocator != nullptr ? allocator : method_allocator_.get(), &planned_,
                                               temp_allocator_.get());
    Result<Method> m = program_->load_method(name, manager_.get(), options);
    if (!m.ok()) return m.error();
    method_ = std::make_unique<Method>(std::move(*m));
    return Error::Ok;
  }

  Method& method() { return *method_; }
  size_t method_bytes_used() const { return method_allocator_->used_size(); }

 private:
  AlignedBytes bytes_;
  BufferDataLoader loader_;
  Error program_error_ = Error::Ok;
  std::unique_ptr<Program> program_;
  std::vector<AlignedBytes> arena_storage_;
  std::vector<Span<uint8_t>> arena_spans_;
  HierarchicalAllocator planned_;
  AlignedBytes method_storage_;
  std::unique_ptr<MemoryAllocator> method_allocator_;
  AlignedBytes temp_storage_;
  std::unique_ptr<MemoryAllocator> temp_allocator_;
  std::unique_ptr<MemoryManager> manager_;
  std::unique_ptr<Method> method_;
};

// A float tensor input owning its storage.
struct OwnedTensor {
  std::vector<int32_t> sizes;
  std::vector<uint8_t> dim_order;
  std::vector<int32_t> strides;
  std::vector<uint8_t> data;
  TensorImpl impl;

  template <typename T>
  OwnedTensor(std::vector<int32_t> s, const std::vector<T>& values) : sizes(std::move(s)) {
    for (size_t i = 0; i < sizes.size(); ++i) dim_order.push_back(static_cast<uint8_t>(i));
    strides.resize(sizes.size());
    data.resize(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(data.data(), values.data(), data.size());
    impl = TensorImpl(ScalarTypeOf<T>::value, sizes.size(), sizes.data(), data.data(), dim_order.data(),
                      strides.data());
  }
  OwnedTensor(const OwnedTensor&) = delete;
  EValue value() { return EValue(Tensor(&impl)); }
};

template <typename T>
std::vector<T> tensor_values(const EValue& v) {
  Tensor t = v.to_tensor();
  const T* p = t.const_data_ptr<T>();
  return std::vector<T>(p, p + t.numel());
}

}  // namespace ember::test
