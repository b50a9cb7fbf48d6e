// Structural checks of what ProgramBuilder writes: container header, segment
// placement and alignment, the flatbuffer fields, and flatc's view of it.
#include "exir/emit/program_builder.h"

#include <gtest/gtest.h>

#include <cstring>

#include "test/builder/pte_test_util.h"

namespace ember {
namespace {

namespace fb = executorch_flatbuffer;
using test::PteHeader;
using test::read_header;
using test::read_le;
using test::segment_bytes;
using test::verified_program;

std::vector<uint8_t> bytes_of(const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  return std::vector<uint8_t>(p, p + n);
}

// forward(x) = x * w + b with two constants, planned activations.
std::vector<uint8_t> build_mul_add(const ProgramBuilder::Options& options = {}) {
  ProgramBuilder pb(options);
  MethodBuilder& m = pb.add_method("forward");
  const float w[6] = {1, 2, 3, 4, 5, 6};
  const float b[3] = {0.5f, -1, 2};
  const int x = m.add_arena_tensor(ScalarType::Float, {2, 3});
  const int wv = m.add_constant_tensor(ScalarType::Float, {2, 3}, w);
  const int bv = m.add_constant_tensor(ScalarType::Float, {3}, b);
  const int t = m.add_arena_tensor(ScalarType::Float, {2, 3});
  const int y = m.add_arena_tensor(ScalarType::Float, {2, 3});
  const int alpha = m.add_int(1);
  m.add_kernel_call("aten::mul", "out", {x, wv, t, t});
  m.add_kernel_call("aten::add", "out", {t, bv, alpha, y, y});
  m.set_inputs({x});
  m.set_outputs({y});
  return pb.build();
}

TEST(ProgramBuilderTest, IdentifierAndRootOffsetWithoutSegmentData) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const int x = m.add_tensor(ScalarType::Float, {1});
  m.set_inputs({x});
  m.set_outputs({x});
  const std::vector<uint8_t> file = pb.build();
  ASSERT_GE(file.size(), 16u);
  EXPECT_EQ(0, std::memcmp(file.data() + 4, "ET12", 4));
  // No constants: ExecuTorch still records the empty constant segment but
  // writes no extended header, as in its add.pte.
  EXPECT_FALSE(read_header(file).present);
  const auto* program = verified_program(file);
  ASSERT_NE(program, nullptr);
  ASSERT_EQ(program->segments()->size(), 1u);
  EXPECT_EQ(program->segments()->Get(0)->size(), 0u);
  ASSERT_EQ(program->constant_segment()->offsets()->size(), 1u);
  EXPECT_EQ(program->constant_segment()->offsets()->Get(0), 0u);
  EXPECT_LT(read_le(file.data(), 4), file.size());
}

TEST(ProgramBuilderTest, ExtendedHeaderDescribesTheFile) {
  const std::vector<uint8_t> file = build_mul_add();
  EXPECT_EQ(0, std::memcmp(file.data() + 4, "ET12", 4));
  const PteHeader h = read_header(file);
  ASSERT_TRUE(h.present);
  EXPECT_EQ(h.length, 32u);
  EXPECT_LT(h.program_size, file.size());
  EXPECT_EQ(h.segment_base_offset % 128, 0u);
  EXPECT_GE(h.segment_base_offset, h.program_size);
  EXPECT_LT(h.segment_base_offset - h.program_size, 128u);
  EXPECT_EQ(h.segment_base_offset + h.segment_data_size, file.size());
  // The header is padded to 16 and the root offset moved past it.
  EXPECT_EQ(0, std::memcmp(file.data() + 8, "eh00", 4));
  EXPECT_GE(read_le(file.data(), 4), 40u);
  EXPECT_LT(read_le(file.data(), 4), h.program_size);
  for (size_t i = h.program_size; i < h.segment_base_offset; ++i) EXPECT_EQ(file[i], 0) << "padding byte " << i;
  ASSERT_NE(verified_program(file), nullptr);
}

TEST(ProgramBuilderTest, ConstantsAreSixteenAlignedInTheConstantSegment) {
  const std::vector<uint8_t> file = build_mul_add();
  const auto* program = verified_program(file);
  ASSERT_NE(program, nullptr);
  EXPECT_EQ(program->constant_buffer()->size(), 0u);
  const auto* cs = program->constant_segment();
  ASSERT_NE(cs, nullptr);
  ASSERT_EQ(cs->offsets()->size(), 3u);  // placeholder, w, b
  EXPECT_EQ(cs->offsets()->Get(0), 0u);
  EXPECT_EQ(cs->offsets()->Get(1), 0u);   // the placeholder is empty
  EXPECT_EQ(cs->offsets()->Get(2), 32u);  // 24 bytes of w, padded to 16
  const std::vector<uint8_t> segment = segment_bytes(file, cs->segment_index());
  ASSERT_EQ(segment.size(), 32u + 12u);  // the last constant is not padded
  const float w[6] = {1, 2, 3, 4, 5, 6};
  const float b[3] = {0.5f, -1, 2};
  EXPECT_EQ(0, std::memcmp(segment.data(), w, sizeof(w)));
  EXPECT_EQ(0, std::memcmp(segment.data() + 32, b, sizeof(b)));
  const PteHeader h = read_header(file);
  for (size_t i = 0; i < cs->offsets()->size(); ++i) {
    EXPECT_EQ((h.segment_base_offset + program->segments()->Get(0)->offset() + cs->offsets()->Get(i)) % 16, 0u);
  }
}

TEST(ProgramBuilderTest, OldHeaderLengthOmitsSegmentDataSize) {
  ProgramBuilder::Options options;
  options.header_length = 24;
  const std::vector<uint8_t> file = build_mul_add(options);
  const PteHeader h = read_header(file);
  ASSERT_TRUE(h.present);
  EXPECT_EQ(h.length, 24u);
  EXPECT_EQ(read_le(file.data() + 32, 8), 0u);  // padding, not a size
  EXPECT_EQ(h.segment_base_offset % 128, 0u);
  EXPECT_EQ(h.segment_base_offset + 44, file.size());
  EXPECT_NE(verified_program(file), nullptr);
}

TEST(ProgramBuilderTest, SegmentAlignmentOption) {
  ProgramBuilder::Options options;
  options.segment_alignment = 4096;
  ProgramBuilder pb(options);
  MethodBuilder& m = pb.add_method("forward");
  const int32_t c = 7;
  m.add_constant_tensor(ScalarType::Int, {1}, &c);
  m.add_delegate("BackendA", {1, 2, 3});
  m.add_delegate("BackendB", {4, 5});
  const std::vector<uint8_t> file = pb.build();
  const PteHeader h = read_header(file);
  const auto* program = verified_program(file);
  ASSERT_NE(program, nullptr);
  EXPECT_EQ(h.segment_base_offset, 4096u);
  ASSERT_EQ(program->segments()->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const auto* s = program->segments()->Get(i);
    EXPECT_EQ(s->offset(), i * 4096u);
    EXPECT_LE(h.segment_base_offset + s->offset() + s->size(), file.size());
  }
  EXPECT_EQ(segment_bytes(file, 1), (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_EQ(segment_bytes(file, 2), (std::vector<uint8_t>{4, 5}));
  EXPECT_EQ(file.size(), 3 * 4096u + 2);
}

TEST(ProgramBuilderTest, DeprecatedInlineConstants) {
  ProgramBuilder::Options options;
  options.constant_segment = false;
  const std::vector<uint8_t> file = build_mul_add(options);
  EXPECT_FALSE(read_header(file).present);
  const auto* program = verified_program(file);
  ASSERT_NE(program, nullptr);
  EXPECT_EQ(program->segments()->size(), 0u);
  EXPECT_EQ(program->constant_segment()->offsets()->size(), 0u);
  const auto* buffers = program->constant_buffer();
  ASSERT_EQ(buffers->size(), 3u);
  EXPECT_EQ(buffers->Get(0)->storage()->size(), 0u);
  ASSERT_EQ(buffers->Get(1)->storage()->size(), 24u);
  ASSERT_EQ(buffers->Get(2)->storage()->size(), 12u);
  for (size_t i = 1; i < 3; ++i) {
    // force_align: 16 holds relative to the start of the file.
    const auto offset = buffers->Get(i)->storage()->data() - file.data();
    EXPECT_EQ(offset % 16, 0) << "buffer " << i;
  }
  const float b[3] = {0.5f, -1, 2};
  EXPECT_EQ(0, std::memcmp(buffers->Get(2)->storage()->data(), b, sizeof(b)));
}

TEST(ProgramBuilderTest, MethodFieldsRoundTripThroughTheReader) {
  const std::vector<uint8_t> file = build_mul_add();
  const auto* program = verified_program(file);
  ASSERT_NE(program, nullptr);
  EXPECT_EQ(program->version(), 0u);
  ASSERT_EQ(program->execution_plan()->size(), 1u);
  const auto* plan = program->execution_plan()->Get(0);
  EXPECT_EQ(plan->name()->str(), "forward");
  ASSERT_EQ(plan->operators()->size(), 2u);
  EXPECT_EQ(plan->operators()->Get(0)->name()->str(), "aten::mul");
  EXPECT_EQ(plan->operators()->Get(1)->name()->str(), "aten::add");
  EXPECT_EQ(plan->operators()->Get(1)->overload()->str(), "out");
  ASSERT_EQ(plan->values()->size(), 6u);
  const auto* x = plan->values()->Get(0)->val_as_Tensor();
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->scalar_type(), fb::ScalarType::FLOAT);
  EXPECT_EQ(std::vector<int32_t>(x->sizes()->begin(), x->sizes()->end()), (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(std::vector<uint8_t>(x->dim_order()->begin(), x->dim_order()->end()), (std::vector<uint8_t>{0, 1}));
  ASSERT_NE(x->allocation_info(), nullptr);
  EXPECT_EQ(x->allocation_info()->memory_id(), 1u);
  EXPECT_EQ(x->allocation_info()->memory_offset_low(), 0u);
  EXPECT_EQ(x->data_buffer_idx(), 0u);
  const auto* w = plan->values()->Get(1)->val_as_Tensor();
  EXPECT_EQ(w->data_buffer_idx(), 1u);
  EXPECT_EQ(w->allocation_info(), nullptr);
  EXPECT_EQ(plan->values()->Get(2)->val_as_Tensor()->data_buffer_idx(), 2u);
  // Activations follow each other, 16-aligned: 24 bytes -> next at 32.
  EXPECT_EQ(plan->values()->Get(3)->val_as_Tensor()->allocation_info()->memory_offset_low(), 32u);
  EXPECT_EQ(plan->values()->Get(4)->val_as_Tensor()->allocation_info()->memory_offset_low(), 64u);
  EXPECT_EQ(plan->values()->Get(5)->val_as_Int()->int_val(), 1);
  EXPECT_EQ(std::vector<int64_t>(plan->non_const_buffer_sizes()->begin(), plan->non_const_buffer_sizes()->end()),
            (std::vector<int64_t>{0, 96}));
  ASSERT_EQ(plan->chains()->size(), 1u);
  const auto* instructions = plan->chains()->Get(0)->instructions();
  ASSERT_EQ(instructions->size(), 2u);
  const auto* add = instructions->Get(1)->instr_args_as_KernelCall();
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->op_index(), 1);
  EXPECT_EQ(std::vector<int32_t>(add->args()->begin(), add->args()->end()), (std::vector<int32_t>{3, 2, 5, 4, 4}));
  EXPECT_EQ(plan->inputs()->Get(0), 0);
  EXPECT_EQ(plan->outputs()->Get(0), 4);
}

TEST(ProgramBuilderTest, EveryValueKind) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("values");
  m.add_none();
  m.add_int(-5);
  m.add_double(2.5);
  m.add_bool(true);
  m.add_string("hello");
  m.add_int_list({1, 2});
  m.add_double_list({0.25, -1});
  m.add_bool_list({true, false, true});
  const int t = m.add_tensor(ScalarType::Long, {4}, std::nullopt, TensorShapeDynamism::DynamicBound);
  m.add_tensor_list({t, t});
  m.add_optional_tensor_list({t, -1});
  const std::vector<uint8_t> file = pb.build();
  const auto* program = verified_program(file);
  ASSERT_NE(program, nullptr);
  const auto* v = program->execution_plan()->Get(0)->values();
  ASSERT_EQ(v->size(), 11u);
  EXPECT_EQ(v->Get(0)->val_type(), fb::KernelTypes::Null);
  EXPECT_EQ(v->Get(1)->val_as_Int()->int_val(), -5);
  EXPECT_EQ(v->Get(2)->val_as_Double()->double_val(), 2.5);
  EXPECT_TRUE(v->Get(3)->val_as_Bool()->bool_val());
  EXPECT_EQ(v->Get(4)->val_as_String()->string_val()->str(), "hello");
  EXPECT_EQ(v->Get(5)->val_as_IntList()->items()->Get(1), 2);
  EXPECT_EQ(v->Get(6)->val_as_DoubleList()->items()->Get(0), 0.25);
  const auto* bools = v->Get(7)->val_as_BoolList()->items();
  ASSERT_EQ(bools->size(), 3u);
  EXPECT_EQ(bools->Get(0) + 2 * bools->Get(1) + 4 * bools->Get(2), 5);
  const auto* tensor = v->Get(8)->val_as_Tensor();
  EXPECT_EQ(tensor->scalar_type(), fb::ScalarType::LONG);
  EXPECT_EQ(tensor->shape_dynamism(), fb::TensorShapeDynamism::DYNAMIC_BOUND);
  EXPECT_EQ(tensor->allocation_info(), nullptr);
  EXPECT_EQ(v->Get(9)->val_as_TensorList()->items()->Get(1), 8);
  EXPECT_EQ(v->Get(10)->val_as_OptionalTensorList()->items()->Get(1), -1);
  // Nothing planned: only the reserved arena entry.
  EXPECT_EQ(program->execution_plan()->Get(0)->non_const_buffer_sizes()->size(), 1u);
}

TEST(ProgramBuilderTest, EveryInstructionKind) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const int a = m.add_int(1);
  const int b = m.add_int(2);
  const int cond = m.add_bool(false);
  const int d = m.add_delegate("Backend", {9}, BlobLocation::Inline, {{"key", {1, 2}}});
  EXPECT_EQ(m.add_kernel_call("executorch_prim::add", "Scalar", {a, b, a}), 0);
  EXPECT_EQ(m.add_delegate_call(d, {a, b}), 1);
  EXPECT_EQ(m.add_move_call(a, b), 2);
  EXPECT_EQ(m.add_jump_false_call(cond, 4), 3);
  EXPECT_EQ(m.add_free_call(b), 4);
  EXPECT_EQ(m.add_operator("executorch_prim::add", "Scalar"), 0);  // interned
  const std::vector<uint8_t> file = pb.build();
  const auto* program = verified_program(file);
  ASSERT_NE(program, nullptr);
  const auto* plan = program->execution_plan()->Get(0);
  EXPECT_EQ(plan->operators()->size(), 1u);
  const auto* in = plan->chains()->Get(0)->instructions();
  ASSERT_EQ(in->size(), 5u);
  EXPECT_EQ(in->Get(0)->instr_args_as_KernelCall()->args()->size(), 3u);
  EXPECT_EQ(in->Get(1)->instr_args_as_DelegateCall()->delegate_index(), d);
  EXPECT_EQ(in->Get(2)->instr_args_as_MoveCall()->move_from(), a);
  EXPECT_EQ(in->Get(2)->instr_args_as_MoveCall()->move_to(), b);
  EXPECT_EQ(in->Get(3)->instr_args_as_JumpFalseCall()->cond_value_index(), cond);
  EXPECT_EQ(in->Get(3)->instr_args_as_JumpFalseCall()->destination_instruction(), 4);
  EXPECT_EQ(in->Get(4)->instr_args_as_FreeCall()->value_index(), b);
  // The inline delegate blob lives in backend_delegate_data, 16-aligned.
  const auto* delegate = plan->delegates()->Get(0);
  EXPECT_EQ(delegate->id()->str(), "Backend");
  EXPECT_EQ(delegate->processed()->location(), fb::DataLocation::INLINE);
  EXPECT_EQ(delegate->processed()->index(), 0u);
  EXPECT_EQ(delegate->compile_specs()->Get(0)->key()->str(), "key");
  EXPECT_EQ(delegate->compile_specs()->Get(0)->value()->Get(1), 2);
  const auto* blob = program->backend_delegate_data()->Get(0)->data();
  ASSERT_EQ(blob->size(), 1u);
  EXPECT_EQ(blob->Get(0), 9);
  EXPECT_EQ((blob->data() - file.data()) % 16, 0);
}

TEST(ProgramBuilderTest, MutableDataDelegatesAndNamedDataSegments) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const int64_t initial[2] = {10, 20};
  const int state = m.add_mutable_tensor(ScalarType::Long, {2}, 1, 0, initial, "state");
  const int d = m.add_delegate("Backend", {7, 7, 7}, BlobLocation::Segment);
  m.add_delegate_call(d, {state});
  pb.add_named_data("weights", {1, 2, 3, 4});
  const std::vector<uint8_t> file = pb.build();
  const auto* program = verified_program(file);
  ASSERT_NE(program, nullptr);
  const PteHeader h = read_header(file);
  ASSERT_TRUE(h.present);
  // Segments: constants (empty), mutable data, delegate blob, named data.
  ASSERT_EQ(program->segments()->size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const auto* s = program->segments()->Get(i);
    EXPECT_EQ(s->offset() % 128, 0u);
    EXPECT_LE(h.segment_base_offset + s->offset() + s->size(), file.size());
  }
  EXPECT_EQ(program->segments()->Get(0)->size(), 0u);
  const auto* tensor = program->execution_plan()->Get(0)->values()->Get(state)->val_as_Tensor();
  EXPECT_EQ(tensor->data_buffer_idx(), 1u);
  ASSERT_NE(tensor->allocation_info(), nullptr);
  ASSERT_NE(tensor->extra_tensor_info(), nullptr);
  EXPECT_EQ(tensor->extra_tensor_info()->mutable_data_segments_idx(), 0u);
  EXPECT_EQ(tensor->extra_tensor_info()->fully_qualified_name()->str(), "state");
  ASSERT_EQ(program->mutable_data_segments()->size(), 1u);
  const auto* ms = program->mutable_data_segments()->Get(0);
  EXPECT_EQ(ms->segment_index(), 1u);
  ASSERT_EQ(ms->offsets()->size(), 2u);
  EXPECT_EQ(segment_bytes(file, 1), bytes_of(initial, sizeof(initial)));
  const auto* processed = program->execution_plan()->Get(0)->delegates()->Get(0)->processed();
  EXPECT_EQ(processed->location(), fb::DataLocation::SEGMENT);
  EXPECT_EQ(processed->index(), 2u);
  EXPECT_EQ(segment_bytes(file, 2), (std::vector<uint8_t>{7, 7, 7}));
  ASSERT_EQ(program->named_data()->size(), 1u);
  EXPECT_EQ(program->named_data()->Get(0)->key()->str(), "weights");
  EXPECT_EQ(program->named_data()->Get(0)->segment_index(), 3u);
  EXPECT_EQ(segment_bytes(file, 3), (std::vector<uint8_t>{1, 2, 3, 4}));
  EXPECT_EQ(h.segment_base_offset + h.segment_data_size, file.size());
}

TEST(ProgramBuilderTest, ExplicitArenaSizesVersionAndTwoMethods) {
  ProgramBuilder::Options options;
  options.version = 7;
  ProgramBuilder pb(options);
  MethodBuilder& a = pb.add_method("a");
  a.add_planned_tensor(ScalarType::Float, {3}, 2, 100);
  EXPECT_EQ(a.arena_sizes(), (std::vector<int64_t>{0, 0, 112}));
  a.set_arena_sizes({0, -1});
  MethodBuilder& b = pb.add_method("b");
  b.add_planned_tensor(ScalarType::Double, {2}, 1, uint64_t{1} << 33);
  const std::vector<uint8_t> file = pb.build();
  const auto* program = verified_program(file);
  ASSERT_NE(program, nullptr);
  EXPECT_EQ(program->version(), 7u);
  ASSERT_EQ(program->execution_plan()->size(), 2u);
  EXPECT_EQ(program->execution_plan()->Get(0)->non_const_buffer_sizes()->Get(1), -1);
  const auto* plan_b = program->execution_plan()->Get(1);
  EXPECT_EQ(plan_b->name()->str(), "b");
  const auto* alloc = plan_b->values()->Get(0)->val_as_Tensor()->allocation_info();
  EXPECT_EQ(alloc->memory_offset_low(), 0u);
  EXPECT_EQ(alloc->memory_offset_high(), 2u);
  EXPECT_EQ(plan_b->non_const_buffer_sizes()->Get(1), (int64_t{1} << 33) + 16);
}

TEST(ProgramBuilderTest, FlatcJsonShowsTheFields) {
  ProgramBuilder::Options options;
  options.version = 3;
  ProgramBuilder pb(options);
  MethodBuilder& m = pb.add_method("forward");
  const float c[2] = {1, 2};
  const int x = m.add_arena_tensor(ScalarType::Float, {2});
  const int k = m.add_constant_tensor(ScalarType::Float, {2}, c);
  m.add_kernel_call("aten::relu", "out", {k, x, x});
  m.set_outputs({x});
  m.set_container_meta("in", "out");
  const std::string json = test::flatc_json(pb.build());
  ASSERT_FALSE(json.empty()) << "flatc failed";
  for (const char* expected :
       {"\"version\": 3", "\"name\": \"forward\"", "\"name\": \"aten::relu\"", "\"overload\": \"out\"",
        "\"encoded_inp_str\": \"in\"", "\"scalar_type\": \"FLOAT\"", "\"data_buffer_idx\": 1",
        "\"memory_id\": 1", "\"instr_args_type\": \"KernelCall\"", "\"non_const_buffer_sizes\": [\n        0,\n        16",
        "\"constant_segment\": {", "\"size\": 8"}) {
    EXPECT_NE(json.find(expected), std::string::npos) << "missing " << expected << " in\n" << json;
  }
}

}  // namespace
}  // namespace ember
