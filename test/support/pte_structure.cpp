#include "test/support/pte_structure.h"

#include <flatbuffers/flatbuffers.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <vector>

#include "runtime/core/scalar_type.h"
#include "schema/program_generated.h"

namespace ember::test {

namespace fb = executorch_flatbuffer;

namespace {

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof(buf), fmt, args);
  va_end(args);
  return buf;
}

uint64_t read_le(const uint8_t* p, int nbytes) {
  uint64_t v = 0;
  for (int i = 0; i < nbytes; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

struct Header {
  bool present = false;
  uint64_t length = 0;
  uint64_t program_size = 0;
  uint64_t segment_base = 0;
  bool has_data_size = false;
  uint64_t segment_data_size = 0;
};

// A byte range [begin, end) a tensor may read.
struct Extent {
  uint64_t begin = 0;
  uint64_t end = 0;
};

class Checker {
 public:
  Checker(const uint8_t* data, size_t size, uint64_t alignment) : data_(data), size_(size), alignment_(alignment) {}

  std::string run() {
    std::string v = check_header();
    if (!v.empty()) return v;
    flatbuffers::Verifier verifier(data_, header_.present ? header_.program_size : size_);
    if (!fb::VerifyProgramBuffer(verifier)) return "the flatbuffer does not verify as a Program";
    program_ = fb::GetProgram(data_);
    for (auto check : {&Checker::check_segments, &Checker::check_subsegments, &Checker::check_inline_data,
                       &Checker::check_eight_byte_vectors, &Checker::check_references, &Checker::check_tensors}) {
      v = (this->*check)();
      if (!v.empty()) return v;
    }
    return "";
  }

 private:
  std::string check_header() {
    if (size_ < 8) return format("file of %zu bytes is shorter than root offset + identifier", size_);
    const uint64_t root = read_le(data_, 4);
    if (root < 8 || root >= size_) return format("root offset %llu outside the file (%zu bytes)", ull(root), size_);
    if (std::memcmp(data_ + 4, "ET12", 4) != 0) return "file identifier is not ET12";
    if (size_ < 16 || std::memcmp(data_ + 8, "eh00", 4) != 0) return "";
    header_.present = true;
    header_.length = read_le(data_ + 12, 4);
    if (header_.length < 24) return format("extended header length %llu < 24", ull(header_.length));
    if (8 + header_.length > size_) return "extended header runs past the end of the file";
    header_.program_size = read_le(data_ + 16, 8);
    header_.segment_base = read_le(data_ + 24, 8);
    if (header_.length >= 32) {
      header_.has_data_size = true;
      header_.segment_data_size = read_le(data_ + 32, 8);
    }
    if (header_.program_size <= root || header_.program_size > size_) {
      return format("program_size %llu not between the root offset and the file size %zu", ull(header_.program_size),
                    size_);
    }
    if (header_.segment_base < header_.program_size || header_.segment_base > size_) {
      return format("segment_base_offset %llu not between program_size %llu and the file size %zu",
                    ull(header_.segment_base), ull(header_.program_size), size_);
    }
    if (header_.segment_base % alignment_ != 0) {
      return format("segment_base_offset %llu is not a multiple of %llu", ull(header_.segment_base), ull(alignment_));
    }
    if (header_.has_data_size && header_.segment_base + header_.segment_data_size > size_) {
      return format("segment_base_offset + segment_data_size = %llu is past the file size %zu",
                    ull(header_.segment_base + header_.segment_data_size), size_);
    }
    return "";
  }

  std::string check_segments() {
    const auto* segments = program_->segments();
    if (segments == nullptr) return "";
    const uint64_t limit = header_.has_data_size ? header_.segment_data_size : size_ - header_.segment_base;
    for (uint32_t i = 0; i < segments->size(); ++i) {
      const auto* s = segments->Get(i);
      if (s->size() > 0 && !header_.present) return format("segment %u holds data but there is no eh00 header", i);
      if (s->offset() > limit || s->size() > limit - s->offset()) {
        return format("segment %u [%llu, +%llu) runs past the segment data (%llu bytes)", i, ull(s->offset()),
                      ull(s->size()), ull(limit));
      }
      if (s->offset() % alignment_ != 0) {
        return format("segment %u offset %llu is not a multiple of %llu", i, ull(s->offset()), ull(alignment_));
      }
    }
    return "";
  }

  std::string check_table(const fb::SubsegmentOffsets* table, const char* what, std::vector<Extent>* extents) {
    if (table == nullptr || table->offsets() == nullptr || table->offsets()->size() == 0) return "";
    const auto* segments = program_->segments();
    if (segments == nullptr || table->segment_index() >= segments->size()) {
      return format("%s segment index %u is not a segment", what, table->segment_index());
    }
    const uint64_t segment_size = segments->Get(table->segment_index())->size();
    const auto* offsets = table->offsets();
    for (uint32_t i = 0; i < offsets->size(); ++i) {
      const uint64_t offset = offsets->Get(i);
      if (offset > segment_size) {
        return format("%s entry %u offset %llu is past its segment (%llu bytes)", what, i, ull(offset),
                      ull(segment_size));
      }
      if (offset % 16 != 0) return format("%s entry %u offset %llu is not 16-byte aligned", what, i, ull(offset));
      const uint64_t end = i + 1 < offsets->size() ? offsets->Get(i + 1) : segment_size;
      extents->push_back({offset, end < offset ? offset : end});
    }
    return "";
  }

  std::string check_subsegments() {
    std::string v = check_table(program_->constant_segment(), "constant", &constant_extents_);
    if (!v.empty()) return v;
    if (const auto* tables = program_->mutable_data_segments()) {
      mutable_extents_.resize(tables->size());
      for (uint32_t i = 0; i < tables->size(); ++i) {
        v = check_table(tables->Get(i), "mutable data", &mutable_extents_[i]);
        if (!v.empty()) return v;
      }
    }
    return "";
  }

  std::string check_inline_data() {
    if (const auto* blobs = program_->backend_delegate_data()) {
      for (uint32_t i = 0; i < blobs->size(); ++i) {
        const auto* bytes = blobs->Get(i)->data();
        if (bytes != nullptr && bytes->size() > 0 && (bytes->data() - data_) % 16 != 0) {
          return format("inline delegate data %u starts at file offset %lld, not 16-byte aligned", i,
                        static_cast<long long>(bytes->data() - data_));
        }
      }
    }
    if (const auto* buffers = program_->constant_buffer()) {
      for (uint32_t i = 0; i < buffers->size(); ++i) {
        const auto* bytes = buffers->Get(i)->storage();
        if (bytes != nullptr && bytes->size() > 0 && (bytes->data() - data_) % 16 != 0) {
          return format("constant_buffer %u starts at file offset %lld, not 16-byte aligned", i,
                        static_cast<long long>(bytes->data() - data_));
        }
      }
    }
    return "";
  }

  template <typename T>
  std::string check_eight_byte_vector(const flatbuffers::Vector<T>* v, const std::string& what) {
    if (v == nullptr || (reinterpret_cast<const uint8_t*>(v->data()) - data_) % 8 == 0) return "";
    return format("%s starts at file offset %lld, not 8-byte aligned", what.c_str(),
                  static_cast<long long>(reinterpret_cast<const uint8_t*>(v->data()) - data_));
  }

  // Ember's loader refuses a misaligned vector of 8-byte elements even when
  // it is empty (FlatBufferBuilder does not align empty vectors by itself).
  std::string check_eight_byte_vectors() {
    std::string v;
    if (const auto* cs = program_->constant_segment()) v = check_eight_byte_vector(cs->offsets(), "constant offsets");
    const auto* tables = program_->mutable_data_segments();
    for (uint32_t i = 0; v.empty() && tables != nullptr && i < tables->size(); ++i) {
      v = check_eight_byte_vector(tables->Get(i)->offsets(), "mutable data offsets");
    }
    const auto* plans = program_->execution_plan();
    for (uint32_t m = 0; v.empty() && plans != nullptr && m < plans->size(); ++m) {
      const std::string method = "method " + std::to_string(m);
      v = check_eight_byte_vector(plans->Get(m)->non_const_buffer_sizes(), method + " non_const_buffer_sizes");
      const auto* values = plans->Get(m)->values();
      for (uint32_t i = 0; v.empty() && values != nullptr && i < values->size(); ++i) {
        const std::string value = method + " value " + std::to_string(i);
        if (const auto* ints = values->Get(i)->val_as_IntList()) v = check_eight_byte_vector(ints->items(), value);
        if (const auto* reals = values->Get(i)->val_as_DoubleList()) v = check_eight_byte_vector(reals->items(), value);
      }
    }
    return v;
  }

  std::string check_references() {
    const uint32_t num_segments = program_->segments() ? program_->segments()->size() : 0;
    const uint32_t num_inline = program_->backend_delegate_data() ? program_->backend_delegate_data()->size() : 0;
    const auto* plans = program_->execution_plan();
    for (uint32_t m = 0; plans != nullptr && m < plans->size(); ++m) {
      const auto* delegates = plans->Get(m)->delegates();
      for (uint32_t d = 0; delegates != nullptr && d < delegates->size(); ++d) {
        const auto* ref = delegates->Get(d)->processed();
        if (ref == nullptr) return format("method %u delegate %u has no processed data", m, d);
        const bool segment = ref->location() == fb::DataLocation::SEGMENT;
        if (ref->index() >= (segment ? num_segments : num_inline)) {
          return format("method %u delegate %u refers to %s %u, which does not exist", m, d,
                        segment ? "segment" : "inline data", ref->index());
        }
      }
    }
    if (const auto* named = program_->named_data()) {
      for (uint32_t i = 0; i < named->size(); ++i) {
        if (named->Get(i)->segment_index() >= num_segments) {
          return format("named data %u refers to segment %u, which does not exist", i, named->Get(i)->segment_index());
        }
      }
    }
    return "";
  }

  std::string check_tensor(const fb::Tensor* t, const fb::ExecutionPlan* plan) {
    const auto type = static_cast<ScalarType>(t->scalar_type());
    if (!is_valid_scalar_type(static_cast<int>(t->scalar_type())) || element_size(type) == 0) {
      return format("invalid scalar type %d", static_cast<int>(t->scalar_type()));
    }
    uint64_t numel = 1;
    for (uint32_t i = 0; t->sizes() != nullptr && i < t->sizes()->size(); ++i) {
      const int32_t s = t->sizes()->Get(i);
      if (s < 0) return format("negative size %d", s);
      numel *= static_cast<uint64_t>(s);
    }
    const uint64_t nbytes = numel * element_size(type);
    const uint32_t index = t->data_buffer_idx();
    const auto* alloc = t->allocation_info();
    if (index > 0 && alloc == nullptr) {
      if (const auto* buffers = program_->constant_buffer(); buffers != nullptr && buffers->size() > 0) {
        if (index >= buffers->size()) return format("constant %u is not in constant_buffer", index);
        const auto* storage = buffers->Get(index)->storage();
        if (storage == nullptr || storage->size() < nbytes) {
          return format("constant %u holds fewer than the tensor's %llu bytes", index, ull(nbytes));
        }
        return "";
      }
      if (index >= constant_extents_.size()) return format("constant %u is not in the constant segment", index);
      const Extent& e = constant_extents_[index];
      if (e.end - e.begin < nbytes) {
        return format("constant %u [%llu, %llu) is shorter than the tensor's %llu bytes", index, ull(e.begin),
                      ull(e.end), ull(nbytes));
      }
      return "";
    }
    if (alloc == nullptr) return "";
    const auto* arenas = plan->non_const_buffer_sizes();
    const uint32_t id = alloc->memory_id();
    if (arenas == nullptr || id == 0 || id >= arenas->size()) return format("memory_id %u is not an arena", id);
    const uint64_t offset = uint64_t{alloc->memory_offset_low()} | uint64_t{alloc->memory_offset_high()} << 32;
    const int64_t arena = arenas->Get(id);
    if (arena < 0 || offset > static_cast<uint64_t>(arena) || nbytes > static_cast<uint64_t>(arena) - offset) {
      return format("planned at [%llu, +%llu) past arena %u of %lld bytes", ull(offset), ull(nbytes), id,
                    static_cast<long long>(arena));
    }
    if (index > 0) {
      const uint64_t table = t->extra_tensor_info() ? t->extra_tensor_info()->mutable_data_segments_idx() : 0;
      if (table >= mutable_extents_.size() || index >= mutable_extents_[table].size()) {
        return format("mutable data %u of table %llu does not exist", index, ull(table));
      }
      const Extent& e = mutable_extents_[table][index];
      if (e.end - e.begin < nbytes) return format("mutable data %u is shorter than the tensor", index);
    }
    return "";
  }

  std::string check_tensors() {
    const auto* plans = program_->execution_plan();
    for (uint32_t m = 0; plans != nullptr && m < plans->size(); ++m) {
      const auto* values = plans->Get(m)->values();
      for (uint32_t i = 0; values != nullptr && i < values->size(); ++i) {
        const auto* t = values->Get(i)->val_as_Tensor();
        if (t == nullptr) continue;
        const std::string v = check_tensor(t, plans->Get(m));
        if (!v.empty()) return format("method %u value %u: %s", m, i, v.c_str());
      }
    }
    return "";
  }

  const uint8_t* data_;
  size_t size_;
  uint64_t alignment_;
  Header header_;
  const fb::Program* program_ = nullptr;
  std::vector<Extent> constant_extents_;
  std::vector<std::vector<Extent>> mutable_extents_;
};

}  // namespace

std::string check_pte_structure(const uint8_t* data, size_t size, uint64_t segment_alignment) {
  if (data == nullptr) return "no data";
  if (segment_alignment == 0) return "segment alignment 0";
  return Checker(data, size, segment_alignment).run();
}

}  // namespace ember::test
