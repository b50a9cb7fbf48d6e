// Node: one operation of an XNNPACK delegate graph, run either by an XNNPACK
// operator (created once at init with packed weights) or by the backend's own
// host code for what this XNNPACK lacks.
//
// Nodes live in the method allocator; the executor calls their destructors
// (which delete XNNPACK operators) when the delegate is destroyed.
#pragma once

#include <pthreadpool.h>

#include <cstddef>
#include <cstdint>

#include "backends/xnnpack/runtime/xnnpack_value.h"
#include "runtime/core/error.h"

namespace ember::xnnpack {

class Node {
 public:
  Node(uint32_t index, const char* kind) : index_(index), kind_(kind) {}
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Computes output dims from input dims (values[]), checking them and each
  // output's capacity. Called when input shapes change.
  virtual Error reshape(Value* values) = 0;
  // Binds data pointers (and shapes) for the next runs.
  virtual Error setup(Value* values, pthreadpool_t pool) = 0;
  virtual Error run(pthreadpool_t pool) = 0;

  uint32_t index() const { return index_; }
  const char* kind() const { return kind_; }

 private:
  uint32_t index_;
  const char* kind_;
};

}  // namespace ember::xnnpack
