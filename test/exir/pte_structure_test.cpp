// check_pte_structure: each rule caught on a program broken on purpose, and
// every generated example model converted by exir (--backend portable and
// xnnpack) keeps all rules and reads back into ProgramBuilder byte for byte.
#include <dirent.h>
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "exir/cli/convert.h"
#include "exir/emit/program_builder.h"
#include "exir/emit/pte_reader.h"
#include "exir/import/onnx/onnx_importer.h"
#include "exir/ir/error.h"
#include "test/exir/model_generator.h"
#include "test/exir/model_run.h"
#include "test/support/program_bytes.h"
#include "test/support/pte_structure.h"

namespace {

using ember::ScalarType;
using ember::test::AlignedBytes;

std::string check(const std::vector<uint8_t>& bytes, uint64_t alignment = 128) {
  const AlignedBytes file(bytes.data(), bytes.size());
  return ember::test::check_pte_structure(file.data(), file.size(), alignment);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// forward(x) = x + c, with a 16-byte constant, x and out planned in arena 1,
// and a 100-byte delegate blob in a segment of its own.
std::vector<uint8_t> small_program(const ember::ProgramBuilder::Options& options = {}) {
  ember::ProgramBuilder p(options);
  ember::MethodBuilder& m = p.add_method("forward");
  const float c[4] = {1, 2, 3, 4};
  const int constant = m.add_constant_tensor(ScalarType::Float, {4}, c);
  const int x = m.add_arena_tensor(ScalarType::Float, {4});
  const int y = m.add_arena_tensor(ScalarType::Float, {4});
  const int alpha = m.add_int(1);
  m.add_delegate("XnnpackBackend", std::vector<uint8_t>(100, 7));
  m.add_kernel_call("aten::add", "out", {x, constant, alpha, y, y});
  m.set_inputs({x});
  m.set_outputs({y});
  return p.build();
}

void put_u32(std::vector<uint8_t>* bytes, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*bytes)[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

TEST(PteStructure, WellFormedProgramPasses) {
  const std::vector<uint8_t> bytes = small_program();
  ASSERT_EQ(std::memcmp(bytes.data() + 8, "eh00", 4), 0);
  EXPECT_EQ(check(bytes), "");
}

TEST(PteStructure, IdentifierAndRootOffset) {
  std::vector<uint8_t> bytes = small_program();
  bytes[7] = '3';
  EXPECT_EQ(check(bytes), "file identifier is not ET12");
  bytes = small_program();
  put_u32(&bytes, 0, static_cast<uint32_t>(bytes.size()) + 4);
  EXPECT_TRUE(contains(check(bytes), "root offset")) << check(bytes);
}

TEST(PteStructure, ExtendedHeader) {
  std::vector<uint8_t> bytes = small_program();
  put_u32(&bytes, 12, 16);  // header length
  EXPECT_EQ(check(bytes), "extended header length 16 < 24");
  bytes = small_program();
  put_u32(&bytes, 24, 64 * 3 + 128 * 100);  // segment_base_offset past the file
  EXPECT_TRUE(contains(check(bytes), "segment_base_offset")) << check(bytes);
  bytes = small_program();
  bytes.resize(bytes.size() - 10);  // the last segment is cut short
  EXPECT_TRUE(contains(check(bytes), "past the file size")) << check(bytes);
}

TEST(PteStructure, SegmentAlignment) {
  ember::ProgramBuilder::Options options;
  options.segment_alignment = 32;
  const std::vector<uint8_t> bytes = small_program(options);
  EXPECT_EQ(check(bytes, 32), "");
  // The 16-byte constant segment puts the delegate blob at 32.
  const std::string v = check(bytes, 128);
  EXPECT_TRUE(contains(v, "not a multiple of 128")) << v;
}

TEST(PteStructure, ConstantOffsetsAreSixteenByteAligned) {
  ember::ProgramBuilder::Options options;
  options.constant_alignment = 4;
  ember::ProgramBuilder p(options);
  ember::MethodBuilder& m = p.add_method("forward");
  const float a = 1, b = 2;
  m.add_constant_tensor(ScalarType::Float, {1}, &a);
  m.add_constant_tensor(ScalarType::Float, {1}, &b);
  EXPECT_EQ(check(p.build()), "constant entry 2 offset 4 is not 16-byte aligned");
}

TEST(PteStructure, TensorsFitTheirStorage) {
  {
    ember::ProgramBuilder p;
    ember::MethodBuilder& m = p.add_method("forward");
    m.add_planned_tensor(ScalarType::Float, {4}, 1, 8);
    m.set_arena_sizes({0, 16});
    EXPECT_EQ(check(p.build()), "method 0 value 0: planned at [8, +16) past arena 1 of 16 bytes");
  }
  {
    ember::ProgramBuilder p;
    ember::MethodBuilder& m = p.add_method("forward");
    const float c = 1;
    m.add_constant_tensor_with_buffer(ScalarType::Float, {4}, p.add_constant(&c, sizeof(c)));
    EXPECT_EQ(check(p.build()), "method 0 value 0: constant 1 [0, 4) is shorter than the tensor's 16 bytes");
  }
  {
    ember::ProgramBuilder p;
    ember::MethodBuilder& m = p.add_method("forward");
    m.add_planned_tensor(ScalarType::Float, {4}, 2, 0);
    m.set_arena_sizes({0, 64});
    EXPECT_EQ(check(p.build()), "method 0 value 0: memory_id 2 is not an arena");
  }
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// Folders under `dir` that hold a convertible model (bad_models have no output).
std::vector<std::string> model_folders(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (const dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name[0] != '.' && exists(dir + "/" + name + "/test_data_set_0/output_0.pb")) names.push_back(name);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Converts every model the generator wrote with both backends; each .pte
// must keep the structural rules and read back to the same bytes.
void check_generated(const char* script) {
  const std::string& dir = ember::test::generated_models(script);
  const std::vector<std::string> names = model_folders(dir);
  ASSERT_FALSE(names.empty()) << script << " wrote no model";
  int checked = 0;
  for (const std::string& name : names) {
    for (const char* backend : {"portable", "xnnpack"}) {
      SCOPED_TRACE(name + " --backend " + backend);
      exir::ConvertResult converted;
      try {
        converted = exir::convert_onnx(dir + "/" + name + "/model.onnx",
                                       ember::test::options_for_test_data(dir + "/" + name, backend));
      } catch (const exir::Error& e) {
        ADD_FAILURE() << "exir convert: " << e.what();
        continue;
      }
      EXPECT_EQ(check(converted.pte), "");
      const AlignedBytes file(converted.pte.data(), converted.pte.size());
      auto builder = ember::read_pte_into_builder(file.data(), file.size());
      ASSERT_TRUE(builder.ok()) << ember::error_message();
      EXPECT_TRUE((*builder)->build() == converted.pte) << "re-emitted bytes differ";
      if (std::string(backend) == "xnnpack" && converted.num_delegates > 0) {
        EXPECT_EQ(std::memcmp(converted.pte.data() + 8, "eh00", 4), 0);
      }
      ++checked;
    }
  }
  std::printf("%s: %d converted programs checked\n", script, checked);
}

TEST(PteStructure, GeneratedFloatModels) {
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_MODELS);
  check_generated(EXIR_GEN_MODELS);
}

TEST(PteStructure, GeneratedQdqModels) {
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_QDQ_MODELS);
  check_generated(EXIR_GEN_QDQ_MODELS);
}

}  // namespace
