#include "runtime/executor/program.h"

#include <cstring>

#include "runtime/executor/extended_header.h"
#include "runtime/executor/method.h"
#include "runtime/executor/schema_access.h"

namespace ember {

namespace fb = ::executorch_flatbuffer;

Program::Program(Program&& other) noexcept
    : loader_(other.loader_),
      program_data_(std::move(other.program_data_)),
      constant_segment_data_(std::move(other.constant_segment_data_)),
      program_(other.program_),
      options_(other.options_),
      segment_base_offset_(other.segment_base_offset_),
      file_size_(other.file_size_) {
  other.program_ = nullptr;
}

Result<Program> Program::load(DataLoader* loader, const ProgramLoadOptions& options) {
  EMBER_CHECK_OR_RETURN(loader != nullptr, Error::InvalidArgument, "Program::load: null data loader");
  EMBER_ASSIGN_OR_RETURN(size_t file_size, loader->size());
  EMBER_CHECK_OR_RETURN(file_size >= 8, Error::InvalidProgram, "program: file of %zu bytes is too small for a .pte",
                        file_size);

  Program program;
  program.loader_ = loader;
  program.options_ = options;
  program.file_size_ = file_size;

  size_t head_size = file_size < ExtendedHeader::kNumHeadBytes ? file_size : ExtendedHeader::kNumHeadBytes;
  size_t program_size = file_size;
  {
    EMBER_ASSIGN_OR_RETURN(FreeableBuffer head, loader->load(0, head_size, {SegmentInfo::Type::Program, 0, nullptr}));
    const auto* bytes = static_cast<const uint8_t*>(head.data());
    if (std::memcmp(bytes + 4, "ET12", 4) != 0) {
      char id[5];
      for (int i = 0; i < 4; ++i) id[i] = (bytes[4 + i] >= 32 && bytes[4 + i] < 127) ? static_cast<char>(bytes[4 + i]) : '?';
      id[4] = '\0';
      return fail(Error::InvalidProgram, "program: identifier '%s' at offset 4 is not 'ET12' (not an ExecuTorch program)",
                  id);
    }
    Result<ExtendedHeader> header = ExtendedHeader::parse(bytes, head_size);
    if (header.ok()) {
      const ExtendedHeader& h = *header;
      EMBER_CHECK_OR_RETURN(h.program_size >= ExtendedHeader::kOffset + h.length && h.program_size <= file_size,
                            Error::InvalidProgram,
                            "extended header: program_size %llu does not fit the file of %zu bytes",
                            static_cast<unsigned long long>(h.program_size), file_size);
      if (h.segment_base_offset != 0) {
        EMBER_CHECK_OR_RETURN(h.segment_base_offset >= h.program_size && h.segment_base_offset <= file_size,
                              Error::InvalidProgram,
                              "extended header: segment_base_offset %llu outside [program_size %llu, file size %zu]",
                              static_cast<unsigned long long>(h.segment_base_offset),
                              static_cast<unsigned long long>(h.program_size), file_size);
        if (h.has_segment_data_size) {
          EMBER_CHECK_OR_RETURN(h.segment_data_size <= file_size - h.segment_base_offset, Error::InvalidProgram,
                                "extended header: segment data [%llu, +%llu) runs past the end of the file (%zu bytes)",
                                static_cast<unsigned long long>(h.segment_base_offset),
                                static_cast<unsigned long long>(h.segment_data_size), file_size);
        }
      }
      program_size = static_cast<size_t>(h.program_size);
      program.segment_base_offset_ = h.segment_base_offset;
    } else if (header.error() != Error::NotFound) {
      return header.error();
    }
  }
  EMBER_CHECK_OR_RETURN(program_size <= options.max_program_bytes, Error::LimitExceeded,
                        "program: flatbuffer of %zu bytes exceeds the load limit of %llu", program_size,
                        static_cast<unsigned long long>(options.max_program_bytes));

  EMBER_ASSIGN_OR_RETURN(program.program_data_,
                         loader->load(0, program_size, {SegmentInfo::Type::Program, 0, nullptr}));
  const auto* data = static_cast<const uint8_t*>(program.program_data_.data());
  EMBER_CHECK_OR_RETURN(reinterpret_cast<uintptr_t>(data) % alignof(std::max_align_t) == 0, Error::InvalidArgument,
                        "program: data loader returned bytes not aligned to %zu", alignof(std::max_align_t));

  if (options.verification == ProgramLoadOptions::Verification::Full) {
    flatbuffers::Verifier::Options vopts;
    vopts.max_depth = 64;
    vopts.max_tables = 10000000;
    vopts.check_alignment = true;
    flatbuffers::Verifier verifier(data, program_size, vopts);
    EMBER_CHECK_OR_RETURN(fb::VerifyProgramBuffer(verifier), Error::InvalidProgram,
                          "program: flatbuffer verification failed (corrupt or truncated .pte of %zu bytes)",
                          program_size);
  } else {
    uint32_t root = static_cast<uint32_t>(data[0]) | static_cast<uint32_t>(data[1]) << 8 |
                    static_cast<uint32_t>(data[2]) << 16 | static_cast<uint32_t>(data[3]) << 24;
    EMBER_CHECK_OR_RETURN(root >= 8 && root + 4u <= program_size && root + 4u > root, Error::InvalidProgram,
                          "program: root table offset %u outside the %zu-byte flatbuffer", root, program_size);
  }
  program.program_ = fb::GetProgram(data);
  EMBER_CHECK_OR_RETURN(program.program_->version() == kProgramVersion, Error::InvalidProgram,
                        "program: schema version %u is not supported (this runtime reads version %u)",
                        program.program_->version(), kProgramVersion);

  EMBER_TRY(program.verify_semantics());

  // The constant segment is read once, whole; tensors point into it.
  const fb::SubsegmentOffsets* cs = program.program_->constant_segment();
  if (cs != nullptr && cs->offsets() != nullptr && cs->offsets()->size() > 1) {
    EMBER_ASSIGN_OR_RETURN(program.constant_segment_data_,
                           program.load_segment(cs->segment_index(), {SegmentInfo::Type::Constant, cs->segment_index(), nullptr}));
  }
  return Result<Program>(std::move(program));
}

size_t Program::num_methods() const {
  auto* plans = program_->execution_plan();
  return plans == nullptr ? 0 : plans->size();
}

Result<const char*> Program::get_method_name(size_t index) const {
  EMBER_CHECK_OR_RETURN(index < num_methods(), Error::InvalidArgument, "method index %zu out of range (%zu methods)",
                        index, num_methods());
  return program_->execution_plan()->Get(static_cast<flatbuffers::uoffset_t>(index))->name()->c_str();
}

namespace {
const fb::ExecutionPlan* find_plan(const fb::Program* program, const char* name) {
  auto* plans = program->execution_plan();
  if (plans == nullptr || name == nullptr) return nullptr;
  for (const fb::ExecutionPlan* plan : *plans) {
    if (std::strcmp(plan->name()->c_str(), name) == 0) return plan;
  }
  return nullptr;
}
}  // namespace

Result<MethodMeta> Program::method_meta(const char* method_name) const {
  const fb::ExecutionPlan* plan = find_plan(program_, method_name);
  EMBER_CHECK_OR_RETURN(plan != nullptr, Error::NotFound, "program has no method '%s'",
                        method_name == nullptr ? "(null)" : method_name);
  return MethodMeta(plan);
}

Result<Method> Program::load_method(const char* method_name, MemoryManager* memory_manager,
                                    const MethodLoadOptions& options) const {
  const fb::ExecutionPlan* plan = find_plan(program_, method_name);
  EMBER_CHECK_OR_RETURN(plan != nullptr, Error::NotFound, "program has no method '%s'",
                        method_name == nullptr ? "(null)" : method_name);
  EMBER_CHECK_OR_RETURN(memory_manager != nullptr && memory_manager->method_allocator() != nullptr,
                        Error::InvalidArgument, "method '%s': no memory manager or method allocator", method_name);
  EMBER_CHECK_OR_RETURN(memory_manager->temp_allocator() != memory_manager->method_allocator(), Error::InvalidArgument,
                        "method '%s': the temp allocator must differ from the method allocator", method_name);
  Method method(this, plan, memory_manager, options);
  EMBER_TRY_CTX(method.init(), "method '%s'", method_name);
  return Result<Method>(std::move(method));
}

Result<const void*> Program::constant_data(size_t index, size_t nbytes) const {
  auto* buffers = program_->constant_buffer();
  if (buffers != nullptr && buffers->size() > 0) {
    EMBER_CHECK_OR_RETURN(index < buffers->size(), Error::InvalidProgram,
                          "constant buffer %zu out of range (%u inline buffers)", index, buffers->size());
    const fb::Buffer* b = buffers->Get(static_cast<flatbuffers::uoffset_t>(index));
    size_t have = b->storage() == nullptr ? 0 : b->storage()->size();
    EMBER_CHECK_OR_RETURN(nbytes <= have, Error::InvalidProgram,
                          "inline constant buffer %zu holds %zu bytes, tensor needs %zu", index, have, nbytes);
    return have == 0 ? static_cast<const void*>(program_data_.data()) : b->storage()->data();
  }
  const fb::SubsegmentOffsets* cs = program_->constant_segment();
  EMBER_CHECK_OR_RETURN(cs != nullptr && cs->offsets() != nullptr && index < cs->offsets()->size(),
                        Error::InvalidProgram, "constant %zu not in the constant segment table", index);
  uint64_t offset = cs->offsets()->Get(static_cast<flatbuffers::uoffset_t>(index));
  size_t have = constant_segment_data_.size();
  EMBER_CHECK_OR_RETURN(offset <= have && nbytes <= have - offset, Error::InvalidProgram,
                        "constant %zu: [%llu, +%zu) outside the constant segment of %zu bytes", index,
                        static_cast<unsigned long long>(offset), nbytes, have);
  if (have == 0) return static_cast<const void*>(program_data_.data());
  return static_cast<const uint8_t*>(constant_segment_data_.data()) + offset;
}

Result<FreeableBuffer> Program::load_segment(size_t index, const SegmentInfo& info) const {
  auto* segments = program_->segments();
  EMBER_CHECK_OR_RETURN(segments != nullptr && index < segments->size(), Error::InvalidProgram,
                        "segment %zu out of range", index);
  const fb::DataSegment* s = segments->Get(static_cast<flatbuffers::uoffset_t>(index));
  // Bounds were checked at load; recheck cheaply against the file.
  uint64_t start = segment_base_offset_ + s->offset();
  EMBER_CHECK_OR_RETURN(start >= segment_base_offset_ && start <= file_size_ && s->size() <= file_size_ - start,
                        Error::InvalidProgram, "segment %zu: [%llu, +%llu) outside the file of %llu bytes", index,
                        static_cast<unsigned long long>(start), static_cast<unsigned long long>(s->size()),
                        static_cast<unsigned long long>(file_size_));
  return loader_->load(static_cast<size_t>(start), static_cast<size_t>(s->size()), info);
}

Error Program::copy_mutable_data(size_t table_index, size_t data_buffer_idx, void* dst, size_t nbytes) const {
  auto* tables = program_->mutable_data_segments();
  EMBER_CHECK_OR_RETURN(tables != nullptr && table_index < tables->size(), Error::InvalidProgram,
                        "mutable data table %zu out of range", table_index);
  const fb::SubsegmentOffsets* t = tables->Get(static_cast<flatbuffers::uoffset_t>(table_index));
  EMBER_CHECK_OR_RETURN(t->offsets() != nullptr && data_buffer_idx < t->offsets()->size(), Error::InvalidProgram,
                        "mutable data %zu not in table %zu", data_buffer_idx, table_index);
  uint64_t offset = t->offsets()->Get(static_cast<flatbuffers::uoffset_t>(data_buffer_idx));
  EMBER_ASSIGN_OR_RETURN(FreeableBuffer segment,
                         load_segment(t->segment_index(), {SegmentInfo::Type::Mutable, t->segment_index(), nullptr}));
  EMBER_CHECK_OR_RETURN(offset <= segment.size() && nbytes <= segment.size() - offset, Error::InvalidProgram,
                        "mutable data %zu: [%llu, +%zu) outside segment %u of %zu bytes", data_buffer_idx,
                        static_cast<unsigned long long>(offset), nbytes, t->segment_index(), segment.size());
  if (nbytes > 0) std::memcpy(dst, static_cast<const uint8_t*>(segment.data()) + offset, nbytes);
  return Error::Ok;
}

Result<FreeableBuffer> Program::load_delegate_blob(const void* delegate_ptr) const {
  const auto* delegate = static_cast<const fb::BackendDelegate*>(delegate_ptr);
  const fb::BackendDelegateDataReference* ref = delegate->processed();
  if (ref->location() == fb::DataLocation::INLINE) {
    const fb::BackendDelegateInlineData* d =
        program_->backend_delegate_data()->Get(static_cast<flatbuffers::uoffset_t>(ref->index()));
    // Inline blobs live in the program bytes: the Program owns them.
    return FreeableBuffer(d->data()->data(), d->data()->size(), nullptr);
  }
  return load_segment(ref->index(), {SegmentInfo::Type::Backend, ref->index(), delegate->id()->c_str()});
}

Result<FreeableBuffer> Program::get_data(const char* key) const {
  auto* named = program_->named_data();
  if (named != nullptr && key != nullptr) {
    for (const fb::NamedData* d : *named) {
      if (std::strcmp(d->key()->c_str(), key) == 0) {
        return load_segment(d->segment_index(), {SegmentInfo::Type::NamedData, d->segment_index(), key});
      }
    }
  }
  return fail(Error::NotFound, "named data '%s' not found in the program", key == nullptr ? "(null)" : key);
}

size_t Program::num_keys() const {
  auto* named = program_->named_data();
  return named == nullptr ? 0 : named->size();
}

Result<const char*> Program::key_at(size_t index) const {
  EMBER_CHECK_OR_RETURN(index < num_keys(), Error::InvalidArgument, "named data index %zu out of range", index);
  return program_->named_data()->Get(static_cast<flatbuffers::uoffset_t>(index))->key()->c_str();
}

}  // namespace ember
