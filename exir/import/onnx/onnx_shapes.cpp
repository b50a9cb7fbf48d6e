#include "exir/import/onnx/onnx_shapes.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <set>
#include <unordered_map>

#include "exir/import/onnx/shape_context.h"
#include "exir/ir/error.h"
#include "exir/passes/constant_eval.h"

namespace exir {
namespace onnx_shapes {

Sizes broadcast(const Ctx& c, const Sizes& a, const Sizes& b) {
  Sizes out(std::max(a.size(), b.size()));
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t da = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
    const int64_t db = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
    if (da != db && da != 1 && db != 1) {
      fail("%s: shapes do not broadcast (%lld vs %lld at output axis %zu)", c.what().c_str(), (long long)da,
           (long long)db, i);
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int64_t product(const Sizes& s, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= s[i];
  return p;
}


void unary(Ctx& c) {
  c.arity(1, 1);
  c.float_input(0);
  c.out(0, ScalarType::Float, c.shape(0));
}

void binary(Ctx& c) {
  c.arity(2, 2);
  if (c.in(0).dtype != c.in(1).dtype) {
    fail("%s: inputs have different dtypes (%s, %s)", c.what().c_str(), ember::scalar_type_name(c.in(0).dtype),
         ember::scalar_type_name(c.in(1).dtype));
  }
  c.out(0, c.in(0).dtype, broadcast(c, c.shape(0), c.shape(1)));
}

// Shared by Conv and pooling: resolves kernel/strides/dilations/pads into
// explicit attributes and returns the output spatial sizes.
Sizes window(Ctx& c, const Sizes& x, const Sizes& kernel, bool ceil_mode) {
  const size_t spatial = x.size() - 2;
  if (kernel.size() != spatial) fail("%s: kernel_shape has %zu dims for %zu spatial dims", c.what().c_str(), kernel.size(), spatial);
  Sizes strides = c.n.attr_ints("strides", Sizes(spatial, 1));
  Sizes dilations = c.n.attr_ints("dilations", Sizes(spatial, 1));
  Sizes pads = c.n.attr_ints("pads", Sizes(2 * spatial, 0));
  if (strides.size() != spatial || dilations.size() != spatial || pads.size() != 2 * spatial) {
    fail("%s: strides/dilations/pads do not match %zu spatial dims", c.what().c_str(), spatial);
  }
  const std::string auto_pad = c.n.attr_string("auto_pad", "NOTSET");
  Sizes out(spatial);
  for (size_t i = 0; i < spatial; ++i) {
    if (strides[i] <= 0 || dilations[i] <= 0 || kernel[i] <= 0) fail("%s: non-positive stride, dilation or kernel", c.what().c_str());
    // Beyond int32 the window arithmetic below could overflow int64.
    if (std::max({strides[i], dilations[i], kernel[i], pads[i], pads[i + spatial]}) > INT32_MAX) {
      fail("%s: stride, dilation, kernel or pad larger than %d", c.what().c_str(), INT32_MAX);
    }
    const int64_t extent = (kernel[i] - 1) * dilations[i] + 1;
    const int64_t in = x[i + 2];
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const int64_t o = (in + strides[i] - 1) / strides[i];
      const int64_t total = std::max<int64_t>(0, (o - 1) * strides[i] + extent - in);
      pads[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pads[i + spatial] = total - pads[i];
    } else if (auto_pad == "VALID") {
      pads[i] = pads[i + spatial] = 0;
    } else if (auto_pad != "NOTSET") {
      fail("%s: auto_pad '%s' is not supported", c.what().c_str(), auto_pad.c_str());
    }
    if (pads[i] < 0 || pads[i + spatial] < 0) fail("%s: negative pads", c.what().c_str());
    const int64_t span = in + pads[i] + pads[i + spatial] - extent;
    if (span < 0) fail("%s: window (%lld) is larger than the padded input (%lld)", c.what().c_str(), (long long)extent, (long long)(in + pads[i] + pads[i + spatial]));
    int64_t o = (ceil_mode ? (span + strides[i] - 1) / strides[i] : span / strides[i]) + 1;
    // As PyTorch and ONNX Runtime: the last window must start inside the input or left padding.
    if (ceil_mode && (o - 1) * strides[i] >= in + pads[i]) --o;
    out[i] = o;
  }
  c.n.attrs.erase("auto_pad");
  c.set_ints("kernel_shape", kernel);
  c.set_ints("strides", strides);
  c.set_ints("dilations", dilations);
  c.set_ints("pads", pads);
  return out;
}

void conv(Ctx& c) {
  c.arity(2, 3);
  c.float_input(0);
  const Sizes x = c.shape(0), w = c.shape(1);
  if (x.size() != 4 || w.size() != 4) fail("%s: only 2-D convolution (rank-4 input and weight) is supported", c.what().c_str());
  const int64_t group = c.n.attr_int("group", 1);
  if (group <= 0 || x[1] % group != 0 || w[0] % group != 0 || w[1] * group != x[1]) {
    fail("%s: weight %s does not match input channels %lld with group %lld", c.what().c_str(),
         shape_string(c.in(1).shape).c_str(), (long long)x[1], (long long)group);
  }
  if (c.has_input(2) && c.shape(2) != Sizes{w[0]}) fail("%s: bias must have shape [%lld]", c.what().c_str(), (long long)w[0]);
  const Sizes kernel = c.n.attr_ints("kernel_shape", Sizes(w.begin() + 2, w.end()));
  if (kernel != Sizes(w.begin() + 2, w.end())) fail("%s: kernel_shape differs from the weight's", c.what().c_str());
  Sizes out = {x[0], w[0]};
  for (int64_t s : window(c, x, kernel, false)) out.push_back(s);
  c.set_int("group", group);
  c.out(0, ScalarType::Float, out);
}

void pool(Ctx& c, bool is_max) {
  c.arity(1, 1, 2, is_max);
  const ScalarType t = c.in(0).dtype;
  // MaxPool only compares: ONNX allows its 8-bit integer inputs too.
  if (!(t == ScalarType::Float || (is_max && (t == ScalarType::Byte || t == ScalarType::Char)))) c.float_input(0);
  const Sizes x = c.shape(0);
  if (x.size() < 3 || x.size() > 5) fail("%s: only 1-D to 3-D pooling (rank 3 to 5 input) is supported", c.what().c_str());
  if (!c.n.has("kernel_shape")) fail("%s: kernel_shape is required", c.what().c_str());
  if (c.n.attr_int("storage_order", 0) != 0 && c.n.attr_int("storage_order", 0) != 1) fail("%s: storage_order must be 0 or 1", c.what().c_str());
  if (!is_max && c.n.has("dilations")) {
    for (int64_t d : c.n.attr_ints("dilations")) {
      if (d != 1) fail("%s: dilated average pooling is not supported", c.what().c_str());
    }
  }
  Sizes out = {x[0], x[1]};
  for (int64_t s : window(c, x, c.n.attr_ints("kernel_shape"), c.n.attr_int("ceil_mode", 0) != 0)) out.push_back(s);
  c.out(0, t, out);
  c.out(1, ScalarType::Long, out);  // MaxPool's Indices, when asked for
}

void gemm(Ctx& c) {
  c.arity(2, 3);
  c.float_input(0);
  c.float_input(1);
  Sizes a = c.shape(0), b = c.shape(1);
  if (a.size() != 2 || b.size() != 2) fail("%s: A and B must be 2-D", c.what().c_str());
  if (c.n.attr_int("transA", 0)) std::swap(a[0], a[1]);
  if (c.n.attr_int("transB", 0)) std::swap(b[0], b[1]);
  if (a[1] != b[0]) fail("%s: inner dimensions differ (%lld vs %lld)", c.what().c_str(), (long long)a[1], (long long)b[0]);
  const Sizes out = {a[0], b[1]};
  if (c.has_input(2) && broadcast(c, c.shape(2), out) != out) fail("%s: C does not broadcast to [M, N]", c.what().c_str());
  c.out(0, ScalarType::Float, out);
}

void matmul(Ctx& c) {
  c.arity(2, 2);
  c.float_input(0);
  c.float_input(1);
  Sizes a = c.shape(0), b = c.shape(1);
  if (a.empty() || b.empty()) fail("%s: scalar operands are not allowed", c.what().c_str());
  const bool a1 = a.size() == 1, b1 = b.size() == 1;
  if (a1) a.insert(a.begin(), 1);
  if (b1) b.push_back(1);
  if (a.back() != b[b.size() - 2]) fail("%s: inner dimensions differ (%lld vs %lld)", c.what().c_str(), (long long)a.back(), (long long)b[b.size() - 2]);
  Sizes batch = broadcast(c, Sizes(a.begin(), a.end() - 2), Sizes(b.begin(), b.end() - 2));
  if (!a1) batch.push_back(a[a.size() - 2]);
  if (!b1) batch.push_back(b.back());
  c.out(0, ScalarType::Float, batch);
}

void reshape(Ctx& c) {
  c.arity(2, 2);
  const Sizes x = c.shape(0);
  Sizes target = c.const_ints(1);
  const bool allowzero = c.n.attr_int("allowzero", 0) != 0;
  int64_t infer = -1, known = 1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == 0 && !allowzero) {
      if (i >= x.size()) fail("%s: shape entry %zu is 0 but the input has rank %zu", c.what().c_str(), i, x.size());
      target[i] = x[i];
    }
    if (target[i] == -1) {
      if (infer >= 0) fail("%s: more than one -1 in the shape", c.what().c_str());
      infer = static_cast<int64_t>(i);
    } else if (target[i] < 0) {
      fail("%s: invalid shape entry %lld", c.what().c_str(), (long long)target[i]);
    } else if (__builtin_mul_overflow(known, target[i], &known)) {
      fail("%s: the shape's entries multiply past int64", c.what().c_str());
    }
  }
  const int64_t total = product(x, 0, x.size());
  if (infer >= 0) {
    if (known == 0 || total % known != 0) fail("%s: cannot infer -1 for %lld elements", c.what().c_str(), (long long)total);
    target[static_cast<size_t>(infer)] = total / known;
  } else if (known != total) {
    fail("%s: shape has %lld elements, input has %lld", c.what().c_str(), (long long)known, (long long)total);
  }
  c.out(0, c.in(0).dtype, target);
}

Sizes axes_of(Ctx& c, size_t input_index, int64_t rank) {
  Sizes axes;
  if (c.has_input(input_index)) axes = c.const_ints(input_index);
  else axes = c.n.attr_ints("axes");
  for (int64_t& a : axes) a = c.axis(a, rank, "axes entry");
  return axes;
}

void squeeze(Ctx& c) {
  c.arity(1, 2);
  const Sizes x = c.shape(0);
  Sizes axes = axes_of(c, 1, static_cast<int64_t>(x.size()));
  if (!c.has_input(1) && !c.n.has("axes")) {
    for (size_t i = 0; i < x.size(); ++i) {
      if (x[i] == 1) axes.push_back(static_cast<int64_t>(i));
    }
  }
  std::set<int64_t> drop(axes.begin(), axes.end());
  Sizes out;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!drop.count(static_cast<int64_t>(i))) out.push_back(x[i]);
    else if (x[i] != 1) fail("%s: axis %zu has size %lld, not 1", c.what().c_str(), i, (long long)x[i]);
  }
  c.keep_inputs(1);
  c.set_ints("axes", Sizes(drop.begin(), drop.end()));
  c.out(0, c.in(0).dtype, out);
}

void unsqueeze(Ctx& c) {
  c.arity(1, 2);
  const Sizes x = c.shape(0);
  const int64_t rank = static_cast<int64_t>(x.size()) +
                       static_cast<int64_t>(c.has_input(1) ? c.const_ints(1).size() : c.n.attr_ints("axes").size());
  Sizes axes = axes_of(c, 1, rank);
  std::set<int64_t> add(axes.begin(), axes.end());
  if (add.size() != axes.size()) fail("%s: repeated axes", c.what().c_str());
  Sizes out;
  size_t k = 0;
  for (int64_t i = 0; i < rank; ++i) out.push_back(add.count(i) ? 1 : x[k++]);
  c.keep_inputs(1);
  c.set_ints("axes", Sizes(add.begin(), add.end()));
  c.out(0, c.in(0).dtype, out);
}

void transpose(Ctx& c) {
  c.arity(1, 1);
  const Sizes x = c.shape(0);
  Sizes perm = c.n.attr_ints("perm");
  if (perm.empty()) {
    for (size_t i = 0; i < x.size(); ++i) perm.push_back(static_cast<int64_t>(x.size() - 1 - i));
  }
  if (perm.size() != x.size()) fail("%s: perm has %zu entries for rank %zu", c.what().c_str(), perm.size(), x.size());
  std::set<int64_t> seen;
  Sizes out;
  for (int64_t& p : perm) {
    p = c.axis(p, static_cast<int64_t>(x.size()), "perm entry");
    if (!seen.insert(p).second) fail("%s: perm repeats axis %lld", c.what().c_str(), (long long)p);
    out.push_back(x[static_cast<size_t>(p)]);
  }
  c.set_ints("perm", perm);
  c.out(0, c.in(0).dtype, out);
}

void concat(Ctx& c) {
  c.arity(1, 1u << 16);
  const Sizes first = c.shape(0);
  const int64_t axis = c.axis(c.n.attr_int("axis", 0), static_cast<int64_t>(first.size()));
  Sizes out = first;
  out[static_cast<size_t>(axis)] = 0;
  for (size_t i = 0; i < c.num_inputs(); ++i) {
    const Sizes s = c.shape(i);
    if (s.size() != first.size() || c.in(i).dtype != c.in(0).dtype) fail("%s: input %zu differs in rank or dtype", c.what().c_str(), i);
    for (size_t d = 0; d < s.size(); ++d) {
      if (static_cast<int64_t>(d) != axis && s[d] != first[d]) fail("%s: input %zu differs at axis %zu", c.what().c_str(), i, d);
    }
    out[static_cast<size_t>(axis)] += s[static_cast<size_t>(axis)];
  }
  c.set_int("axis", axis);
  c.out(0, c.in(0).dtype, out);
}

void gather(Ctx& c) {
  c.arity(2, 2);
  const Sizes x = c.shape(0), idx = c.shape(1);
  if (c.in(1).dtype != ScalarType::Long && c.in(1).dtype != ScalarType::Int) fail("%s: indices must be int32 or int64", c.what().c_str());
  const int64_t axis = c.axis(c.n.attr_int("axis", 0), static_cast<int64_t>(x.size()));
  if (c.in(1).is_constant()) {
    for (int64_t i : c.const_ints(1)) {
      if (i < -x[static_cast<size_t>(axis)] || i >= x[static_cast<size_t>(axis)]) fail("%s: index %lld is out of range", c.what().c_str(), (long long)i);
    }
  }
  Sizes out(x.begin(), x.begin() + axis);
  out.insert(out.end(), idx.begin(), idx.end());
  out.insert(out.end(), x.begin() + axis + 1, x.end());
  c.set_int("axis", axis);
  c.out(0, c.in(0).dtype, out);
}

void slice(Ctx& c) {
  c.arity(3, 5);
  const Sizes x = c.shape(0);
  const int64_t rank = static_cast<int64_t>(x.size());
  const Sizes starts = c.const_ints(1), ends = c.const_ints(2);
  Sizes axes, steps;
  if (c.has_input(3)) axes = c.const_ints(3);
  else for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  steps = c.has_input(4) ? c.const_ints(4) : Sizes(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size()) {
    fail("%s: starts, ends, axes and steps differ in length", c.what().c_str());
  }
  Sizes out = x, rs, re, ra, rst;
  for (size_t i = 0; i < starts.size(); ++i) {
    const int64_t a = c.axis(axes[i], rank, "axes entry");
    const int64_t dim = x[static_cast<size_t>(a)];
    if (steps[i] == 0) fail("%s: step 0 is not allowed", c.what().c_str());
    // ONNX clamps to [0, dim] going forwards and to [-1, dim - 1] going
    // backwards (-1: through element 0).
    const bool back = steps[i] < 0;
    auto clampi = [&](int64_t v) {
      v = v < 0 ? v + dim : v;
      return back ? std::clamp<int64_t>(v, -1, dim - 1) : std::clamp<int64_t>(v, 0, dim);
    };
    const int64_t s = clampi(starts[i]);
    const int64_t e = back ? std::min(s, clampi(ends[i])) : std::max(s, clampi(ends[i]));
    // A step longer than the axis takes one element, as the axis' length does:
    // clamping keeps -step and the count from overflowing.
    const int64_t limit = std::max<int64_t>(dim, 1);
    const int64_t step = std::min(back ? -std::max(steps[i], -limit) : steps[i], limit);
    out[static_cast<size_t>(a)] = (std::abs(e - s) + step - 1) / step;
    rs.push_back(s); re.push_back(e); ra.push_back(a); rst.push_back(back ? -step : step);
  }
  c.keep_inputs(1);
  c.set_ints("starts", rs); c.set_ints("ends", re); c.set_ints("axes", ra); c.set_ints("steps", rst);
  c.out(0, c.in(0).dtype, out);
}

void split(Ctx& c) {
  c.arity(1, 2, 1u << 16, true);
  const Sizes x = c.shape(0);
  const int64_t axis = c.axis(c.n.attr_int("axis", 0), static_cast<int64_t>(x.size()));
  const int64_t dim = x[static_cast<size_t>(axis)];
  Sizes sizes = c.has_input(1) ? c.const_ints(1) : c.n.attr_ints("split");
  const int64_t count = static_cast<int64_t>(c.n.outputs.size());
  if (sizes.empty()) {
    const int64_t chunk = (dim + count - 1) / count;
    if (!c.n.has("num_outputs") && dim % count != 0) fail("%s: %lld does not split evenly into %lld", c.what().c_str(), (long long)dim, (long long)count);
    for (int64_t i = 0; i < count; ++i) sizes.push_back(std::min(chunk, dim - i * chunk));
  }
  int64_t sum = 0;
  for (int64_t s : sizes) sum += s;
  if (static_cast<int64_t>(sizes.size()) != count || sum != dim) fail("%s: split sizes do not cover axis %lld", c.what().c_str(), (long long)axis);
  for (size_t i = 0; i < sizes.size(); ++i) {
    Sizes o = x;
    o[static_cast<size_t>(axis)] = sizes[i];
    if (c.n.outputs[i] == kNoValue) fail("%s: omitted split outputs are not supported", c.what().c_str());
    c.out(i, c.in(0).dtype, o);
  }
  c.keep_inputs(1);
  c.set_int("axis", axis);
  c.set_ints("split", sizes);
}

void pad(Ctx& c) {
  c.arity(1, 4);
  const Sizes x = c.shape(0);
  const size_t rank = x.size();
  Sizes pads = c.has_input(1) ? c.const_ints(1) : c.n.attr_ints("pads");
  float value = c.n.attr_float("value", 0.0f);
  if (c.has_input(2)) value = static_cast<float>(c.const_scalar(2));
  Sizes axes;
  if (c.has_input(3)) axes = c.const_ints(3);
  else for (size_t i = 0; i < rank; ++i) axes.push_back(static_cast<int64_t>(i));
  if (pads.size() != 2 * axes.size()) fail("%s: pads has %zu entries for %zu axes", c.what().c_str(), pads.size(), axes.size());
  Sizes full(2 * rank, 0);
  for (size_t i = 0; i < axes.size(); ++i) {
    const size_t a = static_cast<size_t>(c.axis(axes[i], static_cast<int64_t>(rank), "axes entry"));
    full[a] = pads[i];
    full[a + rank] = pads[i + axes.size()];
  }
  Sizes out = x;
  for (size_t i = 0; i < rank; ++i) {
    // Bounded so the sum below cannot overflow int64.
    if (std::max(full[i], full[i + rank]) > INT32_MAX || std::min(full[i], full[i + rank]) < -INT32_MAX) {
      fail("%s: pad of axis %zu beyond +-%d", c.what().c_str(), i, INT32_MAX);
    }
    out[i] += full[i] + full[i + rank];
    if (out[i] < 0) fail("%s: pads make axis %zu negative", c.what().c_str(), i);
  }
  const std::string mode = c.n.attr_string("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge") fail("%s: mode '%s' is not supported", c.what().c_str(), mode.c_str());
  c.keep_inputs(1);
  c.set_ints("pads", full);
  c.set_float("value", value);
  c.out(0, c.in(0).dtype, out);
}

void reduce_mean(Ctx& c) {
  c.arity(1, 2);
  c.float_input(0);
  const Sizes x = c.shape(0);
  Sizes axes = axes_of(c, 1, static_cast<int64_t>(x.size()));
  const bool keep = c.n.attr_int("keepdims", 1) != 0;
  if (axes.empty()) {
    if (c.n.attr_int("noop_with_empty_axes", 0) != 0) fail("%s: noop_with_empty_axes is not supported", c.what().c_str());
    for (size_t i = 0; i < x.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  }
  std::set<int64_t> r(axes.begin(), axes.end());
  Sizes out;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!r.count(static_cast<int64_t>(i))) out.push_back(x[i]);
    else if (keep) out.push_back(1);
  }
  c.keep_inputs(1);
  c.set_ints("axes", Sizes(r.begin(), r.end()));
  c.set_int("keepdims", keep);
  c.out(0, ScalarType::Float, out);
}

void clip(Ctx& c) {
  c.arity(1, 3);
  const ScalarType t = c.in(0).dtype;
  const bool integral = t == ScalarType::Byte || t == ScalarType::Char || t == ScalarType::Short ||
                        t == ScalarType::Int || t == ScalarType::Long;
  if (!integral) c.float_input(0);
  if (c.has_input(1)) c.set_float("min", static_cast<float>(c.const_scalar(1)));
  if (c.has_input(2)) c.set_float("max", static_cast<float>(c.const_scalar(2)));
  c.keep_inputs(1);
  c.out(0, t, c.shape(0));
}

void softmax(Ctx& c) {
  c.arity(1, 1);
  c.float_input(0);
  const int64_t rank = static_cast<int64_t>(c.shape(0).size());
  const bool legacy = c.g.opset < 13;  // before 13: softmax over the 2-D coercion at `axis`
  c.set_int("axis", c.axis(c.n.attr_int("axis", legacy ? 1 : -1), rank));
  c.set_int("coerce_2d", legacy);
  c.out(0, ScalarType::Float, c.shape(0));
}

void layer_norm(Ctx& c) {
  c.arity(2, 3, 3, true);
  c.float_input(0);
  const Sizes x = c.shape(0);
  const int64_t axis = c.axis(c.n.attr_int("axis", -1), static_cast<int64_t>(x.size()));
  const Sizes normalized(x.begin() + axis, x.end());
  if (c.shape(1) != normalized || (c.has_input(2) && c.shape(2) != normalized)) {
    fail("%s: scale and bias must have the normalized shape %s", c.what().c_str(), shape_string(static_shape(normalized)).c_str());
  }
  if (c.n.attr_int("stash_type", 1) != 1) fail("%s: stash_type other than float is not supported", c.what().c_str());
  c.set_int("axis", axis);
  c.out(0, ScalarType::Float, x);
  Sizes stat = x;
  for (size_t d = static_cast<size_t>(axis); d < stat.size(); ++d) stat[d] = 1;
  c.out(1, ScalarType::Float, stat);  // Mean and InvStdDev, when asked for
  c.out(2, ScalarType::Float, stat);
}

void batch_norm(Ctx& c) {
  const bool training = c.n.attr_int("training_mode", 0) != 0;
  c.arity(5, 5, 3, training);
  c.float_input(0);
  const Sizes x = c.shape(0);
  if (x.size() < 2) fail("%s: input must have a channel axis", c.what().c_str());
  for (size_t i = 1; i < 5; ++i) {
    if (c.shape(i) != Sizes{x[1]}) fail("%s: input %zu must have shape [%lld]", c.what().c_str(), i, (long long)x[1]);
    c.float_input(i);
  }
  c.out(0, ScalarType::Float, x);
  c.out(1, ScalarType::Float, {x[1]});  // training_mode's running mean and variance
  c.out(2, ScalarType::Float, {x[1]});
}

void flatten(Ctx& c) {
  c.arity(1, 1);
  const Sizes x = c.shape(0);
  const int64_t rank = static_cast<int64_t>(x.size());
  int64_t axis = c.n.attr_int("axis", 1);
  if (axis < -rank || axis > rank) fail("%s: axis %lld is out of range", c.what().c_str(), (long long)axis);
  if (axis < 0) axis += rank;
  c.set_int("axis", axis);
  c.out(0, c.in(0).dtype, {product(x, 0, static_cast<size_t>(axis)), product(x, static_cast<size_t>(axis), x.size())});
}

ScalarType onnx_to_dtype(const Ctx& c, int64_t t) {
  static const std::unordered_map<int64_t, ScalarType> kTypes = {
      {1, ScalarType::Float}, {2, ScalarType::Byte}, {3, ScalarType::Char}, {5, ScalarType::Short},
      {6, ScalarType::Int},   {7, ScalarType::Long}, {9, ScalarType::Bool}, {10, ScalarType::Half},
      {11, ScalarType::Double}, {16, ScalarType::BFloat16}};
  auto it = kTypes.find(t);
  if (it == kTypes.end()) fail("%s: target type %lld is not supported", c.what().c_str(), (long long)t);
  return it->second;
}

// Q/DQ: constant scale and zero point become QuantParams on the quantized side.
QuantParams qdq_params(Ctx& c, const Sizes& x, ScalarType storage) {
  QuantParams q;
  q.storage = storage;
  const Value& scale = c.in(1);
  if (!scale.is_constant() || scale.dtype != ScalarType::Float) fail("%s: scale must be a float constant", c.what().c_str());
  for (int64_t i = 0; i < scale.numel(); ++i) q.scales.push_back(scale.as<float>()[i]);
  if (c.has_input(2)) {
    const Value& zp = c.in(2);
    if (!zp.is_constant()) fail("%s: zero point must be a constant", c.what().c_str());
    if (zp.numel() != scale.numel()) fail("%s: zero point and scale differ in size", c.what().c_str());
    for (int64_t i = 0; i < zp.numel(); ++i) {
      if (zp.dtype == ScalarType::Char) q.zero_points.push_back(zp.as<int8_t>()[i]);
      else if (zp.dtype == ScalarType::Byte) q.zero_points.push_back(zp.as<uint8_t>()[i]);
      else if (zp.dtype == ScalarType::Int) q.zero_points.push_back(zp.as<int32_t>()[i]);
      else fail("%s: zero point dtype %s is not supported", c.what().c_str(), ember::scalar_type_name(zp.dtype));
    }
  } else {
    q.zero_points.assign(q.scales.size(), 0);
  }
  const Sizes ss = scale.sizes();
  const int64_t block = c.n.attr_int("block_size", 0);
  if (block != 0) {
    // Opset 21 blocked quantization: scale has x's shape with the axis dim
    // divided (rounded up) into blocks of block_size elements.
    if (block < 0) fail("%s: block_size must be positive", c.what().c_str());
    if (x.empty() || ss.size() != x.size()) fail("%s: blocked scale must have the input's rank", c.what().c_str());
    q.axis = c.axis(c.n.attr_int("axis", 1), static_cast<int64_t>(x.size()));
    for (size_t d = 0; d < x.size(); ++d) {
      // Rounded up without x + block - 1, which overflows for a huge block_size.
      const int64_t want = static_cast<int64_t>(d) != q.axis ? x[d] : x[d] == 0 ? 0 : (x[d] - 1) / block + 1;
      if (ss[d] != want) fail("%s: blocked scale shape differs from the input's in axis %zu", c.what().c_str(), d);
    }
    q.block_size = block;
  }
  const bool per_tensor = block == 0 && (ss.empty() || (ss.size() == 1 && ss[0] == 1));
  if (!per_tensor && block == 0) {
    if (ss.size() != 1) fail("%s: scale must be a scalar or 1-D", c.what().c_str());
    if (x.empty()) fail("%s: per-axis scale on a scalar input", c.what().c_str());
    q.axis = c.axis(c.n.attr_int("axis", 1), static_cast<int64_t>(x.size()));
    if (x[static_cast<size_t>(q.axis)] != ss[0]) fail("%s: %lld scales for axis %lld of size %lld", c.what().c_str(), (long long)ss[0], (long long)q.axis, (long long)x[static_cast<size_t>(q.axis)]);
  }
  switch (storage) {
    case ScalarType::Char: q.qmin = -128; q.qmax = 127; break;
    case ScalarType::Byte: q.qmin = 0; q.qmax = 255; break;
    case ScalarType::Int: q.qmin = INT32_MIN; q.qmax = INT32_MAX; break;
    default: fail("%s: quantized dtype %s is not supported", c.what().c_str(), ember::scalar_type_name(storage));
  }
  return q;
}

void quantize(Ctx& c) {
  c.arity(2, 3);
  c.float_input(0);
  ScalarType storage = c.has_input(2) ? c.in(2).dtype : ScalarType::Byte;
  if (c.n.has("output_dtype")) storage = onnx_to_dtype(c, c.n.attr_int("output_dtype", 0));
  if (c.n.attr_int("saturate", 1) != 1) fail("%s: saturate=0 is not supported", c.what().c_str());
  QuantParams q = qdq_params(c, c.shape(0), storage);
  c.out(0, storage, c.shape(0));
  c.g.value(c.n.outputs[0]).quant = q;
}

void dequantize(Ctx& c) {
  c.arity(2, 3);
  QuantParams q = qdq_params(c, c.shape(0), c.in(0).dtype);
  if (c.has_input(2) && c.in(2).dtype != c.in(0).dtype) fail("%s: zero point dtype differs from the input's", c.what().c_str());
  if (!c.in(0).quant) c.g.value(c.n.inputs[0]).quant = q;
  c.out(0, ScalarType::Float, c.shape(0));
}

void constant(Ctx& c) {
  c.arity(0, 0);
  Value& out = c.g.value(c.n.outputs[0]);
  auto set = [&](ScalarType t, const Sizes& sizes, const void* data, size_t bytes) {
    out.dtype = t;
    out.shape = static_shape(sizes);
    out.shape_known = true;
    out.data = std::vector<uint8_t>(static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + bytes);
  };
  if (c.n.attrs.size() != 1) fail("%s: exactly one value attribute is expected", c.what().c_str());
  const auto& [key, a] = *c.n.attrs.begin();
  if (key == "value") {
    const Value& t = c.g.value(a.tensor);
    set(t.dtype, t.sizes(), t.data->data(), t.data->size());
  } else if (key == "value_float") {
    set(ScalarType::Float, {}, &a.f, sizeof(float));
  } else if (key == "value_floats") {
    set(ScalarType::Float, {static_cast<int64_t>(a.floats.size())}, a.floats.data(), a.floats.size() * sizeof(float));
  } else if (key == "value_int") {
    set(ScalarType::Long, {}, &a.i, sizeof(int64_t));
  } else if (key == "value_ints") {
    set(ScalarType::Long, {static_cast<int64_t>(a.ints.size())}, a.ints.data(), a.ints.size() * sizeof(int64_t));
  } else {
    fail("%s: attribute '%s' is not supported", c.what().c_str(), key.c_str());
  }
}

void shape_op(Ctx& c) {
  c.arity(1, 1);
  const int64_t rank = static_cast<int64_t>(c.shape(0).size());
  int64_t start = c.n.attr_int("start", 0), end = c.n.attr_int("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  c.set_int("start", start);
  c.set_int("end", end);
  c.out(0, ScalarType::Long, {std::max<int64_t>(0, end - start)});
}

void constant_of_shape(Ctx& c) {
  c.arity(1, 1);
  const Sizes shape = c.const_ints(0);
  ScalarType t = ScalarType::Float;
  if (c.n.has("value")) t = c.g.value(c.n.attrs.at("value").tensor).dtype;
  c.out(0, t, shape);
}

const ShapeRules& rules() {
  static const ShapeRules kRules = [] {
    ShapeRules r = {
      {"Gemm", gemm}, {"MatMul", matmul}, {"Conv", conv},
      {"Relu", unary}, {"Sigmoid", unary}, {"Tanh", unary}, {"Erf", unary}, {"Clip", clip},
      {"LeakyRelu", unary}, {"HardSwish", unary},
      {"Add", binary}, {"Sub", binary}, {"Mul", binary}, {"Div", binary},
      {"Softmax", softmax},
      {"MaxPool", [](Ctx& c) { pool(c, true); }}, {"AveragePool", [](Ctx& c) { pool(c, false); }},
      {"GlobalAveragePool", [](Ctx& c) {
         c.arity(1, 1);
         c.float_input(0);
         Sizes s = c.shape(0);
         if (s.size() < 3) fail("%s: input must have spatial axes", c.what().c_str());
         for (size_t i = 2; i < s.size(); ++i) s[i] = 1;
         c.out(0, ScalarType::Float, s);
       }},
      {"Concat", concat}, {"Reshape", reshape}, {"Transpose", transpose}, {"Flatten", flatten},
      {"Squeeze", squeeze}, {"Unsqueeze", unsqueeze}, {"Gather", gather},
      {"LayerNormalization", layer_norm}, {"BatchNormalization", batch_norm}, {"Pad", pad},
      {"Slice", slice}, {"Split", split}, {"ReduceMean", reduce_mean},
      {"Where", [](Ctx& c) {
         c.arity(3, 3);
         if (c.in(0).dtype != ScalarType::Bool) fail("%s: condition must be bool", c.what().c_str());
         if (c.in(1).dtype != c.in(2).dtype) fail("%s: X and Y differ in dtype", c.what().c_str());
         c.out(0, c.in(1).dtype, broadcast(c, broadcast(c, c.shape(0), c.shape(1)), c.shape(2)));
       }},
      {"Cast", [](Ctx& c) {
         c.arity(1, 1);
         c.out(0, onnx_to_dtype(c, c.n.attr_int("to", 0)), c.shape(0));
       }},
      {"QuantizeLinear", quantize}, {"DequantizeLinear", dequantize},
      {"Constant", constant}, {"Shape", shape_op}, {"ConstantOfShape", constant_of_shape},
      {"com.microsoft:QuantizeLinear", quantize}, {"com.microsoft:DequantizeLinear", dequantize},
    };
    add_qoperator_rules(r);
    add_resize_rules(r);
    return r;
  }();
  return kRules;
}

namespace {

// Rules are keyed by op type in the default domain, "DOMAIN:op" otherwise.
std::string rule_key(const Node& node) {
  if (node.domain.empty() || node.domain == "ai.onnx") return node.op;
  return node.domain + ":" + node.op;
}

}  // namespace

}  // namespace onnx_shapes

bool is_supported_onnx_op(const Node& node) { return onnx_shapes::rules().count(onnx_shapes::rule_key(node)) != 0; }

void infer_onnx_node(Graph& graph, Node& node) {
  if (!is_supported_onnx_op(node)) fail("node %s: operator %s is not supported", node.describe().c_str(), node.op.c_str());
  onnx_shapes::Ctx c{graph, node};
  onnx_shapes::rules().at(onnx_shapes::rule_key(node))(c);
  for (ValueId id : node.outputs) {
    if (id != kNoValue && !graph.value(id).shape_known) fail("internal: %s left output '%s' without a shape", node.describe().c_str(), graph.value(id).name.c_str());
  }
  evaluate_constant_node(graph, node);
}

}  // namespace exir
