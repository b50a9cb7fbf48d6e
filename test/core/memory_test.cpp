// MemoryAllocator (bump allocation, alignment, exhaustion, reset) and
// HierarchicalAllocator bounds checks.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "runtime/core/hierarchical_allocator.h"
#include "runtime/core/memory_allocator.h"
#include "runtime/platform/platform.h"

namespace ember {
namespace {

// Captures the debug line ember::fail() logs ("<ErrorName>: <message>"), so a
// null-returning allocator can be checked for the code it recorded.
std::string g_last_log;
void capture_log(LogLevel, const char* message, size_t length) { g_last_log.assign(message, length); }

class CaptureFailures {
 public:
  CaptureFailures() {
    PlatformHooks hooks;
    hooks.log = capture_log;
    previous_ = set_platform_hooks(hooks);
    set_log_level(LogLevel::Debug);
    set_logging_enabled(true);
    g_last_log.clear();
  }
  ~CaptureFailures() {
    set_platform_hooks(previous_);
    set_log_level(LogLevel::Info);
  }

 private:
  PlatformHooks previous_;
};

struct alignas(64) Storage {
  uint8_t bytes[256];
};

TEST(MemoryAllocatorTest, AlignsEachRequest) {
  Storage storage;
  // Start one byte past a 64-byte boundary so every alignment has to pad.
  uint8_t* base = storage.bytes + 1;
  MemoryAllocator a(255, base);
  EXPECT_EQ(a.capacity(), 255u);
  EXPECT_EQ(a.base(), base);

  EXPECT_EQ(a.allocate(1, 1), storage.bytes + 1);
  EXPECT_EQ(a.used_size(), 1u);
  EXPECT_EQ(a.allocate(1, 8), storage.bytes + 8);
  EXPECT_EQ(a.used_size(), 8u);
  EXPECT_EQ(a.allocate(3, 16), storage.bytes + 16);
  EXPECT_EQ(a.allocate(1, 64), storage.bytes + 64);
  EXPECT_EQ(a.allocate(2, 1), storage.bytes + 65);
  EXPECT_EQ(a.used_size(), 66u);
  // Default alignment is that of a pointer.
  EXPECT_EQ(a.allocate(4), storage.bytes + 72);
}

TEST(MemoryAllocatorTest, ExhaustionReturnsNullWithMessage) {
  CaptureFailures capture;
  Storage storage;
  MemoryAllocator a(256, storage.bytes);
  ASSERT_EQ(a.allocate(200, 8), storage.bytes);
  EXPECT_EQ(a.allocate(100, 8), nullptr);
  EXPECT_STREQ(error_message(), "allocator out of memory: 100 bytes (align 8) requested, 56 of 256 free");
  EXPECT_EQ(g_last_log.rfind("MemoryAllocationFailed: ", 0), 0u) << g_last_log;
  // A failed request consumes nothing.
  EXPECT_EQ(a.used_size(), 200u);
  // Exactly the rest fits; one more byte does not.
  EXPECT_EQ(a.allocate(56, 8), storage.bytes + 200);
  EXPECT_EQ(a.used_size(), 256u);
  EXPECT_EQ(a.allocate(1, 1), nullptr);
  // Padding alone can exhaust it.
  MemoryAllocator small(20, storage.bytes);
  ASSERT_NE(small.allocate(1, 1), nullptr);
  EXPECT_EQ(small.allocate(1, 64), nullptr);
  EXPECT_EQ(small.used_size(), 1u);
  // A size near SIZE_MAX must not wrap the end check.
  EXPECT_EQ(small.allocate(std::numeric_limits<size_t>::max(), 1), nullptr);
  EXPECT_EQ(small.used_size(), 1u);
}

TEST(MemoryAllocatorTest, ResetFreesEverything) {
  Storage storage;
  MemoryAllocator a(256, storage.bytes);
  ASSERT_NE(a.allocate(256, 1), nullptr);
  EXPECT_EQ(a.allocate(1, 1), nullptr);
  a.reset();
  EXPECT_EQ(a.used_size(), 0u);
  EXPECT_EQ(a.allocate(16, 16), storage.bytes);
}

TEST(MemoryAllocatorTest, RefusesNonPowerOfTwoAlignment) {
  CaptureFailures capture;
  Storage storage;
  MemoryAllocator a(256, storage.bytes);
  EXPECT_EQ(a.allocate(8, 3), nullptr);
  EXPECT_STREQ(error_message(), "allocate: alignment 3 is not a power of two");
  EXPECT_EQ(g_last_log.rfind("InvalidArgument: ", 0), 0u) << g_last_log;
  EXPECT_EQ(a.allocate(8, 0), nullptr);
  EXPECT_EQ(a.allocate(8, 24), nullptr);
  EXPECT_EQ(a.used_size(), 0u);
}

TEST(MemoryAllocatorTest, AllocateListConstructsAndRefusesOverflow) {
  Storage storage;
  std::memset(storage.bytes, 0xff, sizeof(storage.bytes));
  MemoryAllocator a(256, storage.bytes + 1);
  int32_t* ints = a.allocate_list<int32_t>(4);
  ASSERT_NE(ints, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(ints) % alignof(int32_t), 0u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ints[i], 0);
  EXPECT_EQ(reinterpret_cast<uint8_t*>(ints), storage.bytes + 4);

  struct Pair {
    int64_t a = 11;
    int64_t b = 22;
  };
  Pair* p = a.allocate_instance<Pair>();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uint8_t*>(p), storage.bytes + 24);
  EXPECT_EQ(p->a, 11);
  EXPECT_EQ(p->b, 22);

  size_t used = a.used_size();
  // n * sizeof(T) overflows size_t: refused before anything is allocated.
  clear_error_message();
  EXPECT_EQ(a.allocate_list<uint64_t>(std::numeric_limits<size_t>::max() / 4), nullptr);
  EXPECT_EQ(std::string(error_message()), "allocate_list: " + std::to_string(std::numeric_limits<size_t>::max() / 4) +
                                              " items of 8 bytes overflow size_t");
  EXPECT_EQ(a.allocate_list<uint64_t>(std::numeric_limits<size_t>::max() / 8 + 1), nullptr);
  // Does not overflow, but does not fit either.
  EXPECT_EQ(a.allocate_list<uint64_t>(1000), nullptr);
  EXPECT_EQ(a.used_size(), used);
}

TEST(MemoryAllocatorTest, AlignedSize) {
  EXPECT_EQ(aligned_size(0, 8), 0u);
  EXPECT_EQ(aligned_size(1, 8), 8u);
  EXPECT_EQ(aligned_size(13, 8), 16u);
  EXPECT_EQ(aligned_size(16, 16), 16u);
  EXPECT_EQ(aligned_size(17, 64), 64u);
}

TEST(HierarchicalAllocatorTest, OffsetAddressInBounds) {
  uint8_t arena0[64];
  uint8_t arena1[32];
  Span<uint8_t> arenas[] = {Span<uint8_t>(arena0, 64), Span<uint8_t>(arena1, 32)};
  HierarchicalAllocator h(Span<Span<uint8_t>>(arenas, 2));
  EXPECT_EQ(h.num_arenas(), 2u);
  EXPECT_EQ(h.arena(1).size(), 32u);

  Result<uint8_t*> whole = h.offset_address(0, 0, 64);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole, arena0);
  Result<uint8_t*> tail = h.offset_address(0, 60, 4);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(*tail, arena0 + 60);
  Result<uint8_t*> second = h.offset_address(1, 16, 16);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, arena1 + 16);
  // An empty range at the very end is inside.
  Result<uint8_t*> end = h.offset_address(1, 32, 0);
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, arena1 + 32);
}

TEST(HierarchicalAllocatorTest, OffsetAddressOutOfBounds) {
  uint8_t arena0[64];
  Span<uint8_t> arenas[] = {Span<uint8_t>(arena0, 64)};
  HierarchicalAllocator h(Span<Span<uint8_t>>(arenas, 1));

  Result<uint8_t*> past = h.offset_address(0, 61, 4);
  EXPECT_EQ(past.error(), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "memory id 1: [61, +4) is outside the arena of 64 bytes");
  EXPECT_EQ(h.offset_address(0, 65, 0).error(), Error::InvalidArgument);
  EXPECT_EQ(h.offset_address(0, 0, 65).error(), Error::InvalidArgument);

  // offset + size would wrap around 2^64.
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(h.offset_address(0, kMax, 2).error(), Error::InvalidArgument);
  EXPECT_EQ(h.offset_address(0, kMax - 1, 2).error(), Error::InvalidArgument);
  EXPECT_EQ(h.offset_address(0, 8, std::numeric_limits<size_t>::max() - 4).error(), Error::InvalidArgument);
  EXPECT_EQ(h.offset_address(0, 8, std::numeric_limits<size_t>::max()).error(), Error::InvalidArgument);
}

TEST(HierarchicalAllocatorTest, MissingArenaAndNullStorage) {
  uint8_t arena0[16];
  Span<uint8_t> arenas[] = {Span<uint8_t>(arena0, 16), Span<uint8_t>(nullptr, 16)};
  HierarchicalAllocator h(Span<Span<uint8_t>>(arenas, 2));
  Result<uint8_t*> missing = h.offset_address(2, 0, 1);
  EXPECT_EQ(missing.error(), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "memory id 3 has no arena (2 provided)");

  Result<uint8_t*> no_storage = h.offset_address(1, 0, 4);
  EXPECT_EQ(no_storage.error(), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "memory id 2: arena has no storage");

  HierarchicalAllocator none;
  EXPECT_EQ(none.num_arenas(), 0u);
  EXPECT_EQ(none.offset_address(0, 0, 0).error(), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "memory id 1 has no arena (0 provided)");
}

}  // namespace
}  // namespace ember
