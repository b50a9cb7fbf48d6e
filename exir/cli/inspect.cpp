#include "exir/cli/inspect.h"

#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include "exir/cli/dot_graph.h"

#include "exir/ir/error.h"
#include "runtime/core/error.h"
#include "runtime/loader/file_data_loader.h"
#include "runtime/executor/program.h"

namespace exir {
namespace {

std::string tensor_text(const ember::TensorInfo& t) {
  std::string s = std::string(ember::scalar_type_name(t.dtype)) + "[";
  for (size_t i = 0; i < t.sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(t.sizes[i]);
  return s + "] (" + std::to_string(t.nbytes) + " B" + (t.is_memory_planned ? ", planned" : "") +
         (t.dynamism == ember::TensorShapeDynamism::DynamicBound ? ", dynamic bound" : "") + ")";
}

}  // namespace

std::string inspect_pte(const std::string& path) {
  auto loader = ember::FileDataLoader::from(path.c_str());
  if (!loader.ok()) fail("cannot open '%s': %s", path.c_str(), ember::error_message());
  auto program = ember::Program::load(loader.get().get());
  if (!program.ok()) fail("'%s' is not a valid program: %s", path.c_str(), ember::error_message());
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ostringstream out;
  out << path << "\n";
  out << "constants: " << constant_bytes(bytes) << " bytes\n";
  for (size_t m = 0; m < program->num_methods(); ++m) {
    auto name = program->get_method_name(m);
    if (!name.ok()) fail("'%s': method %zu has no name", path.c_str(), m);
    auto meta = program->method_meta(name.get());
    if (!meta.ok()) fail("'%s': method '%s': %s", path.c_str(), name.get(), ember::error_message());
    out << "method " << name.get() << ": " << meta->num_instructions() << " instructions\n";
    for (size_t i = 0; i < meta->num_inputs(); ++i) {
      auto t = meta->input_tensor_info(i);
      out << "  input " << i << ": " << (t.ok() ? tensor_text(t.get()) : "(not a tensor)") << "\n";
    }
    for (size_t i = 0; i < meta->num_outputs(); ++i) {
      auto t = meta->output_tensor_info(i);
      out << "  output " << i << ": " << (t.ok() ? tensor_text(t.get()) : "(not a tensor)") << "\n";
    }
    out << "  operators (" << meta->num_operators() << "):\n";
    for (size_t i = 0; i < meta->num_operators(); ++i) {
      char buffer[256];
      auto op = meta->operator_name(i, buffer, sizeof(buffer));
      out << "    " << (op.ok() ? op.get() : "?") << "\n";
    }
    out << "  delegates (" << meta->num_delegates() << ")";
    const std::vector<long> nodes = delegate_node_counts(bytes, m);
    for (size_t i = 0; i < meta->num_delegates(); ++i) {
      auto id = meta->delegate_id(i);
      out << (i ? ", " : ": ") << (id.ok() ? id.get() : "?");
      if (i < nodes.size() && nodes[i] >= 0) out << " (" << nodes[i] << " nodes)";
    }
    out << "\n";
    for (size_t i = 0; i < meta->num_memory_planned_buffers(); ++i) {
      auto size = meta->memory_planned_buffer_size(i);
      out << "  arena " << i + 1 << ": " << (size.ok() ? size.get() : 0) << " bytes\n";
    }
    out << "  method allocator: " << meta->method_allocator_bytes() << " bytes\n";
  }
  return out.str();
}

}  // namespace exir
