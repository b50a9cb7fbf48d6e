// Round trip against ExecuTorch's own files: decode a real .pte with the
// generated reader, rebuild the same program with ProgramBuilder, and compare
// flatc --json dumps (equal JSON) and the segment bytes. Equal dumps mean our
// writer produces ExecuTorch's structure field for field.
#include <gtest/gtest.h>

#include "exir/emit/program_builder.h"
#include "test/builder/pte_test_util.h"
#include "test/support/fixtures.h"

namespace ember {
namespace {

namespace fb = executorch_flatbuffer;
using test::read_header;
using test::segment_bytes;

template <typename T, typename V>
std::vector<T> to_vector(const V* v) {
  return v == nullptr ? std::vector<T>() : std::vector<T>(v->begin(), v->end());
}

// Bytes of every subsegment [offsets[i], offsets[i + 1]) of a segment; the
// padding between entries comes along, so re-packing gives the same offsets.
std::vector<std::vector<uint8_t>> split_subsegments(const std::vector<uint8_t>& segment,
                                                    const flatbuffers::Vector<uint64_t>* offsets) {
  std::vector<std::vector<uint8_t>> parts;
  for (size_t i = 0; offsets != nullptr && i < offsets->size(); ++i) {
    const size_t end = i + 1 < offsets->size() ? offsets->Get(i + 1) : segment.size();
    parts.emplace_back(segment.begin() + offsets->Get(i), segment.begin() + end);
  }
  return parts;
}

TensorSpec decode_tensor(const fb::Tensor* t) {
  TensorSpec spec;
  spec.scalar_type = static_cast<ScalarType>(t->scalar_type());
  spec.sizes = to_vector<int32_t>(t->sizes());
  spec.dim_order = to_vector<uint8_t>(t->dim_order());
  spec.dynamism = static_cast<TensorShapeDynamism>(t->shape_dynamism());
  spec.storage_offset = t->storage_offset();
  spec.data_buffer_idx = t->data_buffer_idx();
  if (const auto* a = t->allocation_info()) {
    spec.planned = true;
    spec.mem_id = a->memory_id();
    spec.mem_offset = uint64_t{a->memory_offset_high()} << 32 | a->memory_offset_low();
  }
  if (const auto* e = t->extra_tensor_info()) {
    spec.has_extra_info = true;
    spec.mutable_data_segments_idx = e->mutable_data_segments_idx();
    if (e->fully_qualified_name() != nullptr) spec.fully_qualified_name = e->fully_qualified_name()->str();
    spec.external = e->location() == fb::TensorDataLocation::EXTERNAL;
  }
  return spec;
}

void rebuild_value(MethodBuilder& m, const fb::EValue* v) {
  switch (v->val_type()) {
    case fb::KernelTypes::Int:
      m.add_int(v->val_as_Int()->int_val());
      return;
    case fb::KernelTypes::Bool:
      m.add_bool(v->val_as_Bool()->bool_val());
      return;
    case fb::KernelTypes::Double:
      m.add_double(v->val_as_Double()->double_val());
      return;
    case fb::KernelTypes::Tensor:
      m.add_tensor(decode_tensor(v->val_as_Tensor()));
      return;
    case fb::KernelTypes::String:
      m.add_string(v->val_as_String()->string_val()->str());
      return;
    case fb::KernelTypes::IntList:
      m.add_int_list(to_vector<int64_t>(v->val_as_IntList()->items()));
      return;
    case fb::KernelTypes::DoubleList:
      m.add_double_list(to_vector<double>(v->val_as_DoubleList()->items()));
      return;
    case fb::KernelTypes::BoolList:
      m.add_bool_list(to_vector<bool>(v->val_as_BoolList()->items()));
      return;
    case fb::KernelTypes::TensorList:
      m.add_tensor_list(to_vector<int32_t>(v->val_as_TensorList()->items()));
      return;
    case fb::KernelTypes::OptionalTensorList:
      m.add_optional_tensor_list(to_vector<int32_t>(v->val_as_OptionalTensorList()->items()));
      return;
    default:
      m.add_none();
      return;
  }
}

void rebuild_instruction(MethodBuilder& m, const fb::Instruction* in) {
  switch (in->instr_args_type()) {
    case fb::InstructionArguments::KernelCall: {
      const auto* k = in->instr_args_as_KernelCall();
      m.add_kernel_call(k->op_index(), to_vector<int32_t>(k->args()));
      return;
    }
    case fb::InstructionArguments::DelegateCall: {
      const auto* d = in->instr_args_as_DelegateCall();
      m.add_delegate_call(d->delegate_index(), to_vector<int32_t>(d->args()));
      return;
    }
    case fb::InstructionArguments::MoveCall:
      m.add_move_call(in->instr_args_as_MoveCall()->move_from(), in->instr_args_as_MoveCall()->move_to());
      return;
    case fb::InstructionArguments::JumpFalseCall: {
      const auto* j = in->instr_args_as_JumpFalseCall();
      m.add_jump_false_call(j->cond_value_index(), j->destination_instruction());
      return;
    }
    case fb::InstructionArguments::FreeCall:
      m.add_free_call(in->instr_args_as_FreeCall()->value_index());
      return;
    default:
      ADD_FAILURE() << "instruction without arguments";
  }
}

// Replays every decoded field into a ProgramBuilder. Supports the shapes
// ExecuTorch writes: one chain per method, at most one mutable data table.
std::vector<uint8_t> rebuild(const std::vector<uint8_t>& file) {
  const fb::Program* program = test::verified_program(file);
  if (program == nullptr) return {};
  const test::PteHeader header = read_header(file);
  ProgramBuilder::Options options;
  options.version = program->version();
  options.constant_segment = program->constant_buffer() == nullptr || program->constant_buffer()->size() == 0;
  if (header.present) options.header_length = header.length;
  ProgramBuilder pb(options);

  if (options.constant_segment) {
    const auto* cs = program->constant_segment();
    const auto parts = split_subsegments(segment_bytes(file, cs->segment_index()), cs->offsets());
    // Entry 0 is the builder's own placeholder.
    for (size_t i = 1; i < parts.size(); ++i) pb.add_constant(parts[i].data(), parts[i].size());
  } else {
    for (size_t i = 1; i < program->constant_buffer()->size(); ++i) {
      const auto* storage = program->constant_buffer()->Get(i)->storage();
      pb.add_constant(storage->data(), storage->size());
    }
  }
  std::vector<std::vector<uint8_t>> mutable_parts;
  if (program->mutable_data_segments() != nullptr && program->mutable_data_segments()->size() > 0) {
    const auto* ms = program->mutable_data_segments()->Get(0);
    mutable_parts = split_subsegments(segment_bytes(file, ms->segment_index()), ms->offsets());
  }

  for (const auto* plan : *program->execution_plan()) {
    MethodBuilder& m = pb.add_method(plan->name()->str());
    if (const auto* meta = plan->container_meta_type()) {
      m.set_container_meta(meta->encoded_inp_str()->str(), meta->encoded_out_str()->str());
    }
    for (const auto* v : *plan->values()) {
      if (v->val_type() == fb::KernelTypes::Tensor && v->val_as_Tensor()->extra_tensor_info() != nullptr &&
          v->val_as_Tensor()->allocation_info() != nullptr && v->val_as_Tensor()->data_buffer_idx() > 0) {
        // A mutable tensor: its initial value goes through add_mutable_tensor.
        const TensorSpec spec = decode_tensor(v->val_as_Tensor());
        const auto& initial = mutable_parts.at(spec.data_buffer_idx);
        const int index = m.add_mutable_tensor(spec.scalar_type, spec.sizes, spec.mem_id, spec.mem_offset,
                                               initial.data(), spec.fully_qualified_name);
        EXPECT_EQ(tensor_nbytes(spec.scalar_type, spec.sizes), initial.size()) << "value " << index;
        continue;
      }
      rebuild_value(m, v);
    }
    m.set_inputs(to_vector<int32_t>(plan->inputs()));
    m.set_outputs(to_vector<int32_t>(plan->outputs()));
    for (const auto* op : *plan->operators()) m.add_operator(op->name()->str(), op->overload()->str());
    for (const auto* d : *plan->delegates()) {
      std::vector<CompileSpecEntry> specs;
      for (const auto* spec : *d->compile_specs()) specs.push_back({spec->key()->str(), to_vector<uint8_t>(spec->value())});
      const bool inline_blob = d->processed()->location() == fb::DataLocation::INLINE;
      const std::vector<uint8_t> blob =
          inline_blob ? to_vector<uint8_t>(program->backend_delegate_data()->Get(d->processed()->index())->data())
                      : segment_bytes(file, d->processed()->index());
      m.add_delegate(d->id()->str(), blob, inline_blob ? BlobLocation::Inline : BlobLocation::Segment, specs);
    }
    EXPECT_EQ(plan->chains()->size(), 1u);
    for (const auto* in : *plan->chains()->Get(0)->instructions()) rebuild_instruction(m, in);
    m.set_arena_sizes(to_vector<int64_t>(plan->non_const_buffer_sizes()));
  }
  if (program->named_data() != nullptr) {
    for (const auto* nd : *program->named_data()) pb.add_named_data(nd->key()->str(), segment_bytes(file, nd->segment_index()));
  }
  return pb.build();
}

void expect_round_trip(const std::string& relative_path) {
  const std::vector<uint8_t> original = test::read_binary_file(test::fixture_path(relative_path));
  ASSERT_FALSE(original.empty()) << relative_path;
  const std::vector<uint8_t> rebuilt = rebuild(original);
  ASSERT_FALSE(rebuilt.empty()) << "fixture did not verify: " << relative_path;
  ASSERT_NE(test::verified_program(rebuilt), nullptr);

  const std::string want = test::flatc_json(original);
  const std::string got = test::flatc_json(rebuilt);
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(want, got) << relative_path;

  // Same container: header presence and length, segment bytes, file size.
  const test::PteHeader a = read_header(original);
  const test::PteHeader b = read_header(rebuilt);
  EXPECT_EQ(a.present, b.present);
  EXPECT_EQ(a.length, b.length);
  EXPECT_EQ(a.segment_data_size, b.segment_data_size);
  if (a.present) {
    EXPECT_EQ(original.size() - a.segment_base_offset, rebuilt.size() - b.segment_base_offset);
    EXPECT_TRUE(std::equal(original.begin() + a.segment_base_offset, original.end(),
                           rebuilt.begin() + b.segment_base_offset))
        << "segment bytes differ";
  }
}

TEST(RoundTripTest, AddOneConstant) {
  EMBER_REQUIRE_FIXTURES();
  expect_round_trip("executorch/add_one_constant.pte");
}

TEST(RoundTripTest, AddWithoutExtendedHeader) {
  EMBER_REQUIRE_FIXTURES();
  expect_round_trip("executorch/add.pte");
}

TEST(RoundTripTest, DeprecatedInlineConstants) {
  EMBER_REQUIRE_FIXTURES();
  expect_round_trip("executorch/linear_inline_constants_deprecated.pte");
}

// Files from ExecuTorch 1.3.1: XNNPACK blobs in segments, named data (the
// quantized weights), several methods, zero-input methods, dynamic shapes.
TEST(RoundTripTest, ExecuTorch131Exports) {
  EMBER_REQUIRE_FIXTURES();
  for (const char* name : {"add.pte", "const_methods.pte", "dtypes.pte", "dynamic.pte", "multi.pte", "quantized.pte",
                           "lstm/lstm.pte"}) {
    SCOPED_TRACE(name);
    expect_round_trip(std::string("executorch-numpy-runtime/") + name);
  }
}

}  // namespace
}  // namespace ember
