// Program::load on the real ExecuTorch fixtures and on broken files.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "runtime/executor/extended_header.h"
#include "schema/program_generated.h"
#include "test/executor/method_harness.h"
#include "test/support/fixtures.h"

namespace ember::test {
namespace {

std::vector<uint8_t> fixture(const std::string& name) { return read_file(fixture_path(name)); }

TEST(ProgramTest, LoadsPortableFixtureWithoutHeader) {
  EMBER_REQUIRE_FIXTURES();
  auto bytes = fixture("executorch/add.pte");
  ASSERT_EQ(bytes.size(), 728u);
  MethodHarness h(bytes.data(), bytes.size());
  ASSERT_EQ(h.program_error(), Error::Ok) << error_message();
  ASSERT_EQ(h.program().num_methods(), 1u);
  EXPECT_STREQ(*h.program().get_method_name(0), "forward");
  Result<MethodMeta> meta = h.program().method_meta("forward");
  ASSERT_TRUE(meta.ok());
  ASSERT_EQ(meta->num_inputs(), 2u);
  ASSERT_EQ(meta->num_outputs(), 1u);
  Result<TensorInfo> in0 = meta->input_tensor_info(0);
  ASSERT_TRUE(in0.ok());
  EXPECT_EQ(in0->dtype, ScalarType::Float);
  ASSERT_EQ(in0->sizes.size(), 1u);
  EXPECT_EQ(in0->sizes[0], 1);
  EXPECT_EQ(in0->nbytes, 4u);
  EXPECT_TRUE(in0->is_memory_planned);
  EXPECT_EQ(meta->num_memory_planned_buffers(), 1u);
  EXPECT_EQ(*meta->memory_planned_buffer_size(0), 48u);
  char name[128];
  EXPECT_STREQ(*meta->operator_name(0, name, sizeof(name)), "aten::add.out");
  EXPECT_FALSE(meta->uses_backend("XnnpackBackend"));
  EXPECT_FALSE(h.program().method_meta("missing").ok());
}

TEST(ProgramTest, ParsesExtendedHeaderOfSegmentedFile) {
  EMBER_REQUIRE_FIXTURES();
  auto bytes = fixture("executorch/add_one_constant.pte");
  ASSERT_EQ(bytes.size(), 1156u);
  Result<ExtendedHeader> h = ExtendedHeader::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->length, 32u);
  EXPECT_EQ(h->program_size, 1040u);
  EXPECT_EQ(h->segment_base_offset, 1152u);
  EXPECT_EQ(h->segment_data_size, 4u);
  MethodHarness harness(bytes.data(), bytes.size());
  EXPECT_EQ(harness.program_error(), Error::Ok) << error_message();
}

TEST(ProgramTest, ReadsMethodsAndDynamismOfNewerFiles) {
  EMBER_REQUIRE_FIXTURES();
  auto multi = fixture("executorch-numpy-runtime/multi.pte");
  MethodHarness m(multi.data(), multi.size());
  ASSERT_EQ(m.program_error(), Error::Ok) << error_message();
  ASSERT_EQ(m.program().num_methods(), 2u);
  std::vector<std::string> names{*m.program().get_method_name(0), *m.program().get_method_name(1)};
  EXPECT_NE(std::find(names.begin(), names.end(), "forward"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "double"), names.end());

  auto dynamic = fixture("executorch-numpy-runtime/dynamic.pte");
  MethodHarness d(dynamic.data(), dynamic.size());
  ASSERT_EQ(d.program_error(), Error::Ok) << error_message();
  Result<MethodMeta> meta = d.program().method_meta("forward");
  ASSERT_TRUE(meta.ok());
  Result<TensorInfo> info = meta->input_tensor_info(0);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->dynamism, TensorShapeDynamism::DynamicBound);
  ASSERT_EQ(info->sizes.size(), 1u);
  EXPECT_EQ(info->sizes[0], 8);
  EXPECT_TRUE(meta->uses_backend("XnnpackBackend"));
  EXPECT_EQ(meta->num_delegates(), 1u);
  EXPECT_STREQ(*meta->delegate_id(0), "XnnpackBackend");
}

TEST(ProgramTest, ExposesNamedData) {
  EMBER_REQUIRE_FIXTURES();
  auto bytes = fixture("executorch-numpy-runtime/quantized.pte");
  MethodHarness h(bytes.data(), bytes.size());
  ASSERT_EQ(h.program_error(), Error::Ok) << error_message();
  ASSERT_EQ(h.program().num_keys(), 2u);
  const char* key = *h.program().key_at(0);
  EXPECT_EQ(std::strlen(key), 64u);  // sha256 hex
  Result<FreeableBuffer> data = h.program().get_data(key);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->size(), 64u);  // 8x8 int8 weights
  EXPECT_EQ(h.program().get_data("nope").error(), Error::NotFound);
}

TEST(ProgramTest, RefusesWrongIdentifier) {
  EMBER_REQUIRE_FIXTURES();
  auto bytes = fixture("executorch/add.pte");
  std::memcpy(bytes.data() + 4, "XY12", 4);
  MethodHarness h(bytes.data(), bytes.size());
  EXPECT_EQ(h.program_error(), Error::InvalidProgram);
  EXPECT_NE(std::string(error_message()).find("'XY12'"), std::string::npos) << error_message();
  EXPECT_NE(std::string(error_message()).find("ET12"), std::string::npos);
}

TEST(ProgramTest, RefusesTruncatedFile) {
  EMBER_REQUIRE_FIXTURES();
  auto bytes = fixture("executorch/add_one_constant.pte");
  MethodHarness tiny(bytes.data(), 5);
  EXPECT_EQ(tiny.program_error(), Error::InvalidProgram);
  MethodHarness cut(bytes.data(), 1100);  // header says the segments end at 1156
  EXPECT_EQ(cut.program_error(), Error::InvalidProgram);
  EXPECT_NE(std::string(error_message()).find("extended header"), std::string::npos) << error_message();
}

TEST(ProgramTest, RefusesUnknownVersion) {
  flatbuffers::FlatBufferBuilder fbb;
  executorch_flatbuffer::FinishProgramBuffer(fbb, executorch_flatbuffer::CreateProgram(fbb, /*version=*/7));
  MethodHarness h(fbb.GetBufferPointer(), fbb.GetSize());
  EXPECT_EQ(h.program_error(), Error::InvalidProgram);
  EXPECT_NE(std::string(error_message()).find("version 7"), std::string::npos) << error_message();
}

TEST(ProgramTest, EnforcesLoadCaps) {
  EMBER_REQUIRE_FIXTURES();
  auto bytes = fixture("executorch/add_one_constant.pte");
  ProgramLoadOptions small_arenas;
  small_arenas.max_planned_bytes = 16;  // the plan needs 32
  MethodHarness a(bytes.data(), bytes.size(), small_arenas);
  EXPECT_EQ(a.program_error(), Error::LimitExceeded);
  EXPECT_NE(std::string(error_message()).find("load limit"), std::string::npos) << error_message();

  auto q = fixture("executorch-numpy-runtime/quantized.pte");
  ProgramLoadOptions small_blobs;
  small_blobs.max_delegate_blob_bytes = 100;
  MethodHarness b(q.data(), q.size(), small_blobs);
  EXPECT_EQ(b.program_error(), Error::LimitExceeded);
  EXPECT_NE(std::string(error_message()).find("XnnpackBackend"), std::string::npos) << error_message();

  ProgramLoadOptions small_program;
  small_program.max_program_bytes = 512;
  MethodHarness c(bytes.data(), bytes.size(), small_program);
  EXPECT_EQ(c.program_error(), Error::LimitExceeded);
}

TEST(ProgramTest, RefusesOutOfRangeSegmentBase) {
  EMBER_REQUIRE_FIXTURES();
  auto bytes = fixture("executorch/add_one_constant.pte");
  uint64_t bad = 1u << 20;
  std::memcpy(bytes.data() + 24, &bad, sizeof(bad));  // segment_base_offset
  MethodHarness h(bytes.data(), bytes.size());
  EXPECT_EQ(h.program_error(), Error::InvalidProgram);
  EXPECT_NE(std::string(error_message()).find("segment_base_offset"), std::string::npos) << error_message();
}

}  // namespace
}  // namespace ember::test
