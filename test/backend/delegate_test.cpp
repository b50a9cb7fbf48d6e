// Delegates end to end with a stub backend: programs written by ProgramBuilder
// with BackendDelegate + DelegateCall, blobs inline or in segments, compile
// specs, init/execute/destroy bookkeeping and every failure path of a backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "exir/emit/program_builder.h"
#include "runtime/backend/backend_registry.h"
#include "runtime/executor/extended_header.h"
#include "test/backend/stub_backend.h"
#include "test/executor/method_harness.h"

namespace ember::test {
namespace {

constexpr const char* kStub = "StubBackend";

std::vector<uint8_t> bytes_of(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }

std::vector<CompileSpecEntry> sample_specs() {
  return {{"mode", bytes_of("fast")}, {"level", {1, 2, 0, 255}}, {"empty", {}}};
}

// forward(x: float[2, 2]) -> y = delegate(x), x and y planned in arena 1.
std::vector<uint8_t> single_delegate_program(BlobLocation location, const std::string& blob,
                                             std::vector<CompileSpecEntry> specs = sample_specs(),
                                             const std::string& backend_id = kStub) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  int x = m.add_arena_tensor(ScalarType::Float, {2, 2});
  int y = m.add_arena_tensor(ScalarType::Float, {2, 2});
  int d = m.add_delegate(backend_id, bytes_of(blob), location, std::move(specs));
  m.add_delegate_call(d, {x, y});
  m.set_inputs({x});
  m.set_outputs({y});
  return pb.build();
}

// forward(x: float[3]) -> delegate 1(delegate 0(x)), both blobs given.
std::vector<uint8_t> chained_program(const std::string& blob0, const std::string& blob1,
                                     BlobLocation location1 = BlobLocation::Segment) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  int x = m.add_arena_tensor(ScalarType::Float, {3});
  int mid = m.add_arena_tensor(ScalarType::Float, {3});
  int y = m.add_arena_tensor(ScalarType::Float, {3});
  int d0 = m.add_delegate(kStub, bytes_of(blob0), BlobLocation::Inline);
  int d1 = m.add_delegate(kStub, bytes_of(blob1), location1, {{"second", {7}}});
  m.add_delegate_call(d0, {x, mid});
  m.add_delegate_call(d1, {mid, y});
  m.set_inputs({x});
  m.set_outputs({y});
  return pb.build();
}

// Owns a program's harness plus a method allocator with room for the
// backend's state (MethodMeta counts only what the runtime itself needs).
// The harness is declared last so the Method goes before the memory it uses.
class DelegateProgram {
 public:
  explicit DelegateProgram(const std::vector<uint8_t>& bytes)
      : harness_(std::make_unique<MethodHarness>(bytes.data(), bytes.size())) {}

  Error program_error() const { return harness_->program_error(); }

  Error load(const BackendRegistry& registry, size_t extra_bytes = 256) {
    Result<MethodMeta> meta = harness_->program().method_meta("forward");
    if (!meta.ok()) return meta.error();
    // A Method loaded before still uses the old memory until the harness
    // replaces (destroys) it.
    AlignedBytes previous_storage = std::move(storage_);
    std::unique_ptr<MemoryAllocator> previous_allocator = std::move(allocator_);
    size_t bytes = meta->method_allocator_bytes() + extra_bytes;
    storage_ = AlignedBytes(bytes);
    allocator_ = std::make_unique<MemoryAllocator>(bytes, storage_.data());
    MethodLoadOptions options;
    options.backends = &registry;
    return harness_->load("forward", options, 0, allocator_.get());
  }

  Method& method() { return harness_->method(); }
  const MemoryAllocator& allocator() const { return *allocator_; }
  bool owns(const void* p) const {
    auto* b = static_cast<const uint8_t*>(p);
    return b >= storage_.data() && b < storage_.data() + storage_.size();
  }
  // Destroys the Method (and the Program).
  void close() { harness_.reset(); }

 private:
  AlignedBytes storage_;
  std::unique_ptr<MemoryAllocator> allocator_;
  std::unique_ptr<MethodHarness> harness_;
};

std::vector<float> run(Method& method, std::vector<int32_t> sizes, const std::vector<float>& input) {
  OwnedTensor x(std::move(sizes), input);
  EXPECT_EQ(method.set_input(x.value(), 0), Error::Ok) << error_message();
  EXPECT_EQ(method.execute(), Error::Ok) << error_message();
  return tensor_values<float>(method.get_output(0));
}

// Where `needle` first occurs in the file, or npos.
size_t find_bytes(const std::vector<uint8_t>& haystack, const std::string& needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end());
  return it == haystack.end() ? std::string::npos : static_cast<size_t>(it - haystack.begin());
}

class DelegateLocationTest : public ::testing::TestWithParam<BlobLocation> {};

TEST_P(DelegateLocationTest, InitExecuteDestroy) {
  StubBackend stub;
  BackendRegistry registry;
  ASSERT_EQ(registry.register_backend(kStub, &stub), Error::Ok);

  std::vector<uint8_t> file = single_delegate_program(GetParam(), "scale=3");
  // The builder really put the blob where it was asked to.
  size_t blob_offset = find_bytes(file, "scale=3");
  ASSERT_NE(blob_offset, std::string::npos);
  Result<ExtendedHeader> header = ExtendedHeader::parse(file.data(), file.size());
  if (GetParam() == BlobLocation::Segment) {
    ASSERT_TRUE(header.ok()) << error_message();
    EXPECT_GE(blob_offset, header->segment_base_offset);
  } else if (header.ok()) {
    EXPECT_LT(blob_offset, header->segment_base_offset);
  }

  DelegateProgram program(file);
  ASSERT_EQ(program.program_error(), Error::Ok) << error_message();
  ASSERT_EQ(program.load(registry), Error::Ok) << error_message();

  ASSERT_EQ(stub.inits.size(), 1u);
  const StubBackend::InitRecord& init = stub.inits[0];
  EXPECT_EQ(init.blob, "scale=3");
  ASSERT_EQ(init.specs.size(), 3u);
  EXPECT_EQ(init.specs[0].first, "mode");
  EXPECT_EQ(init.specs[0].second, bytes_of("fast"));
  EXPECT_EQ(init.specs[1].first, "level");
  EXPECT_EQ(init.specs[1].second, (std::vector<uint8_t>{1, 2, 0, 255}));
  EXPECT_EQ(init.specs[2].first, "empty");
  EXPECT_TRUE(init.specs[2].second.empty());
  EXPECT_EQ(init.delegate_index, 0u);
  EXPECT_EQ(init.method_name, "forward");
  EXPECT_TRUE(init.had_named_data);
  // The state came from the method allocator.
  EXPECT_EQ(init.runtime_allocator, &program.allocator());
  ASSERT_EQ(stub.created.size(), 1u);
  EXPECT_TRUE(program.owns(stub.created[0]));

  Method& method = program.method();
  EXPECT_EQ(run(method, {2, 2}, {1, 2, 3, -4}), (std::vector<float>{3, 6, 9, -12}));
  EXPECT_EQ(run(method, {2, 2}, {0.5f, 0, -1, 10}), (std::vector<float>{1.5f, 0, -3, 30}));
  EXPECT_EQ(stub.executions, 2);
  EXPECT_EQ(method.last_instruction_count(), 1u);

  EXPECT_TRUE(stub.destroyed.empty());
  program.close();
  ASSERT_EQ(stub.destroyed.size(), 1u);
  EXPECT_EQ(stub.destroyed[0], stub.created[0]);
}

TEST_P(DelegateLocationTest, NoCompileSpecs) {
  StubBackend stub;
  BackendRegistry registry;
  ASSERT_EQ(registry.register_backend(kStub, &stub), Error::Ok);
  DelegateProgram program(single_delegate_program(GetParam(), "scale=-0.5", {}));
  ASSERT_EQ(program.load(registry), Error::Ok) << error_message();
  ASSERT_EQ(stub.inits.size(), 1u);
  EXPECT_EQ(stub.inits[0].blob, "scale=-0.5");
  EXPECT_TRUE(stub.inits[0].specs.empty());
  EXPECT_EQ(run(program.method(), {2, 2}, {2, 4, 6, 8}), (std::vector<float>{-1, -2, -3, -4}));
}

INSTANTIATE_TEST_SUITE_P(BlobLocations, DelegateLocationTest,
                         ::testing::Values(BlobLocation::Inline, BlobLocation::Segment),
                         [](const ::testing::TestParamInfo<BlobLocation>& info) {
                           return info.param == BlobLocation::Inline ? std::string("Inline")
                                                                     : std::string("Segment");
                         });

TEST(DelegateTest, TwoDelegatesChainedAndBothDestroyed) {
  StubBackend stub;
  BackendRegistry registry;
  ASSERT_EQ(registry.register_backend(kStub, &stub), Error::Ok);
  DelegateProgram program(chained_program("scale=2", "scale=5"));
  ASSERT_EQ(program.load(registry), Error::Ok) << error_message();
  ASSERT_EQ(stub.inits.size(), 2u);
  EXPECT_EQ(stub.inits[0].delegate_index, 0u);
  EXPECT_EQ(stub.inits[1].delegate_index, 1u);
  EXPECT_EQ(stub.inits[1].blob, "scale=5");
  ASSERT_EQ(stub.inits[1].specs.size(), 1u);
  EXPECT_EQ(stub.inits[1].specs[0].first, "second");
  EXPECT_EQ(stub.inits[1].specs[0].second, (std::vector<uint8_t>{7}));

  EXPECT_EQ(run(program.method(), {3}, {1, -2, 0.25f}), (std::vector<float>{10, -20, 2.5f}));
  EXPECT_EQ(program.method().last_instruction_count(), 2u);
  program.close();
  ASSERT_EQ(stub.destroyed.size(), 2u);
  EXPECT_EQ(stub.destroyed[0], stub.created[0]);
  EXPECT_EQ(stub.destroyed[1], stub.created[1]);
}

TEST(DelegateTest, FailingSecondInitDestroysFirst) {
  StubBackend stub;
  BackendRegistry registry;
  ASSERT_EQ(registry.register_backend(kStub, &stub), Error::Ok);
  DelegateProgram program(chained_program("scale=2", "fail_init"));
  ASSERT_EQ(program.program_error(), Error::Ok) << error_message();
  EXPECT_EQ(program.load(registry), Error::DelegateInvalidCompatibility);
  EXPECT_STREQ(error_message(),
               "method 'forward': delegate 1 (StubBackend) init: stub: cannot parse blob 'fail_init'");
  ASSERT_EQ(stub.inits.size(), 2u);
  EXPECT_EQ(stub.inits[1].blob, "fail_init");
  // The first delegate was torn down when the half-built Method went away;
  // the second never produced a handle.
  ASSERT_EQ(stub.created.size(), 1u);
  ASSERT_EQ(stub.destroyed.size(), 1u);
  EXPECT_EQ(stub.destroyed[0], stub.created[0]);
  program.close();
  EXPECT_EQ(stub.destroyed.size(), 1u);
}

TEST(DelegateTest, StateAllocationFailureReported) {
  StubBackend stub;
  BackendRegistry registry;
  ASSERT_EQ(registry.register_backend(kStub, &stub), Error::Ok);
  DelegateProgram program(single_delegate_program(BlobLocation::Inline, "scale=3,reserve=4096"));
  EXPECT_EQ(program.load(registry, 256), Error::DelegateMemoryAllocationFailed);
  EXPECT_STREQ(error_message(),
               "method 'forward': delegate 0 (StubBackend) init: stub: no memory for 4108 bytes of state");
  EXPECT_EQ(stub.inits.size(), 1u);
  EXPECT_TRUE(stub.created.empty());
  EXPECT_TRUE(stub.destroyed.empty());
}

TEST(DelegateTest, FailureAfterDelegateInitDestroysIt) {
  StubBackend stub;
  BackendRegistry registry;
  ASSERT_EQ(registry.register_backend(kStub, &stub), Error::Ok);
  DelegateProgram program(single_delegate_program(BlobLocation::Inline, "scale=3"));
  // Exactly what the runtime needs: the backend's state takes room the
  // instructions need later, so init succeeds and the Method load fails after.
  EXPECT_EQ(program.load(registry, 0), Error::MemoryAllocationFailed);
  EXPECT_EQ(std::string(error_message()).rfind("method 'forward': instruction 0: method allocator exhausted", 0), 0u)
      << error_message();
  ASSERT_EQ(stub.created.size(), 1u);
  ASSERT_EQ(stub.destroyed.size(), 1u);
  EXPECT_EQ(stub.destroyed[0], stub.created[0]);
}

TEST(DelegateTest, ExecuteFailureNamesInstructionAndDelegate) {
  StubBackend stub;
  BackendRegistry registry;
  ASSERT_EQ(registry.register_backend(kStub, &stub), Error::Ok);
  DelegateProgram program(chained_program("scale=2", "scale=5,fail_execute"));
  ASSERT_EQ(program.load(registry), Error::Ok) << error_message();
  Method& method = program.method();
  OwnedTensor x({3}, std::vector<float>{1, 2, 3});
  ASSERT_EQ(method.set_input(x.value(), 0), Error::Ok) << error_message();
  EXPECT_EQ(method.execute(), Error::InvalidState);
  EXPECT_STREQ(error_message(),
               "method 'forward': instruction 1: delegate 1 (StubBackend): stub: execute failure requested");
  EXPECT_EQ(stub.executions, 2);
  EXPECT_EQ(method.last_instruction_count(), 2u);
  program.close();
  EXPECT_EQ(stub.destroyed.size(), 2u);
}

TEST(DelegateTest, UnregisteredBackendIsNotFound) {
  StubBackend stub;
  BackendRegistry registry;
  ASSERT_EQ(registry.register_backend(kStub, &stub), Error::Ok);
  DelegateProgram program(single_delegate_program(BlobLocation::Segment, "scale=3", {}, "MissingBackend"));
  ASSERT_EQ(program.program_error(), Error::Ok) << error_message();
  EXPECT_EQ(program.load(registry), Error::NotFound);
  EXPECT_NE(std::strstr(error_message(), "MissingBackend"), nullptr) << error_message();
  EXPECT_NE(std::strstr(error_message(), "delegate 0"), nullptr) << error_message();
  EXPECT_TRUE(stub.inits.empty());
}

TEST(DelegateTest, UnavailableBackendIsNotSupported) {
  StubBackend unavailable(false);
  BackendRegistry registry;
  ASSERT_EQ(registry.register_backend(kStub, &unavailable), Error::Ok);
  DelegateProgram program(single_delegate_program(BlobLocation::Inline, "scale=3"));
  EXPECT_EQ(program.load(registry), Error::NotSupported);
  EXPECT_NE(std::strstr(error_message(), "'StubBackend' is not available"), nullptr) << error_message();
  EXPECT_TRUE(unavailable.inits.empty());
  EXPECT_TRUE(unavailable.destroyed.empty());
}

TEST(DelegateTest, ReloadingDestroysPreviousMethodOnce) {
  StubBackend stub;
  BackendRegistry registry;
  ASSERT_EQ(registry.register_backend(kStub, &stub), Error::Ok);
  DelegateProgram program(single_delegate_program(BlobLocation::Segment, "scale=4"));
  ASSERT_EQ(program.load(registry), Error::Ok) << error_message();
  ASSERT_EQ(program.load(registry), Error::Ok) << error_message();
  // The first Method was destroyed when the second load replaced it.
  ASSERT_EQ(stub.created.size(), 2u);
  ASSERT_EQ(stub.destroyed.size(), 1u);
  EXPECT_EQ(stub.destroyed[0], stub.created[0]);
  EXPECT_EQ(run(program.method(), {2, 2}, {1, 1, 1, 1}), (std::vector<float>{4, 4, 4, 4}));
  program.close();
  ASSERT_EQ(stub.destroyed.size(), 2u);
  EXPECT_EQ(stub.destroyed[1], stub.created[1]);
}

}  // namespace
}  // namespace ember::test
