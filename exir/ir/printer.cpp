#include "exir/ir/printer.h"

#include <cstdio>
#include <sstream>

namespace exir {
namespace {

std::string format_float(float f) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", static_cast<double>(f));
  return buf;
}

std::string value_text(const Graph& g, ValueId id) {
  if (id == kNoValue) return "<none>";
  const Value& v = g.value(id);
  std::string s = "%" + v.name + ": " + ember::scalar_type_name(v.dtype) + shape_string(v.shape);
  if (!v.shape_known) s += "?";
  if (v.quant) {
    const QuantParams& q = *v.quant;
    s += " q(";
    s += q.scales.size() == 1 ? "scale=" + format_float(q.scales[0]) : std::to_string(q.scales.size()) + " scales";
    if (q.zero_points.size() == 1) s += " zp=" + std::to_string(q.zero_points[0]);
    if (q.axis >= 0) s += " axis=" + std::to_string(q.axis);
    s += ")";
  }
  if (v.is_constant()) s += " const(" + std::to_string(v.data->size()) + "B)";
  return s;
}

std::string attr_text(const Attribute& a) {
  std::string s;
  switch (a.kind) {
    case Attribute::Kind::Int:
      return std::to_string(a.i);
    case Attribute::Kind::Float:
      return format_float(a.f);
    case Attribute::Kind::String:
      return "\"" + a.s + "\"";
    case Attribute::Kind::Ints:
      for (size_t i = 0; i < a.ints.size(); ++i) s += (i ? "," : "") + std::to_string(a.ints[i]);
      return "[" + s + "]";
    case Attribute::Kind::Floats:
      for (size_t i = 0; i < a.floats.size(); ++i) s += (i ? "," : "") + format_float(a.floats[i]);
      return "[" + s + "]";
    case Attribute::Kind::Tensor:
      return "<tensor>";
  }
  return s;
}

}  // namespace

std::string print_graph(const Graph& g) {
  std::ostringstream out;
  out << "graph (opset " << g.opset << ", " << g.nodes.size() << " nodes)\n";
  for (ValueId id : g.inputs) out << "  input  " << value_text(g, id) << "\n";
  for (const Node& n : g.nodes) {
    out << "  ";
    for (size_t i = 0; i < n.outputs.size(); ++i) {
      out << (i ? ", " : "") << value_text(g, n.outputs[i]);
    }
    out << " = " << (n.domain.empty() ? "" : n.domain + ".") << n.op;
    if (!n.attrs.empty()) {
      out << "[";
      bool first = true;
      for (const auto& [key, a] : n.attrs) {
        out << (first ? "" : " ") << key << "=" << attr_text(a);
        first = false;
      }
      out << "]";
    }
    out << "(";
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      out << (i ? ", " : "") << (n.inputs[i] == kNoValue ? "<none>" : "%" + g.value(n.inputs[i]).name);
    }
    out << ")\n";
  }
  for (ValueId id : g.outputs) out << "  output " << value_text(g, id) << "\n";
  return out.str();
}

}  // namespace exir
