#include "exir/emit/pte_reader.h"

#include <flatbuffers/flatbuffers.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "runtime/executor/extended_header.h"
#include "runtime/executor/program.h"
#include "runtime/loader/buffer_data_loader.h"
#include "schema/program_generated.h"

namespace ember {

namespace fb = executorch_flatbuffer;

namespace {

uint64_t align_up(uint64_t value, uint64_t alignment) {
  return alignment <= 1 ? value : (value + alignment - 1) / alignment * alignment;
}

Error refuse(const char* what) { return fail(Error::NotSupported, "pte reader: %s", what); }

template <typename T>
std::vector<T> to_vector(const flatbuffers::Vector<T>* v) {
  return v == nullptr ? std::vector<T>() : std::vector<T>(v->begin(), v->end());
}

std::string to_string(const flatbuffers::String* s) { return s == nullptr ? std::string() : s->str(); }

// One sub-segment table (constants or mutable initial values) of the file:
// its segment's bytes and start offsets, entry 0 being the empty placeholder.
struct SubsegmentTable {
  const uint8_t* bytes = nullptr;
  uint64_t size = 0;
  std::vector<uint64_t> offsets;
  // Per entry, the largest tensor reading it (0: no tensor reads it).
  std::vector<uint64_t> used_bytes;
};

// The data of entry i when the table is re-packed at `alignment`. The
// builder pads with zeros up to the next aligned offset and leaves the last
// entry unpadded, so an entry is trimmed to the bytes its tensors read only
// where that re-creates the file's bytes and offsets exactly; otherwise the
// entry keeps its padding (whatever it holds) as data, which reproduces the
// file too, since every offset is a multiple of `alignment`.
std::vector<uint8_t> entry_bytes(const SubsegmentTable& t, size_t i, uint64_t alignment, bool* trimmed) {
  const uint64_t begin = t.offsets[i];
  const uint64_t end = i + 1 < t.offsets.size() ? t.offsets[i + 1] : t.size;
  uint64_t length = end - begin;
  const uint64_t used = t.used_bytes[i];
  *trimmed = false;
  if (used > 0 && used < length) {
    const bool padding_zero = std::all_of(t.bytes + begin + used, t.bytes + end, [](uint8_t b) { return b == 0; });
    const bool last = i + 1 == t.offsets.size();
    const bool repacks = last ? false : align_up(begin + used, alignment) == end;
    if (padding_zero && repacks) {
      length = used;
      *trimmed = true;
    }
  }
  return std::vector<uint8_t>(t.bytes + begin, t.bytes + begin + length);
}

bool offsets_aligned(const SubsegmentTable& t, uint64_t alignment) {
  return std::all_of(t.offsets.begin(), t.offsets.end(), [&](uint64_t o) { return o % alignment == 0; });
}

class PteReader final {
 public:
  PteReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  Result<std::unique_ptr<ProgramBuilder>> read() {
    EMBER_TRY(load_and_parse());
    EMBER_TRY(check_segment_order());
    EMBER_TRY(read_tables());
    EMBER_TRY(choose_options());
    builder_ = std::make_unique<ProgramBuilder>(options_);
    EMBER_TRY(add_program_data());
    for (uint32_t m = 0; m < program_->execution_plan()->size(); ++m) {
      EMBER_TRY_CTX(add_method(program_->execution_plan()->Get(m)), "method %u", m);
    }
    return std::move(builder_);
  }

 private:
  Error load_and_parse() {
    BufferDataLoader loader(data_, size_);
    auto loaded = Program::load(&loader);
    if (!loaded.ok()) return add_context(loaded.error(), "pte reader: Program::load refused the file: ");
    auto header = ExtendedHeader::parse(data_, size_);
    if (header.ok()) {
      header_ = *header;
      has_header_ = true;
    } else if (header.error() != Error::NotFound) {
      return header.error();
    }
    program_ = fb::GetProgram(data_);
    const auto* p = program_;
    if (p->execution_plan() == nullptr || p->constant_buffer() == nullptr || p->backend_delegate_data() == nullptr ||
        p->segments() == nullptr || p->constant_segment() == nullptr || p->constant_segment()->offsets() == nullptr) {
      return refuse("a Program vector or constant_segment is absent; the builder always writes them");
    }
    return Error::Ok;
  }

  // ProgramBuilder numbers segments in one fixed order: the constant segment,
  // the mutable data segment, delegate blobs in order of use, named data.
  Error check_segment_order() {
    const auto* p = program_;
    inline_constants_ = p->constant_buffer()->size() > 0;
    uint32_t next = 0;
    if (inline_constants_) {
      if (p->constant_segment()->segment_index() != 0 || p->constant_segment()->offsets()->size() != 0) {
        return refuse("inline constant_buffer together with a constant segment");
      }
      if (p->constant_buffer()->Get(0)->storage() == nullptr || p->constant_buffer()->Get(0)->storage()->size() != 0) {
        return refuse("constant_buffer entry 0 is not the empty placeholder");
      }
    } else {
      if (p->constant_segment()->segment_index() != 0 || p->segments()->size() == 0 ||
          p->constant_segment()->offsets()->size() == 0) {
        return refuse("the constant segment is not segment 0 with a placeholder entry");
      }
      next = 1;
    }
    if (p->mutable_data_segments() != nullptr) {
      const auto* tables = p->mutable_data_segments();
      if (tables->size() != 1 || tables->Get(0)->offsets() == nullptr || tables->Get(0)->offsets()->size() < 2 ||
          tables->Get(0)->segment_index() != next) {
        return refuse("mutable_data_segments is not one table right after the constant segment");
      }
      ++next;
    }
    uint32_t next_inline = 0;
    for (const auto* plan : *p->execution_plan()) {
      if (plan->delegates() == nullptr) return refuse("an ExecutionPlan has no delegates vector");
      for (const auto* d : *plan->delegates()) {
        if (d->processed() == nullptr) return refuse("a delegate without processed data");
        const bool segment = d->processed()->location() == fb::DataLocation::SEGMENT;
        uint32_t& expected = segment ? next : next_inline;
        if (d->processed()->index() != expected) {
          return refuse("delegate blobs are not in order of use, or one blob is shared");
        }
        ++expected;
      }
    }
    if (p->named_data() != nullptr) {
      for (const auto* named : *p->named_data()) {
        if (named->segment_index() != next++) return refuse("named data segments are not in order after delegates");
      }
    }
    if (next != p->segments()->size() || next_inline != p->backend_delegate_data()->size()) {
      return refuse("a segment or inline blob that nothing references");
    }
    return Error::Ok;
  }

  Error read_tables() {
    const auto* p = program_;
    if (!inline_constants_) {
      EMBER_TRY(read_table(p->constant_segment(), &constants_));
    }
    if (p->mutable_data_segments() != nullptr) {
      EMBER_TRY(read_table(p->mutable_data_segments()->Get(0), &mutable_));
    }
    // Bytes each entry must keep: the largest tensor reading it.
    for (const auto* plan : *p->execution_plan()) {
      if (plan->values() == nullptr) continue;
      for (const auto* v : *plan->values()) {
        const auto* t = v->val_as_Tensor();
        if (t == nullptr || t->data_buffer_idx() == 0) continue;
        SubsegmentTable& table = t->allocation_info() == nullptr ? constants_ : mutable_;
        std::vector<int32_t> sizes = to_vector(t->sizes());
        const uint64_t nbytes = tensor_nbytes(static_cast<ScalarType>(t->scalar_type()), sizes);
        if (t->data_buffer_idx() < table.used_bytes.size()) {
          table.used_bytes[t->data_buffer_idx()] = std::max(table.used_bytes[t->data_buffer_idx()], nbytes);
        }
      }
    }
    return Error::Ok;
  }

  Error read_table(const fb::SubsegmentOffsets* offsets, SubsegmentTable* table) {
    const auto* segment = program_->segments()->Get(offsets->segment_index());
    table->bytes = segment_bytes(segment);
    table->size = segment->size();
    table->offsets = to_vector(offsets->offsets());
    table->used_bytes.assign(table->offsets.size(), 0);
    if (table->offsets[0] != 0 || (table->offsets.size() > 1 && table->offsets[1] != 0)) {
      return refuse("sub-segment entry 0 is not an empty placeholder at offset 0");
    }
    for (size_t i = 1; i < table->offsets.size(); ++i) {
      if (table->offsets[i] < table->offsets[i - 1] || table->offsets[i] > table->size) {
        return refuse("sub-segment offsets are not increasing within their segment");
      }
    }
    return Error::Ok;
  }

  const uint8_t* segment_bytes(const fb::DataSegment* segment) const {
    return data_ + header_.segment_base_offset + segment->offset();
  }

  Error choose_options() {
    options_.version = program_->version();
    options_.constant_segment = !inline_constants_;
    if (has_header_) options_.header_length = header_.length;
    EMBER_TRY(choose_segment_alignment());
    choose_constant_alignment();
    return Error::Ok;
  }

  // The alignment ProgramBuilder must use to place every segment where the
  // file has it: 128 (ExecuTorch's default) when that fits, else the smallest
  // power of two that does. Gaps larger than alignment cannot be written.
  Error choose_segment_alignment() {
    std::vector<uint64_t> candidates{128};
    for (uint64_t a = 1; a <= (uint64_t{1} << 30); a <<= 1) candidates.push_back(a);
    for (uint64_t a : candidates) {
      if (has_header_ && header_.segment_base_offset % a != 0) continue;
      uint64_t end = 0;
      bool fits = true;
      for (const auto* s : *program_->segments()) {
        fits = fits && align_up(end, a) == s->offset();
        end = s->offset() + s->size();
      }
      if (fits) {
        options_.segment_alignment = a;
        return Error::Ok;
      }
    }
    return refuse("segment offsets leave gaps no segment alignment reproduces");
  }

  // The constant alignment with which most entries can be written at their
  // exact size (16, ExecuTorch's default, preferred). Any power of two that
  // divides every offset reproduces the file (see entry_bytes).
  void choose_constant_alignment() {
    std::vector<uint64_t> candidates{16};
    for (uint64_t a = 1; a <= 4096; a <<= 1) candidates.push_back(a);
    int best_trimmed = -1;
    for (uint64_t a : candidates) {
      if (!offsets_aligned(constants_, a) || !offsets_aligned(mutable_, a)) continue;
      int trimmed = 0;
      for (const SubsegmentTable* t : {&constants_, &mutable_}) {
        for (size_t i = 1; i < t->offsets.size(); ++i) {
          bool exact = false;
          entry_bytes(*t, i, a, &exact);
          trimmed += exact ? 1 : 0;
        }
      }
      if (trimmed > best_trimmed) {
        best_trimmed = trimmed;
        options_.constant_alignment = a;
      }
    }
  }

  Error add_program_data() {
    const auto* p = program_;
    bool trimmed = false;
    if (inline_constants_) {
      for (uint32_t i = 1; i < p->constant_buffer()->size(); ++i) {
        const auto* storage = p->constant_buffer()->Get(i)->storage();
        if (storage == nullptr) return refuse("a constant_buffer entry without storage");
        builder_->add_constant(storage->data(), storage->size());
      }
    }
    for (size_t i = 1; i < constants_.offsets.size(); ++i) {
      const std::vector<uint8_t> bytes = entry_bytes(constants_, i, options_.constant_alignment, &trimmed);
      builder_->add_constant(bytes.data(), bytes.size());
    }
    for (size_t i = 1; i < mutable_.offsets.size(); ++i) {
      const std::vector<uint8_t> bytes = entry_bytes(mutable_, i, options_.constant_alignment, &trimmed);
      builder_->add_mutable_data(bytes.data(), bytes.size());
    }
    if (p->named_data() != nullptr) {
      for (const auto* named : *p->named_data()) {
        if (named->key() == nullptr) return refuse("named data without a key");
        const auto* segment = p->segments()->Get(named->segment_index());
        const uint8_t* bytes = segment_bytes(segment);
        builder_->add_named_data(named->key()->str(), std::vector<uint8_t>(bytes, bytes + segment->size()));
      }
    }
    return Error::Ok;
  }

  Error add_method(const fb::ExecutionPlan* plan) {
    if (plan->name() == nullptr || plan->values() == nullptr || plan->inputs() == nullptr ||
        plan->outputs() == nullptr || plan->chains() == nullptr || plan->operators() == nullptr ||
        plan->non_const_buffer_sizes() == nullptr) {
      return refuse("an ExecutionPlan field the builder always writes is absent");
    }
    MethodBuilder& m = builder_->add_method(plan->name()->str());
    if (const auto* meta = plan->container_meta_type()) {
      if (meta->encoded_inp_str() == nullptr || meta->encoded_out_str() == nullptr) {
        return refuse("container_meta_type with an absent string");
      }
      m.set_container_meta(meta->encoded_inp_str()->str(), meta->encoded_out_str()->str());
    }
    for (uint32_t i = 0; i < plan->values()->size(); ++i) {
      EMBER_TRY_CTX(add_value(m, plan->values()->Get(i)), "value %u", i);
    }
    m.set_inputs(to_vector(plan->inputs()));
    m.set_outputs(to_vector(plan->outputs()));
    for (uint32_t i = 0; i < plan->operators()->size(); ++i) {
      const auto* op = plan->operators()->Get(i);
      if (op->name() == nullptr || op->overload() == nullptr) return refuse("an operator without name or overload");
      if (m.add_operator(op->name()->str(), op->overload()->str()) != static_cast<int>(i)) {
        return refuse("the operator table lists one operator twice");
      }
    }
    for (const auto* d : *plan->delegates()) EMBER_TRY(add_delegate(m, d));
    if (plan->chains()->size() != 1) return refuse("the builder writes exactly one chain per method");
    const auto* chain = plan->chains()->Get(0);
    if (chain->inputs() == nullptr || chain->inputs()->size() != 0 || chain->outputs() == nullptr ||
        chain->outputs()->size() != 0 || chain->instructions() == nullptr || chain->stacktrace() != nullptr) {
      return refuse("chain inputs/outputs or a stacktrace; the builder writes them empty / absent");
    }
    for (uint32_t i = 0; i < chain->instructions()->size(); ++i) {
      EMBER_TRY_CTX(add_instruction(m, chain->instructions()->Get(i)), "instruction %u", i);
    }
    m.set_arena_sizes(to_vector(plan->non_const_buffer_sizes()));
    return Error::Ok;
  }

  Error add_delegate(MethodBuilder& m, const fb::BackendDelegate* d) {
    if (d->id() == nullptr || d->compile_specs() == nullptr) return refuse("a delegate without id or compile_specs");
    std::vector<CompileSpecEntry> specs;
    for (const auto* spec : *d->compile_specs()) {
      if (spec->key() == nullptr || spec->value() == nullptr) return refuse("a compile spec without key or value");
      specs.push_back({spec->key()->str(), to_vector(spec->value())});
    }
    const bool segment = d->processed()->location() == fb::DataLocation::SEGMENT;
    std::vector<uint8_t> blob;
    if (segment) {
      const auto* s = program_->segments()->Get(d->processed()->index());
      blob.assign(segment_bytes(s), segment_bytes(s) + s->size());
    } else {
      const auto* inline_data = program_->backend_delegate_data()->Get(d->processed()->index())->data();
      if (inline_data == nullptr) return refuse("inline delegate data without bytes");
      blob = to_vector(inline_data);
    }
    m.add_delegate(d->id()->str(), std::move(blob), segment ? BlobLocation::Segment : BlobLocation::Inline,
                   std::move(specs));
    return Error::Ok;
  }

  Error add_value(MethodBuilder& m, const fb::EValue* v) {
    switch (v->val_type()) {
      case fb::KernelTypes::Null:
        m.add_none();
        return Error::Ok;
      case fb::KernelTypes::Int:
        m.add_int(v->val_as_Int()->int_val());
        return Error::Ok;
      case fb::KernelTypes::Bool:
        m.add_bool(v->val_as_Bool()->bool_val());
        return Error::Ok;
      case fb::KernelTypes::Double:
        m.add_double(v->val_as_Double()->double_val());
        return Error::Ok;
      case fb::KernelTypes::String:
        if (v->val_as_String()->string_val() == nullptr) return refuse("a String value without a string");
        m.add_string(v->val_as_String()->string_val()->str());
        return Error::Ok;
      case fb::KernelTypes::IntList:
        if (v->val_as_IntList()->items() == nullptr) return refuse("a list value without items");
        m.add_int_list(to_vector(v->val_as_IntList()->items()));
        return Error::Ok;
      case fb::KernelTypes::DoubleList:
        if (v->val_as_DoubleList()->items() == nullptr) return refuse("a list value without items");
        m.add_double_list(to_vector(v->val_as_DoubleList()->items()));
        return Error::Ok;
      case fb::KernelTypes::BoolList: {
        if (v->val_as_BoolList()->items() == nullptr) return refuse("a list value without items");
        const auto* items = v->val_as_BoolList()->items();
        m.add_bool_list(std::vector<bool>(items->begin(), items->end()));
        return Error::Ok;
      }
      case fb::KernelTypes::TensorList:
        if (v->val_as_TensorList()->items() == nullptr) return refuse("a list value without items");
        m.add_tensor_list(to_vector(v->val_as_TensorList()->items()));
        return Error::Ok;
      case fb::KernelTypes::OptionalTensorList:
        if (v->val_as_OptionalTensorList()->items() == nullptr) return refuse("a list value without items");
        m.add_optional_tensor_list(to_vector(v->val_as_OptionalTensorList()->items()));
        return Error::Ok;
      case fb::KernelTypes::Tensor:
        return add_tensor(m, v->val_as_Tensor());
      default:
        return refuse("an EValue without a value (the builder writes Null for None)");
    }
  }

  Error add_tensor(MethodBuilder& m, const fb::Tensor* t) {
    if (t->sizes() == nullptr || t->dim_order() == nullptr) return refuse("a tensor without sizes or dim_order");
    TensorSpec spec;
    spec.scalar_type = static_cast<ScalarType>(t->scalar_type());
    spec.sizes = to_vector(t->sizes());
    spec.dim_order = to_vector(t->dim_order());
    spec.dynamism = static_cast<TensorShapeDynamism>(t->shape_dynamism());
    spec.storage_offset = t->storage_offset();
    spec.requires_grad = t->requires_grad();
    spec.layout = t->layout();
    spec.data_buffer_idx = t->data_buffer_idx();
    if (const auto* a = t->allocation_info()) {
      spec.planned = true;
      spec.mem_id = a->memory_id();
      spec.mem_offset = uint64_t{a->memory_offset_low()} | uint64_t{a->memory_offset_high()} << 32;
    }
    if (const auto* extra = t->extra_tensor_info()) {
      spec.has_extra_info = true;
      spec.mutable_data_segments_idx = extra->mutable_data_segments_idx();
      spec.fully_qualified_name = to_string(extra->fully_qualified_name());
      spec.external = extra->location() == fb::TensorDataLocation::EXTERNAL;
    }
    m.add_tensor(spec);
    return Error::Ok;
  }

  Error add_instruction(MethodBuilder& m, const fb::Instruction* in) {
    switch (in->instr_args_type()) {
      case fb::InstructionArguments::KernelCall: {
        const auto* call = in->instr_args_as_KernelCall();
        if (call->args() == nullptr) return refuse("a kernel call without args");
        m.add_kernel_call(call->op_index(), to_vector(call->args()));
        return Error::Ok;
      }
      case fb::InstructionArguments::DelegateCall: {
        const auto* call = in->instr_args_as_DelegateCall();
        if (call->args() == nullptr) return refuse("a delegate call without args");
        m.add_delegate_call(call->delegate_index(), to_vector(call->args()));
        return Error::Ok;
      }
      case fb::InstructionArguments::MoveCall:
        m.add_move_call(in->instr_args_as_MoveCall()->move_from(), in->instr_args_as_MoveCall()->move_to());
        return Error::Ok;
      case fb::InstructionArguments::JumpFalseCall: {
        const auto* call = in->instr_args_as_JumpFalseCall();
        m.add_jump_false_call(call->cond_value_index(), call->destination_instruction());
        return Error::Ok;
      }
      case fb::InstructionArguments::FreeCall:
        m.add_free_call(in->instr_args_as_FreeCall()->value_index());
        return Error::Ok;
      default:
        return refuse("an instruction without arguments");
    }
  }

  const uint8_t* data_;
  size_t size_;
  ExtendedHeader header_;
  bool has_header_ = false;
  const fb::Program* program_ = nullptr;
  bool inline_constants_ = false;
  SubsegmentTable constants_;
  SubsegmentTable mutable_;
  ProgramBuilder::Options options_;
  std::unique_ptr<ProgramBuilder> builder_;
};

}  // namespace

Result<std::unique_ptr<ProgramBuilder>> read_pte_into_builder(const uint8_t* data, size_t size) {
  // Program::load and the flatbuffer accessors want max_align_t-aligned bytes.
  std::vector<std::max_align_t> aligned((size + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t) + 1);
  if (size > 0) std::memcpy(aligned.data(), data, size);
  return PteReader(reinterpret_cast<const uint8_t*>(aligned.data()), size).read();
}

}  // namespace ember
