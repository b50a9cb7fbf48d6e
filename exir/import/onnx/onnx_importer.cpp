#include "exir/import/onnx/onnx_importer.h"

#include <onnx/onnx_pb.h>
#include <sys/stat.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "exir/import/onnx/onnx_opsets.h"
#include "exir/import/onnx/onnx_shapes.h"
#include "exir/ir/error.h"

namespace exir {
namespace {

// Below opset 10 many ops had other signatures: such models are checked
// node by node (min_supported_opset).
constexpr int64_t kMinOpset = 1;
constexpr int64_t kMaxOpset = 21;

// The runtime refuses tensors whose sizes span more than INT32_MAX elements
// (its strides are int32); refusing them at import also bounds the work and
// memory a small file can make the converter spend.
constexpr int64_t kMaxElements = INT32_MAX;

void check_elements(const Value& v, const std::string& what) {
  int64_t n = 1;
  for (const Dim& d : v.shape) {
    if (!d.known() || d.size <= 0) continue;
    if (d.size > kMaxElements / n) {
      fail("%s: shape %s spans more than %lld elements (the runtime's limit)", what.c_str(), shape_string(v.shape).c_str(),
           (long long)kMaxElements);
    }
    n *= d.size;
  }
}

ScalarType dtype_from_onnx(int32_t t, const std::string& what) {
  switch (t) {
    case onnx::TensorProto::FLOAT: return ScalarType::Float;
    case onnx::TensorProto::UINT8: return ScalarType::Byte;
    case onnx::TensorProto::INT8: return ScalarType::Char;
    case onnx::TensorProto::INT16: return ScalarType::Short;
    case onnx::TensorProto::UINT16: return ScalarType::UInt16;
    case onnx::TensorProto::INT32: return ScalarType::Int;
    case onnx::TensorProto::INT64: return ScalarType::Long;
    case onnx::TensorProto::BOOL: return ScalarType::Bool;
    case onnx::TensorProto::FLOAT16: return ScalarType::Half;
    case onnx::TensorProto::DOUBLE: return ScalarType::Double;
    case onnx::TensorProto::UINT32: return ScalarType::UInt32;
    case onnx::TensorProto::UINT64: return ScalarType::UInt64;
    case onnx::TensorProto::BFLOAT16: return ScalarType::BFloat16;
    default: break;
  }
  fail("%s: ONNX element type %d is not supported", what.c_str(), t);
}

std::vector<uint8_t> read_file_range(const std::string& path, uint64_t offset, int64_t length,
                                     const std::string& what) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    fail("%s: external data file '%s' does not exist or is not a regular file", what.c_str(), path.c_str());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("%s: cannot open external data file '%s'", what.c_str(), path.c_str());
  in.seekg(0, std::ios::end);
  const uint64_t size = static_cast<uint64_t>(in.tellg());
  if (offset > size) fail("%s: offset %llu is past the end of '%s'", what.c_str(), (unsigned long long)offset, path.c_str());
  const uint64_t n = length < 0 ? size - offset : static_cast<uint64_t>(length);
  if (n > size - offset) {
    fail("%s: %llu bytes at offset %llu run past the end of '%s' (%llu bytes)", what.c_str(), (unsigned long long)n,
         (unsigned long long)offset, path.c_str(), (unsigned long long)size);
  }
  std::vector<uint8_t> bytes(n);
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(n));
  if (!in) fail("%s: cannot read '%s'", what.c_str(), path.c_str());
  return bytes;
}

template <typename Src, typename Dst, typename Field>
std::vector<uint8_t> pack(const Field& field) {
  std::vector<uint8_t> bytes(static_cast<size_t>(field.size()) * sizeof(Dst));
  for (int i = 0; i < field.size(); ++i) {
    const Dst v = static_cast<Dst>(static_cast<Src>(field.Get(i)));
    std::memcpy(bytes.data() + static_cast<size_t>(i) * sizeof(Dst), &v, sizeof(Dst));
  }
  return bytes;
}

Value tensor_value(const onnx::TensorProto& t, const std::string& model_dir) {
  const std::string what = "initializer '" + t.name() + "'";
  if (t.has_segment()) fail("%s: segmented tensors are not supported", what.c_str());
  Value v;
  v.name = t.name();
  v.dtype = dtype_from_onnx(t.data_type(), what);
  std::vector<int64_t> sizes(t.dims().begin(), t.dims().end());
  for (int64_t s : sizes) {
    if (s < 0) fail("%s: negative dimension %lld", what.c_str(), (long long)s);
  }
  v.shape = static_shape(sizes);
  v.shape_known = true;
  check_elements(v, what);
  std::vector<uint8_t> bytes;
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string location;
    uint64_t offset = 0;
    int64_t length = -1;
    for (const auto& kv : t.external_data()) {
      try {
        if (kv.key() == "location") location = kv.value();
        if (kv.key() == "offset") offset = std::stoull(kv.value());
        if (kv.key() == "length") length = std::stoll(kv.value());
      } catch (const std::exception&) {
        fail("%s: bad external_data entry %s='%s'", what.c_str(), kv.key().c_str(), kv.value().c_str());
      }
    }
    if (location.empty()) fail("%s: external data without a location", what.c_str());
    // Like ONNX's checker: a relative path inside the model's folder, so a
    // model cannot make the converter read /dev, /proc or other files.
    const std::string padded = "/" + location + "/";
    if (location[0] == '/' || padded.find("/../") != std::string::npos) {
      fail("%s: external data location '%s' is not a path inside the model's folder", what.c_str(), location.c_str());
    }
    bytes = read_file_range(model_dir + "/" + location, offset, length, what);
  } else if (t.has_raw_data()) {
    bytes.assign(t.raw_data().begin(), t.raw_data().end());
  } else {
    switch (v.dtype) {
      case ScalarType::Float: bytes = pack<float, float>(t.float_data()); break;
      case ScalarType::Double: bytes = pack<double, double>(t.double_data()); break;
      case ScalarType::Long: bytes = pack<int64_t, int64_t>(t.int64_data()); break;
      case ScalarType::UInt32: bytes = pack<uint64_t, uint32_t>(t.uint64_data()); break;
      case ScalarType::UInt64: bytes = pack<uint64_t, uint64_t>(t.uint64_data()); break;
      case ScalarType::Int: bytes = pack<int32_t, int32_t>(t.int32_data()); break;
      case ScalarType::Byte: bytes = pack<int32_t, uint8_t>(t.int32_data()); break;
      case ScalarType::Char: bytes = pack<int32_t, int8_t>(t.int32_data()); break;
      case ScalarType::Bool: bytes = pack<int32_t, uint8_t>(t.int32_data()); break;
      case ScalarType::Short: bytes = pack<int32_t, int16_t>(t.int32_data()); break;
      case ScalarType::UInt16:
      case ScalarType::Half:
      case ScalarType::BFloat16: bytes = pack<int32_t, uint16_t>(t.int32_data()); break;
      default: fail("%s: no data field for its type", what.c_str());
    }
  }
  if (bytes.size() != v.nbytes()) {
    fail("%s: %zu bytes of data for shape %s (%zu expected)", what.c_str(), bytes.size(), shape_string(v.shape).c_str(),
         v.nbytes());
  }
  v.data = std::move(bytes);
  return v;
}

class Importer {
 public:
  // Takes the model mutable: initializer bytes are released as they are copied.
  Importer(onnx::ModelProto& model, std::string model_dir, const OnnxImportOptions& options)
      : model_(model), dir_(std::move(model_dir)), options_(options) {}

  Graph run() {
    g_.opset = read_opset();
    const onnx::GraphProto& gp = model_.graph();
    // Each initializer's bytes are freed once copied, so the protobuf and the
    // graph do not both hold the weights (peak memory of large models).
    for (onnx::TensorProto& t : *model_.mutable_graph()->mutable_initializer()) {
      define(t.name(), g_.add_value(tensor_value(t, dir_)));
      std::string().swap(*t.mutable_raw_data());
    }
    for (const onnx::ValueInfoProto& vi : gp.input()) {
      if (names_.count(vi.name())) continue;  // an initializer listed as input (IR < 4 style)
      auto frozen = options_.frozen_inputs.find(vi.name());
      if (frozen != options_.frozen_inputs.end()) {
        define(vi.name(), g_.add_value(frozen_value(vi, frozen->second)));
        continue;
      }
      g_.inputs.push_back(define(vi.name(), g_.add_value(input_value(vi))));
    }
    for (const auto& [name, dims] : options_.input_shapes) {
      bool found = false;
      for (ValueId id : g_.inputs) found |= g_.value(id).name == name;
      if (!found) fail("--input-shape: the graph has no input named '%s'", name.c_str());
    }
    for (const auto& [name, value] : options_.frozen_inputs) {
      bool found = false;
      for (const onnx::ValueInfoProto& vi : gp.input()) found |= vi.name() == name;
      if (!found) fail("--freeze: the graph has no input named '%s'", name.c_str());
    }
    for (const onnx::NodeProto& np : gp.node()) import_node(np);
    for (const onnx::ValueInfoProto& vi : gp.output()) {
      auto it = names_.find(vi.name());
      if (it == names_.end()) fail("graph output '%s' is not produced by any node", vi.name().c_str());
      g_.outputs.push_back(it->second);
    }
    return std::move(g_);
  }

 private:
  int64_t read_opset() {
    int64_t opset = -1;
    for (const auto& imp : model_.opset_import()) {
      if (imp.domain().empty() || imp.domain() == "ai.onnx") opset = imp.version();
    }
    if (opset < 0) fail("model has no ai.onnx opset_import");
    if (opset < kMinOpset || opset > kMaxOpset) {
      fail("model opset %lld is not supported (supported: %lld to %lld)", (long long)opset, (long long)kMinOpset,
           (long long)kMaxOpset);
    }
    return opset;
  }

  ValueId define(const std::string& name, ValueId id) {
    names_[name] = id;
    return id;
  }

  Value input_value(const onnx::ValueInfoProto& vi) {
    Value v;
    v.name = vi.name();
    const std::string what = "graph input '" + vi.name() + "'";
    if (!vi.type().has_tensor_type()) fail("%s is not a tensor", what.c_str());
    const auto& tt = vi.type().tensor_type();
    v.dtype = dtype_from_onnx(tt.elem_type(), what);
    if (!tt.has_shape()) fail("%s has no shape; give one with --input-shape %s=...", what.c_str(), vi.name().c_str());
    for (int i = 0; i < tt.shape().dim_size(); ++i) {
      const auto& d = tt.shape().dim(i);
      if (d.has_dim_value()) {
        v.shape.push_back(Dim{d.dim_value(), {}});
      } else {
        v.shape.push_back(Dim{-1, d.dim_param().empty() ? "?" + std::to_string(i) : d.dim_param()});
      }
    }
    auto fixed = options_.input_shapes.find(vi.name());
    if (fixed != options_.input_shapes.end()) {
      if (fixed->second.size() != v.shape.size()) {
        fail("--input-shape %s: rank %zu given, the model's input has rank %zu", vi.name().c_str(),
             fixed->second.size(), v.shape.size());
      }
      for (size_t i = 0; i < v.shape.size(); ++i) {
        if (v.shape[i].known() && v.shape[i].size != fixed->second[i]) {
          fail("--input-shape %s: dimension %zu is %lld in the model, %lld given", vi.name().c_str(), i,
               (long long)v.shape[i].size, (long long)fixed->second[i]);
        }
      }
      v.shape = static_shape(fixed->second);
    }
    for (size_t i = 0; i < v.shape.size(); ++i) {
      if (!v.shape[i].known()) {
        fail("%s has dynamic dimension '%s' (axis %zu); fix it with --input-shape %s=...", what.c_str(),
             v.shape[i].symbol.c_str(), i, vi.name().c_str());
      }
    }
    v.shape_known = true;
    check_elements(v, what);
    return v;
  }

  Value frozen_value(const onnx::ValueInfoProto& vi, Value v) {
    const std::string what = "frozen input '" + vi.name() + "'";
    const auto& tt = vi.type().tensor_type();
    if (dtype_from_onnx(tt.elem_type(), what) != v.dtype) fail("%s: dtype differs from the model's input", what.c_str());
    if (!v.is_constant() || v.data->size() != v.nbytes()) fail("%s: no data", what.c_str());
    if (tt.has_shape()) {
      if (tt.shape().dim_size() != static_cast<int>(v.shape.size())) fail("%s: rank differs from the model's input", what.c_str());
      for (int i = 0; i < tt.shape().dim_size(); ++i) {
        if (tt.shape().dim(i).has_dim_value() && tt.shape().dim(i).dim_value() != v.shape[static_cast<size_t>(i)].size) {
          fail("%s: dimension %d differs from the model's input", what.c_str(), i);
        }
      }
    }
    v.name = vi.name();
    return v;
  }

  Attribute attribute(const onnx::AttributeProto& a, const std::string& node) {
    Attribute out;
    switch (a.type()) {
      case onnx::AttributeProto::INT: out.kind = Attribute::Kind::Int; out.i = a.i(); break;
      case onnx::AttributeProto::FLOAT: out.kind = Attribute::Kind::Float; out.f = a.f(); break;
      case onnx::AttributeProto::STRING: out.kind = Attribute::Kind::String; out.s = a.s(); break;
      case onnx::AttributeProto::INTS:
        out.kind = Attribute::Kind::Ints;
        out.ints.assign(a.ints().begin(), a.ints().end());
        break;
      case onnx::AttributeProto::FLOATS:
        out.kind = Attribute::Kind::Floats;
        out.floats.assign(a.floats().begin(), a.floats().end());
        break;
      case onnx::AttributeProto::TENSOR: {
        out.kind = Attribute::Kind::Tensor;
        Value v = tensor_value(a.t(), dir_);
        v.name = g_.unique_name(node + "." + a.name());
        out.tensor = g_.add_value(std::move(v));
        break;
      }
      default:
        fail("node '%s': attribute '%s' has an unsupported type (%d)", node.c_str(), a.name().c_str(), (int)a.type());
    }
    return out;
  }

  void import_node(const onnx::NodeProto& np) {
    Node n;
    n.op = np.op_type();
    n.domain = np.domain() == "ai.onnx" ? "" : np.domain();
    n.name = np.name().empty() ? (np.output_size() ? np.output(0) : np.op_type()) : np.name();
    if (!n.domain.empty() && n.domain != "com.microsoft") {
      fail("node '%s': operator %s.%s is not supported (unknown domain)", n.name.c_str(), n.domain.c_str(),
           n.op.c_str());
    }
    if (n.domain.empty() && g_.opset < min_supported_opset(n.op)) {
      fail("node '%s': operator %s at opset %lld is not supported (its definition before opset %lld differs)",
           n.name.c_str(), n.op.c_str(), (long long)g_.opset, (long long)min_supported_opset(n.op));
    }
    for (const auto& a : np.attribute()) n.attrs[a.name()] = attribute(a, n.name);
    for (const std::string& in : np.input()) {
      if (in.empty()) {
        n.inputs.push_back(kNoValue);
        continue;
      }
      auto it = names_.find(in);
      if (it == names_.end()) {
        fail("node %s: input '%s' is not defined (missing initializer or graph input?)", n.describe().c_str(),
             in.c_str());
      }
      n.inputs.push_back(it->second);
    }
    if (n.op == "Identity" && n.domain.empty() && n.inputs.size() == 1 && np.output_size() == 1 &&
        n.inputs[0] != kNoValue) {
      names_[np.output(0)] = n.inputs[0];  // an alias: no node needed
      return;
    }
    for (const std::string& out : np.output()) {
      if (out.empty()) {
        n.outputs.push_back(kNoValue);
        continue;
      }
      if (names_.count(out)) fail("node %s: output '%s' is defined twice", n.describe().c_str(), out.c_str());
      Value v;
      v.name = out;
      n.outputs.push_back(define(out, g_.add_value(std::move(v))));
    }
    infer_onnx_node(g_, n);
    for (ValueId out : n.outputs) {
      if (out != kNoValue && g_.value(out).shape_known) check_elements(g_.value(out), "node " + n.describe());
    }
    g_.nodes.push_back(std::move(n));
  }

  onnx::ModelProto& model_;
  std::string dir_;
  const OnnxImportOptions& options_;
  Graph g_;
  std::unordered_map<std::string, ValueId> names_;
};

std::string directory_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

Graph import_onnx(const std::string& path, const OnnxImportOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open '%s'", path.c_str());
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&in)) fail("'%s' is not a valid ONNX model (corrupt or truncated protobuf)", path.c_str());
  if (!model.has_graph()) fail("'%s' is not a valid ONNX model (no graph; corrupt or truncated?)", path.c_str());
  return Importer(model, directory_of(path), options).run();
}

Value read_onnx_tensor_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open '%s'", path.c_str());
  onnx::TensorProto t;
  if (!t.ParseFromIstream(&in)) fail("'%s' is not a valid ONNX TensorProto", path.c_str());
  return tensor_value(t, directory_of(path));
}

InputShape parse_input_shape(const std::string& text) {
  const size_t eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    fail("--input-shape '%s': expected NAME=DIMS, e.g. input=1x3x224x224 or input=1..8x128", text.c_str());
  }
  auto number = [&](const std::string& item) -> int64_t {
    if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos || item.size() > 12) {
      fail("--input-shape '%s': '%s' is not a dimension", text.c_str(), item.c_str());
    }
    return std::stoll(item);
  };
  InputShape shape;
  shape.name = text.substr(0, eq);
  std::stringstream ss(text.substr(eq + 1));
  std::string item;
  while (std::getline(ss, item, 'x')) {
    const size_t range = item.find("..");
    if (range == std::string::npos) {
      shape.lower.push_back(number(item));
      shape.upper.push_back(shape.lower.back());
      continue;
    }
    const int64_t lo = number(item.substr(0, range)), hi = number(item.substr(range + 2));
    if (lo > hi || hi == 0) fail("--input-shape '%s': range %s is empty", text.c_str(), item.c_str());
    shape.lower.push_back(lo);
    shape.upper.push_back(hi);
  }
  return shape;
}

}  // namespace exir
