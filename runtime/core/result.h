// Result<T>: a value or an Error, without exceptions.
//
// A Result owns its value. Accessing the value of a failed Result is a
// programming error in the caller; it is checked in debug builds only, so
// always test ok() (or use EMBER_ASSIGN_OR_RETURN) first.
#pragma once

#include <cassert>
#include <new>
#include <type_traits>
#include <utility>

#include "runtime/core/error.h"

namespace ember {

template <typename T>
class Result final {
 public:
  Result(const T& value) : has_value_(true) { new (&value_) T(value); }
  Result(T&& value) : has_value_(true) { new (&value_) T(std::move(value)); }
  // A failed Result. `error` must not be Error::Ok.
  Result(Error error) : error_(error == Error::Ok ? Error::Internal : error), has_value_(false) {}

  Result(Result&& other) noexcept : has_value_(other.has_value_) {
    if (has_value_) {
      new (&value_) T(std::move(other.value_));
    } else {
      error_ = other.error_;
    }
  }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  Result& operator=(Result&&) = delete;

  ~Result() {
    if (has_value_) value_.~T();
  }

  bool ok() const { return has_value_; }
  Error error() const { return has_value_ ? Error::Ok : error_; }

  T& get() {
    assert(has_value_);
    return value_;
  }
  const T& get() const {
    assert(has_value_);
    return value_;
  }
  T& operator*() { return get(); }
  const T& operator*() const { return get(); }
  T* operator->() { return &get(); }
  const T* operator->() const { return &get(); }

 private:
  union {
    T value_;
    Error error_;
  };
  bool has_value_;
};

}  // namespace ember

#define EMBER_CONCAT_INNER_(a, b) a##b
#define EMBER_CONCAT_(a, b) EMBER_CONCAT_INNER_(a, b)

// `lhs = value of rexpr`, or return its error from the enclosing function.
#define EMBER_ASSIGN_OR_RETURN(lhs, rexpr) \
  EMBER_ASSIGN_OR_RETURN_IMPL_(EMBER_CONCAT_(ember_result_, __LINE__), lhs, rexpr)
#define EMBER_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                 \
  if (__builtin_expect(!tmp.ok(), 0)) {               \
    return tmp.error();                               \
  }                                                   \
  lhs = std::move(tmp.get())
