#include "test/backend/stub_backend.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace ember::test {

Result<DelegateHandle*> StubBackend::init(BackendInitContext& context, FreeableBuffer* processed,
                                          ArrayRef<CompileSpec> compile_specs) const {
  InitRecord record;
  record.blob.assign(static_cast<const char*>(processed->data()), processed->size());
  for (const CompileSpec& spec : compile_specs) {
    const auto* bytes = static_cast<const uint8_t*>(spec.value);
    record.specs.emplace_back(spec.key, std::vector<uint8_t>(bytes, bytes + spec.value_size));
  }
  record.delegate_index = context.delegate_index;
  record.method_name = context.method_name != nullptr ? context.method_name : "";
  record.had_named_data = context.named_data != nullptr;
  record.runtime_allocator = context.runtime_allocator;
  inits.push_back(record);

  const std::string& blob = record.blob;
  if (blob.compare(0, 6, "scale=") != 0) {
    return fail(Error::DelegateInvalidCompatibility, "stub: cannot parse blob '%s'", blob.c_str());
  }
  // ",reserve=N" asks for N more bytes of state, like a backend with big
  // weights would.
  size_t reserve = 0;
  size_t at = blob.find(",reserve=");
  if (at != std::string::npos) reserve = std::strtoull(blob.c_str() + at + 9, nullptr, 10);
  void* memory = context.runtime_allocator->allocate(sizeof(State) + reserve, alignof(State));
  if (memory == nullptr) {
    return fail(Error::DelegateMemoryAllocationFailed, "stub: no memory for %zu bytes of state",
                sizeof(State) + reserve);
  }
  State* state = new (memory) State();
  state->scale = std::strtof(blob.c_str() + 6, nullptr);
  state->fail_execute = blob.find(",fail_execute") != std::string::npos;
  state->serial = static_cast<int>(created.size()) + 1;
  created.push_back(state);
  // The scale is parsed; the bytes are no longer needed.
  processed->free();
  return state;
}

Error StubBackend::execute(BackendExecutionContext&, DelegateHandle* handle, Span<EValue*> args) const {
  ++executions;
  const auto* state = static_cast<const State*>(handle);
  if (state->fail_execute) return fail(Error::InvalidState, "stub: execute failure requested");
  if (args.size() != 2 || !args[0]->is_tensor() || !args[1]->is_tensor()) {
    return fail(Error::InvalidArgument, "stub: expected (tensor in, tensor out), got %zu arguments", args.size());
  }
  Tensor in = args[0]->to_tensor();
  Tensor out = args[1]->to_tensor();
  if (in.scalar_type() != ScalarType::Float || out.scalar_type() != ScalarType::Float || in.numel() != out.numel()) {
    return fail(Error::InvalidArgument, "stub: needs float tensors of equal numel");
  }
  const float* x = in.const_data_ptr<float>();
  float* y = out.mutable_data_ptr<float>();
  for (size_t i = 0; i < in.numel(); ++i) y[i] = x[i] * state->scale;
  return Error::Ok;
}

void StubBackend::destroy(DelegateHandle* handle) const { destroyed.push_back(static_cast<const State*>(handle)); }

}  // namespace ember::test
