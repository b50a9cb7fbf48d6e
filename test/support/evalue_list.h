// OwnedIntList: an int list EValue for tests, owning the boxed items and the
// scratch array a BoxedEValueList needs. The EValue from evalue() is valid as
// long as the OwnedIntList lives; items can be changed through item(i) to
// mimic values written by earlier instructions.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/core/evalue.h"

namespace ember::test {

class OwnedIntList final {
 public:
  explicit OwnedIntList(const std::vector<int64_t>& values) : scratch_(values.size()) {
    items_.reserve(values.size());
    for (int64_t v : values) items_.emplace_back(v);
    for (EValue& e : items_) pointers_.push_back(&e);
  }
  OwnedIntList(const OwnedIntList&) = delete;
  OwnedIntList& operator=(const OwnedIntList&) = delete;

  EValue evalue() { return EValue(BoxedEValueList<int64_t>(pointers_.data(), scratch_.data(), items_.size())); }
  EValue& item(size_t i) { return items_[i]; }

 private:
  std::vector<EValue> items_;
  std::vector<EValue*> pointers_;
  std::vector<int64_t> scratch_;
};

// OwnedTensorList: a tensor list EValue for tests (TensorList arguments such as
// cat's inputs or split's outs). It holds EValues for the given Tensors (it
// does not own the tensors, which must outlive it) plus the boxed pointers and
// scratch array; evalue() is valid as long as the OwnedTensorList lives.
class OwnedTensorList final {
 public:
  explicit OwnedTensorList(const std::vector<Tensor>& tensors) : scratch_(tensors.size()) {
    items_.reserve(tensors.size());
    for (const Tensor& t : tensors) items_.emplace_back(t);
    for (EValue& e : items_) pointers_.push_back(&e);
  }
  OwnedTensorList(const OwnedTensorList&) = delete;
  OwnedTensorList& operator=(const OwnedTensorList&) = delete;

  EValue evalue() { return EValue(BoxedEValueList<Tensor>(pointers_.data(), scratch_.data(), items_.size())); }
  EValue& item(size_t i) { return items_[i]; }

 private:
  std::vector<EValue> items_;
  std::vector<EValue*> pointers_;
  std::vector<Tensor> scratch_;
};

}  // namespace ember::test
