// ProgramBuilder: writes .pte programs in memory, laid out as ExecuTorch does.
//
// Build-time tooling for tests and examples. It writes exactly what it is told
// and validates nothing, so tests can also write malformed programs on
// purpose. The layout follows ExecuTorch's serializer: flatbuffer with
// identifier ET12; one constant segment (entry 0 of its offsets is the
// reserved placeholder) unless the deprecated inline constant_buffer is asked
// for; mutable initial values, delegate blobs placed in segments and named
// data follow as further segments, each aligned to Options::segment_alignment;
// the `eh00` extended header is inserted after the identifier only when the
// segment data is non-empty.
//
// Ownership: the builders copy every byte and string they are given; callers
// may release their data as soon as a call returns. MethodBuilder references
// returned by add_method() stay valid for the ProgramBuilder's lifetime.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/core/scalar_type.h"
#include "runtime/core/tensor.h"

namespace ember {

class ProgramBuilder;
class ProgramWriter;  // program_builder.cpp

// Every field of a serialized Tensor the runtime reads. The add_*_tensor
// helpers fill one in; add_tensor(const TensorSpec&) writes any combination.
struct TensorSpec {
  ScalarType scalar_type = ScalarType::Float;
  std::vector<int32_t> sizes;
  // nullopt: contiguous (0, 1, ..., dim-1).
  std::optional<std::vector<uint8_t>> dim_order;
  TensorShapeDynamism dynamism = TensorShapeDynamism::Static;
  int32_t storage_offset = 0;
  bool requires_grad = false;
  int8_t layout = 0;  // Tensor.layout, written verbatim (0: strided)
  // >0: constant (or mutable initial value) index; 0: none.
  uint32_t data_buffer_idx = 0;
  // Set: memory planned at (mem_id, mem_offset); mem_id is 1-based.
  bool planned = false;
  uint32_t mem_id = 0;
  uint64_t mem_offset = 0;
  // ExtraTensorInfo, written when has_extra_info.
  bool has_extra_info = false;
  uint64_t mutable_data_segments_idx = 0;
  std::string fully_qualified_name;
  bool external = false;  // TensorDataLocation::EXTERNAL
};

enum class BlobLocation : uint8_t { Inline, Segment };

struct CompileSpecEntry {
  std::string key;
  std::vector<uint8_t> value;
};

class MethodBuilder final {
 public:
  MethodBuilder(ProgramBuilder* program, std::string name) : program_(program), name_(std::move(name)) {}
  MethodBuilder(const MethodBuilder&) = delete;
  MethodBuilder& operator=(const MethodBuilder&) = delete;

  // --- Values. Each returns the new value's index in the values table. ---
  int add_tensor(const TensorSpec& spec);
  // Unplanned: the data pointer is given at run time (set_input or a kernel).
  int add_tensor(ScalarType type, std::vector<int32_t> sizes, std::optional<std::vector<uint8_t>> dim_order = {},
                 TensorShapeDynamism dynamism = TensorShapeDynamism::Static);
  int add_planned_tensor(ScalarType type, std::vector<int32_t> sizes, uint32_t mem_id, uint64_t offset,
                         std::optional<std::vector<uint8_t>> dim_order = {},
                         TensorShapeDynamism dynamism = TensorShapeDynamism::Static);
  // Planned into arena 1 after every tensor placed by this call so far
  // (16-byte aligned, no reuse): a trivial memory plan for small programs.
  int add_arena_tensor(ScalarType type, std::vector<int32_t> sizes,
                       TensorShapeDynamism dynamism = TensorShapeDynamism::Static);
  // Copies numel(sizes) * element_size(type) bytes from `data` into the
  // program's constants.
  int add_constant_tensor(ScalarType type, std::vector<int32_t> sizes, const void* data,
                          std::optional<std::vector<uint8_t>> dim_order = {});
  // A constant tensor reading an existing constant (see ProgramBuilder::add_constant).
  int add_constant_tensor_with_buffer(ScalarType type, std::vector<int32_t> sizes, uint32_t data_buffer_idx,
                                      std::optional<std::vector<uint8_t>> dim_order = {});
  // Planned, with an initial value copied from the mutable data segment at load.
  int add_mutable_tensor(ScalarType type, std::vector<int32_t> sizes, uint32_t mem_id, uint64_t offset,
                         const void* initial_value, std::string fully_qualified_name = {});
  int add_none();
  int add_int(int64_t value);
  int add_double(double value);
  int add_bool(bool value);
  int add_string(std::string value);
  // Items are value indices (the runtime boxes int lists).
  int add_int_list(std::vector<int64_t> value_indices);
  int add_double_list(std::vector<double> values);
  int add_bool_list(std::vector<bool> values);
  int add_tensor_list(std::vector<int32_t> value_indices);
  // -1 stands for None.
  int add_optional_tensor_list(std::vector<int32_t> value_indices);
  int num_values() const { return static_cast<int>(values_.size()); }

  void set_inputs(std::vector<int32_t> value_indices) { inputs_ = std::move(value_indices); }
  void set_outputs(std::vector<int32_t> value_indices) { outputs_ = std::move(value_indices); }
  // Pytree strings ExecuTorch writes (ExecutionPlan.container_meta_type);
  // omitted from the file unless set.
  void set_container_meta(std::string encoded_inputs, std::string encoded_outputs);

  // --- Operators and delegates. ---
  // Index of (name, overload) in the operator table, added on first use.
  int add_operator(const std::string& name, const std::string& overload);
  // Returns the delegate index. A Segment blob becomes a program segment; an
  // Inline one an entry of Program.backend_delegate_data.
  int add_delegate(std::string backend_id, std::vector<uint8_t> blob, BlobLocation location = BlobLocation::Segment,
                   std::vector<CompileSpecEntry> compile_specs = {});

  // --- Instructions (one chain). Each returns the instruction's index. ---
  int add_kernel_call(const std::string& name, const std::string& overload, std::vector<int32_t> args);
  int add_kernel_call(int op_index, std::vector<int32_t> args);
  int add_delegate_call(int delegate_index, std::vector<int32_t> args);
  int add_move_call(int from, int to);
  int add_jump_false_call(int cond_value_index, int destination_instruction);
  int add_free_call(int value_index);
  int num_instructions() const { return static_cast<int>(instructions_.size()); }

  // ExecutionPlan.non_const_buffer_sizes written verbatim, reserved entry 0
  // included. Unless set, it is computed from the planned tensors: entry k is
  // max(offset + nbytes) over tensors with mem_id k, rounded up to 16.
  void set_arena_sizes(std::vector<int64_t> sizes_with_reserved_entry) {
    arena_sizes_ = std::move(sizes_with_reserved_entry);
  }
  std::vector<int64_t> arena_sizes() const;

  const std::string& name() const { return name_; }

 private:
  friend class ProgramBuilder;
  friend class ProgramWriter;

  enum class Kind : uint8_t { None, Int, Bool, Double, Tensor, String, IntList, DoubleList, BoolList, TensorList,
                              OptionalTensorList };
  struct Value {
    Kind kind = Kind::None;
    TensorSpec tensor;
    int64_t i = 0;
    double d = 0;
    bool b = false;
    std::string s;
    std::vector<int64_t> ints;
    std::vector<double> doubles;
    std::vector<bool> bools;
    std::vector<int32_t> indices;
  };
  enum class InstructionKind : uint8_t { Kernel, Delegate, Move, JumpFalse, Free };
  struct Instruction {
    InstructionKind kind;
    int32_t a = 0;  // op / delegate / move_from / cond / value index
    int32_t b = 0;  // move_to / destination
    std::vector<int32_t> args;
  };
  struct Delegate {
    std::string id;
    size_t blob_index;  // into ProgramBuilder::delegate_blobs_
    std::vector<CompileSpecEntry> compile_specs;
  };

  int push(Value value);
  int push_instruction(Instruction instruction);

  ProgramBuilder* program_;
  std::string name_;
  std::optional<std::pair<std::string, std::string>> container_meta_;
  std::vector<Value> values_;
  std::vector<int32_t> inputs_;
  std::vector<int32_t> outputs_;
  std::vector<std::pair<std::string, std::string>> operators_;
  std::vector<Delegate> delegates_;
  std::vector<Instruction> instructions_;
  std::optional<std::vector<int64_t>> arena_sizes_;
  uint64_t arena_cursor_ = 0;  // next free offset for add_arena_tensor
};

class ProgramBuilder final {
 public:
  struct Options {
    // False writes constants into the deprecated inline Program.constant_buffer.
    bool constant_segment = true;
    // 32 (current) or 24 (files before segment_data_size was added).
    uint32_t header_length = 32;
    uint64_t segment_alignment = 128;
    // Alignment of each constant inside the constant segment.
    uint64_t constant_alignment = 16;
    uint32_t version = 0;
  };

  ProgramBuilder() = default;
  explicit ProgramBuilder(const Options& options) : options_(options) {}
  ProgramBuilder(const ProgramBuilder&) = delete;
  ProgramBuilder& operator=(const ProgramBuilder&) = delete;

  // Methods are written in the order they are added.
  MethodBuilder& add_method(std::string name);
  // Copies `nbytes` of constant data; returns its data_buffer_idx (>= 1).
  uint32_t add_constant(const void* data, size_t nbytes);
  // A named blob (Program.named_data) in a segment of its own.
  void add_named_data(std::string key, std::vector<uint8_t> bytes);
  // Copies `nbytes` into the mutable data segment; returns its data_buffer_idx
  // (>= 1). add_mutable_tensor() calls this; a reader re-emitting a file calls
  // it directly to keep the file's entry order.
  uint32_t add_mutable_data(const void* data, size_t nbytes);

  // The complete .pte file.
  std::vector<uint8_t> build() const;
  // The same bytes streamed to `out` (the caller checks the stream's state);
  // large programs are never held in memory twice.
  void write(std::ostream& out) const;

  const Options& options() const { return options_; }

 private:
  friend class MethodBuilder;
  friend class ProgramWriter;

  size_t add_delegate_blob(std::vector<uint8_t> blob, BlobLocation location);

  struct DelegateBlob {
    std::vector<uint8_t> bytes;
    BlobLocation location;
  };

  Options options_;
  std::vector<std::unique_ptr<MethodBuilder>> methods_;
  // Entry 0 is the reserved placeholder in both tables.
  std::vector<std::vector<uint8_t>> constants_{1};
  std::vector<std::vector<uint8_t>> mutable_data_{1};
  std::vector<DelegateBlob> delegate_blobs_;
  std::vector<std::pair<std::string, std::vector<uint8_t>>> named_data_;
};

// Bytes of a tensor of `type` and `sizes` (numel * element size).
size_t tensor_nbytes(ScalarType type, const std::vector<int32_t>& sizes);

}  // namespace ember
