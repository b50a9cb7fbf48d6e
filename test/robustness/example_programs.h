// The example models of examples/models/*.py converted in-process with exir,
// and one run of such a program through the runtime's lower-level API with
// optional failure injection (the k-th allocation of the method allocator,
// the temp allocator or XNNPACK; a planned arena one byte short). Shared by
// example_mutation_test and example_allocation_failure_test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/core/error.h"
#include "runtime/module/host_value.h"

namespace ember::test {

// One generated model and backend, a parameter of the example-model tests.
struct ExampleModel {
  const char* script;
  const char* name;
  const char* backend;
};

// How ctest lists the case (gtest would print the struct's bytes).
inline void PrintTo(const ExampleModel& m, std::ostream* os) { *os << m.name << "/" << m.backend; }

struct ExampleProgram {
  std::string label;  // "qdq_mlp/xnnpack"
  std::vector<uint8_t> pte;
  HostTensor input;              // test_data_set_0/input_0.pb
  std::vector<float> reference;  // test_data_set_0/output_0.pb (numpy)
  double tolerance = 0;          // one output step (QDQ models) or 1e-4
};

// Generates (once per process) and converts `model` of `script` with
// `backend`. Returns false when /usr/bin/python3 with onnx is missing.
bool convert_example(const char* script, const std::string& model, const std::string& backend, ExampleProgram* out);

struct Injection {
  size_t fail_method_allocation = 0;   // 1-based; 0: never
  size_t fail_temp_allocation = 0;     // 1-based; 0: never
  size_t fail_xnnpack_allocation = 0;  // 1-based, counted from Program::load; 0: never
  int short_planned_buffer = -1;       // this arena one byte short; -1: none
};

struct RunOutcome {
  Error load = Error::Ok;
  Error init = Error::Ok;     // Program::load_method
  Error execute = Error::Ok;
  std::string message;  // error_message() after the first error
  std::vector<float> output;
  size_t method_allocations = 0;  // attempted, the failed one included
  size_t temp_allocations = 0;
  size_t xnnpack_allocations = 0;  // successful ones
  size_t planned_buffers = 0;
  bool ok() const { return load == Error::Ok && init == Error::Ok && execute == Error::Ok; }
};

RunOutcome run_example(const ExampleProgram& program, const Injection& injection = {});

// Aborts the process, naming the case last passed to progress(), when no
// new case started for `seconds`: a hang becomes a failure that names it.
class Watchdog {
 public:
  explicit Watchdog(int seconds);
  ~Watchdog();
  void progress(const std::string& what);

 private:
  std::mutex mutex_;
  uint64_t ticks_ = 0;
  bool stop_ = false;
  std::string what_;
  std::thread thread_;
};

}  // namespace ember::test
