#include "runtime/module/module.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include "runtime/core/hierarchical_allocator.h"
#include "runtime/core/memory_allocator.h"
#include "runtime/core/memory_manager.h"
#include "runtime/loader/buffer_data_loader.h"
#include "runtime/loader/file_data_loader.h"
#include "runtime/loader/mmap_data_loader.h"

namespace ember {

namespace {

// Arenas and allocator pools are cache-line aligned: more than any kernel or
// the method allocator's 16-byte requests need.
constexpr size_t kBufferAlignment = 64;

// An aligned heap block, freed on destruction. Null for size 0 requests only
// when allocation failed (a 0-byte request still gets a real block).
class AlignedBuffer final {
 public:
  AlignedBuffer() = default;
  AlignedBuffer(AlignedBuffer&& other) noexcept : data_(std::exchange(other.data_, nullptr)), size_(other.size_) {}
  AlignedBuffer& operator=(AlignedBuffer&& other) noexcept {
    if (this != &other) {
      std::free(data_);
      data_ = std::exchange(other.data_, nullptr);
      size_ = other.size_;
    }
    return *this;
  }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  ~AlignedBuffer() { std::free(data_); }

  // False when out of memory (or the rounded size overflows).
  bool allocate(size_t size) {
    size_t rounded = 0;
    if (!checked_add(size == 0 ? 1 : size, kBufferAlignment - 1, &rounded)) return false;
    rounded &= ~(kBufferAlignment - 1);
    std::free(data_);
    data_ = static_cast<uint8_t*>(std::aligned_alloc(kBufferAlignment, rounded));
    size_ = data_ == nullptr ? 0 : size;
    return data_ != nullptr;
  }
  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// The method allocator: a bump allocator over an exactly-sized block (what
// MethodMeta promises Method::init takes), falling back to separate heap
// blocks for anything beyond it (delegates may allocate more during init).
class MethodAllocator final : public MemoryAllocator {
 public:
  MethodAllocator(size_t size, uint8_t* base) : MemoryAllocator(size, base) {}
  ~MethodAllocator() override { release_overflow(); }

  void* allocate(size_t size, size_t alignment) override {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) return MemoryAllocator::allocate(size, alignment);
    uintptr_t cur = reinterpret_cast<uintptr_t>(base()) + used_size();
    uintptr_t end = reinterpret_cast<uintptr_t>(base()) + capacity();
    uintptr_t aligned = (cur + alignment - 1) & ~(static_cast<uintptr_t>(alignment) - 1);
    if (aligned >= cur && aligned <= end && size <= end - aligned) return MemoryAllocator::allocate(size, alignment);
    return allocate_overflow(size, alignment);
  }

  void reset() override {
    release_overflow();
    MemoryAllocator::reset();
  }

  // Bytes served from the heap because the exact block was full.
  size_t overflow_bytes() const { return overflow_bytes_; }

 private:
  struct Block {
    Block* next;
  };

  void* allocate_overflow(size_t size, size_t alignment) {
    // Each heap block starts with a link header padded to `alignment`.
    size_t header = aligned_size(sizeof(Block), alignment < alignof(std::max_align_t) ? alignof(std::max_align_t)
                                                                                      : alignment);
    size_t total = 0;
    size_t block_alignment = alignment < alignof(std::max_align_t) ? alignof(std::max_align_t) : alignment;
    if (!checked_add(size, header, &total) || !checked_add(total, block_alignment - 1, &total)) {
      fail(Error::MemoryAllocationFailed, "method allocator: %zu bytes requested overflows", size);
      return nullptr;
    }
    total &= ~(block_alignment - 1);
    void* raw = std::aligned_alloc(block_alignment, total);
    if (raw == nullptr) {
      fail(Error::MemoryAllocationFailed, "method allocator: out of heap memory for %zu bytes", size);
      return nullptr;
    }
    Block* block = static_cast<Block*>(raw);
    block->next = overflow_;
    overflow_ = block;
    overflow_bytes_ += size;
    return static_cast<uint8_t*>(raw) + header;
  }

  void release_overflow() {
    while (overflow_ != nullptr) {
      Block* next = overflow_->next;
      std::free(overflow_);
      overflow_ = next;
    }
    overflow_bytes_ = 0;
  }

  Block* overflow_ = nullptr;
  size_t overflow_bytes_ = 0;
};

// Storage behind one tensor input: the TensorImpl and its metadata arrays.
struct InputSlot {
  std::vector<SizesType> sizes;
  std::vector<DimOrderType> dim_order;
  std::vector<StridesType> strides;
  TensorImpl impl;
};

}  // namespace

// Everything one loaded method needs, owned together. Members are declared in
// dependency order so that the Method is destroyed before the memory it uses.
struct Module::LoadedMethod {
  AlignedBuffer method_pool;
  std::unique_ptr<MethodAllocator> method_allocator;
  std::vector<AlignedBuffer> arenas;
  std::vector<Span<uint8_t>> arena_spans;
  HierarchicalAllocator planned;
  AlignedBuffer temp_pool;
  std::unique_ptr<MemoryAllocator> temp_allocator;
  std::unique_ptr<MemoryManager> memory_manager;
  std::vector<InputSlot> inputs;
  std::unique_ptr<Method> method;
};

Module::~Module() {
  // Methods borrow the program, the loader and the pool: destroy them first.
  methods_.clear();
  program_.reset();
  delete thread_pool_;
  thread_pool_ = nullptr;
  loader_.reset();
}

Result<std::unique_ptr<Module>> Module::load(const std::string& path, const ModuleOptions& options) {
  std::unique_ptr<Module> module(new (std::nothrow) Module());
  EMBER_CHECK_OR_RETURN(module != nullptr, Error::MemoryAllocationFailed, "module: out of memory");
  if (options.load_mode == ModuleOptions::LoadMode::Mmap) {
    EMBER_ASSIGN_OR_RETURN(module->loader_, MmapDataLoader::from(path.c_str()));
  } else {
    EMBER_ASSIGN_OR_RETURN(module->loader_, FileDataLoader::from(path.c_str()));
  }
  return finish_load(std::move(module), options);
}

Result<std::unique_ptr<Module>> Module::load_from_buffer(const void* data, size_t size, const ModuleOptions& options) {
  std::unique_ptr<Module> module(new (std::nothrow) Module());
  EMBER_CHECK_OR_RETURN(module != nullptr, Error::MemoryAllocationFailed, "module: out of memory");
  EMBER_ASSIGN_OR_RETURN(module->loader_, BufferDataLoader::from(data, size));
  return finish_load(std::move(module), options);
}

Result<std::unique_ptr<Module>> Module::finish_load(std::unique_ptr<Module> module, const ModuleOptions& options) {
  EMBER_TRY(register_all_kernels_and_backends());
  module->options_ = options;
  Result<Program> program = Program::load(module->loader_.get(), options.program);
  if (!program.ok()) return program.error();
  module->program_.reset(new (std::nothrow) Program(std::move(program.get())));
  EMBER_CHECK_OR_RETURN(module->program_ != nullptr, Error::MemoryAllocationFailed, "module: out of memory");
  EMBER_ASSIGN_OR_RETURN(module->thread_pool_, ThreadPool::create(options.num_threads));
  return module;
}

std::vector<std::string> Module::method_names() const {
  std::vector<std::string> names;
  for (size_t i = 0; i < program_->num_methods(); ++i) {
    Result<const char*> name = program_->get_method_name(i);
    if (name.ok()) names.emplace_back(*name);
  }
  return names;
}

Result<MethodMeta> Module::method_meta(const std::string& name) const { return program_->method_meta(name.c_str()); }

Result<Method*> Module::load_method(const std::string& name) {
  auto found = methods_.find(name);
  if (found != methods_.end()) return found->second->method.get();

  EMBER_ASSIGN_OR_RETURN(MethodMeta meta, program_->method_meta(name.c_str()));
  std::unique_ptr<LoadedMethod> loaded(new (std::nothrow) LoadedMethod());
  EMBER_CHECK_OR_RETURN(loaded != nullptr, Error::MemoryAllocationFailed, "module: out of memory");

  // The pool starts 64-byte aligned, so the exact count suffices; the slack
  // keeps it correct should the alignment above ever be lowered.
  size_t method_bytes = 0;
  EMBER_CHECK_OR_RETURN(checked_add(meta.method_allocator_bytes(), kMethodAllocatorAlignment - 1, &method_bytes),
                        Error::InvalidProgram, "method '%s': method allocator size overflows", name.c_str());
  EMBER_CHECK_OR_RETURN(loaded->method_pool.allocate(method_bytes), Error::MemoryAllocationFailed,
                        "method '%s': cannot allocate %zu method-allocator bytes", name.c_str(), method_bytes);
  loaded->method_allocator.reset(new (std::nothrow) MethodAllocator(method_bytes, loaded->method_pool.data()));
  EMBER_CHECK_OR_RETURN(loaded->method_allocator != nullptr, Error::MemoryAllocationFailed, "module: out of memory");

  size_t num_arenas = meta.num_memory_planned_buffers();
  loaded->arenas.resize(num_arenas);
  loaded->arena_spans.resize(num_arenas);
  for (size_t i = 0; i < num_arenas; ++i) {
    EMBER_ASSIGN_OR_RETURN(size_t bytes, meta.memory_planned_buffer_size(i));
    EMBER_CHECK_OR_RETURN(loaded->arenas[i].allocate(bytes), Error::MemoryAllocationFailed,
                          "method '%s': cannot allocate planned arena %zu of %zu bytes", name.c_str(), i, bytes);
    loaded->arena_spans[i] = Span<uint8_t>(loaded->arenas[i].data(), bytes);
  }
  loaded->planned = HierarchicalAllocator(Span<Span<uint8_t>>(loaded->arena_spans.data(), num_arenas));

  EMBER_CHECK_OR_RETURN(loaded->temp_pool.allocate(options_.temp_allocator_bytes), Error::MemoryAllocationFailed,
                        "method '%s': cannot allocate %zu temp-allocator bytes", name.c_str(),
                        options_.temp_allocator_bytes);
  loaded->temp_allocator.reset(new (std::nothrow)
                                   MemoryAllocator(options_.temp_allocator_bytes, loaded->temp_pool.data()));
  loaded->memory_manager.reset(new (std::nothrow) MemoryManager(loaded->method_allocator.get(), &loaded->planned,
                                                                loaded->temp_allocator.get()));
  EMBER_CHECK_OR_RETURN(loaded->temp_allocator != nullptr && loaded->memory_manager != nullptr,
                        Error::MemoryAllocationFailed, "module: out of memory");

  MethodLoadOptions load_options;
  load_options.thread_pool = thread_pool_;
  load_options.event_tracer = options_.event_tracer;
  Result<Method> method = program_->load_method(name.c_str(), loaded->memory_manager.get(), load_options);
  if (!method.ok()) return method.error();
  loaded->method.reset(new (std::nothrow) Method(std::move(method.get())));
  EMBER_CHECK_OR_RETURN(loaded->method != nullptr, Error::MemoryAllocationFailed, "module: out of memory");
  loaded->inputs.resize(loaded->method->inputs_size());

  Method* result = loaded->method.get();
  methods_.emplace(name, std::move(loaded));
  return result;
}

Result<size_t> Module::method_allocator_heap_bytes(const std::string& name) const {
  auto found = methods_.find(name);
  EMBER_CHECK_OR_RETURN(found != methods_.end(), Error::NotFound, "method '%s' is not loaded", name.c_str());
  return found->second->method_allocator->overflow_bytes();
}

Error Module::set_inputs(Method& method, const std::vector<HostValue>& inputs) {
  LoadedMethod* loaded = nullptr;
  for (auto& entry : methods_) {
    if (entry.second->method.get() == &method) loaded = entry.second.get();
  }
  EMBER_CHECK_OR_RETURN(loaded != nullptr, Error::InvalidArgument, "set_inputs: method '%s' was not loaded by this module",
                        method.name());
  EMBER_CHECK_OR_RETURN(inputs.size() == method.inputs_size(), Error::InvalidArgument,
                        "method '%s' takes %zu inputs, %zu given", method.name(), method.inputs_size(), inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const HostValue& in = inputs[i];
    EValue value;
    switch (in.tag) {
      case Tag::None:
        break;
      case Tag::Int:
        value = EValue(in.int_value);
        break;
      case Tag::Double:
        value = EValue(in.double_value);
        break;
      case Tag::Bool:
        value = EValue(in.bool_value);
        break;
      case Tag::Tensor: {
        const HostTensor& t = in.tensor;
        size_t rank = t.sizes.size();
        EMBER_CHECK_OR_RETURN(rank <= kTensorDimensionLimit, Error::InvalidArgument,
                              "input %zu: rank %zu exceeds the limit of %zu", i, rank, kTensorDimensionLimit);
        size_t numel = 0;
        EMBER_CHECK_OR_RETURN(checked_numel(ArrayRef<SizesType>(t.sizes.data(), rank), &numel),
                              Error::InvalidArgument, "input %zu: negative size or element count overflow", i);
        size_t elem = element_size(t.dtype);
        size_t nbytes = 0;
        EMBER_CHECK_OR_RETURN(elem != 0 && checked_mul(numel, elem, &nbytes) && nbytes == t.data.size(),
                              Error::InvalidArgument, "input %zu: %zu data bytes, %s %zu elements need %zu", i,
                              t.data.size(), scalar_type_name(t.dtype), numel, nbytes);
        InputSlot& slot = loaded->inputs[i];
        slot.sizes.assign(t.sizes.begin(), t.sizes.end());
        if (t.dim_order.empty()) {
          slot.dim_order.resize(rank);
          for (size_t d = 0; d < rank; ++d) slot.dim_order[d] = static_cast<DimOrderType>(d);
        } else {
          EMBER_CHECK_OR_RETURN(t.dim_order.size() == rank &&
                                    is_valid_dim_order(ArrayRef<DimOrderType>(t.dim_order.data(), rank)),
                                Error::InvalidArgument, "input %zu: dim order is not a permutation of %zu dims", i,
                                rank);
          slot.dim_order.assign(t.dim_order.begin(), t.dim_order.end());
        }
        slot.strides.assign(rank, 0);
        // The method copies planned inputs and only reads unplanned ones, so
        // handing it the caller's const bytes is safe.
        void* data = const_cast<uint8_t*>(t.data.data());
        slot.impl = TensorImpl(t.dtype, rank, slot.sizes.data(), data, slot.dim_order.data(), slot.strides.data());
        value = EValue(Tensor(&slot.impl));
        break;
      }
      default:
        return fail(Error::NotSupported, "input %zu: %s inputs are not supported by Module", i, tag_name(in.tag));
    }
    EMBER_TRY_CTX(method.set_input(value, i), "input %zu", i);
  }
  return Error::Ok;
}

Result<std::vector<HostValue>> Module::run(const std::string& method_name, const std::vector<HostValue>& inputs) {
  EMBER_ASSIGN_OR_RETURN(Method * method, load_method(method_name));
  EMBER_TRY(set_inputs(*method, inputs));
  EMBER_TRY(method->execute());
  std::vector<HostValue> outputs;
  outputs.reserve(method->outputs_size());
  for (size_t i = 0; i < method->outputs_size(); ++i) outputs.push_back(HostValue::copy_of(method->get_output(i)));
  return outputs;
}

}  // namespace ember
