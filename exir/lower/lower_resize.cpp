// Resize → per resized axis, aten::index_select.out with constant int64
// source indices, weighted by aten::mul.out against constant weights that
// broadcast along the axis and summed with aten::add.out. ONNX's
// interpolation is separable (a product of 1-D kernels), so resizing one
// axis after another reproduces it up to float rounding. Sources and weights
// are computed here, at conversion time, from the attributes the Resize
// shape rule normalised (onnx_shapes_resize.cpp), following ONNX's
// reference: coordinate transform, the n nearest sources in the edge-padded
// axis, their coefficients, exclude_outside renormalisation, and
// tf_crop_and_resize's extrapolation value outside the input.
#include <algorithm>
#include <cmath>

#include "exir/lower/portable_lowerer.h"

namespace exir {
namespace lowering {

namespace {

// One axis' taps: output position x reads index[k][x] with weight[k][x]
// for k < index.size(); `fill[x]` is added (extrapolation), when `any_fill`.
struct AxisPlan {
  std::vector<std::vector<int64_t>> index;
  std::vector<std::vector<double>> weight;
  std::vector<double> fill;
  bool any_fill = false;
};

struct AxisParams {
  int64_t in = 0;
  int64_t out = 0;
  double scale = 1;
  double out_width = 1;  // in * scale, unrounded: the reference's output_width
  double roi_start = 0;
  double roi_end = 1;
};

struct ResizeAttrs {
  std::string mode;
  std::string ctm;
  std::string nearest;
  double cubic_a = -0.75;
  bool exclude_outside = false;
  double extrapolation = 0;
};

// The source coordinate of output position x; false when it lies outside
// the input under tf_crop_and_resize.
bool source_coordinate(const ResizeAttrs& r, const AxisParams& p, int64_t xi, double* x_ori) {
  const double x = static_cast<double>(xi), in = static_cast<double>(p.in), s = p.scale, ow = p.out_width;
  if (r.ctm == "half_pixel") {
    *x_ori = (x + 0.5) / s - 0.5;
  } else if (r.ctm == "pytorch_half_pixel") {
    *x_ori = ow == 1 ? -0.5 : (x + 0.5) / s - 0.5;
  } else if (r.ctm == "align_corners") {
    *x_ori = ow == 1 ? 0.0 : x * (in - 1) / (ow - 1);
  } else if (r.ctm == "asymmetric") {
    *x_ori = x / s;
  } else if (r.ctm == "tf_half_pixel_for_nn") {
    *x_ori = (x + 0.5) / s;
  } else if (r.ctm == "half_pixel_symmetric") {
    const double adjustment = static_cast<double>(p.out) / ow;
    const double offset = in / 2 * (1 - adjustment);
    *x_ori = offset + (x + 0.5) / s - 0.5;
  } else {  // tf_crop_and_resize
    const double extent = p.roi_end - p.roi_start;
    *x_ori = ow == 1 ? extent * (in - 1) / 2 : x * extent * (in - 1) / (ow - 1);
    *x_ori += p.roi_start * (in - 1);
    if (*x_ori < 0 || *x_ori > in - 1) return false;
  }
  return true;
}

// Coefficients of the n = 2 (nearest, linear) or 4 (cubic) sources around
// a coordinate whose distance to the left source is `ratio`, in (0, 1].
std::vector<double> coefficients(const ResizeAttrs& r, double ratio) {
  if (r.mode == "linear") return {1 - ratio, ratio};
  if (r.mode == "cubic") {
    const double a = r.cubic_a, t = ratio + 1, u = 1 - ratio, v = 2 - ratio;
    return {((a * t - 5 * a) * t + 8 * a) * t - 4 * a, ((a + 2) * ratio - (a + 3)) * ratio * ratio + 1,
            ((a + 2) * u - (a + 3)) * u * u + 1, ((a * v - 5 * a) * v + 8 * a) * v - 4 * a};
  }
  bool right;
  if (ratio == 1) right = true;
  else if (r.nearest == "round_prefer_floor") right = ratio > 0.5;
  else if (r.nearest == "round_prefer_ceil") right = ratio >= 0.5;
  else right = r.nearest == "ceil";
  return {right ? 0.0 : 1.0, right ? 1.0 : 0.0};
}

// Sources (clamped into the input) and weights of output position x, with
// equal sources merged and zero weights dropped.
std::vector<std::pair<int64_t, double>> taps(const ResizeAttrs& r, const AxisParams& p, int64_t x, bool* outside,
                                             const std::string& where) {
  std::vector<std::pair<int64_t, double>> result;
  double x_ori = 0;
  *outside = !source_coordinate(r, p, x, &x_ori);
  if (*outside) return result;
  auto add = [&](int64_t index, double w) {
    if (w == 0) return;
    index = std::clamp<int64_t>(index, 0, p.in - 1);
    for (auto& t : result) {
      if (t.first == index) {
        t.second += w;
        return;
      }
    }
    result.emplace_back(index, w);
  };
  if (r.nearest == "simple" && r.mode == "nearest") {
    add(static_cast<int64_t>(p.scale < 1 ? std::ceil(x_ori) : std::floor(x_ori)), 1.0);
    return result;
  }
  const int64_t left = static_cast<int64_t>(std::ceil(x_ori)) - 1;
  const double ratio = x_ori - static_cast<double>(left);
  std::vector<double> c = coefficients(r, ratio);
  const int64_t n = static_cast<int64_t>(c.size()), pad = n / 2;
  // The n nearest sources in the axis edge-padded by n/2 on each side.
  const int64_t start = std::clamp<int64_t>(n == 2 ? left : left - 1, -pad, p.in + pad - n);
  if (r.exclude_outside) {
    double sum = 0;
    for (int64_t k = 0; k < n; ++k) {
      if (start + k < 0 || start + k >= p.in) c[static_cast<size_t>(k)] = 0;
      sum += c[static_cast<size_t>(k)];
    }
    if (sum == 0) fail("%s: exclude_outside leaves output position %lld without weight", where.c_str(), (long long)x);
    for (double& w : c) w /= sum;
  }
  for (int64_t k = 0; k < n; ++k) add(start + k, c[static_cast<size_t>(k)]);
  return result;
}

AxisPlan plan_axis(const ResizeAttrs& r, const AxisParams& p, const std::string& where) {
  AxisPlan plan;
  std::vector<std::vector<std::pair<int64_t, double>>> per_x;
  size_t width = 0;
  for (int64_t x = 0; x < p.out; ++x) {
    bool outside = false;
    per_x.push_back(taps(r, p, x, &outside, where));
    plan.fill.push_back(outside ? r.extrapolation : 0.0);
    plan.any_fill |= outside && r.extrapolation != 0;
    width = std::max(width, per_x.back().size());
  }
  // An axis wholly outside the input still needs one (zero-weight) tap.
  width = std::max<size_t>(width, 1);
  plan.index.assign(width, std::vector<int64_t>(static_cast<size_t>(p.out), 0));
  plan.weight.assign(width, std::vector<double>(static_cast<size_t>(p.out), 0.0));
  for (size_t x = 0; x < per_x.size(); ++x) {
    for (size_t k = 0; k < per_x[x].size(); ++k) {
      plan.index[k][x] = per_x[x][k].first;
      plan.weight[k][x] = per_x[x][k].second;
    }
  }
  return plan;
}

bool unit_weights(const std::vector<double>& w) {
  return std::all_of(w.begin(), w.end(), [](double v) { return v == 1.0; });
}

bool is_identity(const AxisPlan& plan, const AxisParams& p) {
  if (p.in != p.out || plan.any_fill || plan.index.size() != 1 || !unit_weights(plan.weight[0])) return false;
  for (int64_t x = 0; x < p.out; ++x) {
    if (plan.index[0][static_cast<size_t>(x)] != x) return false;
  }
  return true;
}

std::vector<uint8_t> bytes_of(const void* data, size_t n) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  return std::vector<uint8_t>(p, p + n);
}

}  // namespace

void PortableLowerer::resize(const Node& n) {
  ResizeAttrs r;
  r.mode = n.attr_string("mode", "nearest");
  r.ctm = n.attr_string("coordinate_transformation_mode", "half_pixel");
  r.nearest = n.attr_string("nearest_mode", "round_prefer_floor");
  r.cubic_a = n.attr_float("cubic_coeff_a", -0.75f);
  r.exclude_outside = n.attr_int("exclude_outside", 0) != 0;
  r.extrapolation = n.attr_float("extrapolation_value", 0.0f);
  const Sizes xs = sizes(in(0)), os = sizes(out());
  const size_t rank = xs.size();
  const std::vector<float> scales = n.has("scales") ? n.attrs.at("scales").floats : std::vector<float>{};
  const Sizes num = n.attr_ints("scale_num"), den = n.attr_ints("scale_den");
  const std::vector<float> roi = n.has("roi") ? n.attrs.at("roi").floats : std::vector<float>{};
  if ((scales.size() != rank && (num.size() != rank || den.size() != rank)) ||
      (r.ctm == "tf_crop_and_resize" && roi.size() != 2 * rank) || os.size() != rank) {
    fail("%s: internal: Resize attributes were not normalised by shape inference", source_.c_str());
  }

  struct Pending {
    size_t axis;
    AxisParams params;
    AxisPlan plan;
  };
  std::vector<Pending> work;
  for (size_t a = 0; a < rank; ++a) {
    AxisParams p;
    p.in = xs[a];
    p.out = os[a];
    if (!scales.empty()) {
      p.scale = static_cast<double>(scales[a]);
      p.out_width = p.scale * static_cast<double>(p.in);
    } else {
      p.scale = static_cast<double>(num[a]) / static_cast<double>(den[a]);
      p.out_width = static_cast<double>(num[a]) * static_cast<double>(p.in) / static_cast<double>(den[a]);
    }
    if (!roi.empty()) {
      p.roi_start = roi[a];
      p.roi_end = roi[a + rank];
    }
    AxisPlan plan = plan_axis(r, p, source_);
    if (!is_identity(plan, p)) work.push_back({a, p, std::move(plan)});
  }
  if (work.empty()) return call("aten::clone", "out", {T(in(0)), None()}, {out()});
  // Shrinking axes first keeps the intermediate tensors small.
  std::stable_sort(work.begin(), work.end(), [](const Pending& l, const Pending& m) {
    return l.params.out * m.params.in < m.params.out * l.params.in;
  });

  const std::string base = val(out()).name;
  ValueId cur = in(0);
  Sizes cur_sizes = xs;
  for (size_t w = 0; w < work.size(); ++w) {
    const Pending& job = work[w];
    const size_t a = job.axis;
    Sizes next = cur_sizes;
    next[a] = job.params.out;
    Sizes bshape(rank, 1);
    bshape[a] = job.params.out;
    const size_t taps_n = job.plan.index.size();
    // The axis' last call writes the result: the output for the last axis.
    size_t remaining = 0;
    for (size_t k = 0; k < taps_n; ++k) {
      remaining += 1 + (unit_weights(job.plan.weight[k]) ? 0 : 1) + (k > 0 ? 1 : 0);
    }
    if (job.plan.any_fill) ++remaining;
    auto target = [&]() {
      --remaining;
      if (remaining == 0) return w + 1 == work.size() ? out() : temp(base + "_resized", ScalarType::Float, next);
      return temp(base + "_resize_tmp", ScalarType::Float, next);
    };
    auto weights_constant = [&](const std::vector<double>& v, const char* suffix) {
      std::vector<float> f(v.begin(), v.end());
      return g_.add_constant(g_.unique_name(base + suffix), ScalarType::Float, bshape,
                             bytes_of(f.data(), f.size() * sizeof(float)));
    };
    ValueId acc = kNoValue;
    for (size_t k = 0; k < taps_n; ++k) {
      const std::vector<int64_t>& idx = job.plan.index[k];
      const ValueId index = g_.add_constant(g_.unique_name(base + "_resize_index"), ScalarType::Long,
                                            {job.params.out}, bytes_of(idx.data(), idx.size() * sizeof(int64_t)));
      ValueId term = target();
      call("aten::index_select", "out", {T(cur), I(static_cast<int64_t>(a)), T(index)}, {term});
      if (!unit_weights(job.plan.weight[k])) {
        const ValueId weight = weights_constant(job.plan.weight[k], "_resize_weight");
        const ValueId prod = target();
        call("aten::mul", "out", {T(term), T(weight)}, {prod});
        term = prod;
      }
      if (acc == kNoValue) {
        acc = term;
      } else {
        const ValueId sum = target();
        call("aten::add", "out", {T(acc), T(term), I(1)}, {sum});
        acc = sum;
      }
    }
    if (job.plan.any_fill) {
      const ValueId fill = weights_constant(job.plan.fill, "_resize_fill");
      const ValueId sum = target();
      call("aten::add", "out", {T(acc), T(fill), I(1)}, {sum});
      acc = sum;
    }
    cur = acc;
    cur_sizes = next;
  }
}

}  // namespace lowering
}  // namespace exir
