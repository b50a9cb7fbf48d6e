// StubBackend: a test delegate that multiplies a float tensor by a constant.
//
// Its blob is text: "scale=<float>", optionally followed by ",fail_execute"
// (execute then returns InvalidState) and ",reserve=<bytes>" (extra state to
// allocate); anything not starting with "scale=" makes init return
// DelegateInvalidCompatibility. init() allocates the per-delegate
// state from the method allocator, so the state lives as long as the Method;
// it then frees the blob early, as a backend that has copied what it needs may.
// Every call is recorded in the backend object for the test to inspect; the
// object must outlive the Methods using it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "runtime/backend/backend_interface.h"

namespace ember::test {

class StubBackend final : public BackendInterface {
 public:
  struct State {
    float scale = 1.0f;
    bool fail_execute = false;
    int serial = 0;  // order of init, starting at 1
  };
  struct InitRecord {
    std::string blob;
    std::vector<std::pair<std::string, std::vector<uint8_t>>> specs;
    size_t delegate_index = 0;
    std::string method_name;
    bool had_named_data = false;
    const MemoryAllocator* runtime_allocator = nullptr;
  };

  explicit StubBackend(bool available = true) : available_(available) {}

  bool is_available() const override { return available_; }
  Result<DelegateHandle*> init(BackendInitContext& context, FreeableBuffer* processed,
                               ArrayRef<CompileSpec> compile_specs) const override;
  Error execute(BackendExecutionContext& context, DelegateHandle* handle, Span<EValue*> args) const override;
  void destroy(DelegateHandle* handle) const override;

  // What the calls saw, in order.
  mutable std::vector<InitRecord> inits;
  mutable std::vector<const State*> created;
  mutable std::vector<const State*> destroyed;
  mutable int executions = 0;

 private:
  bool available_;
};

}  // namespace ember::test
