// Malformed XNNPACK blobs fail at init with a message naming what is wrong,
// never a crash; XNNPACK's own allocations can fail at any point; older XN00
// graphs and header-less blobs are accepted.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "backends/xnnpack/runtime/xnnpack_allocator.h"
#include "backends/xnnpack/runtime/xnnpack_blob.h"
#include "test/support/xnnpack_program.h"

namespace ember::test {
namespace {

using namespace ember::xnnpack;

bool contains(const char* text, const char* part) { return std::strstr(text, part) != nullptr; }

// Loads the program and initializes its method (and so the delegate).
Result<std::unique_ptr<XnnpackProgram>> load_and_init(const std::vector<uint8_t>& pte) {
  auto program = XnnpackProgram::load(pte);
  if (!program.ok()) return program.error();
  Result<Method*> method = (*program)->module().load_method("forward");
  if (!method.ok()) return method.error();
  return program;
}

Error load_error(const std::vector<uint8_t>& blob, const XnnpackBlobBuilder& shape_source) {
  return load_and_init(make_delegate_program(blob, delegate_args(shape_source))).error();
}

TEST(XnnpackMalformedBlobTest, EveryTruncationFailsCleanly) {
  XnnpackBlobBuilder b = sample_add_constant_graph();
  std::vector<uint8_t> blob = b.build();
  ASSERT_EQ(load_error(blob, b), Error::Ok) << error_message();
  for (size_t len = 0; len < blob.size(); ++len) {
    std::vector<uint8_t> cut(blob.begin(), blob.begin() + static_cast<long>(len));
    // The constant region may be cut without making the graph invalid only
    // if the cut is in padding after the data; either way no crash.
    Error e = load_error(cut, b);
    if (len < blob.size() - 16) {
      EXPECT_NE(e, Error::Ok) << "length " << len;
    }
  }
}

TEST(XnnpackMalformedBlobTest, BadValueIdNamesTheNode) {
  XnnpackBlobBuilder b;
  uint32_t x = b.add_input(DataType::Fp32, {4}, 0);
  uint32_t y = b.add_output(DataType::Fp32, {4}, 1);
  b.add_binary(NodeKind::Add, x, 99, y);
  EXPECT_EQ(load_error(b.build(), b), Error::InvalidProgram);
  EXPECT_TRUE(contains(error_message(), "node 0 (XNNAdd)")) << error_message();
  EXPECT_TRUE(contains(error_message(), "99")) << error_message();
}

TEST(XnnpackMalformedBlobTest, ConstantOutsideTheBlobIsRefused) {
  XnnpackBlobBuilder b;
  uint32_t x = b.add_input(DataType::Fp32, {4}, 0);
  uint32_t entry = b.add_constant_entry(uint64_t{1} << 40, 16);
  xnnpack::TensorSpec c;
  c.type = DataType::Fp32;
  c.dims = {4};
  c.constant.raw_index = entry;
  uint32_t cv = b.add_tensor(c);
  uint32_t y = b.add_output(DataType::Fp32, {4}, 1);
  b.add_binary(NodeKind::Add, x, cv, y);
  EXPECT_EQ(load_error(b.build(), b), Error::InvalidProgram);
  EXPECT_TRUE(contains(error_message(), "outside the blob")) << error_message();
}

TEST(XnnpackMalformedBlobTest, ConstantTooSmallForItsTensorIsRefused) {
  XnnpackBlobBuilder b;
  uint32_t x = b.add_input(DataType::Fp32, {4}, 0);
  uint32_t c = b.add_constant(DataType::Fp32, {4}, ConstantSource::of(std::vector<float>{1, 2}));
  uint32_t y = b.add_output(DataType::Fp32, {4}, 1);
  b.add_binary(NodeKind::Add, x, c, y);
  EXPECT_EQ(load_error(b.build(), b), Error::InvalidProgram);
  EXPECT_TRUE(contains(error_message(), "needs 16")) << error_message();
}

TEST(XnnpackMalformedBlobTest, MismatchedDatatypesAreRefused) {
  XnnpackBlobBuilder b;
  uint32_t x = b.add_input(DataType::Fp32, {4}, 0);
  uint32_t q = b.add_input(DataType::QInt8, {4}, 1, Quantization::per_tensor(0.1f, 0));
  uint32_t y = b.add_output(DataType::Fp32, {4}, 2);
  b.add_binary(NodeKind::Add, x, q, y);
  EXPECT_EQ(load_error(b.build(), b), Error::InvalidProgram);
  EXPECT_TRUE(contains(error_message(), "node 0 (XNNAdd)")) << error_message();
}

TEST(XnnpackMalformedBlobTest, ExternalIdsOutOfRangeOrRepeatedAreRefused) {
  XnnpackBlobBuilder b;
  uint32_t x = b.add_input(DataType::Fp32, {4}, 0);
  uint32_t y = b.add_output(DataType::Fp32, {4}, 0);  // same external id
  b.add_binary(NodeKind::Add, x, x, y);
  EXPECT_NE(load_error(b.build(), b), Error::Ok);
  EXPECT_TRUE(contains(error_message(), "external id")) << error_message();
}

TEST(XnnpackMalformedBlobTest, AcceptsHeaderlessAndXn00Graphs) {
  XnnpackBlobBuilder b = sample_add_constant_graph();
  // A header-less blob has no constant region: use a named constant instead.
  XnnpackBlobBuilder named;
  uint32_t x = named.add_input(DataType::Fp32, {4}, 0);
  uint32_t c = named.add_constant(DataType::Fp32, {4}, ConstantSource::named("k", 16));
  uint32_t y = named.add_output(DataType::Fp32, {4}, 1);
  named.add_binary(NodeKind::Add, x, c, y);
  std::vector<float> k{1, 2, 3, 4};
  XnnpackProgramOptions options;
  options.named_data.push_back({"k", std::vector<uint8_t>(reinterpret_cast<uint8_t*>(k.data()),
                                                          reinterpret_cast<uint8_t*>(k.data()) + 16)});
  for (const char* id : {"XN01", "XN00"}) {
    std::vector<uint8_t> fb = named.build_flatbuffer();
    std::memcpy(fb.data() + 4, id, 4);
    auto program = XnnpackProgram::load(make_delegate_program(fb, delegate_args(named), options));
    ASSERT_TRUE(program.ok()) << id << ": " << error_message();
    auto out = (*program)->run({HostValue::from_tensor(HostTensor::from<float>({4}, {10, 20, 30, 40}))});
    ASSERT_TRUE(out.ok()) << error_message();
    const float* v = (*out)[0].tensor.data_as<float>();
    EXPECT_EQ(std::vector<float>(v, v + 4), (std::vector<float>{11, 22, 33, 44})) << id;
  }
  std::vector<uint8_t> fb = b.build_flatbuffer();
  std::memcpy(fb.data() + 4, "XN99", 4);
  EXPECT_EQ(XnnpackBlob::parse(fb.data(), fb.size()).error(), Error::InvalidProgram);
}

// Fails XNNPACK's k-th allocation during init, for every k: each load fails
// with an error (or succeeds once k is past the last allocation), and every
// byte XNNPACK allocated is returned when the program goes away.
TEST(XnnpackMalformedBlobTest, EveryXnnpackAllocationFailureIsAnError) {
  XnnpackBlobBuilder b = sample_quantized_linear_graph();
  std::vector<uint8_t> pte = make_xnnpack_program(b);
  {
    auto warm = load_and_init(pte);  // xnn_initialize's own allocations happen once
    ASSERT_TRUE(warm.ok()) << error_message();
  }
  size_t baseline = xnnpack_memory_stats().live_bytes;
  size_t before = xnnpack_memory_stats().allocations;
  {
    auto counted = load_and_init(pte);
    ASSERT_TRUE(counted.ok()) << error_message();
  }
  size_t per_load = xnnpack_memory_stats().allocations - before;
  ASSERT_GT(per_load, 0u);
  EXPECT_EQ(xnnpack_memory_stats().live_bytes, baseline);
  for (size_t k = 1; k <= per_load; ++k) {
    {
      fail_xnnpack_allocation_after(k);
      auto program = load_and_init(pte);
      fail_xnnpack_allocation_after(0);
      EXPECT_FALSE(program.ok()) << "allocation " << k << " of " << per_load;
      EXPECT_TRUE(contains(error_message(), "XNNPACK")) << error_message();
    }
    EXPECT_EQ(xnnpack_memory_stats().live_bytes, baseline) << "leak after failing allocation " << k;
  }
  auto ok = load_and_init(pte);
  ASSERT_TRUE(ok.ok()) << error_message();
  std::vector<float> x(16, 0.25f);
  auto out = (*ok)->run({HostValue::from_tensor(HostTensor::from<float>({2, 8}, x))});
  ASSERT_TRUE(out.ok()) << error_message();
}

}  // namespace
}  // namespace ember::test
