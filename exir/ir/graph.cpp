#include "exir/ir/graph.h"

#include <cstdarg>
#include <cstdio>

#include "exir/ir/error.h"

namespace exir {

void fail(const char* format, ...) {
  va_list args;
  va_start(args, format);
  char buffer[1024];
  std::vsnprintf(buffer, sizeof(buffer), format, args);
  va_end(args);
  throw Error(buffer);
}

std::vector<int64_t> Value::sizes() const {
  std::vector<int64_t> out;
  for (const Dim& d : shape) {
    if (!d.known()) fail("value '%s': dimension '%s' is not fixed (use --input-shape)", name.c_str(), d.symbol.c_str());
    out.push_back(d.size);
  }
  return out;
}

int64_t Value::numel() const {
  int64_t n = 1;
  for (int64_t s : sizes()) {
    if (__builtin_mul_overflow(n, s, &n)) fail("value '%s': its element count overflows int64", name.c_str());
  }
  return n;
}

size_t Value::nbytes() const { return static_cast<size_t>(numel()) * ember::element_size(dtype); }

int64_t Node::attr_int(const std::string& key, int64_t fallback) const {
  auto it = attrs.find(key);
  if (it == attrs.end()) return fallback;
  if (it->second.kind != Attribute::Kind::Int) fail("%s: attribute '%s' is not an int", describe().c_str(), key.c_str());
  return it->second.i;
}

float Node::attr_float(const std::string& key, float fallback) const {
  auto it = attrs.find(key);
  if (it == attrs.end()) return fallback;
  if (it->second.kind != Attribute::Kind::Float) {
    fail("%s: attribute '%s' is not a float", describe().c_str(), key.c_str());
  }
  return it->second.f;
}

std::string Node::attr_string(const std::string& key, const std::string& fallback) const {
  auto it = attrs.find(key);
  if (it == attrs.end()) return fallback;
  if (it->second.kind != Attribute::Kind::String) {
    fail("%s: attribute '%s' is not a string", describe().c_str(), key.c_str());
  }
  return it->second.s;
}

std::vector<int64_t> Node::attr_ints(const std::string& key, const std::vector<int64_t>& fallback) const {
  auto it = attrs.find(key);
  if (it == attrs.end()) return fallback;
  if (it->second.kind != Attribute::Kind::Ints) {
    fail("%s: attribute '%s' is not an int list", describe().c_str(), key.c_str());
  }
  return it->second.ints;
}

std::string Node::describe() const {
  std::string d = domain.empty() ? op : domain + "." + op;
  if (!name.empty()) d += " '" + name + "'";
  return d;
}

ValueId Graph::add_value(Value v) {
  values.push_back(std::move(v));
  return static_cast<ValueId>(values.size() - 1);
}

ValueId Graph::add_constant(const std::string& name, ScalarType dtype, const std::vector<int64_t>& sizes,
                            std::vector<uint8_t> bytes) {
  Value v;
  v.name = name;
  v.dtype = dtype;
  v.shape = static_shape(sizes);
  v.shape_known = true;
  v.data = std::move(bytes);
  if (v.data->size() != v.nbytes()) {
    fail("constant '%s': %zu bytes of data for %zu expected", name.c_str(), v.data->size(), v.nbytes());
  }
  return add_value(std::move(v));
}

Value& Graph::value(ValueId id) {
  if (id < 0 || static_cast<size_t>(id) >= values.size()) fail("internal: value id %d out of range", id);
  return values[static_cast<size_t>(id)];
}

const Value& Graph::value(ValueId id) const {
  if (id < 0 || static_cast<size_t>(id) >= values.size()) fail("internal: value id %d out of range", id);
  return values[static_cast<size_t>(id)];
}

std::string Graph::unique_name(const std::string& base) {
  for (const Value& v : values) used_names_.insert(v.name);
  std::string name = base;
  for (int k = 1; used_names_.count(name) != 0; ++k) name = base + "_" + std::to_string(k);
  used_names_.insert(name);
  return name;
}

std::vector<Dim> static_shape(const std::vector<int64_t>& sizes) {
  std::vector<Dim> shape;
  for (int64_t s : sizes) shape.push_back(Dim{s, {}});
  return shape;
}

std::string shape_string(const std::vector<Dim>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += shape[i].known() ? std::to_string(shape[i].size) : shape[i].symbol;
  }
  return s + "]";
}

}  // namespace exir
