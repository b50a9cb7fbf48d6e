// exir::Error: the converter's one exception type. Build-time code only (the
// runtime never throws); the CLI catches it and prints its message once.
#pragma once

#include <stdexcept>
#include <string>

namespace exir {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// printf-style message, thrown as exir::Error.
[[noreturn]] void fail(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace exir
