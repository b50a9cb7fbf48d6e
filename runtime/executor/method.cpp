#include "runtime/executor/method.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <new>

#include "runtime/backend/backend_registry.h"
#include "runtime/core/event_tracer.h"
#include "runtime/executor/method_layout.h"
#include "runtime/executor/schema_access.h"

namespace ember {

namespace fb = ::executorch_flatbuffer;

namespace {

template <typename T>
size_t vsize(const flatbuffers::Vector<T>* v) {
  return v == nullptr ? 0 : v->size();
}

// Tensor arguments one kernel lookup considers; more is refused at init.
constexpr size_t kMaxTensorArgs = 64;

const EValue& none_value() {
  static const EValue none;
  return none;
}

}  // namespace

struct Method::Instruction {
  enum class Kind : uint8_t { Kernel, Delegate, Move, JumpFalse, Free };
  Kind kind = Kind::Kernel;
  OpFunction fn = nullptr;
  const fb::Operator* op = nullptr;  // for messages
  EValue** args = nullptr;
  size_t num_args = 0;
  int32_t a = 0;  // delegate index, move source, jump condition, freed value
  int32_t b = 0;  // move destination, jump target (flattened)
  // The kernel binds its output's data itself (et_view), so the output may
  // arrive without memory; every other kernel's arguments must have data.
  bool binds_output_data = false;
};

struct Method::DelegateState {
  const BackendInterface* backend = nullptr;
  DelegateHandle* handle = nullptr;
  FreeableBuffer blob;
  const char* id = nullptr;
  bool initialized = false;  // init succeeded: destroy() is owed, even for a null handle
};

size_t Method::instruction_bytes() { return sizeof(Instruction); }
size_t Method::delegate_state_bytes() { return sizeof(DelegateState); }

Method::Method(const Program* program, const fb::ExecutionPlan* plan, MemoryManager* memory_manager,
               const MethodLoadOptions& options)
    : program_(program), plan_(plan), memory_manager_(memory_manager), options_(options) {}

Method::Method(Method&& other) noexcept
    : program_(other.program_),
      plan_(other.plan_),
      memory_manager_(other.memory_manager_),
      options_(other.options_),
      values_(other.values_),
      num_values_(other.num_values_),
      input_set_(other.input_set_),
      num_inputs_(other.num_inputs_),
      num_outputs_(other.num_outputs_),
      instructions_(other.instructions_),
      num_instructions_(other.num_instructions_),
      delegates_(other.delegates_),
      num_delegates_(other.num_delegates_),
      last_instruction_count_(other.last_instruction_count_),
      initialized_(other.initialized_) {
  other.delegates_ = nullptr;
  other.num_delegates_ = 0;
  other.initialized_ = false;
}

Method::~Method() {
  for (size_t d = 0; d < num_delegates_; ++d) {
    DelegateState& state = delegates_[d];
    if (state.initialized) state.backend->destroy(state.handle);
    state.~DelegateState();
  }
}

const char* Method::name() const { return plan_->name()->c_str(); }

Error Method::method_alloc(size_t bytes, void** out) {
  *out = nullptr;
  size_t request = detail::request_bytes(bytes);
  if (request == 0) return Error::Ok;
  *out = memory_manager_->method_allocator()->allocate(request, kMethodAllocatorAlignment);
  EMBER_CHECK_OR_RETURN(*out != nullptr, Error::MemoryAllocationFailed,
                        "method allocator exhausted: %zu more bytes needed (MethodMeta::method_allocator_bytes() "
                        "tells the total)",
                        request);
  return Error::Ok;
}

Error Method::init() {
  num_inputs_ = vsize(plan_->inputs());
  num_outputs_ = vsize(plan_->outputs());
  EMBER_TRY(parse_values());
  void* p = nullptr;
  EMBER_TRY(method_alloc(num_inputs_ * sizeof(bool), &p));
  input_set_ = static_cast<bool*>(p);
  for (size_t i = 0; i < num_inputs_; ++i) input_set_[i] = false;
  EMBER_TRY(init_delegates());
  EMBER_TRY(resolve_instructions());
  initialized_ = true;
  return Error::Ok;
}

Error Method::parse_tensor(size_t index, const void* serialized, EValue* out) {
  const auto* t = static_cast<const fb::Tensor*>(serialized);
  size_t rank = detail::tensor_rank(t);
  const fb::ExtraTensorInfo* extra = t->extra_tensor_info();
  if (extra != nullptr && extra->location() == fb::TensorDataLocation::EXTERNAL) {
    return fail(Error::NotSupported,
                "value %zu: tensor '%s' keeps its data in an external .ptd file, which is not supported yet", index,
                extra->fully_qualified_name() != nullptr ? extra->fully_qualified_name()->c_str() : "");
  }
  auto dynamism = static_cast<TensorShapeDynamism>(t->shape_dynamism());
  EMBER_CHECK_OR_RETURN(dynamism != TensorShapeDynamism::DynamicUnbound, Error::NotSupported,
                        "value %zu: DYNAMIC_UNBOUND tensors are not supported", index);
  void* block = nullptr;
  EMBER_TRY(method_alloc(detail::tensor_block_bytes(rank), &block));
  auto* bytes = static_cast<uint8_t*>(block);
  auto* sizes = reinterpret_cast<SizesType*>(bytes + aligned_size(sizeof(TensorImpl), alignof(SizesType)));
  auto* strides = sizes + rank;
  auto* dim_order = reinterpret_cast<DimOrderType*>(strides + rank);
  for (size_t d = 0; d < rank; ++d) {
    sizes[d] = t->sizes()->Get(static_cast<flatbuffers::uoffset_t>(d));
    dim_order[d] = t->dim_order() != nullptr ? t->dim_order()->Get(static_cast<flatbuffers::uoffset_t>(d))
                                             : static_cast<DimOrderType>(d);
  }
  size_t nbytes = 0;
  detail::tensor_nbytes(t, &nbytes);
  void* data = nullptr;
  const fb::AllocationDetails* alloc = t->allocation_info();
  if (alloc != nullptr) {
    HierarchicalAllocator* planned = memory_manager_->planned_memory();
    EMBER_CHECK_OR_RETURN(planned != nullptr, Error::InvalidArgument,
                          "value %zu is memory-planned but no planned memory was provided", index);
    Result<uint8_t*> address = planned->offset_address(alloc->memory_id() - 1, detail::planned_offset(alloc), nbytes);
    if (!address.ok()) return add_context(address.error(), "value %zu", index);
    data = *address;
    if (t->data_buffer_idx() > 0) {
      size_t table = extra != nullptr ? static_cast<size_t>(extra->mutable_data_segments_idx()) : 0;
      EMBER_TRY_CTX(program_->copy_mutable_data(table, t->data_buffer_idx(), data, nbytes), "value %zu", index);
    }
  } else if (t->data_buffer_idx() > 0) {
    Result<const void*> constant = program_->constant_data(t->data_buffer_idx(), nbytes);
    if (!constant.ok()) return add_context(constant.error(), "value %zu", index);
    // Constants are only read: instructions writing to one are refused at load.
    data = const_cast<void*>(*constant);
  }
  auto* impl = new (block) TensorImpl(static_cast<ScalarType>(t->scalar_type()), rank, sizes, data, dim_order, strides,
                                      dynamism);
  *out = EValue(Tensor(impl));
  return Error::Ok;
}

Error Method::parse_values() {
  auto* values = plan_->values();
  size_t n = vsize(values);
  void* p = nullptr;
  EMBER_TRY(method_alloc(n * sizeof(EValue), &p));
  values_ = static_cast<EValue*>(p);
  for (size_t i = 0; i < n; ++i) new (&values_[i]) EValue();
  num_values_ = n;
  for (size_t i = 0; i < n; ++i) {
    const fb::EValue* v = values->Get(static_cast<flatbuffers::uoffset_t>(i));
    switch (v->val_type()) {
      case fb::KernelTypes::Int:
        values_[i] = EValue(static_cast<int64_t>(v->val_as_Int()->int_val()));
        break;
      case fb::KernelTypes::Bool:
        values_[i] = EValue(static_cast<bool>(v->val_as_Bool()->bool_val()));
        break;
      case fb::KernelTypes::Double:
        values_[i] = EValue(static_cast<double>(v->val_as_Double()->double_val()));
        break;
      case fb::KernelTypes::String: {
        const flatbuffers::String* s = v->val_as_String()->string_val();
        values_[i] = EValue(s == nullptr ? ArrayRef<char>() : ArrayRef<char>(s->data(), s->size()));
        break;
      }
      case fb::KernelTypes::IntList: {
        auto* items = v->val_as_IntList()->items();
        size_t m = vsize(items);
        EMBER_TRY_CTX(method_alloc(detail::boxed_list_bytes<int64_t>(m), &p), "value %zu", i);
        auto** wrapped = static_cast<EValue**>(p);
        auto* unboxed = reinterpret_cast<int64_t*>(static_cast<uint8_t*>(p) +
                                                   (m == 0 ? 0 : aligned_size(m * sizeof(EValue*), alignof(int64_t))));
        for (size_t j = 0; j < m; ++j) wrapped[j] = &values_[items->Get(static_cast<flatbuffers::uoffset_t>(j))];
        values_[i] = EValue(BoxedEValueList<int64_t>(wrapped, unboxed, m));
        break;
      }
      case fb::KernelTypes::DoubleList: {
        auto* items = v->val_as_DoubleList()->items();
        size_t m = vsize(items);
        EMBER_TRY_CTX(method_alloc(m * sizeof(double), &p), "value %zu", i);
        auto* copy = static_cast<double*>(p);
        for (size_t j = 0; j < m; ++j) copy[j] = items->Get(static_cast<flatbuffers::uoffset_t>(j));
        values_[i] = EValue(ArrayRef<double>(copy, m));
        break;
      }
      case fb::KernelTypes::BoolList: {
        auto* items = v->val_as_BoolList()->items();
        size_t m = vsize(items);
        EMBER_TRY_CTX(method_alloc(m * sizeof(bool), &p), "value %zu", i);
        auto* copy = static_cast<bool*>(p);
        // Any non-zero byte is true; never reinterpret file bytes as bool.
        for (size_t j = 0; j < m; ++j) copy[j] = items->Get(static_cast<flatbuffers::uoffset_t>(j)) != 0;
        values_[i] = EValue(ArrayRef<bool>(copy, m));
        break;
      }
      case fb::KernelTypes::Tensor:
        EMBER_TRY(parse_tensor(i, v->val_as_Tensor(), &values_[i]));
        break;
      case fb::KernelTypes::TensorList: {
        auto* items = v->val_as_TensorList()->items();
        size_t m = vsize(items);
        EMBER_TRY_CTX(method_alloc(detail::boxed_list_bytes<Tensor>(m), &p), "value %zu", i);
        auto** wrapped = static_cast<EValue**>(p);
        auto* unboxed = reinterpret_cast<Tensor*>(static_cast<uint8_t*>(p) +
                                                  (m == 0 ? 0 : aligned_size(m * sizeof(EValue*), alignof(Tensor))));
        for (size_t j = 0; j < m; ++j) wrapped[j] = &values_[items->Get(static_cast<flatbuffers::uoffset_t>(j))];
        values_[i] = EValue(BoxedEValueList<Tensor>(wrapped, unboxed, m));
        break;
      }
      case fb::KernelTypes::OptionalTensorList: {
        auto* items = v->val_as_OptionalTensorList()->items();
        size_t m = vsize(items);
        EMBER_TRY_CTX(method_alloc(detail::boxed_list_bytes<OptionalTensor>(m), &p), "value %zu", i);
        auto** wrapped = static_cast<EValue**>(p);
        auto* unboxed = reinterpret_cast<OptionalTensor*>(
            static_cast<uint8_t*>(p) + (m == 0 ? 0 : aligned_size(m * sizeof(EValue*), alignof(OptionalTensor))));
        for (size_t j = 0; j < m; ++j) {
          int32_t item = items->Get(static_cast<flatbuffers::uoffset_t>(j));
          wrapped[j] = item < 0 ? nullptr : &values_[item];
        }
        values_[i] = EValue(BoxedEValueList<OptionalTensor>(wrapped, unboxed, m));
        break;
      }
      default:
        break;  // None / Null
    }
  }
  return Error::Ok;
}

Error Method::init_delegates() {
  auto* delegates = plan_->delegates();
  size_t n = vsize(delegates);
  void* p = nullptr;
  EMBER_TRY(method_alloc(n * sizeof(DelegateState), &p));
  delegates_ = static_cast<DelegateState*>(p);
  const BackendRegistry& registry = options_.backends != nullptr ? *options_.backends : BackendRegistry::global();
  for (size_t d = 0; d < n; ++d) {
    const fb::BackendDelegate* fbd = delegates->Get(static_cast<flatbuffers::uoffset_t>(d));
    const char* id = fbd->id()->c_str();
    const BackendInterface* backend = registry.find(id);
    EMBER_CHECK_OR_RETURN(backend != nullptr, Error::NotFound,
                          "delegate %zu: backend '%s' is not registered (not linked into this build?)", d, id);
    EMBER_CHECK_OR_RETURN(backend->is_available(), Error::NotSupported,
                          "delegate %zu: backend '%s' is not available on this machine", d, id);
    size_t num_specs = vsize(fbd->compile_specs());
    EMBER_TRY_CTX(method_alloc(num_specs * sizeof(CompileSpec), &p), "delegate %zu (%s)", d, id);
    auto* specs = static_cast<CompileSpec*>(p);
    for (size_t s = 0; s < num_specs; ++s) {
      const fb::CompileSpec* spec = fbd->compile_specs()->Get(static_cast<flatbuffers::uoffset_t>(s));
      specs[s].key = spec->key()->c_str();
      specs[s].value = spec->value() != nullptr ? spec->value()->data() : nullptr;
      specs[s].value_size = vsize(spec->value());
    }
    Result<FreeableBuffer> blob = program_->load_delegate_blob(fbd);
    if (!blob.ok()) return add_context(blob.error(), "delegate %zu (%s)", d, id);
    DelegateState* state = new (&delegates_[d]) DelegateState();
    state->backend = backend;
    state->id = id;
    state->blob = std::move(*blob);
    // Counted now so ~Method frees the blob even if init fails below.
    num_delegates_ = d + 1;
    BackendInitContext context;
    context.runtime_allocator = memory_manager_->method_allocator();
    context.thread_pool = options_.thread_pool;
    context.method_name = name();
    context.named_data = program_;
    context.delegate_index = d;
    Result<DelegateHandle*> handle = backend->init(context, &state->blob, ArrayRef<CompileSpec>(specs, num_specs));
    if (!handle.ok()) return add_context(handle.error(), "delegate %zu (%s) init", d, id);
    state->handle = *handle;
    state->initialized = true;
  }
  return Error::Ok;
}

Error Method::resolve_instructions() {
  MethodMeta meta(plan_);
  num_instructions_ = meta.num_instructions();
  void* p = nullptr;
  EMBER_TRY(method_alloc(num_instructions_ * sizeof(Instruction), &p));
  instructions_ = static_cast<Instruction*>(p);
  for (size_t i = 0; i < num_instructions_; ++i) new (&instructions_[i]) Instruction();
  const KernelRegistry& registry = options_.kernels != nullptr ? *options_.kernels : KernelRegistry::global();

  char missing[900];
  size_t missing_len = 0;
  size_t missing_count = 0;
  missing[0] = '\0';
  size_t base = 0;
  for (size_t c = 0; c < vsize(plan_->chains()); ++c) {
    const fb::Chain* chain = plan_->chains()->Get(static_cast<flatbuffers::uoffset_t>(c));
    size_t n = vsize(chain->instructions());
    for (size_t k = 0; k < n; ++k) {
      const fb::Instruction* fi = chain->instructions()->Get(static_cast<flatbuffers::uoffset_t>(k));
      Instruction& ins = instructions_[base + k];
      const flatbuffers::Vector<int32_t>* args = nullptr;
      switch (fi->instr_args_type()) {
        case fb::InstructionArguments::KernelCall:
          ins.kind = Instruction::Kind::Kernel;
          args = fi->instr_args_as_KernelCall()->args();
          ins.op = plan_->operators()->Get(static_cast<flatbuffers::uoffset_t>(fi->instr_args_as_KernelCall()->op_index()));
          break;
        case fb::InstructionArguments::DelegateCall:
          ins.kind = Instruction::Kind::Delegate;
          args = fi->instr_args_as_DelegateCall()->args();
          ins.a = fi->instr_args_as_DelegateCall()->delegate_index();
          break;
        case fb::InstructionArguments::MoveCall:
          ins.kind = Instruction::Kind::Move;
          ins.a = fi->instr_args_as_MoveCall()->move_from();
          ins.b = fi->instr_args_as_MoveCall()->move_to();
          break;
        case fb::InstructionArguments::JumpFalseCall:
          ins.kind = Instruction::Kind::JumpFalse;
          ins.a = fi->instr_args_as_JumpFalseCall()->cond_value_index();
          ins.b = static_cast<int32_t>(base) + fi->instr_args_as_JumpFalseCall()->destination_instruction();
          break;
        default:
          ins.kind = Instruction::Kind::Free;
          ins.a = fi->instr_args_as_FreeCall()->value_index();
          break;
      }
      ins.num_args = vsize(args);
      EMBER_TRY_CTX(method_alloc(ins.num_args * sizeof(EValue*), &p), "instruction %zu", base + k);
      ins.args = static_cast<EValue**>(p);
      for (size_t a = 0; a < ins.num_args; ++a) {
        ins.args[a] = &values_[args->Get(static_cast<flatbuffers::uoffset_t>(a))];
      }
      if (ins.kind != Instruction::Kind::Kernel) continue;

      TensorMeta metas[kMaxTensorArgs];
      size_t num_metas = 0;
      for (size_t a = 0; a < ins.num_args; ++a) {
        if (!ins.args[a]->is_tensor()) continue;
        EMBER_CHECK_OR_RETURN(num_metas < kMaxTensorArgs, Error::LimitExceeded,
                              "instruction %zu: more than %zu tensor arguments", base + k, kMaxTensorArgs);
        Tensor t = ins.args[a]->to_tensor();
        metas[num_metas++] = {t.scalar_type(), t.is_contiguous_dim_order()};
      }
      char op_name[128];
      detail::format_operator_name(ins.op, op_name, sizeof(op_name));
      ins.binds_output_data = std::strcmp(op_name, "executorch_prim::et_view.default") == 0;
      Result<OpFunction> fn = registry.find(op_name, ArrayRef<TensorMeta>(metas, num_metas));
      if (fn.ok()) {
        ins.fn = *fn;
        continue;
      }
      ++missing_count;
      if (missing_len + 8 < sizeof(missing)) {
        int w = std::snprintf(missing + missing_len, sizeof(missing) - missing_len, "%s[instruction %zu] %s",
                              missing_len == 0 ? "" : "; ", base + k, error_message());
        if (w > 0) missing_len += static_cast<size_t>(w);
        if (missing_len >= sizeof(missing)) missing_len = sizeof(missing) - 1;
      }
    }
    base += n;
  }
  if (missing_count > 0) {
    return fail(Error::OperatorMissing, "%zu instruction(s) without a kernel: %s", missing_count, missing);
  }
  return Error::Ok;
}

bool Method::input_is_planned(size_t index) const {
  int32_t v = plan_->inputs()->Get(static_cast<flatbuffers::uoffset_t>(index));
  const fb::EValue* ev = plan_->values()->Get(static_cast<flatbuffers::uoffset_t>(v));
  return ev->val_type() == fb::KernelTypes::Tensor && ev->val_as_Tensor()->allocation_info() != nullptr;
}

Error Method::set_input(const EValue& value, size_t index) {
  EMBER_CHECK_OR_RETURN(initialized_, Error::InvalidState, "method is not initialized");
  EMBER_CHECK_OR_RETURN(!executing_.load(), Error::InvalidState, "method '%s': set_input during execute", name());
  EMBER_CHECK_OR_RETURN(index < num_inputs_, Error::InvalidArgument, "method '%s': input %zu out of range (%zu inputs)",
                        name(), index, num_inputs_);
  EValue& dst = values_[plan_->inputs()->Get(static_cast<flatbuffers::uoffset_t>(index))];
  switch (dst.tag()) {
    case Tag::Tensor: {
      EMBER_CHECK_OR_RETURN(value.is_tensor() && value.to_tensor().impl() != nullptr, Error::InvalidType,
                            "method '%s': input %zu must be a Tensor, got %s", name(), index, tag_name(value.tag()));
      Tensor src = value.to_tensor();
      TensorImpl* t = dst.to_tensor().impl();
      EMBER_CHECK_OR_RETURN(src.scalar_type() == t->scalar_type(), Error::InvalidArgument,
                            "method '%s': input %zu has dtype %s, the method expects %s", name(), index,
                            scalar_type_name(src.scalar_type()), scalar_type_name(t->scalar_type()));
      EMBER_CHECK_OR_RETURN(src.dim() == t->dim(), Error::InvalidArgument,
                            "method '%s': input %zu has rank %zu, the method expects %zu", name(), index, src.dim(),
                            t->dim());
      bool same_order = src.impl()->is_contiguous_dim_order() == t->is_contiguous_dim_order();
      for (size_t d = 0; same_order && d < t->dim() && src.dim_order().data() != nullptr; ++d) {
        same_order = src.dim_order()[d] == t->dim_order()[d];
      }
      EMBER_CHECK_OR_RETURN(same_order, Error::InvalidArgument,
                            "method '%s': input %zu has a different dim order than the method expects", name(), index);
      Error e = t->resize(src.sizes());
      if (e != Error::Ok) return add_context(e, "method '%s': input %zu", name(), index);
      if (input_is_planned(index)) {
        EMBER_CHECK_OR_RETURN(src.const_data_ptr() != nullptr || t->nbytes() == 0, Error::InvalidArgument,
                              "method '%s': input %zu has no data", name(), index);
        if (t->nbytes() > 0 && src.const_data_ptr() != t->data()) {
          std::memcpy(t->mutable_data(), src.const_data_ptr(), t->nbytes());
        }
      } else {
        t->set_data(src.mutable_data_ptr());
      }
      break;
    }
    case Tag::Int:
      EMBER_CHECK_OR_RETURN(value.is_int() && value.to_int() == dst.to_int(), Error::InvalidArgument,
                            "method '%s': input %zu is the Int %lld traced into the program; it cannot change",
                            name(), index, static_cast<long long>(dst.to_int()));
      break;
    case Tag::Double: {
      double want = dst.to_double();
      EMBER_CHECK_OR_RETURN(value.is_double() && std::fabs(value.to_double() - want) <= 1e-4 + 1e-5 * std::fabs(want),
                            Error::InvalidArgument,
                            "method '%s': input %zu is the Double %g traced into the program; it cannot change", name(),
                            index, want);
      break;
    }
    case Tag::Bool:
      EMBER_CHECK_OR_RETURN(value.is_bool() && value.to_bool() == dst.to_bool(), Error::InvalidArgument,
                            "method '%s': input %zu is the Bool %s traced into the program; it cannot change", name(),
                            index, dst.to_bool() ? "true" : "false");
      break;
    case Tag::String: {
      ArrayRef<char> want = dst.to_string();
      bool same = value.is_string() && value.to_string().size() == want.size() &&
                  (want.size() == 0 || std::memcmp(value.to_string().data(), want.data(), want.size()) == 0);
      EMBER_CHECK_OR_RETURN(same, Error::InvalidArgument,
                            "method '%s': input %zu is a String traced into the program; it cannot change", name(),
                            index);
      break;
    }
    default:
      EMBER_CHECK_OR_RETURN(value.is_none(), Error::InvalidArgument, "method '%s': input %zu must be None", name(),
                            index);
      break;
  }
  input_set_[index] = true;
  return Error::Ok;
}

const EValue& Method::get_input(size_t index) const {
  if (!initialized_ || index >= num_inputs_) return none_value();
  return values_[plan_->inputs()->Get(static_cast<flatbuffers::uoffset_t>(index))];
}

const EValue& Method::get_output(size_t index) const {
  if (!initialized_ || index >= num_outputs_) return none_value();
  return values_[plan_->outputs()->Get(static_cast<flatbuffers::uoffset_t>(index))];
}

bool Method::output_is_memory_planned(size_t index) const {
  if (index >= num_outputs_) return false;
  int32_t v = plan_->outputs()->Get(static_cast<flatbuffers::uoffset_t>(index));
  const fb::EValue* ev = plan_->values()->Get(static_cast<flatbuffers::uoffset_t>(v));
  return ev->val_type() == fb::KernelTypes::Tensor && ev->val_as_Tensor()->allocation_info() != nullptr;
}

Error Method::set_output_data_ptr(void* data, size_t size, size_t index) {
  EMBER_CHECK_OR_RETURN(initialized_, Error::InvalidState, "method is not initialized");
  EMBER_CHECK_OR_RETURN(index < num_outputs_, Error::InvalidArgument,
                        "method '%s': output %zu out of range (%zu outputs)", name(), index, num_outputs_);
  const EValue& out = get_output(index);
  EMBER_CHECK_OR_RETURN(out.is_tensor(), Error::InvalidArgument, "method '%s': output %zu is not a tensor", name(),
                        index);
  EMBER_CHECK_OR_RETURN(!output_is_memory_planned(index), Error::InvalidState,
                        "method '%s': output %zu lives in planned memory; its pointer cannot be replaced", name(),
                        index);
  TensorImpl* t = out.to_tensor().impl();
  EMBER_CHECK_OR_RETURN(size >= t->numel_capacity() * t->element_size(), Error::InvalidArgument,
                        "method '%s': output %zu needs %zu bytes, got %zu", name(), index,
                        t->numel_capacity() * t->element_size(), size);
  t->set_data(data);
  return Error::Ok;
}

// A tensor argument with elements but no memory (an unplanned value nothing
// has bound) would be dereferenced as null by the callee. The output (last
// argument) of a kernel that binds its output's data itself (et_view) is
// exempt; any other kernel would write through null (found by fuzz_bpte).
Error Method::check_arguments_have_data(const Instruction& ins, bool exempt_output) const {
  const EValue* output = ins.num_args > 0 ? ins.args[ins.num_args - 1] : nullptr;
  for (size_t a = 0; a < ins.num_args; ++a) {
    const EValue* v = ins.args[a];
    if (exempt_output && v == output) continue;
    if (v->is_tensor() && v->to_tensor().const_data_ptr() == nullptr && v->to_tensor().nbytes() > 0) {
      return fail(Error::InvalidState, "argument %zu (value %td) is a tensor without memory", a, v - values_);
    }
  }
  return Error::Ok;
}

Error Method::execute_instruction(size_t pc, size_t* next_pc) {
  Instruction& ins = instructions_[pc];
  switch (ins.kind) {
    case Instruction::Kind::Kernel: {
      Error missing_data = check_arguments_have_data(ins, ins.binds_output_data);
      if (missing_data != Error::Ok) {
        char op_name[128];
        detail::format_operator_name(ins.op, op_name, sizeof(op_name));
        return add_context(missing_data, "operator %s", op_name);
      }
      KernelRuntimeContext context(memory_manager_->temp_allocator(), options_.thread_pool);
      ins.fn(context, Span<EValue*>(ins.args, ins.num_args));
      if (context.failure_state() != Error::Ok) {
        char op_name[128];
        detail::format_operator_name(ins.op, op_name, sizeof(op_name));
        return add_context(context.failure_state(), "operator %s", op_name);
      }
      return Error::Ok;
    }
    case Instruction::Kind::Delegate: {
      DelegateState& state = delegates_[ins.a];
      EMBER_TRY_CTX(check_arguments_have_data(ins, false), "delegate %d (%s)", ins.a, state.id);
      BackendExecutionContext context{memory_manager_->temp_allocator(), options_.thread_pool, name(),
                                      options_.event_tracer, static_cast<uint32_t>(pc)};
      Error e = state.backend->execute(context, state.handle, Span<EValue*>(ins.args, ins.num_args));
      if (e != Error::Ok) return add_context(e, "delegate %d (%s)", ins.a, state.id);
      return Error::Ok;
    }
    case Instruction::Kind::Move:
      values_[ins.b] = values_[ins.a];
      return Error::Ok;
    case Instruction::Kind::JumpFalse: {
      const EValue& cond = values_[ins.a];
      bool value = false;
      if (cond.is_bool()) {
        value = cond.to_bool();
      } else if (cond.is_tensor() && cond.to_tensor().scalar_type() == ScalarType::Bool) {
        // A tensor condition holds when every element is true.
        Tensor t = cond.to_tensor();
        const auto* data = t.const_data_ptr<uint8_t>();
        EMBER_CHECK_OR_RETURN(data != nullptr || t.numel() == 0, Error::InvalidState,
                              "jump condition tensor has no data");
        value = true;
        for (size_t i = 0; i < t.numel(); ++i) value = value && data[i] != 0;
      } else {
        return fail(Error::InvalidType, "jump condition (value %d) is a %s, not a Bool", ins.a, tag_name(cond.tag()));
      }
      if (!value) *next_pc = static_cast<size_t>(ins.b);
      return Error::Ok;
    }
    case Instruction::Kind::Free:
      // Only DYNAMIC_UNBOUND tensors own freeable data, and those are refused
      // at init; planned memory is never freed.
      return Error::Ok;
  }
  return fail(Error::Internal, "unknown instruction kind");
}

void Method::trace_instruction(EventTracer* tracer, size_t pc, uint64_t start_ns) const {
  const Instruction& ins = instructions_[pc];
  ProfileEvent event;
  event.kind = EventKind::Control;
  event.index = static_cast<uint32_t>(pc);
  event.start_ns = start_ns;
  event.end_ns = EventTracer::now_ns();
  switch (ins.kind) {
    case Instruction::Kind::Kernel:
      event.kind = EventKind::Kernel;
      if (ins.op != nullptr && ins.op->name() != nullptr) event.name = ins.op->name()->c_str();
      if (ins.op != nullptr && ins.op->overload() != nullptr) event.detail = ins.op->overload()->c_str();
      break;
    case Instruction::Kind::Delegate:
      event.kind = EventKind::DelegateCall;
      if (delegates_[ins.a].id != nullptr) event.name = delegates_[ins.a].id;
      break;
    case Instruction::Kind::Move: event.name = "move"; break;
    case Instruction::Kind::JumpFalse: event.name = "jump_false"; break;
    case Instruction::Kind::Free: event.name = "free"; break;
  }
  tracer->record(event);
}

Error Method::execute() {
  EMBER_CHECK_OR_RETURN(initialized_, Error::InvalidState, "method is not initialized");
  bool expected = false;
  EMBER_CHECK_OR_RETURN(executing_.compare_exchange_strong(expected, true), Error::InvalidState,
                        "method '%s' is already executing (a Method is not re-entrant)", name());
  struct Reset {
    std::atomic<bool>& flag;
    ~Reset() { flag.store(false); }
  } reset{executing_};

  for (size_t i = 0; i < num_inputs_; ++i) {
    EMBER_CHECK_OR_RETURN(input_set_[i] || !get_input(i).is_tensor(), Error::InvalidState,
                          "method '%s': input %zu was not set", name(), i);
  }
  MemoryAllocator* temp = memory_manager_->temp_allocator();
  EventTracer* tracer = options_.event_tracer;
  size_t pc = 0;
  size_t count = 0;
  while (pc < num_instructions_) {
    if (++count > options_.max_instructions) {
      last_instruction_count_ = count - 1;
      return fail(Error::LimitExceeded, "method '%s': more than %zu instructions executed (endless loop?)", name(),
                  options_.max_instructions);
    }
    size_t next = pc + 1;
    uint64_t start_ns = tracer != nullptr ? EventTracer::now_ns() : 0;
    Error e = execute_instruction(pc, &next);
    if (tracer != nullptr) trace_instruction(tracer, pc, start_ns);
    if (temp != nullptr) temp->reset();
    if (e != Error::Ok) {
      last_instruction_count_ = count;
      return add_context(e, "method '%s': instruction %zu", name(), pc);
    }
    pc = next;
  }
  last_instruction_count_ = count;
  return Error::Ok;
}

}  // namespace ember
