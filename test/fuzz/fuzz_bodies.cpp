#include "test/fuzz/fuzz_bodies.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "runtime/bundled/bundled_program.h"
#include "runtime/module/module.h"
#include "runtime/platform/platform.h"
#include "test/support/program_exercise.h"

namespace ember::fuzz {
namespace {

// Caps for everything a fuzz input may make us allocate (the rss limit of
// scripts/fuzz.sh is 2 GiB; these stay far below it).
constexpr uint64_t kMaxBytes = 1 << 20;
constexpr size_t kMaxArgs = 6;
constexpr size_t kMaxRank = 4;
constexpr int32_t kMaxDim = 16;

// Argument dtypes the flags byte can name (bits 1-3).
constexpr ScalarType kArgTypes[] = {ScalarType::Float, ScalarType::Char, ScalarType::Byte, ScalarType::Int,
                                    ScalarType::Long,  ScalarType::Half, ScalarType::Bool, ScalarType::Double};

void setup_once() {
  static const bool done = [] {
    set_logging_enabled(false);
    return register_all_kernels_and_backends() == Error::Ok;
  }();
  if (!done) std::abort();  // a broken build, not an input: stop the fuzzer loudly
}

// 64-byte aligned copy: bundled programs keep the inner .pte 32-byte aligned
// relative to the file start, and Program::load wants aligned bytes.
struct AlignedCopy {
  explicit AlignedCopy(const uint8_t* data, size_t size)
      : bytes(static_cast<uint8_t*>(std::aligned_alloc(64, (size + 64) / 64 * 64)), &std::free), size(size) {
    if (size != 0) std::memcpy(bytes.get(), data, size);
  }
  std::unique_ptr<uint8_t, decltype(&std::free)> bytes;
  size_t size;
};

}  // namespace

int fuzz_pte(const uint8_t* data, size_t size) {
  setup_once();
  test::exercise_program(data, size);
  return 0;
}

std::vector<uint8_t> encode_blob_input(const std::vector<test::DelegateArg>& args, const std::vector<uint8_t>& blob) {
  std::vector<uint8_t> out{static_cast<uint8_t>(args.size())};
  for (const test::DelegateArg& a : args) {
    uint8_t type = 0;
    for (uint8_t t = 0; t < sizeof(kArgTypes) / sizeof(kArgTypes[0]); ++t) {
      if (kArgTypes[t] == a.type) type = t;
    }
    bool dynamic = a.dynamism != TensorShapeDynamism::Static;
    out.push_back(static_cast<uint8_t>((a.is_input ? 1 : 0) | type << 1 | (dynamic ? 1 : 0) << 4));
    out.push_back(static_cast<uint8_t>(a.sizes.size()));
    for (int32_t s : a.sizes) out.push_back(static_cast<uint8_t>(s));
  }
  out.insert(out.end(), blob.begin(), blob.end());
  return out;
}

int fuzz_xnnpack_blob(const uint8_t* data, size_t size) {
  setup_once();
  size_t pos = 0;
  auto next = [&](uint8_t* b) {
    if (pos >= size) return false;
    *b = data[pos++];
    return true;
  };
  uint8_t count = 0;
  if (!next(&count)) return 0;
  std::vector<test::DelegateArg> args(count % (kMaxArgs + 1));
  for (test::DelegateArg& a : args) {
    uint8_t flags = 0;
    uint8_t rank = 0;
    if (!next(&flags) || !next(&rank)) return 0;
    a.is_input = (flags & 1) != 0;
    a.type = kArgTypes[(flags >> 1) & 7];
    a.dynamism = (flags & 16) != 0 ? TensorShapeDynamism::DynamicBound : TensorShapeDynamism::Static;
    for (size_t d = 0; d < rank % (kMaxRank + 1); ++d) {
      uint8_t s = 0;
      if (!next(&s)) return 0;
      a.sizes.push_back(s % (kMaxDim + 1));
    }
  }
  std::vector<uint8_t> blob(data + pos, data + size);
  std::vector<uint8_t> pte = test::make_delegate_program(blob, args);
  test::exercise_program(pte.data(), pte.size());
  return 0;
}

int fuzz_bpte(const uint8_t* data, size_t size) {
  setup_once();
  AlignedCopy copy(data, size);
  Result<BundledProgram> bundle = BundledProgram::from(copy.bytes.get(), copy.size);
  if (!bundle.ok()) return 0;
  ModuleOptions options;
  options.program.max_planned_bytes = kMaxBytes;
  options.program.max_delegate_blob_bytes = kMaxBytes;
  options.num_threads = 1;
  options.temp_allocator_bytes = kMaxBytes;
  Span<const uint8_t> inner = bundle->program();
  Result<std::unique_ptr<Module>> module = Module::load_from_buffer(inner.data(), inner.size(), options);
  for (size_t s = 0; s < bundle->num_method_test_suites(); ++s) {
    Result<std::string> name = bundle->method_name(s);
    Result<size_t> cases = bundle->num_test_cases(s);
    if (!name.ok() || !cases.ok()) continue;
    for (size_t c = 0; c < *cases; ++c) {
      Result<std::vector<HostValue>> inputs = bundle->inputs(s, c);
      Result<std::vector<HostValue>> expected = bundle->expected_outputs(s, c);
      if (!module.ok() || !inputs.ok() || !expected.ok()) continue;
      Result<MethodMeta> meta = (*module)->method_meta(*name);
      if (!meta.ok() || meta->method_allocator_bytes() > kMaxBytes) continue;
      Result<std::vector<HostValue>> outputs = (*module)->run(*name, *inputs);
      if (!outputs.ok()) continue;
      for (size_t i = 0; i < outputs->size() && i < expected->size(); ++i) {
        compare((*outputs)[i], (*expected)[i], 1e-3, 1e-5);
      }
    }
  }
  return 0;
}

}  // namespace ember::fuzz
