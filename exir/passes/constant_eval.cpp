#include "exir/passes/constant_eval.h"

#include <cstring>
#include <set>
#include <string>

#include "exir/ir/error.h"

namespace exir {
namespace {

using Sizes = std::vector<int64_t>;

Sizes strides_of(const Sizes& s) {
  Sizes st(s.size(), 1);
  for (size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
  return st;
}

// Output coordinates of flat index `i` in `sizes`.
Sizes coords(int64_t i, const Sizes& sizes) {
  Sizes c(sizes.size());
  for (size_t d = sizes.size(); d-- > 0;) {
    c[d] = sizes[d] == 0 ? 0 : i % sizes[d];
    i = sizes[d] == 0 ? 0 : i / sizes[d];
  }
  return c;
}

// Flat index in `in_sizes` of the element broadcast to output coords `c`.
int64_t broadcast_index(const Sizes& c, const Sizes& in_sizes) {
  const Sizes st = strides_of(in_sizes);
  int64_t idx = 0;
  const size_t off = c.size() - in_sizes.size();
  for (size_t d = 0; d < in_sizes.size(); ++d) idx += (in_sizes[d] == 1 ? 0 : c[d + off]) * st[d];
  return idx;
}

double read_as_double(const Value& v, int64_t i) {
  switch (v.dtype) {
    case ScalarType::Float: return v.as<float>()[i];
    case ScalarType::Double: return v.as<double>()[i];
    case ScalarType::Long: return static_cast<double>(v.as<int64_t>()[i]);
    case ScalarType::Int: return v.as<int32_t>()[i];
    case ScalarType::Short: return v.as<int16_t>()[i];
    case ScalarType::Char: return v.as<int8_t>()[i];
    case ScalarType::Byte:
    case ScalarType::Bool: return v.as<uint8_t>()[i];
    default: fail("constant '%s': dtype %s cannot be evaluated", v.name.c_str(), ember::scalar_type_name(v.dtype));
  }
}

int64_t read_as_int(const Value& v, int64_t i) {
  if (v.dtype == ScalarType::Long) return v.as<int64_t>()[i];
  return static_cast<int64_t>(read_as_double(v, i));
}

void write(std::vector<uint8_t>& out, ScalarType t, int64_t i, double d, int64_t l) {
  auto put = [&](auto x) { std::memcpy(out.data() + static_cast<size_t>(i) * sizeof(x), &x, sizeof(x)); };
  switch (t) {
    case ScalarType::Float: put(static_cast<float>(d)); break;
    case ScalarType::Double: put(d); break;
    case ScalarType::Long: put(l); break;
    case ScalarType::Int: put(static_cast<int32_t>(l)); break;
    case ScalarType::Short: put(static_cast<int16_t>(l)); break;
    case ScalarType::Char: put(static_cast<int8_t>(l)); break;
    case ScalarType::Byte: put(static_cast<uint8_t>(l)); break;
    case ScalarType::Bool: put(static_cast<uint8_t>(d != 0)); break;
    default: fail("constant evaluation: dtype %s is not supported", ember::scalar_type_name(t));
  }
}

bool integral(ScalarType t) { return ember::is_integral_type(t, true); }

// Fills `out` by copying, for each output element, the element `source(i)`
// returns as (input number, flat index).
template <typename Source>
void gather_elements(const Graph& g, const Node& n, Value& out, Source source) {
  const size_t es = ember::element_size(out.dtype);
  std::vector<uint8_t> bytes(out.nbytes());
  const int64_t count = out.numel();
  for (int64_t i = 0; i < count; ++i) {
    const auto [k, j] = source(i);
    const Value& in = g.value(n.inputs[static_cast<size_t>(k)]);
    std::memcpy(bytes.data() + static_cast<size_t>(i) * es, in.data->data() + static_cast<size_t>(j) * es, es);
  }
  out.data = std::move(bytes);
}

}  // namespace

bool evaluate_constant_node(Graph& g, const Node& n) {
  static const std::set<std::string> kFoldable = {"Shape",   "ConstantOfShape", "Reshape", "Flatten", "Squeeze",
                                                  "Unsqueeze", "Transpose",     "Cast",    "Concat",  "Gather",
                                                  "Slice",   "Add",             "Sub",     "Mul",     "Div"};
  if (!n.domain.empty() || !kFoldable.count(n.op) || n.outputs.size() != 1 || n.outputs[0] == kNoValue) return false;
  if (n.op != "Shape") {
    for (ValueId id : n.inputs) {
      if (id != kNoValue && !g.value(id).is_constant()) return false;
    }
  }
  Value& out = g.value(n.outputs[0]);
  const Sizes osz = out.sizes();
  const int64_t count = out.numel();
  if (count > (int64_t{1} << 24)) return false;  // large results stay ops
  if (n.op == "Shape") {
    const Sizes in = g.value(n.inputs[0]).sizes();
    Sizes dims(in.begin() + n.attr_int("start", 0), in.begin() + n.attr_int("end", 0));
    out.data = std::vector<uint8_t>(dims.size() * sizeof(int64_t));
    std::memcpy(out.data->data(), dims.data(), out.data->size());
    return true;
  }
  if (n.op == "ConstantOfShape") {
    std::vector<uint8_t> bytes(out.nbytes(), 0);
    if (n.has("value")) {
      const Value& v = g.value(n.attrs.at("value").tensor);
      const size_t es = ember::element_size(v.dtype);
      for (int64_t i = 0; i < count; ++i) std::memcpy(bytes.data() + static_cast<size_t>(i) * es, v.data->data(), es);
    }
    out.data = std::move(bytes);
    return true;
  }
  const Value& x = g.value(n.inputs[0]);
  if (n.op == "Reshape" || n.op == "Flatten" || n.op == "Squeeze" || n.op == "Unsqueeze") {
    out.data = x.data;
    return true;
  }
  if (n.op == "Transpose") {
    const Sizes perm = n.attr_ints("perm");
    const Sizes ist = strides_of(x.sizes());
    gather_elements(g, n, out, [&](int64_t i) {
      const Sizes c = coords(i, osz);
      int64_t j = 0;
      for (size_t d = 0; d < c.size(); ++d) j += c[d] * ist[static_cast<size_t>(perm[d])];
      return std::pair<int64_t, int64_t>{0, j};
    });
    return true;
  }
  if (n.op == "Cast") {
    std::vector<uint8_t> bytes(out.nbytes());
    const bool ints = integral(x.dtype) && integral(out.dtype);
    for (int64_t i = 0; i < count; ++i) {
      const double d = read_as_double(x, i);
      write(bytes, out.dtype, i, d, ints ? read_as_int(x, i) : static_cast<int64_t>(d));
    }
    out.data = std::move(bytes);
    return true;
  }
  if (n.op == "Concat") {
    const size_t axis = static_cast<size_t>(n.attr_int("axis", 0));
    gather_elements(g, n, out, [&](int64_t i) {
      Sizes c = coords(i, osz);
      int64_t k = 0;
      for (;; ++k) {
        const Sizes s = g.value(n.inputs[static_cast<size_t>(k)]).sizes();
        if (c[axis] < s[axis]) return std::pair<int64_t, int64_t>{k, broadcast_index(c, s)};
        c[axis] -= s[axis];
      }
    });
    return true;
  }
  if (n.op == "Gather") {
    const Value& idx = g.value(n.inputs[1]);
    const size_t axis = static_cast<size_t>(n.attr_int("axis", 0));
    const Sizes xs = x.sizes(), xst = strides_of(xs);
    const size_t irank = idx.shape.size();
    const Sizes ist = strides_of(idx.sizes());
    gather_elements(g, n, out, [&](int64_t i) {
      const Sizes c = coords(i, osz);
      int64_t flat_idx = 0;
      for (size_t d = 0; d < irank; ++d) flat_idx += c[axis + d] * ist[d];
      int64_t sel = read_as_int(idx, flat_idx);
      if (sel < 0) sel += xs[axis];
      int64_t j = 0;
      for (size_t d = 0; d < xs.size(); ++d) {
        const int64_t coord = d < axis ? c[d] : d == axis ? sel : c[d + irank - 1];
        j += coord * xst[d];
      }
      return std::pair<int64_t, int64_t>{0, j};
    });
    return true;
  }
  if (n.op == "Slice") {
    const Sizes starts = n.attr_ints("starts"), axes = n.attr_ints("axes"), steps = n.attr_ints("steps");
    const Sizes xst = strides_of(x.sizes());
    gather_elements(g, n, out, [&](int64_t i) {
      Sizes c = coords(i, osz);
      for (size_t k = 0; k < axes.size(); ++k) {
        const size_t a = static_cast<size_t>(axes[k]);
        c[a] = starts[k] + c[a] * steps[k];
      }
      int64_t j = 0;
      for (size_t d = 0; d < c.size(); ++d) j += c[d] * xst[d];
      return std::pair<int64_t, int64_t>{0, j};
    });
    return true;
  }
  // Add/Sub/Mul/Div: shape arithmetic in integers, floats as float.
  const Value& y = g.value(n.inputs[1]);
  const bool ints = integral(out.dtype);
  std::vector<uint8_t> bytes(out.nbytes());
  for (int64_t i = 0; i < count; ++i) {
    const Sizes c = coords(i, osz);
    const int64_t a = broadcast_index(c, x.sizes()), b = broadcast_index(c, y.sizes());
    if (ints) {
      const int64_t p = read_as_int(x, a), q = read_as_int(y, b);
      if (n.op == "Div" && q == 0) fail("%s: integer division by zero in constant evaluation", n.describe().c_str());
      const int64_t r = n.op == "Add" ? p + q : n.op == "Sub" ? p - q : n.op == "Mul" ? p * q : p / q;
      write(bytes, out.dtype, i, static_cast<double>(r), r);
    } else {
      const float p = static_cast<float>(read_as_double(x, a)), q = static_cast<float>(read_as_double(y, b));
      const float r = n.op == "Add" ? p + q : n.op == "Sub" ? p - q : n.op == "Mul" ? p * q : p / q;
      write(bytes, out.dtype, i, r, 0);
    }
  }
  out.data = std::move(bytes);
  return true;
}

}  // namespace exir
