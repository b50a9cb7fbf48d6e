// BundledProgram (BP08): the real ExecuTorch fixture end to end through
// Module, hand-built bundles for the value checks, malformed files, and
// compare().
#include "runtime/bundled/bundled_program.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "runtime/module/module.h"
#include "schema/bundled_program_generated.h"
#include "test/support/fixtures.h"

namespace ember {
namespace {

namespace fb = bundled_program_flatbuffer;

// Bytes in 64-byte aligned heap memory, as a host would read a file.
struct Aligned {
  std::unique_ptr<uint8_t, decltype(&std::free)> data{nullptr, &std::free};
  size_t size = 0;
};

Aligned aligned_copy(const uint8_t* bytes, size_t size) {
  Aligned out;
  out.data.reset(static_cast<uint8_t*>(std::aligned_alloc(64, (size + 64) / 64 * 64)));
  if (size != 0) std::memcpy(out.data.get(), bytes, size);
  out.size = size;
  return out;
}

Aligned read_fixture(const std::string& relative) {
  std::ifstream in(test::fixture_path(relative), std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return aligned_copy(bytes.data(), bytes.size());
}

TEST(BundledProgram, ParsesTheExecutorchFixture) {
  EMBER_REQUIRE_FIXTURES();
  Aligned file = read_fixture("executorch/bundled_program.bpte");
  ASSERT_EQ(file.size, 4608u);
  EXPECT_TRUE(is_bundled_program(file.data.get(), file.size));
  Result<BundledProgram> bp = BundledProgram::from(file.data.get(), file.size);
  ASSERT_TRUE(bp.ok()) << error_message();

  Span<const uint8_t> program = bp->program();
  ASSERT_GT(program.size(), 8u);
  EXPECT_EQ(std::memcmp(program.data() + 4, "ET12", 4), 0);
  // The schema forces 32-byte alignment of the program bytes.
  EXPECT_EQ((program.data() - file.data.get()) % 32, 0);

  ASSERT_GE(bp->num_method_test_suites(), 1u);
  for (size_t s = 0; s < bp->num_method_test_suites(); ++s) {
    Result<std::string> name = bp->method_name(s);
    ASSERT_TRUE(name.ok());
    EXPECT_FALSE(name->empty());
    Result<size_t> cases = bp->num_test_cases(s);
    ASSERT_TRUE(cases.ok());
    EXPECT_GE(*cases, 1u);
    for (size_t c = 0; c < *cases; ++c) {
      Result<std::vector<HostValue>> in = bp->inputs(s, c);
      Result<std::vector<HostValue>> out = bp->expected_outputs(s, c);
      ASSERT_TRUE(in.ok()) << error_message();
      ASSERT_TRUE(out.ok()) << error_message();
      EXPECT_FALSE(out->empty());
      for (const HostValue& v : *in) {
        if (v.tag == Tag::Tensor) {
          EXPECT_EQ(v.tensor.data.size(), v.tensor.numel() * element_size(v.tensor.dtype));
        }
      }
    }
  }
  EXPECT_FALSE(bp->method_name(bp->num_method_test_suites()).ok());
  EXPECT_FALSE(bp->inputs(0, 1000).ok());
}

TEST(BundledProgram, EveryFixtureTestCasePassesThroughModule) {
  EMBER_REQUIRE_FIXTURES();
  Aligned file = read_fixture("executorch/bundled_program.bpte");
  Result<BundledProgram> bp = BundledProgram::from(file.data.get(), file.size);
  ASSERT_TRUE(bp.ok()) << error_message();
  Result<std::unique_ptr<Module>> module = Module::load_from_buffer(bp->program().data(), bp->program().size());
  ASSERT_TRUE(module.ok()) << error_message();

  size_t total = 0;
  for (size_t s = 0; s < bp->num_method_test_suites(); ++s) {
    std::string name = *bp->method_name(s);
    for (size_t c = 0; c < *bp->num_test_cases(s); ++c) {
      Result<std::vector<HostValue>> outputs = (*module)->run(name, *bp->inputs(s, c));
      ASSERT_TRUE(outputs.ok()) << name << " case " << c << ": " << error_message();
      Result<std::vector<HostValue>> expected = bp->expected_outputs(s, c);
      ASSERT_EQ(outputs->size(), expected->size());
      for (size_t i = 0; i < expected->size(); ++i) {
        CompareResult r = compare((*outputs)[i], (*expected)[i], 1e-5, 1e-5);
        EXPECT_TRUE(r.pass) << name << " case " << c << " output " << i << ": " << r.message;
        EXPECT_LE(r.max_abs_error, 1e-5);
      }
      ++total;
    }
  }
  EXPECT_GE(total, 1u);
}

TEST(BundledProgram, MalformedInputFailsCleanly) {
  EMBER_REQUIRE_FIXTURES();
  Aligned file = read_fixture("executorch/bundled_program.bpte");
  ASSERT_TRUE(BundledProgram::from(file.data.get(), file.size).ok());

  // Every truncation is refused by the verifier (or the identifier check).
  for (size_t n : {size_t{0}, size_t{4}, size_t{7}, size_t{8}, size_t{64}, file.size / 2, file.size - 1}) {
    Aligned cut = aligned_copy(file.data.get(), n);
    Result<BundledProgram> bp = BundledProgram::from(n == 0 ? file.data.get() : cut.data.get(), n);
    ASSERT_FALSE(bp.ok()) << "length " << n;
    EXPECT_EQ(bp.error(), Error::InvalidProgram);
    EXPECT_NE(std::string(error_message()), "");
  }

  Aligned flipped = aligned_copy(file.data.get(), file.size);
  flipped.data.get()[5] ^= 0x20;  // "BP08" -> "Bp08"
  EXPECT_FALSE(is_bundled_program(flipped.data.get(), flipped.size));
  Result<BundledProgram> bp = BundledProgram::from(flipped.data.get(), flipped.size);
  ASSERT_FALSE(bp.ok());
  EXPECT_EQ(bp.error(), Error::InvalidProgram);
  EXPECT_NE(std::string(error_message()).find("identifier"), std::string::npos) << error_message();

  // A plain .pte is not a bundled program.
  Aligned pte = read_fixture("executorch/add.pte");
  EXPECT_FALSE(is_bundled_program(pte.data.get(), pte.size));
  EXPECT_FALSE(BundledProgram::from(pte.data.get(), pte.size).ok());

  EXPECT_EQ(BundledProgram::from(nullptr, 16).error(), Error::InvalidArgument);
}

// --- hand-built bundles ---

flatbuffers::Offset<fb::Value> tensor_value(flatbuffers::FlatBufferBuilder& b, int8_t dtype,
                                            const std::vector<int32_t>& sizes, const std::vector<uint8_t>& data,
                                            const std::vector<uint8_t>& dim_order = {}) {
  auto t = fb::CreateTensorDirect(b, static_cast<executorch_flatbuffer::ScalarType>(dtype), &sizes, &data,
                                  dim_order.empty() ? nullptr : &dim_order);
  return fb::CreateValue(b, fb::ValueUnion::Tensor, t.Union());
}

// A bundle with one suite "forward", one case: `inputs`, expected `outputs`.
std::vector<uint8_t> build_bundle(
    const std::function<std::vector<flatbuffers::Offset<fb::Value>>(flatbuffers::FlatBufferBuilder&)>& inputs,
    const std::function<std::vector<flatbuffers::Offset<fb::Value>>(flatbuffers::FlatBufferBuilder&)>& outputs) {
  flatbuffers::FlatBufferBuilder b;
  auto in = inputs(b);
  auto out = outputs(b);
  std::vector<flatbuffers::Offset<fb::BundledMethodTestCase>> cases = {
      fb::CreateBundledMethodTestCaseDirect(b, &in, &out)};
  std::vector<flatbuffers::Offset<fb::BundledMethodTestSuite>> suites = {
      fb::CreateBundledMethodTestSuiteDirect(b, "forward", &cases)};
  std::vector<uint8_t> program = {0, 0, 0, 0, 'E', 'T', '1', '2'};
  auto root = fb::CreateBundledProgramDirect(b, 0, &suites, &program);
  fb::FinishBundledProgramBuffer(b, root);
  return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

TEST(BundledProgram, DecodesEveryValueKind) {
  std::vector<uint8_t> bytes = build_bundle(
      [](flatbuffers::FlatBufferBuilder& b) {
        float v[2] = {1.5f, -2.0f};
        std::vector<uint8_t> data(reinterpret_cast<uint8_t*>(v), reinterpret_cast<uint8_t*>(v) + sizeof(v));
        return std::vector<flatbuffers::Offset<fb::Value>>{
            tensor_value(b, 6, {2, 1}, data, {1, 0}),
            fb::CreateValue(b, fb::ValueUnion::Int, fb::CreateInt(b, -7).Union()),
            fb::CreateValue(b, fb::ValueUnion::Bool, fb::CreateBool(b, true).Union()),
            fb::CreateValue(b, fb::ValueUnion::Double, fb::CreateDouble(b, 0.25).Union())};
      },
      [](flatbuffers::FlatBufferBuilder& b) {
        int64_t v = 9;
        std::vector<uint8_t> data(reinterpret_cast<uint8_t*>(&v), reinterpret_cast<uint8_t*>(&v) + 8);
        return std::vector<flatbuffers::Offset<fb::Value>>{tensor_value(b, 4, {}, data, {})};
      });
  Aligned a = aligned_copy(bytes.data(), bytes.size());
  Result<BundledProgram> bp = BundledProgram::from(a.data.get(), a.size);
  ASSERT_TRUE(bp.ok()) << error_message();
  EXPECT_EQ(*bp->method_name(0), "forward");
  EXPECT_EQ(bp->program().size(), 8u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(bp->program().data()) % 32, 0u);

  Result<std::vector<HostValue>> in = bp->inputs(0, 0);
  ASSERT_TRUE(in.ok()) << error_message();
  ASSERT_EQ(in->size(), 4u);
  EXPECT_EQ((*in)[0].tag, Tag::Tensor);
  EXPECT_EQ((*in)[0].tensor.dtype, ScalarType::Float);
  EXPECT_EQ((*in)[0].tensor.sizes, (std::vector<int32_t>{2, 1}));
  EXPECT_EQ((*in)[0].tensor.dim_order, (std::vector<uint8_t>{1, 0}));
  EXPECT_EQ((*in)[0].tensor.data_as<float>()[1], -2.0f);
  EXPECT_EQ((*in)[1].tag, Tag::Int);
  EXPECT_EQ((*in)[1].int_value, -7);
  EXPECT_EQ((*in)[2].tag, Tag::Bool);
  EXPECT_TRUE((*in)[2].bool_value);
  EXPECT_EQ((*in)[3].tag, Tag::Double);
  EXPECT_EQ((*in)[3].double_value, 0.25);

  Result<std::vector<HostValue>> out = bp->expected_outputs(0, 0);
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].tensor.dtype, ScalarType::Long);
  EXPECT_TRUE((*out)[0].tensor.sizes.empty());
  EXPECT_EQ((*out)[0].tensor.data_as<int64_t>()[0], 9);
}

std::string input_error(const std::function<flatbuffers::Offset<fb::Value>(flatbuffers::FlatBufferBuilder&)>& make) {
  std::vector<uint8_t> bytes = build_bundle(
      [&](flatbuffers::FlatBufferBuilder& b) { return std::vector<flatbuffers::Offset<fb::Value>>{make(b)}; },
      [](flatbuffers::FlatBufferBuilder&) { return std::vector<flatbuffers::Offset<fb::Value>>{}; });
  Aligned a = aligned_copy(bytes.data(), bytes.size());
  Result<BundledProgram> bp = BundledProgram::from(a.data.get(), a.size);
  if (!bp.ok()) return std::string("from failed: ") + error_message();
  Result<std::vector<HostValue>> in = bp->inputs(0, 0);
  if (in.ok()) return "ok";
  EXPECT_EQ(in.error(), Error::InvalidProgram);
  return error_message();
}

TEST(BundledProgram, RejectsInconsistentTensors) {
  // float32 [2, 3] needs 24 bytes.
  std::string e = input_error([](flatbuffers::FlatBufferBuilder& b) {
    return tensor_value(b, 6, {2, 3}, std::vector<uint8_t>(20, 0));
  });
  EXPECT_NE(e.find("needs 24 data bytes, has 20"), std::string::npos) << e;
  e = input_error([](flatbuffers::FlatBufferBuilder& b) { return tensor_value(b, 6, {-1}, {}); });
  EXPECT_NE(e.find("negative size"), std::string::npos) << e;
  e = input_error([](flatbuffers::FlatBufferBuilder& b) { return tensor_value(b, 99, {1}, {0}); });
  EXPECT_NE(e.find("invalid scalar type 99"), std::string::npos) << e;
  e = input_error([](flatbuffers::FlatBufferBuilder& b) {
    return tensor_value(b, 6, {1, 1}, std::vector<uint8_t>(4, 0), {0, 0});
  });
  EXPECT_NE(e.find("dim order"), std::string::npos) << e;
  e = input_error([](flatbuffers::FlatBufferBuilder& b) { return fb::CreateValue(b); });
  EXPECT_NE(e.find("unsupported value type"), std::string::npos) << e;
}

// --- compare ---

HostValue floats(std::vector<int32_t> sizes, std::vector<float> v) {
  return HostValue::from_tensor(HostTensor::from<float>(std::move(sizes), v));
}

TEST(BundledCompare, FloatTolerance) {
  CompareResult r = compare(floats({2}, {1.0f, 2.0f}), floats({2}, {1.0f, 2.0f}), 0, 0);
  EXPECT_TRUE(r.pass);
  EXPECT_EQ(r.max_abs_error, 0);

  // |1.01 - 1| = 0.01 <= 0.005 + 0.01 * 1.
  r = compare(floats({1}, {1.01f}), floats({1}, {1.0f}), 0.01, 0.005);
  EXPECT_TRUE(r.pass);
  EXPECT_NEAR(r.max_abs_error, 0.01, 1e-6);
  EXPECT_NEAR(r.max_rel_error, 0.01, 1e-6);

  r = compare(floats({2}, {1.0f, 4.5f}), floats({2}, {1.0f, 4.0f}), 1e-4, 1e-4);
  EXPECT_FALSE(r.pass);
  EXPECT_NEAR(r.max_abs_error, 0.5, 1e-9);
  EXPECT_NEAR(r.max_rel_error, 0.125, 1e-9);
  EXPECT_NE(r.message.find("1 of 2 elements differ (first at flat index 1)"), std::string::npos) << r.message;

  EXPECT_TRUE(compare(floats({1}, {NAN}), floats({1}, {NAN}), 0, 0).pass);
  EXPECT_FALSE(compare(floats({1}, {NAN}), floats({1}, {1}), 1, 1).pass);
  EXPECT_TRUE(compare(floats({1}, {INFINITY}), floats({1}, {INFINITY}), 0, 0).pass);
  EXPECT_FALSE(compare(floats({1}, {-INFINITY}), floats({1}, {INFINITY}), 0, 0).pass);
}

TEST(BundledCompare, ExactTypesAndMismatches) {
  HostValue a = HostValue::from_tensor(HostTensor::from<int64_t>({2}, {5, (int64_t{1} << 60) + 1}));
  HostValue b = HostValue::from_tensor(HostTensor::from<int64_t>({2}, {5, int64_t{1} << 60}));
  EXPECT_TRUE(compare(a, a, 0, 0).pass);
  EXPECT_FALSE(compare(a, b, 1, 1).pass);  // integers are exact whatever the tolerance

  HostValue i32 = HostValue::from_tensor(HostTensor::from<int32_t>({2}, {5, 6}));
  CompareResult r = compare(i32, HostValue::from_tensor(HostTensor::from<int32_t>({2}, {5, 8})), 1, 1);
  EXPECT_FALSE(r.pass);
  EXPECT_EQ(r.max_abs_error, 2);

  r = compare(floats({2}, {1, 2}), HostValue::from_tensor(HostTensor::from<double>({2}, {1, 2})), 0, 0);
  EXPECT_FALSE(r.pass);
  EXPECT_NE(r.message.find("dtype Float, expected Double"), std::string::npos) << r.message;
  r = compare(floats({2, 1}, {1, 2}), floats({1, 2}, {1, 2}), 0, 0);
  EXPECT_FALSE(r.pass);
  EXPECT_NE(r.message.find("shape [2, 1], expected [1, 2]"), std::string::npos) << r.message;
  r = compare(HostValue::from_int(3), floats({1}, {3}), 0, 0);
  EXPECT_FALSE(r.pass);
  EXPECT_NE(r.message.find("tag Int, expected Tensor"), std::string::npos) << r.message;

  EXPECT_TRUE(compare(HostValue::from_int(128), HostValue::from_int(128), 0, 0).pass);
  EXPECT_FALSE(compare(HostValue::from_int(128), HostValue::from_int(127), 1, 1).pass);
  EXPECT_TRUE(compare(HostValue::from_bool(true), HostValue::from_bool(true), 0, 0).pass);
  EXPECT_FALSE(compare(HostValue::from_bool(true), HostValue::from_bool(false), 0, 0).pass);
  EXPECT_TRUE(compare(HostValue::from_double(2.5), HostValue::from_double(2.50001), 1e-4, 0).pass);
  EXPECT_FALSE(compare(HostValue::from_double(2.5), HostValue::from_double(2.6), 1e-4, 1e-4).pass);
}

}  // namespace
}  // namespace ember
