// FileDataLoader, MmapDataLoader and BufferDataLoader: contents, ranges,
// alignment, and failures on bad ranges and bad files.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/error.h"
#include "runtime/loader/buffer_data_loader.h"
#include "runtime/loader/file_data_loader.h"
#include "runtime/loader/mmap_data_loader.h"

namespace ember {
namespace {

constexpr size_t kAlign = alignof(std::max_align_t);

// A temporary file removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::vector<uint8_t>& bytes) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir != nullptr && dir[0] != '\0' ? dir : "/tmp") + "/ember_loader_test_XXXXXX";
    const int fd = ::mkstemp(path_.data());
    EXPECT_GE(fd, 0);
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      EXPECT_GT(n, 0);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fd);
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const char* path() const { return path_.c_str(); }

 private:
  std::string path_;
};

// 0, 1, ..., 255, 0, 1, ... so every offset has a known byte.
std::vector<uint8_t> pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 7 + 3);
  return v;
}

bool is_aligned(const void* p) { return reinterpret_cast<uintptr_t>(p) % kAlign == 0; }

void expect_range(const DataLoader& loader, const std::vector<uint8_t>& expected, size_t offset, size_t size) {
  Result<FreeableBuffer> buf = loader.load(offset, size, SegmentInfo{});
  ASSERT_TRUE(buf.ok()) << error_message();
  ASSERT_EQ(buf->size(), size);
  ASSERT_NE(buf->data(), nullptr);
  EXPECT_TRUE(is_aligned(buf->data())) << "offset " << offset;
  EXPECT_EQ(std::memcmp(buf->data(), expected.data() + offset, size), 0) << "offset " << offset << " size " << size;
}

// Every loader kind over the same bytes, so each test runs against all three.
struct Loaders {
  std::unique_ptr<TempFile> file;
  std::vector<std::unique_ptr<DataLoader>> all;
  std::vector<std::string> names;
};

Loaders make_loaders(const std::vector<uint8_t>& bytes, const uint8_t* buffer) {
  Loaders l;
  l.file = std::make_unique<TempFile>(bytes);
  auto f = FileDataLoader::from(l.file->path());
  EXPECT_TRUE(f.ok()) << error_message();
  auto m = MmapDataLoader::from(l.file->path());
  EXPECT_TRUE(m.ok()) << error_message();
  auto b = BufferDataLoader::from(buffer, bytes.size());
  EXPECT_TRUE(b.ok()) << error_message();
  if (f.ok()) {
    l.all.push_back(std::move(f.get()));
    l.names.push_back("file");
  }
  if (m.ok()) {
    l.all.push_back(std::move(m.get()));
    l.names.push_back("mmap");
  }
  if (b.ok()) {
    l.all.push_back(std::move(b.get()));
    l.names.push_back("buffer");
  }
  return l;
}

TEST(LoaderTest, SizeAndContentsOfRanges) {
  const std::vector<uint8_t> bytes = pattern(1000);
  Loaders l = make_loaders(bytes, bytes.data());
  ASSERT_EQ(l.all.size(), 3u);
  for (size_t i = 0; i < l.all.size(); ++i) {
    SCOPED_TRACE(l.names[i]);
    Result<size_t> size = l.all[i]->size();
    ASSERT_TRUE(size.ok());
    EXPECT_EQ(*size, 1000u);
    expect_range(*l.all[i], bytes, 0, 1000);
    expect_range(*l.all[i], bytes, 0, 1);
    expect_range(*l.all[i], bytes, 999, 1);
    expect_range(*l.all[i], bytes, 64, 128);
    // Misaligned starts still come back aligned, with the right bytes.
    expect_range(*l.all[i], bytes, 1, 17);
    expect_range(*l.all[i], bytes, 333, 667);
    expect_range(*l.all[i], bytes, 1000, 0);
    expect_range(*l.all[i], bytes, 500, 0);
  }
}

TEST(LoaderTest, MmapAlignedLoadIsAViewAndMisalignedIsACopy) {
  const std::vector<uint8_t> bytes = pattern(4096 + 100);
  TempFile file(bytes);
  auto loader = MmapDataLoader::from(file.path());
  ASSERT_TRUE(loader.ok()) << error_message();
  auto a = (*loader)->load(0, 16, SegmentInfo{});
  auto b = (*loader)->load(kAlign, 16, SegmentInfo{});
  ASSERT_TRUE(a.ok() && b.ok());
  // Two views of one mapping sit exactly kAlign bytes apart.
  EXPECT_EQ(static_cast<const uint8_t*>(b->data()) - static_cast<const uint8_t*>(a->data()),
            static_cast<ptrdiff_t>(kAlign));
  auto c = (*loader)->load(3, 16, SegmentInfo{});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(is_aligned(c->data()));
  EXPECT_NE(static_cast<const uint8_t*>(c->data()), static_cast<const uint8_t*>(a->data()) + 3);
  EXPECT_EQ(static_cast<const uint8_t*>(c->data())[0], bytes[3]);
}

TEST(LoaderTest, BufferLoaderIsZeroCopyWhenAligned) {
  alignas(std::max_align_t) uint8_t storage[256];
  for (size_t i = 0; i < sizeof(storage); ++i) storage[i] = static_cast<uint8_t>(255 - i);
  BufferDataLoader loader(storage, sizeof(storage));
  auto view = loader.load(kAlign * 2, 32, SegmentInfo{});
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->data(), storage + kAlign * 2);
  auto copy = loader.load(5, 10, SegmentInfo{});
  ASSERT_TRUE(copy.ok());
  EXPECT_NE(copy->data(), storage + 5);
  EXPECT_TRUE(is_aligned(copy->data()));
  EXPECT_EQ(static_cast<const uint8_t*>(copy->data())[0], 250);
  EXPECT_EQ(static_cast<const uint8_t*>(copy->data())[9], 241);
}

TEST(LoaderTest, FileLoaderBuffersOutliveTheLoaderAndHonourAlignment) {
  const std::vector<uint8_t> bytes = pattern(300);
  TempFile file(bytes);
  FreeableBuffer kept;
  {
    auto loader = FileDataLoader::from(file.path(), 256);
    ASSERT_TRUE(loader.ok()) << error_message();
    auto buf = (*loader)->load(10, 200, SegmentInfo{});
    ASSERT_TRUE(buf.ok()) << error_message();
    kept = std::move(buf.get());
  }
  EXPECT_EQ(reinterpret_cast<uintptr_t>(kept.data()) % 256, 0u);
  ASSERT_EQ(kept.size(), 200u);
  EXPECT_EQ(std::memcmp(kept.data(), bytes.data() + 10, 200), 0);
  kept.free();
  EXPECT_EQ(kept.data(), nullptr);
}

TEST(LoaderTest, FileLoaderRejectsBadAlignment) {
  TempFile file(pattern(10));
  auto loader = FileDataLoader::from(file.path(), 24);
  ASSERT_FALSE(loader.ok());
  EXPECT_EQ(loader.error(), Error::InvalidArgument);
  EXPECT_NE(std::strstr(error_message(), "alignment 24"), nullptr) << error_message();
}

TEST(LoaderTest, OutOfRangeLoadsFailWithMessage) {
  const std::vector<uint8_t> bytes = pattern(100);
  Loaders l = make_loaders(bytes, bytes.data());
  ASSERT_EQ(l.all.size(), 3u);
  for (size_t i = 0; i < l.all.size(); ++i) {
    SCOPED_TRACE(l.names[i]);
    auto past_end = l.all[i]->load(90, 11, SegmentInfo{});
    ASSERT_FALSE(past_end.ok());
    EXPECT_EQ(past_end.error(), Error::InvalidArgument);
    const std::string msg = error_message();
    EXPECT_NE(msg.find("11 bytes"), std::string::npos) << msg;
    EXPECT_NE(msg.find("offset 90"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(100 bytes)"), std::string::npos) << msg;
    if (l.names[i] != "buffer") {
      EXPECT_NE(msg.find(l.file->path()), std::string::npos) << msg;
    }

    auto start_past_end = l.all[i]->load(101, 0, SegmentInfo{});
    EXPECT_EQ(start_past_end.error(), Error::InvalidArgument);
  }
}

TEST(LoaderTest, OverflowingRangesFail) {
  const std::vector<uint8_t> bytes = pattern(100);
  Loaders l = make_loaders(bytes, bytes.data());
  ASSERT_EQ(l.all.size(), 3u);
  for (size_t i = 0; i < l.all.size(); ++i) {
    SCOPED_TRACE(l.names[i]);
    // offset + size wraps around to a small number.
    auto wrap = l.all[i]->load(50, SIZE_MAX - 10, SegmentInfo{});
    ASSERT_FALSE(wrap.ok());
    EXPECT_EQ(wrap.error(), Error::InvalidArgument);
    EXPECT_NE(std::strstr(error_message(), "overflows"), nullptr) << error_message();
    auto huge_offset = l.all[i]->load(SIZE_MAX, 1, SegmentInfo{});
    EXPECT_EQ(huge_offset.error(), Error::InvalidArgument);
    auto huge_size = l.all[i]->load(0, SIZE_MAX, SegmentInfo{});
    EXPECT_EQ(huge_size.error(), Error::InvalidArgument);
  }
}

TEST(LoaderTest, MissingFileFails) {
  const char* path = "/nonexistent_dir_for_ember/missing.pte";
  auto f = FileDataLoader::from(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error(), Error::AccessFailed);
  EXPECT_NE(std::strstr(error_message(), path), nullptr) << error_message();
  auto m = MmapDataLoader::from(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), Error::AccessFailed);
  EXPECT_NE(std::strstr(error_message(), path), nullptr) << error_message();
  EXPECT_NE(std::strstr(error_message(), "cannot open"), nullptr) << error_message();
}

TEST(LoaderTest, DirectoryIsNotAFile) {
  auto f = FileDataLoader::from("/");
  EXPECT_EQ(f.error(), Error::AccessFailed);
  EXPECT_STREQ(error_message(), "file '/': not a regular file");
  auto m = MmapDataLoader::from("/");
  EXPECT_EQ(m.error(), Error::AccessFailed);
  EXPECT_STREQ(error_message(), "file '/': not a regular file");
}

TEST(LoaderTest, EmptyFileAllowsOnlyEmptyLoads) {
  const std::vector<uint8_t> none;
  Loaders l = make_loaders(none, nullptr);
  ASSERT_EQ(l.all.size(), 3u);
  for (size_t i = 0; i < l.all.size(); ++i) {
    SCOPED_TRACE(l.names[i]);
    Result<size_t> size = l.all[i]->size();
    ASSERT_TRUE(size.ok());
    EXPECT_EQ(*size, 0u);
    auto empty = l.all[i]->load(0, 0, SegmentInfo{});
    ASSERT_TRUE(empty.ok()) << error_message();
    EXPECT_EQ(empty->size(), 0u);
    EXPECT_NE(empty->data(), nullptr);
    auto one = l.all[i]->load(0, 1, SegmentInfo{});
    EXPECT_EQ(one.error(), Error::InvalidArgument);
  }
}

TEST(LoaderTest, BufferLoaderRejectsNullData) {
  auto b = BufferDataLoader::from(nullptr, 4);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error(), Error::InvalidArgument);
  BufferDataLoader direct(nullptr, 4);
  EXPECT_EQ(direct.load(0, 1, SegmentInfo{}).error(), Error::InvalidArgument);
}

TEST(LoaderTest, FileLoaderFailsWhenTheFileShrinks) {
  const std::vector<uint8_t> bytes = pattern(64);
  TempFile file(bytes);
  auto loader = FileDataLoader::from(file.path());
  ASSERT_TRUE(loader.ok());
  ASSERT_EQ(::truncate(file.path(), 10), 0);
  auto buf = (*loader)->load(0, 64, SegmentInfo{});
  ASSERT_FALSE(buf.ok());
  EXPECT_EQ(buf.error(), Error::AccessFailed);
  EXPECT_NE(std::strstr(error_message(), "end of file"), nullptr) << error_message();
}

}  // namespace
}  // namespace ember
