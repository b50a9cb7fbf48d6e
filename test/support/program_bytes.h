// Program bytes held in max_align_t-aligned heap storage, as Program::load
// requires, plus helpers to read a fixture file into it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace ember::test {

class AlignedBytes {
 public:
  AlignedBytes() = default;
  explicit AlignedBytes(size_t size) : storage_((size + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t) + 1), size_(size) {}
  AlignedBytes(const void* data, size_t size) : AlignedBytes(size) {
    if (size > 0) std::memcpy(this->data(), data, size);
  }
  uint8_t* data() { return reinterpret_cast<uint8_t*>(storage_.data()); }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(storage_.data()); }
  size_t size() const { return size_; }

 private:
  std::vector<std::max_align_t> storage_;
  size_t size_ = 0;
};

// Whole file contents; empty vector when the file cannot be read.
std::vector<uint8_t> read_file(const std::string& path);

}  // namespace ember::test
