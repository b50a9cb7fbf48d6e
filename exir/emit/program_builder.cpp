#include "exir/emit/program_builder.h"

#include <ostream>

#include <flatbuffers/flatbuffers.h>

#include <algorithm>
#include <cstring>

#include "schema/program_generated.h"

namespace ember {

namespace fb = executorch_flatbuffer;
using flatbuffers::Offset;

namespace {

uint64_t align_up(uint64_t value, uint64_t alignment) {
  return alignment <= 1 ? value : (value + alignment - 1) / alignment * alignment;
}

std::vector<uint8_t> copy_bytes(const void* data, size_t nbytes) {
  const auto* p = static_cast<const uint8_t*>(data);
  return nbytes == 0 ? std::vector<uint8_t>() : std::vector<uint8_t>(p, p + nbytes);
}

// Little-endian stores, independent of the host's byte order.
void put_le(uint8_t* dst, uint64_t value, int nbytes) {
  for (int i = 0; i < nbytes; ++i) dst[i] = static_cast<uint8_t>(value >> (8 * i));
}

uint32_t get_le32(const uint8_t* src) {
  return uint32_t{src[0]} | uint32_t{src[1]} << 8 | uint32_t{src[2]} << 16 | uint32_t{src[3]} << 24;
}

// Concatenates blobs, each starting at a multiple of `alignment`. As in
// ExecuTorch, the last blob is not padded, so the segment ends with its data.
std::vector<uint8_t> pack_subsegments(const std::vector<std::vector<uint8_t>>& blobs, uint64_t alignment,
                                      std::vector<uint64_t>* offsets) {
  std::vector<uint8_t> packed;
  for (const auto& blob : blobs) {
    packed.resize(align_up(packed.size(), alignment), 0);
    offsets->push_back(packed.size());
    packed.insert(packed.end(), blob.begin(), blob.end());
  }
  return packed;
}

std::vector<uint8_t> contiguous_dim_order(size_t dim) {
  std::vector<uint8_t> order(dim);
  for (size_t i = 0; i < dim; ++i) order[i] = static_cast<uint8_t>(i);
  return order;
}

}  // namespace

size_t tensor_nbytes(ScalarType type, const std::vector<int32_t>& sizes) {
  size_t numel = 1;
  for (int32_t s : sizes) numel *= s < 0 ? 0 : static_cast<size_t>(s);
  return numel * element_size(type);
}

// ---------------------------------------------------------------------------
// MethodBuilder

int MethodBuilder::push(Value value) {
  values_.push_back(std::move(value));
  return static_cast<int>(values_.size()) - 1;
}

int MethodBuilder::push_instruction(Instruction instruction) {
  instructions_.push_back(std::move(instruction));
  return static_cast<int>(instructions_.size()) - 1;
}

int MethodBuilder::add_tensor(const TensorSpec& spec) {
  Value v;
  v.kind = Kind::Tensor;
  v.tensor = spec;
  return push(std::move(v));
}

int MethodBuilder::add_tensor(ScalarType type, std::vector<int32_t> sizes,
                              std::optional<std::vector<uint8_t>> dim_order, TensorShapeDynamism dynamism) {
  TensorSpec spec;
  spec.scalar_type = type;
  spec.sizes = std::move(sizes);
  spec.dim_order = std::move(dim_order);
  spec.dynamism = dynamism;
  return add_tensor(spec);
}

int MethodBuilder::add_planned_tensor(ScalarType type, std::vector<int32_t> sizes, uint32_t mem_id, uint64_t offset,
                                      std::optional<std::vector<uint8_t>> dim_order, TensorShapeDynamism dynamism) {
  TensorSpec spec;
  spec.scalar_type = type;
  spec.sizes = std::move(sizes);
  spec.dim_order = std::move(dim_order);
  spec.dynamism = dynamism;
  spec.planned = true;
  spec.mem_id = mem_id;
  spec.mem_offset = offset;
  return add_tensor(spec);
}

int MethodBuilder::add_arena_tensor(ScalarType type, std::vector<int32_t> sizes, TensorShapeDynamism dynamism) {
  const uint64_t offset = arena_cursor_;
  arena_cursor_ = align_up(offset + tensor_nbytes(type, sizes), 16);
  return add_planned_tensor(type, std::move(sizes), 1, offset, std::nullopt, dynamism);
}

int MethodBuilder::add_constant_tensor(ScalarType type, std::vector<int32_t> sizes, const void* data,
                                       std::optional<std::vector<uint8_t>> dim_order) {
  const uint32_t index = program_->add_constant(data, tensor_nbytes(type, sizes));
  return add_constant_tensor_with_buffer(type, std::move(sizes), index, std::move(dim_order));
}

int MethodBuilder::add_constant_tensor_with_buffer(ScalarType type, std::vector<int32_t> sizes,
                                                   uint32_t data_buffer_idx,
                                                   std::optional<std::vector<uint8_t>> dim_order) {
  TensorSpec spec;
  spec.scalar_type = type;
  spec.sizes = std::move(sizes);
  spec.dim_order = std::move(dim_order);
  spec.data_buffer_idx = data_buffer_idx;
  return add_tensor(spec);
}

int MethodBuilder::add_mutable_tensor(ScalarType type, std::vector<int32_t> sizes, uint32_t mem_id, uint64_t offset,
                                      const void* initial_value, std::string fully_qualified_name) {
  TensorSpec spec;
  spec.scalar_type = type;
  spec.data_buffer_idx = program_->add_mutable_data(initial_value, tensor_nbytes(type, sizes));
  spec.sizes = std::move(sizes);
  spec.planned = true;
  spec.mem_id = mem_id;
  spec.mem_offset = offset;
  // The builder writes a single mutable data segment table, entry 0.
  spec.has_extra_info = true;
  spec.mutable_data_segments_idx = 0;
  spec.fully_qualified_name = std::move(fully_qualified_name);
  return add_tensor(spec);
}

int MethodBuilder::add_none() { return push(Value{}); }

int MethodBuilder::add_int(int64_t value) {
  Value v;
  v.kind = Kind::Int;
  v.i = value;
  return push(std::move(v));
}

int MethodBuilder::add_double(double value) {
  Value v;
  v.kind = Kind::Double;
  v.d = value;
  return push(std::move(v));
}

int MethodBuilder::add_bool(bool value) {
  Value v;
  v.kind = Kind::Bool;
  v.b = value;
  return push(std::move(v));
}

int MethodBuilder::add_string(std::string value) {
  Value v;
  v.kind = Kind::String;
  v.s = std::move(value);
  return push(std::move(v));
}

int MethodBuilder::add_int_list(std::vector<int64_t> value_indices) {
  Value v;
  v.kind = Kind::IntList;
  v.ints = std::move(value_indices);
  return push(std::move(v));
}

int MethodBuilder::add_double_list(std::vector<double> values) {
  Value v;
  v.kind = Kind::DoubleList;
  v.doubles = std::move(values);
  return push(std::move(v));
}

int MethodBuilder::add_bool_list(std::vector<bool> values) {
  Value v;
  v.kind = Kind::BoolList;
  v.bools = std::move(values);
  return push(std::move(v));
}

int MethodBuilder::add_tensor_list(std::vector<int32_t> value_indices) {
  Value v;
  v.kind = Kind::TensorList;
  v.indices = std::move(value_indices);
  return push(std::move(v));
}

int MethodBuilder::add_optional_tensor_list(std::vector<int32_t> value_indices) {
  Value v;
  v.kind = Kind::OptionalTensorList;
  v.indices = std::move(value_indices);
  return push(std::move(v));
}

void MethodBuilder::set_container_meta(std::string encoded_inputs, std::string encoded_outputs) {
  container_meta_ = std::make_pair(std::move(encoded_inputs), std::move(encoded_outputs));
}

int MethodBuilder::add_operator(const std::string& name, const std::string& overload) {
  for (size_t i = 0; i < operators_.size(); ++i) {
    if (operators_[i].first == name && operators_[i].second == overload) return static_cast<int>(i);
  }
  operators_.emplace_back(name, overload);
  return static_cast<int>(operators_.size()) - 1;
}

int MethodBuilder::add_delegate(std::string backend_id, std::vector<uint8_t> blob, BlobLocation location,
                                std::vector<CompileSpecEntry> compile_specs) {
  Delegate d;
  d.id = std::move(backend_id);
  d.blob_index = program_->add_delegate_blob(std::move(blob), location);
  d.compile_specs = std::move(compile_specs);
  delegates_.push_back(std::move(d));
  return static_cast<int>(delegates_.size()) - 1;
}

int MethodBuilder::add_kernel_call(const std::string& name, const std::string& overload, std::vector<int32_t> args) {
  return add_kernel_call(add_operator(name, overload), std::move(args));
}

int MethodBuilder::add_kernel_call(int op_index, std::vector<int32_t> args) {
  return push_instruction({InstructionKind::Kernel, op_index, 0, std::move(args)});
}

int MethodBuilder::add_delegate_call(int delegate_index, std::vector<int32_t> args) {
  return push_instruction({InstructionKind::Delegate, delegate_index, 0, std::move(args)});
}

int MethodBuilder::add_move_call(int from, int to) { return push_instruction({InstructionKind::Move, from, to, {}}); }

int MethodBuilder::add_jump_false_call(int cond_value_index, int destination_instruction) {
  return push_instruction({InstructionKind::JumpFalse, cond_value_index, destination_instruction, {}});
}

int MethodBuilder::add_free_call(int value_index) {
  return push_instruction({InstructionKind::Free, value_index, 0, {}});
}

std::vector<int64_t> MethodBuilder::arena_sizes() const {
  if (arena_sizes_) return *arena_sizes_;
  std::vector<int64_t> sizes(1, 0);
  for (const Value& v : values_) {
    if (v.kind != Kind::Tensor || !v.tensor.planned || v.tensor.mem_id == 0) continue;
    const TensorSpec& t = v.tensor;
    if (sizes.size() <= t.mem_id) sizes.resize(t.mem_id + 1, 0);
    const uint64_t end = align_up(t.mem_offset + tensor_nbytes(t.scalar_type, t.sizes), 16);
    sizes[t.mem_id] = std::max<int64_t>(sizes[t.mem_id], static_cast<int64_t>(end));
  }
  return sizes;
}

// ---------------------------------------------------------------------------
// ProgramBuilder

MethodBuilder& ProgramBuilder::add_method(std::string name) {
  methods_.push_back(std::make_unique<MethodBuilder>(this, std::move(name)));
  return *methods_.back();
}

uint32_t ProgramBuilder::add_constant(const void* data, size_t nbytes) {
  constants_.push_back(copy_bytes(data, nbytes));
  return static_cast<uint32_t>(constants_.size() - 1);
}

uint32_t ProgramBuilder::add_mutable_data(const void* data, size_t nbytes) {
  mutable_data_.push_back(copy_bytes(data, nbytes));
  return static_cast<uint32_t>(mutable_data_.size() - 1);
}

size_t ProgramBuilder::add_delegate_blob(std::vector<uint8_t> blob, BlobLocation location) {
  delegate_blobs_.push_back({std::move(blob), location});
  return delegate_blobs_.size() - 1;
}

void ProgramBuilder::add_named_data(std::string key, std::vector<uint8_t> bytes) {
  named_data_.emplace_back(std::move(key), std::move(bytes));
}

// Serializes a ProgramBuilder. Segment order is ExecuTorch's: constants,
// mutable initial values, delegate blobs, then named data.
class ProgramWriter final {
 public:
  explicit ProgramWriter(const ProgramBuilder& program) : p_(program) {}

  std::vector<uint8_t> write() {
    lay_out_segments();
    fb::FinishProgramBuffer(fbb_, write_program());
    return assemble();
  }

  // The same bytes as write(), streamed: large programs are never held twice.
  void write(std::ostream& out) {
    lay_out_segments();
    fb::FinishProgramBuffer(fbb_, write_program());
    const uint8_t* flat = fbb_.GetBufferPointer();
    const size_t flat_size = fbb_.GetSize();
    auto put = [&](const void* data, size_t n) { out.write(static_cast<const char*>(data), static_cast<std::streamsize>(n)); };
    if (segment_data_size_ == 0) return put(flat, flat_size);
    const std::vector<uint8_t> head = assemble_head();
    put(head.data(), head.size());
    uint64_t at = head.size();
    const std::vector<uint8_t> zeros(p_.options_.segment_alignment, 0);
    for (size_t i = 0; i < segments_.size(); ++i) {
      const uint64_t start = segment_base_ + segment_offsets_[i];
      while (at < start) {
        const uint64_t n = std::min<uint64_t>(start - at, zeros.size());
        put(zeros.data(), n);
        at += n;
      }
      put(segments_[i]->data(), segments_[i]->size());
      at += segments_[i]->size();
    }
  }

 private:
  void lay_out_segments() {
    const auto& opt = p_.options_;
    if (opt.constant_segment) {
      constant_segment_index_ = static_cast<uint32_t>(segments_.size());
      constant_segment_ = pack_subsegments(p_.constants_, opt.constant_alignment, &constant_offsets_);
      segments_.push_back(&constant_segment_);
    }
    if (p_.mutable_data_.size() > 1) {
      mutable_segment_index_ = static_cast<uint32_t>(segments_.size());
      mutable_segment_ = pack_subsegments(p_.mutable_data_, opt.constant_alignment, &mutable_offsets_);
      segments_.push_back(&mutable_segment_);
    }
    for (const auto& blob : p_.delegate_blobs_) {
      if (blob.location == BlobLocation::Segment) {
        blob_index_.push_back(static_cast<uint32_t>(segments_.size()));
        segments_.push_back(&blob.bytes);
      } else {
        blob_index_.push_back(static_cast<uint32_t>(inline_blobs_.size()));
        inline_blobs_.push_back(&blob.bytes);
      }
    }
    for (const auto& named : p_.named_data_) {
      named_segment_index_.push_back(static_cast<uint32_t>(segments_.size()));
      segments_.push_back(&named.second);
    }
    uint64_t end = 0;
    for (const auto* segment : segments_) {
      const uint64_t offset = align_up(end, opt.segment_alignment);
      segment_offsets_.push_back(offset);
      end = offset + segment->size();
    }
    segment_data_size_ = end;
  }

  Offset<fb::Program> write_program() {
    std::vector<Offset<fb::ExecutionPlan>> plans;
    for (const auto& method : p_.methods_) plans.push_back(write_method(*method));

    std::vector<Offset<fb::Buffer>> constant_buffer;
    if (!p_.options_.constant_segment) {
      for (const auto& constant : p_.constants_) {
        constant_buffer.push_back(fb::CreateBuffer(fbb_, aligned_vector(constant, 16)));
      }
    }
    std::vector<Offset<fb::BackendDelegateInlineData>> inline_data;
    for (const auto* blob : inline_blobs_) {
      inline_data.push_back(fb::CreateBackendDelegateInlineData(fbb_, aligned_vector(*blob, 16)));
    }
    std::vector<Offset<fb::DataSegment>> segments;
    for (size_t i = 0; i < segments_.size(); ++i) {
      segments.push_back(fb::CreateDataSegment(fbb_, segment_offsets_[i], segments_[i]->size()));
    }
    // Inline mode still writes an empty constant_segment, as ExecuTorch does.
    const auto constant_segment =
        fb::CreateSubsegmentOffsets(fbb_, constant_segment_index_, aligned_vector(constant_offsets_));
    Offset<flatbuffers::Vector<Offset<fb::SubsegmentOffsets>>> mutable_segments = 0;
    if (!mutable_offsets_.empty()) {
      mutable_segments =
          fbb_.CreateVector({fb::CreateSubsegmentOffsets(fbb_, mutable_segment_index_,
                                                         aligned_vector(mutable_offsets_))});
    }
    Offset<flatbuffers::Vector<Offset<fb::NamedData>>> named_data = 0;
    if (!p_.named_data_.empty()) {
      std::vector<Offset<fb::NamedData>> entries;
      for (size_t i = 0; i < p_.named_data_.size(); ++i) {
        entries.push_back(fb::CreateNamedDataDirect(fbb_, p_.named_data_[i].first.c_str(), named_segment_index_[i]));
      }
      named_data = fbb_.CreateVector(entries);
    }
    return fb::CreateProgram(fbb_, p_.options_.version, fbb_.CreateVector(plans), fbb_.CreateVector(constant_buffer),
                             fbb_.CreateVector(inline_data), fbb_.CreateVector(segments), constant_segment,
                             mutable_segments, named_data);
  }

  Offset<fb::ExecutionPlan> write_method(const MethodBuilder& m) {
    const auto name = fbb_.CreateString(m.name_);
    Offset<fb::ContainerMetadata> meta = 0;
    if (m.container_meta_) {
      meta = fb::CreateContainerMetadataDirect(fbb_, m.container_meta_->first.c_str(),
                                               m.container_meta_->second.c_str());
    }
    std::vector<Offset<fb::EValue>> values;
    for (const auto& v : m.values_) values.push_back(write_value(v));
    std::vector<Offset<fb::Instruction>> instructions;
    for (const auto& instr : m.instructions_) instructions.push_back(write_instruction(instr));
    const std::vector<int32_t> no_chain_io;
    const auto chain = fb::CreateChainDirect(fbb_, &no_chain_io, &no_chain_io, &instructions);
    std::vector<Offset<fb::Operator>> operators;
    for (const auto& op : m.operators_) {
      operators.push_back(fb::CreateOperatorDirect(fbb_, op.first.c_str(), op.second.c_str()));
    }
    std::vector<Offset<fb::BackendDelegate>> delegates;
    for (const auto& d : m.delegates_) delegates.push_back(write_delegate(d));
    return fb::CreateExecutionPlan(fbb_, name, meta, fbb_.CreateVector(values), fbb_.CreateVector(m.inputs_),
                                   fbb_.CreateVector(m.outputs_), fbb_.CreateVector({chain}),
                                   fbb_.CreateVector(operators), fbb_.CreateVector(delegates),
                                   aligned_vector(m.arena_sizes()));
  }

  Offset<fb::BackendDelegate> write_delegate(const MethodBuilder::Delegate& d) {
    std::vector<Offset<fb::CompileSpec>> specs;
    for (const auto& spec : d.compile_specs) {
      specs.push_back(fb::CreateCompileSpecDirect(fbb_, spec.key.c_str(), &spec.value));
    }
    const bool in_segment = p_.delegate_blobs_[d.blob_index].location == BlobLocation::Segment;
    const auto processed = fb::CreateBackendDelegateDataReference(
        fbb_, in_segment ? fb::DataLocation::SEGMENT : fb::DataLocation::INLINE, blob_index_[d.blob_index]);
    return fb::CreateBackendDelegate(fbb_, fbb_.CreateString(d.id), processed, fbb_.CreateVector(specs));
  }

  Offset<fb::Tensor> write_tensor(const TensorSpec& t) {
    const auto sizes = fbb_.CreateVector(t.sizes);
    const auto dim_order = fbb_.CreateVector(t.dim_order ? *t.dim_order : contiguous_dim_order(t.sizes.size()));
    Offset<fb::AllocationDetails> allocation = 0;
    if (t.planned) {
      allocation = fb::CreateAllocationDetails(fbb_, t.mem_id, static_cast<uint32_t>(t.mem_offset),
                                               static_cast<uint32_t>(t.mem_offset >> 32));
    }
    Offset<fb::ExtraTensorInfo> extra = 0;
    if (t.has_extra_info) {
      extra = fb::CreateExtraTensorInfoDirect(
          fbb_, t.mutable_data_segments_idx,
          t.fully_qualified_name.empty() ? nullptr : t.fully_qualified_name.c_str(),
          t.external ? fb::TensorDataLocation::EXTERNAL : fb::TensorDataLocation::SEGMENT);
    }
    return fb::CreateTensor(fbb_, static_cast<fb::ScalarType>(t.scalar_type), t.storage_offset, sizes, dim_order,
                            t.requires_grad, t.data_buffer_idx, allocation, t.layout,
                            static_cast<fb::TensorShapeDynamism>(t.dynamism), extra);
  }

  Offset<fb::EValue> write_value(const MethodBuilder::Value& v) {
    using K = MethodBuilder::Kind;
    switch (v.kind) {
      case K::None:
        return fb::CreateEValue(fbb_, fb::KernelTypes::Null, fb::CreateNull(fbb_).Union());
      case K::Int:
        return fb::CreateEValue(fbb_, fb::KernelTypes::Int, fb::CreateInt(fbb_, v.i).Union());
      case K::Bool:
        return fb::CreateEValue(fbb_, fb::KernelTypes::Bool, fb::CreateBool(fbb_, v.b).Union());
      case K::Double:
        return fb::CreateEValue(fbb_, fb::KernelTypes::Double, fb::CreateDouble(fbb_, v.d).Union());
      case K::Tensor:
        return fb::CreateEValue(fbb_, fb::KernelTypes::Tensor, write_tensor(v.tensor).Union());
      case K::String:
        return fb::CreateEValue(fbb_, fb::KernelTypes::String, fb::CreateStringDirect(fbb_, v.s.c_str()).Union());
      case K::IntList:
        return fb::CreateEValue(fbb_, fb::KernelTypes::IntList,
                                fb::CreateIntList(fbb_, aligned_vector(v.ints)).Union());
      case K::DoubleList:
        return fb::CreateEValue(fbb_, fb::KernelTypes::DoubleList,
                                fb::CreateDoubleList(fbb_, aligned_vector(v.doubles)).Union());
      case K::BoolList: {
        const std::vector<uint8_t> items(v.bools.begin(), v.bools.end());
        return fb::CreateEValue(fbb_, fb::KernelTypes::BoolList, fb::CreateBoolListDirect(fbb_, &items).Union());
      }
      case K::TensorList:
        return fb::CreateEValue(fbb_, fb::KernelTypes::TensorList,
                                fb::CreateTensorListDirect(fbb_, &v.indices).Union());
      case K::OptionalTensorList:
        return fb::CreateEValue(fbb_, fb::KernelTypes::OptionalTensorList,
                                fb::CreateOptionalTensorListDirect(fbb_, &v.indices).Union());
    }
    return fb::CreateEValue(fbb_);
  }

  Offset<fb::Instruction> write_instruction(const MethodBuilder::Instruction& in) {
    using K = MethodBuilder::InstructionKind;
    switch (in.kind) {
      case K::Kernel:
        return fb::CreateInstruction(fbb_, fb::InstructionArguments::KernelCall,
                                     fb::CreateKernelCallDirect(fbb_, in.a, &in.args).Union());
      case K::Delegate:
        return fb::CreateInstruction(fbb_, fb::InstructionArguments::DelegateCall,
                                     fb::CreateDelegateCallDirect(fbb_, in.a, &in.args).Union());
      case K::Move:
        return fb::CreateInstruction(fbb_, fb::InstructionArguments::MoveCall,
                                     fb::CreateMoveCall(fbb_, in.a, in.b).Union());
      case K::JumpFalse:
        return fb::CreateInstruction(fbb_, fb::InstructionArguments::JumpFalseCall,
                                     fb::CreateJumpFalseCall(fbb_, in.a, in.b).Union());
      case K::Free:
        return fb::CreateInstruction(fbb_, fb::InstructionArguments::FreeCall,
                                     fb::CreateFreeCall(fbb_, in.a).Union());
    }
    return fb::CreateInstruction(fbb_);
  }

  // A vector whose data starts at a multiple of `alignment` (default: the
  // element size) even when empty: FlatBufferBuilder skips alignment for
  // empty vectors, and Ember's loader checks the alignment of every 8-byte
  // element vector, empty or not.
  template <typename T>
  Offset<flatbuffers::Vector<T>> aligned_vector(const std::vector<T>& items, size_t alignment = sizeof(T)) {
    if (!items.empty()) {
      fbb_.ForceVectorAlignment(items.size(), sizeof(T), alignment);
      return fbb_.CreateVector(items);
    }
    fbb_.Align(alignment);
    fbb_.StartVector(0, sizeof(T));
    return Offset<flatbuffers::Vector<T>>(fbb_.EndVector(0));
  }

  // The flatbuffer, with the extended header inserted after the identifier
  // when there is segment data, followed by the aligned segments.
  std::vector<uint8_t> assemble() { return assemble(false); }
  // The bytes before the first segment (the file when there are no segments).
  std::vector<uint8_t> assemble_head() { return assemble(true); }

  std::vector<uint8_t> assemble(bool head_only) {
    const uint8_t* flat = fbb_.GetBufferPointer();
    const size_t flat_size = fbb_.GetSize();
    if (segment_data_size_ == 0) return std::vector<uint8_t>(flat, flat + flat_size);

    const auto& opt = p_.options_;
    // Padding the header to the buffer's strictest alignment keeps every
    // aligned field aligned after the shift (ExecuTorch pads to 16).
    const uint64_t header_alignment = std::max<uint64_t>(16, fbb_.GetBufferMinAlignment());
    const uint64_t padded_header = align_up(opt.header_length, header_alignment);
    const uint64_t program_size = padded_header + flat_size;
    const uint64_t segment_base = align_up(program_size, opt.segment_alignment);

    segment_base_ = segment_base;
    std::vector<uint8_t> out(segment_base + (head_only ? 0 : segment_data_size_), 0);
    put_le(out.data(), get_le32(flat) + padded_header, 4);  // root offset moves past the header
    std::memcpy(out.data() + 4, flat + 4, 4);                 // file identifier
    std::memcpy(out.data() + 8, "eh00", 4);
    put_le(out.data() + 12, opt.header_length, 4);
    put_le(out.data() + 16, program_size, 8);
    put_le(out.data() + 24, segment_base, 8);
    if (opt.header_length >= 32) put_le(out.data() + 32, segment_data_size_, 8);
    std::memcpy(out.data() + 8 + padded_header, flat + 8, flat_size - 8);
    for (size_t i = 0; i < segments_.size() && !head_only; ++i) {
      if (!segments_[i]->empty()) {
        std::memcpy(out.data() + segment_base + segment_offsets_[i], segments_[i]->data(), segments_[i]->size());
      }
    }
    return out;
  }

  const ProgramBuilder& p_;
  flatbuffers::FlatBufferBuilder fbb_;
  std::vector<const std::vector<uint8_t>*> segments_;
  std::vector<uint64_t> segment_offsets_;
  uint64_t segment_data_size_ = 0;
  uint64_t segment_base_ = 0;
  std::vector<uint8_t> constant_segment_;
  std::vector<uint64_t> constant_offsets_;
  uint32_t constant_segment_index_ = 0;
  std::vector<uint8_t> mutable_segment_;
  std::vector<uint64_t> mutable_offsets_;
  uint32_t mutable_segment_index_ = 0;
  std::vector<uint32_t> blob_index_;  // per delegate blob: segment or inline index
  std::vector<const std::vector<uint8_t>*> inline_blobs_;
  std::vector<uint32_t> named_segment_index_;
};

std::vector<uint8_t> ProgramBuilder::build() const { return ProgramWriter(*this).write(); }

void ProgramBuilder::write(std::ostream& out) const { ProgramWriter(*this).write(out); }

}  // namespace ember
