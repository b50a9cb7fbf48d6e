// Round trip of .pte files: read_pte_into_builder + ProgramBuilder::build must
// re-emit every ExecuTorch fixture so that `flatc --json` of the original and
// of the re-emitted file are identical and every segment holds the same bytes;
// the re-emitted files keep the structural rules (check_pte_structure) and
// load. Programs written by ProgramBuilder itself, with the features the
// fixtures lack, must come back byte for byte.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "exir/emit/program_builder.h"
#include "exir/emit/pte_reader.h"
#include "runtime/executor/extended_header.h"
#include "runtime/executor/program.h"
#include "runtime/loader/buffer_data_loader.h"
#include "schema/program_generated.h"
#include "test/support/fixtures.h"
#include "test/support/program_bytes.h"
#include "test/support/pte_structure.h"

namespace {

namespace fb = executorch_flatbuffer;
using ember::test::AlignedBytes;

bool flatc_available() {
  struct stat st;
  return stat(EMBER_FLATC, &st) == 0;
}

const std::string& temp_dir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/pte_round_trip_XXXXXX";
    return std::string(mkdtemp(tmpl) != nullptr ? tmpl : "");
  }();
  return dir;
}

// `flatc --json` of a whole .pte (flatc follows the root offset past the
// extended header), or "" when flatc fails.
std::string flatc_json(const std::vector<uint8_t>& bytes, const std::string& stem) {
  const std::string dir = temp_dir();
  const std::string bin = dir + "/" + stem + ".pte";
  FILE* f = std::fopen(bin.c_str(), "wb");
  if (f == nullptr) return "";
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  const std::string cmd = std::string(EMBER_FLATC) + " --json --strict-json --raw-binary -o " + dir + " " +
                          EMBER_PROGRAM_FBS + " -- " + bin + " 2>&1";
  if (std::system(cmd.c_str()) != 0) return "";
  const std::vector<uint8_t> json = ember::test::read_file(dir + "/" + stem + ".json");
  return std::string(json.begin(), json.end());
}

// The bytes of every segment, in table order.
std::vector<std::vector<uint8_t>> segments_of(const AlignedBytes& file) {
  std::vector<std::vector<uint8_t>> out;
  uint64_t base = 0;
  auto header = ember::ExtendedHeader::parse(file.data(), file.size());
  if (header.ok()) base = header->segment_base_offset;
  const auto* segments = fb::GetProgram(file.data())->segments();
  for (uint32_t i = 0; segments != nullptr && i < segments->size(); ++i) {
    const uint8_t* p = file.data() + base + segments->Get(i)->offset();
    out.emplace_back(p, p + segments->Get(i)->size());
  }
  return out;
}

bool loads(const AlignedBytes& file) {
  ember::BufferDataLoader loader(file.data(), file.size());
  return ember::Program::load(&loader).ok();
}

std::vector<std::string> fixture_ptes() {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(EMBER_FIXTURES_DIR, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".pte") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// Reads `original`, rebuilds it and returns the re-emitted file (empty on a
// reported failure).
std::vector<uint8_t> rebuild(const AlignedBytes& original, const std::string& name,
                             ember::ProgramBuilder::Options* options = nullptr) {
  auto builder = ember::read_pte_into_builder(original.data(), original.size());
  if (!builder.ok()) {
    ADD_FAILURE() << name << ": " << ember::error_message();
    return {};
  }
  if (options != nullptr) *options = (*builder)->options();
  return (*builder)->build();
}

TEST(PteRoundTrip, EveryFixtureReEmitsTheSameProgram) {
  EMBER_REQUIRE_FIXTURES();
  if (!flatc_available()) {
    std::printf("SKIP: flatc not found at %s\n", EMBER_FLATC);
    GTEST_SKIP();
  }
  const std::vector<std::string> paths = fixture_ptes();
  // executorch/: 3 programs; executorch-numpy-runtime/: 7 (see the README).
  EXPECT_EQ(paths.size(), 10u);
  int n = 0;
  for (const std::string& path : paths) {
    SCOPED_TRACE(path);
    const std::vector<uint8_t> bytes = ember::test::read_file(path);
    ASSERT_FALSE(bytes.empty());
    const AlignedBytes original(bytes.data(), bytes.size());
    // ExecuTorch's own files keep the rules too (128-byte segment alignment).
    EXPECT_EQ(ember::test::check_pte_structure(original.data(), original.size()), "");

    ember::ProgramBuilder::Options options;
    const std::vector<uint8_t> rebuilt_bytes = rebuild(original, path, &options);
    ASSERT_FALSE(rebuilt_bytes.empty());
    const AlignedBytes rebuilt(rebuilt_bytes.data(), rebuilt_bytes.size());
    EXPECT_EQ(ember::test::check_pte_structure(rebuilt.data(), rebuilt.size(), options.segment_alignment), "");
    EXPECT_TRUE(loads(rebuilt)) << ember::error_message();
    // Every fixture was exported with ExecuTorch's defaults; the reader must
    // find them again from the offsets.
    EXPECT_EQ(options.segment_alignment, 128u);
    EXPECT_EQ(options.constant_alignment, 16u);

    const std::string stem = "fixture" + std::to_string(n++);
    const std::string want = flatc_json(bytes, stem + "_want");
    const std::string got = flatc_json(rebuilt_bytes, stem + "_got");
    ASSERT_FALSE(want.empty()) << "flatc could not dump the fixture";
    EXPECT_EQ(got, want);

    const auto want_segments = segments_of(original);
    const auto got_segments = segments_of(rebuilt);
    ASSERT_EQ(got_segments.size(), want_segments.size());
    for (size_t i = 0; i < want_segments.size(); ++i) EXPECT_EQ(got_segments[i], want_segments[i]) << "segment " << i;

    // Our own output is a fixed point: reading it back re-emits it byte for byte.
    EXPECT_EQ(rebuild(rebuilt, path + " (re-emitted)"), rebuilt_bytes);
  }
  std::error_code ec;
  std::filesystem::remove_all(temp_dir(), ec);
}

// The layout facts of the fixtures the reader must carry into Options.
TEST(PteRoundTrip, OptionsFollowTheFile) {
  EMBER_REQUIRE_FIXTURES();
  auto options_of = [](const std::string& relative) {
    const std::vector<uint8_t> bytes = ember::test::read_file(ember::test::fixture_path(relative));
    ember::ProgramBuilder::Options options;
    rebuild(AlignedBytes(bytes.data(), bytes.size()), relative, &options);
    return options;
  };
  EXPECT_FALSE(options_of("executorch/linear_inline_constants_deprecated.pte").constant_segment);
  EXPECT_TRUE(options_of("executorch/add_one_constant.pte").constant_segment);
  EXPECT_EQ(options_of("executorch/add_one_constant.pte").header_length, 32u);
}

// A program with what the fixtures lack: two methods, mutable initial
// values, an inline and a segment delegate with compile specs, named data,
// a 24-byte header, non-default alignments, a non-contiguous dim order,
// every value kind and instruction kind.
std::vector<uint8_t> feature_program(const ember::ProgramBuilder::Options& options) {
  using ember::ScalarType;
  ember::ProgramBuilder p(options);
  // 8 bytes then 12: at constant alignment 32 the second starts at 32,
  // which only alignment 32 re-creates with the first at its exact size.
  const float weights[2] = {1, 2};
  const float bias[3] = {3, 4, 5};
  const int64_t counter = 7;
  ember::MethodBuilder& m = p.add_method("forward");
  m.set_container_meta("T1#1($)", "$");
  const int w = m.add_constant_tensor(ScalarType::Float, {1, 2}, weights, std::vector<uint8_t>{1, 0});
  m.add_constant_tensor(ScalarType::Float, {3}, bias);
  const int x = m.add_arena_tensor(ScalarType::Float, {2, 3});
  const int y = m.add_arena_tensor(ScalarType::Float, {2, 3}, ember::TensorShapeDynamism::DynamicBound);
  const int state = m.add_mutable_tensor(ScalarType::Long, {1}, 1, 64, &counter, "state.counter");
  const int one = m.add_int(1);
  const int flag = m.add_bool(false);
  m.add_double(0.5);
  m.add_none();
  m.add_string("mode");
  m.add_int_list({one, one});
  m.add_double_list({1.5, -2.0});
  m.add_bool_list({true, false, true});
  m.add_tensor_list({x, y});
  m.add_optional_tensor_list({x, -1});
  m.set_inputs({x});
  m.set_outputs({y});
  const int inline_delegate =
      m.add_delegate("InlineBackend", {1, 2, 3, 4, 5}, ember::BlobLocation::Inline, {{"level", {9}}, {"empty", {}}});
  const int segment_delegate = m.add_delegate("SegmentBackend", std::vector<uint8_t>(300, 0xab));
  m.add_kernel_call("aten::add", "out", {x, w, one, y, y});
  m.add_delegate_call(inline_delegate, {x, y});
  m.add_delegate_call(segment_delegate, {y, state});
  m.add_move_call(x, y);
  m.add_jump_false_call(flag, 6);
  m.add_free_call(x);
  m.add_kernel_call("aten::mul", "out", {x, w, y});
  ember::MethodBuilder& second = p.add_method("second");
  const int a = second.add_planned_tensor(ScalarType::Int, {4}, 1, 0);
  second.add_constant_tensor_with_buffer(ScalarType::Float, {3}, 2);
  second.set_inputs({a});
  second.set_outputs({a});
  p.add_named_data("weights.key", std::vector<uint8_t>(40, 0x5a));
  return p.build();
}

TEST(PteRoundTrip, BuilderFeaturesComeBackByteForByte) {
  ember::ProgramBuilder::Options options;
  options.header_length = 24;
  options.segment_alignment = 64;
  options.constant_alignment = 32;
  options.version = 0;
  for (bool constant_segment : {true, false}) {
    options.constant_segment = constant_segment;
    SCOPED_TRACE(constant_segment ? "constant segment" : "inline constants");
    const std::vector<uint8_t> bytes = feature_program(options);
    const AlignedBytes original(bytes.data(), bytes.size());
    ASSERT_TRUE(loads(original)) << ember::error_message();
    EXPECT_EQ(ember::test::check_pte_structure(original.data(), original.size(), 64), "");
    ember::ProgramBuilder::Options read;
    EXPECT_EQ(rebuild(original, "feature program", &read), bytes);
    EXPECT_EQ(read.header_length, 24u);
    EXPECT_EQ(read.constant_segment, constant_segment);
    // 64 reproduces every segment offset (128 does not); with inline
    // constants only the 8-byte mutable entry is left, whose offsets (0, 0)
    // any alignment reproduces, so the default 16 is kept.
    EXPECT_EQ(read.segment_alignment, 64u);
    EXPECT_EQ(read.constant_alignment, constant_segment ? 32u : 16u);
  }
}

// Constant padding that is not zero is kept as data, so the segment still
// matches byte for byte.
TEST(PteRoundTrip, NonZeroConstantPaddingIsKept) {
  ember::ProgramBuilder p;
  const uint8_t padded[16] = {1, 2, 3, 4, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee};
  const float second[1] = {2.0f};
  ember::MethodBuilder& m = p.add_method("forward");
  const uint32_t index = p.add_constant(padded, sizeof(padded));
  m.add_constant_tensor_with_buffer(ember::ScalarType::Float, {1}, index);
  m.add_constant_tensor(ember::ScalarType::Float, {1}, second);
  const std::vector<uint8_t> bytes = p.build();
  const AlignedBytes original(bytes.data(), bytes.size());
  EXPECT_EQ(rebuild(original, "padded constant"), bytes);
}

TEST(PteRoundTrip, RefusesWhatDoesNotLoad) {
  std::vector<uint8_t> bytes = feature_program({});
  bytes[5] = 'X';  // identifier ET12 -> EX12
  auto builder = ember::read_pte_into_builder(bytes);
  ASSERT_FALSE(builder.ok());
  EXPECT_NE(std::string(ember::error_message()).find("Program::load"), std::string::npos) << ember::error_message();
}

// A one-method program written with the flatc API directly, with what
// ProgramBuilder cannot write: `chains` chains, each with an empty stacktrace
// vector when `stacktrace`.
std::vector<uint8_t> raw_program(int chains, bool stacktrace) {
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<flatbuffers::Offset<fb::Chain>> chain_list;
  for (int i = 0; i < chains; ++i) {
    const auto frames = stacktrace ? fbb.CreateVector(std::vector<flatbuffers::Offset<fb::FrameList>>()) : 0;
    chain_list.push_back(
        fb::CreateChain(fbb, fbb.CreateVector(std::vector<int32_t>()), fbb.CreateVector(std::vector<int32_t>()),
                        fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Instruction>>()), frames));
  }
  const auto plan = fb::CreateExecutionPlan(
      fbb, fbb.CreateString("forward"), 0, fbb.CreateVector(std::vector<flatbuffers::Offset<fb::EValue>>()),
      fbb.CreateVector(std::vector<int32_t>()), fbb.CreateVector(std::vector<int32_t>()), fbb.CreateVector(chain_list),
      fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Operator>>()),
      fbb.CreateVector(std::vector<flatbuffers::Offset<fb::BackendDelegate>>()),
      fbb.CreateVector(std::vector<int64_t>{0}));
  const auto program = fb::CreateProgram(
      fbb, 0, fbb.CreateVector(std::vector<flatbuffers::Offset<fb::ExecutionPlan>>{plan}),
      fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Buffer>>()),
      fbb.CreateVector(std::vector<flatbuffers::Offset<fb::BackendDelegateInlineData>>()),
      fbb.CreateVector(std::vector<flatbuffers::Offset<fb::DataSegment>>{fb::CreateDataSegment(fbb, 0, 0)}),
      fb::CreateSubsegmentOffsets(fbb, 0, fbb.CreateVector(std::vector<uint64_t>{0})));
  fb::FinishProgramBuffer(fbb, program);
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

TEST(PteRoundTrip, RefusesWhatTheBuilderCannotWrite) {
  for (const auto& [chains, stacktrace, message] :
       std::vector<std::tuple<int, bool, std::string>>{{2, false, "exactly one chain"}, {1, true, "stacktrace"}}) {
    const std::vector<uint8_t> bytes = raw_program(chains, stacktrace);
    const AlignedBytes file(bytes.data(), bytes.size());
    if (!loads(file)) {
      std::printf("SKIP: Program::load refuses %d chains (stacktrace %d): %s\n", chains, stacktrace,
                  ember::error_message());
      continue;
    }
    auto builder = ember::read_pte_into_builder(bytes);
    ASSERT_FALSE(builder.ok());
    EXPECT_EQ(builder.error(), ember::Error::NotSupported);
    EXPECT_NE(std::string(ember::error_message()).find(message), std::string::npos) << ember::error_message();
  }
}

}  // namespace
