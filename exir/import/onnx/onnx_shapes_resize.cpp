// Resize (opsets 10 to 19): validation and output shape. The opset-dependent
// inputs (roi, scales, sizes, which must be constants) and attributes
// (axes, keep_aspect_ratio_policy, opset 10's implicit modes) are resolved
// into one normalised form that lower_resize.cpp reads:
//   mode, coordinate_transformation_mode, nearest_mode (strings),
//   cubic_coeff_a, extrapolation_value (floats), exclude_outside (int),
//   per axis of the input either `scales` (floats, from the scales input) or
//   `scale_num` / `scale_den` (ints: the scale as a ratio, from sizes),
//   and `roi` (floats, starts then ends over all axes) for tf_crop_and_resize.
#include <cmath>
#include <set>

#include "exir/import/onnx/shape_context.h"

namespace exir {
namespace onnx_shapes {

namespace {

void set_string(Ctx& c, const std::string& key, const std::string& v) {
  Attribute a;
  a.kind = Attribute::Kind::String;
  a.s = v;
  c.n.attrs[key] = a;
}

void set_floats(Ctx& c, const std::string& key, std::vector<float> v) {
  Attribute a;
  a.kind = Attribute::Kind::Floats;
  a.floats = std::move(v);
  c.n.attrs[key] = a;
}

// A constant input that may be omitted or given as an empty tensor (both
// mean "not given"); false when absent.
bool given(const Ctx& c, size_t i) {
  if (!c.has_input(i)) return false;
  const Value& v = c.in(i);
  if (!v.is_constant()) {
    fail("%s: input '%s' must be a constant (an initializer or computed from constants)", c.what().c_str(),
         v.name.c_str());
  }
  return v.numel() != 0;
}

std::vector<double> const_floats(const Ctx& c, size_t i) {
  const Value& v = c.in(i);
  std::vector<double> out;
  for (int64_t k = 0; k < v.numel(); ++k) {
    if (v.dtype == ScalarType::Float) out.push_back(v.as<float>()[k]);
    else if (v.dtype == ScalarType::Double) out.push_back(v.as<double>()[k]);
    else fail("%s: input '%s' must be float or double", c.what().c_str(), v.name.c_str());
  }
  return out;
}

void check_one_of(const Ctx& c, const std::string& key, const std::string& value,
                  const std::set<std::string>& allowed) {
  if (!allowed.count(value)) fail("%s: %s '%s' is not supported", c.what().c_str(), key.c_str(), value.c_str());
}

void resize(Ctx& c) {
  const int64_t opset = c.g.opset;
  const bool v10 = opset < 11;
  c.arity(v10 ? 2 : 1, v10 ? 2 : 4);
  c.float_input(0);
  const Sizes x = c.shape(0);
  const int64_t rank = static_cast<int64_t>(x.size());
  if (rank == 0) fail("%s: the input must have at least one axis", c.what().c_str());

  if (c.n.attr_int("antialias", 0) != 0) fail("%s: antialias=1 is not supported", c.what().c_str());
  const std::string mode = c.n.attr_string("mode", "nearest");
  check_one_of(c, "mode", mode, v10 ? std::set<std::string>{"nearest", "linear"}
                                    : std::set<std::string>{"nearest", "linear", "cubic"});
  // Resize-10 has neither attribute: its coordinates are asymmetric and its
  // nearest pixel is floor when upsampling, ceil when downsampling ("simple",
  // as ONNX Runtime and Upsample).
  std::string ctm = v10 ? "asymmetric" : c.n.attr_string("coordinate_transformation_mode", "half_pixel");
  std::string nearest = v10 ? "simple" : c.n.attr_string("nearest_mode", "round_prefer_floor");
  if (!v10) {
    std::set<std::string> modes = {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                                   "tf_crop_and_resize"};
    if (opset < 13) modes.insert("tf_half_pixel_for_nn");
    if (opset >= 19) modes.insert("half_pixel_symmetric");
    check_one_of(c, "coordinate_transformation_mode", ctm, modes);
    check_one_of(c, "nearest_mode", nearest, {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"});
  }
  const int64_t exclude_outside = c.n.attr_int("exclude_outside", 0);
  if (exclude_outside != 0 && exclude_outside != 1) fail("%s: exclude_outside must be 0 or 1", c.what().c_str());

  Sizes axes;
  if (c.n.has("axes")) {
    if (opset < 18) fail("%s: attribute axes needs opset 18", c.what().c_str());
    std::set<int64_t> seen;
    for (int64_t a : c.n.attr_ints("axes")) {
      a = c.axis(a, rank, "axes entry");
      if (!seen.insert(a).second) fail("%s: axes repeats axis %lld", c.what().c_str(), (long long)a);
      axes.push_back(a);
    }
  } else {
    for (int64_t a = 0; a < rank; ++a) axes.push_back(a);
  }
  const size_t na = axes.size();

  const size_t scales_index = v10 ? 1 : 2;
  const bool has_scales = given(c, scales_index);
  const bool has_sizes = !v10 && given(c, 3);
  if (has_scales == has_sizes) fail("%s: exactly one of scales and sizes must be given", c.what().c_str());

  Sizes out = x;
  if (has_scales) {
    const std::vector<double> s = const_floats(c, scales_index);
    if (s.size() != na) fail("%s: scales has %zu entries for %zu axes", c.what().c_str(), s.size(), na);
    std::vector<float> full(static_cast<size_t>(rank), 1.0f);
    for (size_t i = 0; i < na; ++i) {
      if (!(s[i] > 0) || !std::isfinite(s[i])) fail("%s: scale %g must be positive", c.what().c_str(), s[i]);
      const size_t a = static_cast<size_t>(axes[i]);
      full[a] = static_cast<float>(s[i]);
      // floor(in * scale) as ONNX's shape inference and reference (no roi).
      out[a] = static_cast<int64_t>(std::floor(static_cast<double>(full[a]) * static_cast<double>(x[a])));
    }
    set_floats(c, "scales", full);
    c.n.attrs.erase("scale_num");
    c.n.attrs.erase("scale_den");
  } else {
    const Sizes s = c.const_ints(3);
    if (s.size() != na) fail("%s: sizes has %zu entries for %zu axes", c.what().c_str(), s.size(), na);
    for (int64_t v : s) {
      if (v <= 0) fail("%s: size %lld must be positive", c.what().c_str(), (long long)v);
    }
    const std::string policy = c.n.attr_string("keep_aspect_ratio_policy", "stretch");
    check_one_of(c, "keep_aspect_ratio_policy", policy, {"stretch", "not_larger", "not_smaller"});
    Sizes num(static_cast<size_t>(rank), 1), den(static_cast<size_t>(rank), 1);
    if (policy == "stretch") {
      for (size_t i = 0; i < na; ++i) {
        const size_t a = static_cast<size_t>(axes[i]);
        num[a] = out[a] = s[i];
        den[a] = x[a];
      }
    } else {
      // One scale for every resized axis: the smallest (not_larger) or
      // largest (not_smaller) of sizes/in; extents round half up.
      size_t pick = 0;
      for (size_t i = 1; i < na; ++i) {
        const size_t a = static_cast<size_t>(axes[i]), p = static_cast<size_t>(axes[pick]);
        // s[i]/x[a] vs s[pick]/x[p], compared exactly.
        const bool smaller = s[i] * x[p] < s[pick] * x[a];
        if (policy == "not_larger" ? smaller : !smaller && s[i] * x[p] != s[pick] * x[a]) pick = i;
      }
      const int64_t pn = s[pick], pd = x[static_cast<size_t>(axes[pick])];
      for (size_t i = 0; i < na; ++i) {
        const size_t a = static_cast<size_t>(axes[i]);
        num[a] = pn;
        den[a] = pd;
        out[a] = static_cast<int64_t>(std::floor(static_cast<double>(pn) / static_cast<double>(pd) *
                                                     static_cast<double>(x[a]) + 0.5));
      }
    }
    c.set_ints("scale_num", num);
    c.set_ints("scale_den", den);
    c.n.attrs.erase("scales");
  }
  for (int64_t a = 0; a < rank; ++a) {
    if (out[static_cast<size_t>(a)] <= 0) {
      fail("%s: the output's axis %lld would be empty", c.what().c_str(), (long long)a);
    }
  }

  if (ctm == "tf_crop_and_resize") {
    if (!given(c, 1)) fail("%s: tf_crop_and_resize needs a constant roi", c.what().c_str());
    const std::vector<double> r = const_floats(c, 1);
    if (r.size() != 2 * na) fail("%s: roi has %zu entries for %zu axes", c.what().c_str(), r.size(), na);
    std::vector<float> full(static_cast<size_t>(2 * rank), 0.0f);
    for (int64_t a = 0; a < rank; ++a) full[static_cast<size_t>(a + rank)] = 1.0f;
    for (size_t i = 0; i < na; ++i) {
      const size_t a = static_cast<size_t>(axes[i]);
      full[a] = static_cast<float>(r[i]);
      full[a + static_cast<size_t>(rank)] = static_cast<float>(r[i + na]);
    }
    set_floats(c, "roi", full);
  } else {
    c.n.attrs.erase("roi");
  }

  set_string(c, "mode", mode);
  set_string(c, "coordinate_transformation_mode", ctm);
  set_string(c, "nearest_mode", nearest);
  c.set_float("cubic_coeff_a", c.n.attr_float("cubic_coeff_a", -0.75f));
  c.set_float("extrapolation_value", c.n.attr_float("extrapolation_value", 0.0f));
  c.set_int("exclude_outside", exclude_outside);
  c.n.attrs.erase("axes");
  c.n.attrs.erase("keep_aspect_ratio_policy");
  c.n.attrs.erase("antialias");
  c.keep_inputs(1);
  c.out(0, ScalarType::Float, out);
}

}  // namespace

void add_resize_rules(ShapeRules& rules) { rules["Resize"] = resize; }

}  // namespace onnx_shapes
}  // namespace exir
