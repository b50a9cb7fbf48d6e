// Loads a program from bytes, initializes every method and runs each once with
// inputs of ones, under tight limits. Used by the byte-mutation tests: for any
// input this must return (an Error or Ok), never crash or hang.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/error.h"

namespace ember::test {

struct ExerciseResult {
  Error load = Error::Ok;     // Program::load
  size_t methods_initialized = 0;
  size_t methods_executed = 0;  // executed successfully
};

ExerciseResult exercise_program(const uint8_t* data, size_t size);

}  // namespace ember::test
