// MaxPool / AveragePool → aten::max_pool2d_with_indices / avg_pool2d.
// 1-D pooling runs as 2-D with H = 1; 3-D pooling is separable (a box
// window's max, sum and valid-element count factor per axis), so it runs as
// a 2-D pool over (H, W) of the N*C*D planes, then one over D. Pads the ATen
// kernels cannot take (asymmetric, or beyond half the kernel) are padded
// explicitly; average pooling that must then not count the padding divides
// window sums by a count tensor computed here.
#include <algorithm>
#include <cstring>
#include <limits>

#include "exir/lower/portable_lowerer.h"

namespace exir {
namespace lowering {
namespace {

// A 2-D window; pads as ONNX orders them (begin_h, begin_w, end_h, end_w).
struct Window2d {
  Sizes kernel, strides, dilations, pads;
  bool ceil_mode = false;
  bool count_include_pad = false;
};

double lowest_of(ScalarType t) {
  switch (t) {
    case ScalarType::Byte: return 0;
    case ScalarType::Char: return std::numeric_limits<int8_t>::lowest();
    case ScalarType::Short: return std::numeric_limits<int16_t>::lowest();
    case ScalarType::Int: return std::numeric_limits<int32_t>::lowest();
    case ScalarType::Long: return static_cast<double>(std::numeric_limits<int64_t>::lowest());
    default: return -std::numeric_limits<double>::infinity();
  }
}

// Elements of the unpadded axis (size `in`) inside each output window.
Sizes valid_counts(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t pad_begin) {
  Sizes counts;
  for (int64_t o = 0; o < out; ++o) {
    const int64_t start = o * stride - pad_begin;
    counts.push_back(std::max<int64_t>(0, std::min(start + kernel, in) - std::max<int64_t>(start, 0)));
  }
  return counts;
}

}  // namespace

void PortableLowerer::pool(const Node& n) {
  const bool is_max = n.op == "MaxPool";
  const Sizes xs = sizes(in(0));
  const Sizes k = n.attr_ints("kernel_shape"), s = n.attr_ints("strides"), d = n.attr_ints("dilations"),
              p = n.attr_ints("pads");
  const bool ceil_mode = n.attr_int("ceil_mode", 0) != 0;
  const bool include_pad = n.attr_int("count_include_pad", 0) != 0;
  const bool want_indices = is_max && n.outputs.size() > 1 && n.outputs[1] != kNoValue;
  const ScalarType t = val(out()).dtype;
  const Sizes ys = sizes(out());
  auto pool2d = [&](ValueId x, const Window2d& w, ValueId dst, ValueId indices) {
    if (is_max) return max_pool2d(x, w.kernel, w.strides, w.dilations, w.pads, w.ceil_mode, dst, indices);
    avg_pool2d(x, w.kernel, w.strides, w.pads, w.ceil_mode, w.count_include_pad, dst);
  };
  if (xs.size() == 4) {
    if (!want_indices) return pool2d(in(0), {k, s, d, p, ceil_mode, include_pad}, out(), kNoValue);
    if (n.attr_int("storage_order", 0) == 0) {
      const ValueId in_plane = temp(val(out(1)).name + "_in_plane", ScalarType::Long, ys);
      pool2d(in(0), {k, s, d, p, ceil_mode, include_pad}, out(), in_plane);
      return flat_indices(in_plane, xs, out(1));
    }
    // Column-major indices: pool the transposed planes, whose row-major
    // index w * H + h is ONNX's, and transpose back.
    const Sizes ts = {ys[0], ys[1], ys[3], ys[2]};
    const ValueId yt = temp(val(out()).name + "_t", t, ts);
    const ValueId it = temp(val(out(1)).name + "_t_in_plane", ScalarType::Long, ts);
    pool2d(permute(in(0), {0, 1, 3, 2}),
           {{k[1], k[0]}, {s[1], s[0]}, {d[1], d[0]}, {p[1], p[0], p[3], p[2]}, ceil_mode, include_pad}, yt, it);
    const ValueId flat_t = temp(val(out(1)).name + "_t", ScalarType::Long, ts);
    flat_indices(it, {xs[0], xs[1], xs[3], xs[2]}, flat_t);
    call("aten::permute_copy", "out", {T(yt), IL({0, 1, 3, 2})}, {out()});
    return call("aten::permute_copy", "out", {T(flat_t), IL({0, 1, 3, 2})}, {out(1)});
  }
  if (xs.size() == 3) {
    if (want_indices) fail("%s: the Indices output of 1-D MaxPool is not supported", source_.c_str());
    const ValueId x = view(in(0), {xs[0], xs[1], 1, xs[2]});
    const ValueId y = temp(val(out()).name + "_2d", t, {ys[0], ys[1], 1, ys[2]});
    pool2d(x, {{1, k[0]}, {1, s[0]}, {1, d[0]}, {0, p[0], 0, p[1]}, ceil_mode, include_pad}, y, kNoValue);
    view(y, ys, out());
    return;
  }
  if (xs.size() != 5) fail("%s: pooling of rank %zu is not supported", source_.c_str(), xs.size());
  if (want_indices) fail("%s: the Indices output of 3-D MaxPool is not supported", source_.c_str());
  // (H, W) over the N*C*D planes, then D over [N, C, D, Ho*Wo].
  const ValueId planes = view(in(0), {xs[0], xs[1] * xs[2], xs[3], xs[4]});
  const ValueId hw = temp(val(out()).name + "_hw", t, {xs[0], xs[1] * xs[2], ys[3], ys[4]});
  pool2d(planes, {{k[1], k[2]}, {s[1], s[2]}, {d[1], d[2]}, {p[1], p[2], p[4], p[5]}, ceil_mode, include_pad}, hw,
         kNoValue);
  const ValueId by_depth = view(hw, {xs[0], xs[1], xs[2], ys[3] * ys[4]});
  const ValueId y = temp(val(out()).name + "_d", t, {ys[0], ys[1], ys[2], ys[3] * ys[4]});
  pool2d(by_depth, {{k[0], 1}, {s[0], 1}, {d[0], 1}, {p[0], 0, p[3], 0}, ceil_mode, include_pad}, y, kNoValue);
  view(y, ys, out());
}

void PortableLowerer::max_pool2d(ValueId x, const Sizes& k, const Sizes& s, const Sizes& d, Sizes pads,
                                 bool ceil_mode, ValueId dst, ValueId indices) {
  const bool padded = pads[0] != pads[2] || pads[1] != pads[3] || pads[0] > k[0] / 2 || pads[1] > k[1] / 2;
  // ATen's indices count positions of the tensor it pools: explicit padding
  // would shift them.
  if (padded && indices != kNoValue) {
    fail("%s: the Indices output with asymmetric pads or pads above half the kernel is not supported",
         source_.c_str());
  }
  if (padded) {
    x = padded_for_floor(x, k, s, d, pads, ceil_mode, sizes(dst), lowest_of(val(x).dtype));
    pads = {0, 0, 0, 0};
    ceil_mode = false;
  }
  if (indices == kNoValue) indices = temp(val(dst).name + "_indices", ScalarType::Long, sizes(dst));
  call("aten::max_pool2d_with_indices", "out",
       {T(x), IL(k), IL(s), IL({pads[0], pads[1]}), IL(d), B(ceil_mode)}, {dst, indices});
}

void PortableLowerer::avg_pool2d(ValueId x, const Sizes& k, const Sizes& s, Sizes pads, bool ceil_mode,
                                 bool include_pad, ValueId dst) {
  const bool symmetric = pads[0] == pads[2] && pads[1] == pads[3];
  const bool within_half = pads[0] <= k[0] / 2 && pads[1] <= k[1] / 2;
  if (include_pad || (symmetric && within_half)) {
    x = window_input(x, &pads, 0.0, {k[0] / 2, k[1] / 2});
    call("aten::avg_pool2d", "out",
         {T(x), IL(k), IL(s), IL({pads[0], pads[1]}), B(ceil_mode), B(include_pad), None()}, {dst});
    return;
  }
  // Padding that must not be counted and that the kernel cannot take: window
  // sums over the zero-padded input (divisor_override = 1), divided by the
  // number of real elements in each window.
  const Sizes xs = sizes(x), ys = sizes(dst);
  const ValueId xp = padded_for_floor(x, k, s, {1, 1}, pads, ceil_mode, ys, 0.0);
  const ValueId sums = temp(val(dst).name + "_sums", val(dst).dtype, ys);
  call("aten::avg_pool2d", "out", {T(xp), IL(k), IL(s), IL({0, 0}), B(false), B(true), I(1)}, {sums});
  const Sizes ch = valid_counts(xs[2], ys[2], k[0], s[0], pads[0]);
  const Sizes cw = valid_counts(xs[3], ys[3], k[1], s[1], pads[1]);
  std::vector<float> counts;
  for (int64_t h : ch) {
    for (int64_t w : cw) counts.push_back(static_cast<float>(std::max<int64_t>(1, h * w)));
  }
  std::vector<uint8_t> bytes(counts.size() * sizeof(float));
  std::memcpy(bytes.data(), counts.data(), bytes.size());
  const ValueId count = g_.add_constant(g_.unique_name(val(dst).name + "_counts"), ScalarType::Float,
                                        {ys[2], ys[3]}, std::move(bytes));
  call("aten::div", "out", {T(sums), T(count)}, {dst});
}

// Pads x explicitly for a pool without padding. ceil_mode's last windows
// become whole windows over extra end padding, so that floor mode yields
// exactly the output size of ONNX's rule (ATen's ceil rule, applied to the
// padded tensor, could keep one more window).
ValueId PortableLowerer::padded_for_floor(ValueId x, const Sizes& k, const Sizes& s, const Sizes& d,
                                          const Sizes& pads, bool ceil_mode, const Sizes& ys, double fill) {
  const Sizes xs = sizes(x);
  Sizes end = {pads[2], pads[3]};
  for (size_t i = 0; i < 2; ++i) {
    const int64_t need = (ys[i + 2] - 1) * s[i] + (k[i] - 1) * d[i] + 1, have = xs[i + 2] + pads[i] + end[i];
    if (ceil_mode && need > have) end[i] += need - have;
  }
  return pad_constant(x, {0, 0, pads[0], pads[1], 0, 0, end[0], end[1]}, fill);
}

// ONNX's Indices count over the whole input tensor, ATen's within each
// (n, c) plane: adds (n * C + c) * H * W.
void PortableLowerer::flat_indices(ValueId in_plane, const Sizes& xs, ValueId dst) {
  const int64_t plane = xs[2] * xs[3];
  std::vector<int64_t> offsets;
  for (int64_t i = 0; i < xs[0] * xs[1]; ++i) offsets.push_back(i * plane);
  std::vector<uint8_t> bytes(offsets.size() * sizeof(int64_t));
  std::memcpy(bytes.data(), offsets.data(), bytes.size());
  const ValueId offset = g_.add_constant(g_.unique_name(val(dst).name + "_plane_offsets"), ScalarType::Long,
                                         {xs[0], xs[1], 1, 1}, std::move(bytes));
  call("aten::add", "out", {T(in_plane), T(offset), I(1)}, {dst});
}

}  // namespace lowering
}  // namespace exir
