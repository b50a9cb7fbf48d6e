// Program::verify_semantics: every number of the file the runtime will trust
// later, checked once at load. The flatbuffer verifier has already proved that
// tables, vectors and strings lie inside the buffer; this checks what they say.
#include <cstring>
#include <limits>

#include "runtime/executor/program.h"
#include "runtime/executor/schema_access.h"

namespace ember {

namespace fb = ::executorch_flatbuffer;
using detail::value_type;

namespace {

constexpr size_t kMaxOperatorNameLength = 127;

template <typename T>
size_t vsize(const flatbuffers::Vector<T>* v) {
  return v == nullptr ? 0 : v->size();
}

// The flatbuffers verifier only checks a vector's 4-byte length prefix; 8-byte
// elements must be aligned too before we read them.
template <typename T>
bool elements_aligned(const flatbuffers::Vector<T>* v) {
  return v == nullptr || reinterpret_cast<uintptr_t>(v->data()) % alignof(T) == 0;
}

struct PlanChecker {
  const fb::Program* program;
  const fb::ExecutionPlan* plan;
  const ProgramLoadOptions& options;
  uint64_t constant_segment_size;  // bytes of the constant segment (0 if none)
  const char* name;
  size_t num_values = 0;

  bool in_range(int64_t index) const { return index >= 0 && static_cast<uint64_t>(index) < num_values; }

  Error check_tensor(size_t i, const fb::Tensor* t) {
    int type = static_cast<int>(t->scalar_type());
    EMBER_CHECK_OR_RETURN(is_valid_scalar_type(type), Error::InvalidProgram, "value %zu: unknown scalar type %d", i,
                          type);
    EMBER_CHECK_OR_RETURN(t->storage_offset() == 0, Error::InvalidProgram,
                          "value %zu: storage_offset %d is not supported (must be 0)", i, t->storage_offset());
    size_t rank = detail::tensor_rank(t);
    EMBER_CHECK_OR_RETURN(rank <= kTensorDimensionLimit, Error::InvalidProgram,
                          "value %zu: rank %zu exceeds the limit of %zu", i, rank, kTensorDimensionLimit);
    size_t nbytes = 0;
    EMBER_CHECK_OR_RETURN(detail::tensor_nbytes(t, &nbytes), Error::InvalidProgram,
                          "value %zu: negative size or byte size overflow", i);
    // Strides are int32 and count every dimension of size >= 1, so they can
    // overflow even when a zero-size dimension makes the tensor empty.
    int64_t span = 1;
    for (size_t d = 0; d < rank; ++d) {
      int64_t s = t->sizes()->Get(static_cast<flatbuffers::uoffset_t>(d));
      span *= s > 1 ? s : 1;
      EMBER_CHECK_OR_RETURN(span <= std::numeric_limits<StridesType>::max(), Error::InvalidProgram,
                            "value %zu: sizes span more than %d elements (strides would overflow)", i,
                            std::numeric_limits<StridesType>::max());
    }
    if (t->dim_order() != nullptr) {
      EMBER_CHECK_OR_RETURN(t->dim_order()->size() == rank, Error::InvalidProgram,
                            "value %zu: dim_order has %u entries for rank %zu", i, t->dim_order()->size(), rank);
      EMBER_CHECK_OR_RETURN(is_valid_dim_order(ArrayRef<DimOrderType>(t->dim_order()->data(), rank)),
                            Error::InvalidProgram, "value %zu: dim_order is not a permutation of 0..%zu", i,
                            rank == 0 ? 0 : rank - 1);
    }
    int dynamism = static_cast<int>(t->shape_dynamism());
    EMBER_CHECK_OR_RETURN(dynamism >= 0 && dynamism <= 2, Error::InvalidProgram, "value %zu: unknown shape dynamism %d",
                          i, dynamism);
    const fb::ExtraTensorInfo* extra = t->extra_tensor_info();
    if (extra != nullptr) {
      int location = static_cast<int>(extra->location());
      EMBER_CHECK_OR_RETURN(location == 0 || location == 1, Error::InvalidProgram,
                            "value %zu: unknown data location %d", i, location);
      if (extra->location() == fb::TensorDataLocation::EXTERNAL) return Error::Ok;  // refused at init
    }
    const fb::AllocationDetails* alloc = t->allocation_info();
    uint32_t idx = t->data_buffer_idx();
    if (alloc != nullptr) {
      auto* sizes = plan->non_const_buffer_sizes();
      uint32_t id = alloc->memory_id();
      EMBER_CHECK_OR_RETURN(id >= 1 && id < vsize(sizes), Error::InvalidProgram,
                            "value %zu: memory id %u has no planned arena (%zu arenas)", i, id,
                            vsize(sizes) == 0 ? 0 : vsize(sizes) - 1);
      uint64_t arena = static_cast<uint64_t>(sizes->Get(id));
      uint64_t offset = detail::planned_offset(alloc);
      EMBER_CHECK_OR_RETURN(offset % element_size(static_cast<ScalarType>(type)) == 0, Error::InvalidProgram,
                            "value %zu: planned offset %llu is not aligned to its element size", i,
                            static_cast<unsigned long long>(offset));
      EMBER_CHECK_OR_RETURN(offset <= arena && nbytes <= arena - offset, Error::InvalidProgram,
                            "value %zu: planned at [%llu, +%zu) outside arena %u of %llu bytes", i,
                            static_cast<unsigned long long>(offset), nbytes, id, static_cast<unsigned long long>(arena));
      if (idx > 0) {
        uint64_t table = extra != nullptr ? extra->mutable_data_segments_idx() : 0;
        auto* tables = program->mutable_data_segments();
        EMBER_CHECK_OR_RETURN(table < vsize(tables), Error::InvalidProgram,
                              "value %zu: mutable data table %llu out of range", i,
                              static_cast<unsigned long long>(table));
        EMBER_CHECK_OR_RETURN(idx < vsize(tables->Get(static_cast<flatbuffers::uoffset_t>(table))->offsets()),
                              Error::InvalidProgram, "value %zu: initial value %u out of range", i, idx);
      }
    } else if (idx > 0) {
      auto* buffers = program->constant_buffer();
      if (vsize(buffers) > 0) {
        EMBER_CHECK_OR_RETURN(idx < buffers->size(), Error::InvalidProgram,
                              "value %zu: constant buffer %u out of range (%u buffers)", i, idx, buffers->size());
        EMBER_CHECK_OR_RETURN(nbytes <= vsize(buffers->Get(idx)->storage()), Error::InvalidProgram,
                              "value %zu: constant buffer %u holds %zu bytes, tensor needs %zu", i, idx,
                              vsize(buffers->Get(idx)->storage()), nbytes);
      } else {
        const fb::SubsegmentOffsets* cs = program->constant_segment();
        EMBER_CHECK_OR_RETURN(cs != nullptr && idx < vsize(cs->offsets()), Error::InvalidProgram,
                              "value %zu: constant %u not in the constant segment table", i, idx);
        uint64_t offset = cs->offsets()->Get(idx);
        EMBER_CHECK_OR_RETURN(offset % element_size(static_cast<ScalarType>(type)) == 0, Error::InvalidProgram,
                              "value %zu: constant offset %llu is not aligned to its element size", i,
                              static_cast<unsigned long long>(offset));
        EMBER_CHECK_OR_RETURN(offset <= constant_segment_size && nbytes <= constant_segment_size - offset,
                              Error::InvalidProgram, "value %zu: constant [%llu, +%zu) outside the constant segment of %llu bytes",
                              i, static_cast<unsigned long long>(offset), nbytes,
                              static_cast<unsigned long long>(constant_segment_size));
      }
    }
    return Error::Ok;
  }

  Error check_value_list(size_t i, const flatbuffers::Vector<int64_t>* items) {
    EMBER_CHECK_OR_RETURN(elements_aligned(items), Error::InvalidProgram, "value %zu: misaligned int list", i);
    for (size_t j = 0; j < vsize(items); ++j) {
      int64_t v = items->Get(static_cast<flatbuffers::uoffset_t>(j));
      EMBER_CHECK_OR_RETURN(in_range(v) && value_type(plan, v) == fb::KernelTypes::Int, Error::InvalidProgram,
                            "value %zu: int list item %zu refers to value %lld, which is not an Int", i, j,
                            static_cast<long long>(v));
    }
    return Error::Ok;
  }

  Error check_tensor_list(size_t i, const flatbuffers::Vector<int32_t>* items, bool optional) {
    for (size_t j = 0; j < vsize(items); ++j) {
      int32_t v = items->Get(static_cast<flatbuffers::uoffset_t>(j));
      if (optional && v == -1) continue;
      fb::KernelTypes type = value_type(plan, v);
      bool ok = in_range(v) && (type == fb::KernelTypes::Tensor || (optional && type == fb::KernelTypes::Null));
      EMBER_CHECK_OR_RETURN(ok, Error::InvalidProgram, "value %zu: tensor list item %zu refers to value %d, which is not a Tensor",
                            i, j, v);
    }
    return Error::Ok;
  }

  Error check_values() {
    auto* values = plan->values();
    num_values = vsize(values);
    for (size_t i = 0; i < num_values; ++i) {
      const fb::EValue* v = values->Get(static_cast<flatbuffers::uoffset_t>(i));
      fb::KernelTypes type = v->val_type();
      if (type == fb::KernelTypes::NONE || type == fb::KernelTypes::Null) continue;
      EMBER_CHECK_OR_RETURN(type <= fb::KernelTypes::MAX, Error::InvalidProgram, "value %zu: unknown value type %d", i,
                            static_cast<int>(type));
      EMBER_CHECK_OR_RETURN(v->val() != nullptr, Error::InvalidProgram, "value %zu: type %s without data", i,
                            fb::EnumNameKernelTypes(type));
      switch (type) {
        case fb::KernelTypes::Tensor:
          EMBER_TRY(check_tensor(i, v->val_as_Tensor()));
          break;
        case fb::KernelTypes::IntList:
          EMBER_TRY(check_value_list(i, v->val_as_IntList()->items()));
          break;
        case fb::KernelTypes::DoubleList:
          EMBER_CHECK_OR_RETURN(elements_aligned(v->val_as_DoubleList()->items()), Error::InvalidProgram,
                                "value %zu: misaligned double list", i);
          break;
        case fb::KernelTypes::TensorList:
          EMBER_TRY(check_tensor_list(i, v->val_as_TensorList()->items(), false));
          break;
        case fb::KernelTypes::OptionalTensorList:
          EMBER_TRY(check_tensor_list(i, v->val_as_OptionalTensorList()->items(), true));
          break;
        default:
          break;
      }
    }
    return Error::Ok;
  }

  Error check_io() {
    for (size_t k = 0; k < vsize(plan->inputs()); ++k) {
      int32_t v = plan->inputs()->Get(static_cast<flatbuffers::uoffset_t>(k));
      EMBER_CHECK_OR_RETURN(in_range(v), Error::InvalidProgram, "input %zu refers to value %d of %zu", k, v, num_values);
      fb::KernelTypes t = value_type(plan, v);
      EMBER_CHECK_OR_RETURN(t == fb::KernelTypes::Tensor || t == fb::KernelTypes::Int || t == fb::KernelTypes::Double ||
                                t == fb::KernelTypes::Bool || t == fb::KernelTypes::String || t == fb::KernelTypes::Null,
                            Error::InvalidProgram, "input %zu (value %d) has unsupported type %s", k, v,
                            fb::EnumNameKernelTypes(t));
    }
    for (size_t k = 0; k < vsize(plan->outputs()); ++k) {
      int32_t v = plan->outputs()->Get(static_cast<flatbuffers::uoffset_t>(k));
      EMBER_CHECK_OR_RETURN(in_range(v), Error::InvalidProgram, "output %zu refers to value %d of %zu", k, v,
                            num_values);
    }
    return Error::Ok;
  }

  Error check_arenas() {
    auto* sizes = plan->non_const_buffer_sizes();
    EMBER_CHECK_OR_RETURN(elements_aligned(sizes), Error::InvalidProgram, "misaligned arena size list");
    uint64_t total = 0;
    for (size_t k = 1; k < vsize(sizes); ++k) {
      int64_t s = sizes->Get(static_cast<flatbuffers::uoffset_t>(k));
      EMBER_CHECK_OR_RETURN(s >= 0, Error::InvalidProgram, "arena %zu has negative size %lld", k,
                            static_cast<long long>(s));
      EMBER_CHECK_OR_RETURN(!__builtin_add_overflow(total, static_cast<uint64_t>(s), &total) &&
                                total <= options.max_planned_bytes,
                            Error::LimitExceeded, "planned arenas need more than the load limit of %llu bytes",
                            static_cast<unsigned long long>(options.max_planned_bytes));
    }
    return Error::Ok;
  }

  Error check_operators_and_delegates() {
    for (size_t k = 0; k < vsize(plan->operators()); ++k) {
      const fb::Operator* op = plan->operators()->Get(static_cast<flatbuffers::uoffset_t>(k));
      EMBER_CHECK_OR_RETURN(op->name() != nullptr, Error::InvalidProgram, "operator %zu has no name", k);
      size_t len = op->name()->size() + (op->overload() != nullptr ? op->overload()->size() + 1 : 0);
      EMBER_CHECK_OR_RETURN(len <= kMaxOperatorNameLength && std::strlen(op->name()->c_str()) == op->name()->size(),
                            Error::InvalidProgram, "operator %zu: name is longer than %zu bytes or malformed", k,
                            kMaxOperatorNameLength);
    }
    for (size_t k = 0; k < vsize(plan->delegates()); ++k) {
      const fb::BackendDelegate* d = plan->delegates()->Get(static_cast<flatbuffers::uoffset_t>(k));
      EMBER_CHECK_OR_RETURN(d->id() != nullptr && d->processed() != nullptr, Error::InvalidProgram,
                            "delegate %zu has no backend id or no data reference", k);
      const fb::BackendDelegateDataReference* ref = d->processed();
      uint64_t bytes = 0;
      if (ref->location() == fb::DataLocation::INLINE) {
        auto* inl = program->backend_delegate_data();
        EMBER_CHECK_OR_RETURN(ref->index() < vsize(inl), Error::InvalidProgram,
                              "delegate %zu (%s): inline data %u out of range", k, d->id()->c_str(), ref->index());
        EMBER_CHECK_OR_RETURN(inl->Get(ref->index())->data() != nullptr, Error::InvalidProgram,
                              "delegate %zu (%s): inline data %u is empty", k, d->id()->c_str(), ref->index());
        bytes = inl->Get(ref->index())->data()->size();
      } else if (ref->location() == fb::DataLocation::SEGMENT) {
        EMBER_CHECK_OR_RETURN(ref->index() < vsize(program->segments()), Error::InvalidProgram,
                              "delegate %zu (%s): segment %u out of range", k, d->id()->c_str(), ref->index());
        bytes = program->segments()->Get(ref->index())->size();
      } else {
        return fail(Error::InvalidProgram, "delegate %zu (%s): unknown data location %d", k, d->id()->c_str(),
                    static_cast<int>(ref->location()));
      }
      EMBER_CHECK_OR_RETURN(bytes <= options.max_delegate_blob_bytes, Error::LimitExceeded,
                            "delegate %zu (%s): blob of %llu bytes exceeds the load limit of %llu", k,
                            d->id()->c_str(), static_cast<unsigned long long>(bytes),
                            static_cast<unsigned long long>(options.max_delegate_blob_bytes));
      for (size_t s = 0; s < vsize(d->compile_specs()); ++s) {
        EMBER_CHECK_OR_RETURN(d->compile_specs()->Get(static_cast<flatbuffers::uoffset_t>(s))->key() != nullptr,
                              Error::InvalidProgram, "delegate %zu: compile spec %zu has no key", k, s);
      }
    }
    return Error::Ok;
  }

  bool is_constant_tensor(int64_t v) const {
    if (value_type(plan, v) != fb::KernelTypes::Tensor) return false;
    const fb::Tensor* t = plan->values()->Get(static_cast<flatbuffers::uoffset_t>(v))->val_as_Tensor();
    return t->data_buffer_idx() > 0 && t->allocation_info() == nullptr;
  }

  Error check_args(size_t c, size_t k, const flatbuffers::Vector<int32_t>* args) {
    for (size_t a = 0; a < vsize(args); ++a) {
      int32_t v = args->Get(static_cast<flatbuffers::uoffset_t>(a));
      EMBER_CHECK_OR_RETURN(in_range(v), Error::InvalidProgram, "chain %zu instruction %zu: argument %zu refers to value %d of %zu",
                            c, k, a, v, num_values);
    }
    return Error::Ok;
  }

  Error check_chains() {
    for (size_t c = 0; c < vsize(plan->chains()); ++c) {
      const fb::Chain* chain = plan->chains()->Get(static_cast<flatbuffers::uoffset_t>(c));
      size_t n = vsize(chain->instructions());
      for (size_t k = 0; k < n; ++k) {
        const fb::Instruction* ins = chain->instructions()->Get(static_cast<flatbuffers::uoffset_t>(k));
        fb::InstructionArguments type = ins->instr_args_type();
        EMBER_CHECK_OR_RETURN(type != fb::InstructionArguments::NONE && type <= fb::InstructionArguments::MAX &&
                                  ins->instr_args() != nullptr,
                              Error::InvalidProgram, "chain %zu instruction %zu: unknown or empty instruction (type %d)", c,
                              k, static_cast<int>(type));
        switch (type) {
          case fb::InstructionArguments::KernelCall: {
            const fb::KernelCall* call = ins->instr_args_as_KernelCall();
            EMBER_CHECK_OR_RETURN(call->op_index() >= 0 && static_cast<size_t>(call->op_index()) < vsize(plan->operators()),
                                  Error::InvalidProgram, "chain %zu instruction %zu: operator index %d out of range", c,
                                  k, call->op_index());
            EMBER_TRY(check_args(c, k, call->args()));
            if (vsize(call->args()) > 0) {
              int32_t out = call->args()->Get(call->args()->size() - 1);
              bool constant_out = is_constant_tensor(out);
              if (value_type(plan, out) == fb::KernelTypes::TensorList) {
                auto* items = plan->values()->Get(static_cast<flatbuffers::uoffset_t>(out))->val_as_TensorList()->items();
                for (size_t j = 0; j < vsize(items); ++j) constant_out = constant_out || is_constant_tensor(items->Get(j));
              }
              EMBER_CHECK_OR_RETURN(!constant_out, Error::InvalidProgram,
                                    "chain %zu instruction %zu: output value %d is constant data", c, k, out);
            }
            break;
          }
          case fb::InstructionArguments::DelegateCall: {
            const fb::DelegateCall* call = ins->instr_args_as_DelegateCall();
            EMBER_CHECK_OR_RETURN(call->delegate_index() >= 0 &&
                                      static_cast<size_t>(call->delegate_index()) < vsize(plan->delegates()),
                                  Error::InvalidProgram, "chain %zu instruction %zu: delegate index %d out of range", c,
                                  k, call->delegate_index());
            EMBER_TRY(check_args(c, k, call->args()));
            break;
          }
          case fb::InstructionArguments::MoveCall: {
            const fb::MoveCall* mv = ins->instr_args_as_MoveCall();
            EMBER_CHECK_OR_RETURN(in_range(mv->move_from()) && in_range(mv->move_to()), Error::InvalidProgram,
                                  "chain %zu instruction %zu: move %d -> %d out of range", c, k, mv->move_from(),
                                  mv->move_to());
            // Values keep their type for the whole run; lists rely on it.
            EMBER_CHECK_OR_RETURN(value_type(plan, mv->move_from()) == value_type(plan, mv->move_to()),
                                  Error::InvalidProgram, "chain %zu instruction %zu: move between values of different types",
                                  c, k);
            break;
          }
          case fb::InstructionArguments::JumpFalseCall: {
            const fb::JumpFalseCall* j = ins->instr_args_as_JumpFalseCall();
            fb::KernelTypes t = value_type(plan, j->cond_value_index());
            EMBER_CHECK_OR_RETURN(in_range(j->cond_value_index()) &&
                                      (t == fb::KernelTypes::Bool || t == fb::KernelTypes::Tensor),
                                  Error::InvalidProgram, "chain %zu instruction %zu: jump condition %d is not a Bool", c,
                                  k, j->cond_value_index());
            EMBER_CHECK_OR_RETURN(j->destination_instruction() >= 0 &&
                                      static_cast<size_t>(j->destination_instruction()) <= n,
                                  Error::InvalidProgram, "chain %zu instruction %zu: jump destination %d out of range", c,
                                  k, j->destination_instruction());
            break;
          }
          case fb::InstructionArguments::FreeCall: {
            int32_t v = ins->instr_args_as_FreeCall()->value_index();
            EMBER_CHECK_OR_RETURN(in_range(v) && value_type(plan, v) == fb::KernelTypes::Tensor, Error::InvalidProgram,
                                  "chain %zu instruction %zu: free of value %d, which is not a tensor", c, k, v);
            break;
          }
          default:
            break;
        }
      }
    }
    return Error::Ok;
  }
};

}  // namespace

Error Program::verify_semantics() {
  const fb::Program* p = program_;
  uint64_t segment_space = segment_base_offset_ == 0 ? 0 : file_size_ - segment_base_offset_;
  for (size_t i = 0; i < vsize(p->segments()); ++i) {
    const fb::DataSegment* s = p->segments()->Get(static_cast<flatbuffers::uoffset_t>(i));
    uint64_t end = 0;
    EMBER_CHECK_OR_RETURN(!__builtin_add_overflow(s->offset(), s->size(), &end) && (s->size() == 0 || end <= segment_space),
                          Error::InvalidProgram, "segment %zu: [%llu, +%llu) outside the %llu bytes of segment data", i,
                          static_cast<unsigned long long>(s->offset()), static_cast<unsigned long long>(s->size()),
                          static_cast<unsigned long long>(segment_space));
  }
  uint64_t constant_segment_size = 0;
  const fb::SubsegmentOffsets* cs = p->constant_segment();
  EMBER_CHECK_OR_RETURN(cs == nullptr || elements_aligned(cs->offsets()), Error::InvalidProgram,
                        "misaligned constant segment offsets");
  if (cs != nullptr && vsize(cs->offsets()) > 1) {
    EMBER_CHECK_OR_RETURN(vsize(p->constant_buffer()) == 0, Error::InvalidProgram,
                          "program has both inline constant buffers and a constant segment");
    EMBER_CHECK_OR_RETURN(cs->segment_index() < vsize(p->segments()), Error::InvalidProgram,
                          "constant segment index %u out of range", cs->segment_index());
    constant_segment_size = p->segments()->Get(cs->segment_index())->size();
  }
  for (size_t i = 0; i < vsize(p->mutable_data_segments()); ++i) {
    const fb::SubsegmentOffsets* m = p->mutable_data_segments()->Get(static_cast<flatbuffers::uoffset_t>(i));
    EMBER_CHECK_OR_RETURN(elements_aligned(m->offsets()), Error::InvalidProgram,
                          "mutable data table %zu: misaligned offsets", i);
    EMBER_CHECK_OR_RETURN(vsize(m->offsets()) == 0 || m->segment_index() < vsize(p->segments()), Error::InvalidProgram,
                          "mutable data table %zu: segment %u out of range", i, m->segment_index());
  }
  for (size_t i = 0; i < vsize(p->named_data()); ++i) {
    const fb::NamedData* d = p->named_data()->Get(static_cast<flatbuffers::uoffset_t>(i));
    EMBER_CHECK_OR_RETURN(d->key() != nullptr && d->segment_index() < vsize(p->segments()), Error::InvalidProgram,
                          "named data %zu: missing key or segment %u out of range", i, d->segment_index());
  }
  for (size_t m = 0; m < vsize(p->execution_plan()); ++m) {
    const fb::ExecutionPlan* plan = p->execution_plan()->Get(static_cast<flatbuffers::uoffset_t>(m));
    EMBER_CHECK_OR_RETURN(plan->name() != nullptr, Error::InvalidProgram, "method %zu has no name", m);
    PlanChecker checker{p, plan, options_, constant_segment_size, plan->name()->c_str()};
    Error e = checker.check_arenas();
    if (e == Error::Ok) e = checker.check_values();
    if (e == Error::Ok) e = checker.check_io();
    if (e == Error::Ok) e = checker.check_operators_and_delegates();
    if (e == Error::Ok) e = checker.check_chains();
    if (e != Error::Ok) return add_context(e, "program: method '%s'", plan->name()->c_str());
  }
  return Error::Ok;
}

}  // namespace ember
