// upsample_nearest2d / upsample_bilinear2d (output_size and scale_factors,
// align_corners both ways), max_pool2d_with_indices, avg_pool2d and
// _adaptive_avg_pool2d against brute-force scalar references, over random
// shapes, 3-D and 4-D inputs, random dim orders (channels-last included) and
// ATen's edge cases (ceil_mode windows that start in padding, NaN in max
// pooling, divisor_override).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "test/kernels/shape_test_util.h"
#include "test/support/evalue_list.h"

namespace ember::test {
namespace {

EValue ev_doubles(const std::vector<double>& v) { return EValue(ArrayRef<double>(v.data(), v.size())); }

// Nearest source index: floor(dst * in / out), or dst / scale with a scale
// factor (float arithmetic, as ATen), clamped to the input. ATen's legacy
// nearest keeps two shortcuts that ignore the scale: out == in copies and
// out == 2 * in halves the index.
int64_t nearest_ref(int64_t dst, int64_t in, int64_t out, double scale_factor) {
  if (out == in) return dst;
  if (out == 2 * in) return dst / 2;
  const float scale =
      scale_factor > 0 ? static_cast<float>(1.0 / scale_factor) : static_cast<float>(in) / static_cast<float>(out);
  return std::min<int64_t>(static_cast<int64_t>(std::floor(static_cast<float>(dst) * scale)), in - 1);
}

TEST(UpsampleNearest2d, KnownAndRandom) {
  auto in = TensorFactory::make<int64_t>({1, 1, 1, 3}, {10, 20, 30});
  auto out = TensorFactory::zeros(ScalarType::Long, {1, 1, 1, 5});
  OwnedIntList size({1, 5});
  ASSERT_TRUE(call("aten::upsample_nearest2d.vec_out", {ev(in), size.evalue(), EValue()}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<int64_t>(), (std::vector<int64_t>{10, 10, 20, 20, 30}));

  std::mt19937 rng(21);
  for (int iter = 0; iter < 80; ++iter) {
    std::vector<SizesType> sizes = {static_cast<SizesType>(rng() % 3), static_cast<SizesType>(1 + rng() % 3),
                                    static_cast<SizesType>(1 + rng() % 5), static_cast<SizesType>(1 + rng() % 5)};
    const bool by_scale = rng() % 2;
    std::vector<double> scales = {0.5 + (rng() % 8) * 0.37, 0.5 + (rng() % 8) * 0.29};
    std::vector<SizesType> out_sizes = sizes;
    for (size_t i = 0; i < 2; ++i) {
      out_sizes[2 + i] =
          by_scale ? static_cast<SizesType>(sizes[2 + i] * scales[i]) : static_cast<SizesType>(1 + rng() % 9);
    }
    if (out_sizes[2] < 1 || out_sizes[3] < 1) continue;
    auto input = random_tensor<float>(rng, sizes);
    auto output = random_layout_zeros(rng, ScalarType::Float, out_sizes);
    OwnedIntList osize({out_sizes[2], out_sizes[3]});
    ASSERT_TRUE(call("aten::upsample_nearest2d.vec_out",
                     {ev(input), by_scale ? EValue() : osize.evalue(), by_scale ? ev_doubles(scales) : EValue()},
                     {ev(output)})
                    .ok());
    auto want = moved_values<float>(input.to_vector<float>(), sizes, out_sizes, [&](const std::vector<int64_t>& o) {
      auto s = o;
      for (size_t i = 0; i < 2; ++i) {
        s[2 + i] = nearest_ref(o[2 + i], sizes[2 + i], out_sizes[2 + i], by_scale ? scales[i] : 0);
      }
      return s;
    });
    EXPECT_EQ(output.to_vector<float>(), want);
  }
}

TEST(UpsampleNearest2d, Errors) {
  auto in = TensorFactory::make<float>({1, 1, 2, 2});
  auto out = TensorFactory::zeros(ScalarType::Float, {1, 1, 4, 4});
  OwnedIntList size({4, 4});
  const std::vector<double> scales = {2.0, 2.0};
  EXPECT_KERNEL_FAILS(call("aten::upsample_nearest2d.vec_out", {ev(in), size.evalue(), ev_doubles(scales)}, {ev(out)}),
                      "aten::upsample_nearest2d.vec_out", "exactly one");
  EXPECT_KERNEL_FAILS(call("aten::upsample_nearest2d.vec_out", {ev(in), EValue(), EValue()}, {ev(out)}),
                      "aten::upsample_nearest2d.vec_out", "exactly one");
  auto flat = TensorFactory::make<float>({2, 2});
  EXPECT_KERNEL_FAILS(call("aten::upsample_nearest2d.vec_out", {ev(flat), size.evalue(), EValue()}, {ev(out)}),
                      "aten::upsample_nearest2d.vec_out", "4-D");
  const std::vector<double> tiny = {0.1, 0.1};
  EXPECT_KERNEL_FAILS(call("aten::upsample_nearest2d.vec_out", {ev(in), EValue(), ev_doubles(tiny)}, {ev(out)}),
                      "aten::upsample_nearest2d.vec_out", "positive");
}

// Bilinear reference in double, from the definitions.
double bilinear_ref(const std::vector<double>& plane, int64_t h, int64_t w, int64_t oh, int64_t ow, int64_t y,
                    int64_t x, bool align, const std::vector<double>& scales) {
  auto src = [&](int64_t dst, int64_t in, int64_t out, double sf) {
    if (align) return out > 1 ? dst * static_cast<double>(in - 1) / (out - 1) : 0.0;
    const double scale = sf > 0 ? 1.0 / sf : static_cast<double>(in) / out;
    return std::max(0.0, (dst + 0.5) * scale - 0.5);
  };
  const double sy = src(y, h, oh, scales.empty() ? 0 : scales[0]);
  const double sx = src(x, w, ow, scales.empty() ? 0 : scales[1]);
  const int64_t y0 = std::min<int64_t>(static_cast<int64_t>(sy), h - 1),
                x0 = std::min<int64_t>(static_cast<int64_t>(sx), w - 1);
  const int64_t y1 = std::min<int64_t>(y0 + 1, h - 1), x1 = std::min<int64_t>(x0 + 1, w - 1);
  const double ly = std::min(1.0, sy - y0), lx = std::min(1.0, sx - x0);
  auto at = [&](int64_t yy, int64_t xx) { return plane[static_cast<size_t>(yy * w + xx)]; };
  return (1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x1)) + ly * ((1 - lx) * at(y1, x0) + lx * at(y1, x1));
}

TEST(UpsampleBilinear2d, KnownValues) {
  auto in = TensorFactory::make<float>({1, 1, 2, 2}, {1, 2, 3, 4});
  auto out = TensorFactory::zeros(ScalarType::Float, {1, 1, 4, 4});
  OwnedIntList size({4, 4});
  ASSERT_TRUE(
      call("aten::upsample_bilinear2d.vec_out", {ev(in), size.evalue(), ev_bool(false), EValue()}, {ev(out)}).ok());
  expect_close(out.to_vector<float>(), {1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4},
               1e-6, 1e-6);
  auto out3 = TensorFactory::zeros(ScalarType::Float, {1, 1, 3, 3});
  OwnedIntList size3({3, 3});
  ASSERT_TRUE(
      call("aten::upsample_bilinear2d.vec_out", {ev(in), size3.evalue(), ev_bool(true), EValue()}, {ev(out3)}).ok());
  expect_close(out3.to_vector<float>(), {1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4}, 1e-6, 1e-6);
  auto ints = TensorFactory::make<int32_t>({1, 1, 2, 2});
  auto int_out = TensorFactory::zeros(ScalarType::Int, {1, 1, 4, 4});
  EXPECT_KERNEL_FAILS(
      call("aten::upsample_bilinear2d.vec_out", {ev(ints), size.evalue(), ev_bool(false), EValue()}, {ev(int_out)}),
      "aten::upsample_bilinear2d.vec_out", "dtype");
}

template <typename T>
void bilinear_case(std::mt19937& rng) {
  std::vector<SizesType> sizes = {static_cast<SizesType>(1 + rng() % 2), static_cast<SizesType>(1 + rng() % 3),
                                  static_cast<SizesType>(1 + rng() % 5), static_cast<SizesType>(1 + rng() % 5)};
  const bool align = rng() % 2, by_scale = rng() % 2;
  std::vector<double> scales;
  auto out_sizes = sizes;
  if (by_scale) {
    scales = {0.6 + (rng() % 6) * 0.45, 0.6 + (rng() % 6) * 0.35};
    for (size_t i = 0; i < 2; ++i) out_sizes[2 + i] = static_cast<SizesType>(sizes[2 + i] * scales[i]);
  } else {
    for (size_t i = 0; i < 2; ++i) out_sizes[2 + i] = static_cast<SizesType>(1 + rng() % 8);
  }
  if (out_sizes[2] < 1 || out_sizes[3] < 1) return;
  OwnedTensor input = random_tensor<T>(rng, sizes, -4, 4);
  OwnedTensor output = random_layout_zeros(rng, ScalarTypeOf<T>::value, out_sizes);
  OwnedIntList osize({out_sizes[2], out_sizes[3]});
  ASSERT_TRUE(
      call("aten::upsample_bilinear2d.vec_out",
           {ev(input), by_scale ? EValue() : osize.evalue(), ev_bool(align), by_scale ? ev_doubles(scales) : EValue()},
           {ev(output)})
          .ok());
  const auto values = input.to_vector<T>();
  const int64_t h = sizes[2], w = sizes[3], oh = out_sizes[2], ow = out_sizes[3];
  std::vector<double> want;
  for (int64_t p = 0; p < int64_t{sizes[0]} * sizes[1]; ++p) {
    std::vector<double> plane(values.begin() + p * h * w, values.begin() + (p + 1) * h * w);
    for (int64_t y = 0; y < oh; ++y) {
      for (int64_t x = 0; x < ow; ++x) want.push_back(bilinear_ref(plane, h, w, oh, ow, y, x, align, scales));
    }
  }
  expect_close(output.to_vector<T>(), want, 1e-5, 1e-5);
}

TEST(UpsampleBilinear2d, RandomAlignCornersAndScales) {
  std::mt19937 rng(22);
  for (int i = 0; i < 80; ++i) {
    bilinear_case<float>(rng);
    bilinear_case<double>(rng);
  }
}

// ATen's pooling output size, from the definition: windows that fit with
// floor (or ceil) division, dropping a last ceil window that would start in
// the right padding.
int64_t pooled_ref(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dil, bool ceil_mode) {
  const double span = static_cast<double>(in + 2 * pad - dil * (k - 1) - 1);
  int64_t out = static_cast<int64_t>(ceil_mode ? std::ceil(span / stride) : std::floor(span / stride)) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad) --out;
  return out;
}

struct PoolCase {
  std::vector<SizesType> sizes;
  int64_t k[2], s[2], p[2], d[2];
  bool ceil_mode;
  int64_t oh, ow;
};

PoolCase random_pool_case(std::mt19937& rng, bool dilation) {
  PoolCase c;
  for (;;) {
    c.sizes = {static_cast<SizesType>(1 + rng() % 3), static_cast<SizesType>(1 + rng() % 7),
               static_cast<SizesType>(1 + rng() % 7)};
    if (rng() % 2) c.sizes.insert(c.sizes.begin(), static_cast<SizesType>(rng() % 3));
    for (size_t i = 0; i < 2; ++i) {
      c.k[i] = 1 + rng() % 3;
      c.s[i] = 1 + rng() % 3;
      c.p[i] = rng() % (c.k[i] / 2 + 1);
      c.d[i] = dilation ? 1 + rng() % 2 : 1;
    }
    c.ceil_mode = rng() % 2;
    const size_t r = c.sizes.size();
    c.oh = pooled_ref(c.sizes[r - 2], c.k[0], c.p[0], c.s[0], c.d[0], c.ceil_mode);
    c.ow = pooled_ref(c.sizes[r - 1], c.k[1], c.p[1], c.s[1], c.d[1], c.ceil_mode);
    if (c.oh >= 1 && c.ow >= 1) return c;
  }
}

std::vector<SizesType> pooled_sizes(const PoolCase& c) {
  auto s = c.sizes;
  s[s.size() - 2] = static_cast<SizesType>(c.oh);
  s[s.size() - 1] = static_cast<SizesType>(c.ow);
  return s;
}

TEST(MaxPool2dWithIndices, RandomWindowsLayoutsAndNaN) {
  std::mt19937 rng(23);
  for (int iter = 0; iter < 150; ++iter) {
    const PoolCase c = random_pool_case(rng, /*dilation=*/true);
    auto input = random_tensor<float>(rng, c.sizes);
    if (iter % 5 == 0 && input.tensor().numel() > 0) {
      auto v = input.to_vector<float>();
      v[rng() % v.size()] = std::numeric_limits<float>::quiet_NaN();
      input.set_values(v);
    }
    const auto out_sizes = pooled_sizes(c);
    auto out = random_layout_zeros(rng, ScalarType::Float, out_sizes);
    auto indices = random_layout_zeros(rng, ScalarType::Long, out_sizes);
    OwnedIntList k({c.k[0], c.k[1]}), s({c.s[0], c.s[1]}), p({c.p[0], c.p[1]}), d({c.d[0], c.d[1]});
    const KernelResult res =
        call("aten::max_pool2d_with_indices.out",
             {ev(input), k.evalue(), s.evalue(), p.evalue(), d.evalue(), ev_bool(c.ceil_mode)}, {ev(out), ev(indices)});
    ASSERT_TRUE(res.ok()) << res.message;
    const size_t r = c.sizes.size();
    const int64_t h = c.sizes[r - 2], w = c.sizes[r - 1];
    const auto values = input.to_vector<float>();
    std::vector<double> want;
    std::vector<int64_t> want_idx;
    for (size_t plane = 0; plane * h * w < values.size(); ++plane) {
      for (int64_t y = 0; y < c.oh; ++y) {
        for (int64_t x = 0; x < c.ow; ++x) {
          // With dilation a window can miss the input entirely; ATen then
          // gives -inf at the first grid position at or after 0.
          int64_t y0 = y * c.s[0] - c.p[0], x0 = x * c.s[1] - c.p[1];
          while (y0 < 0) y0 += c.d[0];
          while (x0 < 0) x0 += c.d[1];
          double best = -INFINITY;
          int64_t best_at = y0 * w + x0;
          bool found = false;
          for (int64_t i = 0; i < c.k[0]; ++i) {
            for (int64_t j = 0; j < c.k[1]; ++j) {
              const int64_t yy = y * c.s[0] - c.p[0] + i * c.d[0], xx = x * c.s[1] - c.p[1] + j * c.d[1];
              if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
              const double v = values[plane * h * w + static_cast<size_t>(yy * w + xx)];
              if (!found || v > best || std::isnan(v)) {
                found = true;
                best = v;
                best_at = yy * w + xx;
              }
            }
          }
          want.push_back(best);
          want_idx.push_back(best_at);
        }
      }
    }
    expect_close(out.to_vector<float>(), want, 0, 0);
    EXPECT_EQ(indices.to_vector<int64_t>(), want_idx);
  }
}

TEST(MaxPool2dWithIndices, CeilModeAndErrors) {
  // H = W = 5, k 2, s 2, p 1, ceil_mode: the 4th window would start in the
  // right padding, so there are 3 (ATen), windows [-1,0], [1,2], [3,4].
  std::vector<float> v(25);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  auto in = TensorFactory::make<float>({1, 5, 5}, v);
  auto out = TensorFactory::dynamic_bound(ScalarType::Float, {1, 5, 5});
  auto idx = TensorFactory::dynamic_bound(ScalarType::Long, {1, 5, 5});
  OwnedIntList k({2}), s({2}), p({1}), d({1}), none({});
  ASSERT_TRUE(call("aten::max_pool2d_with_indices.out",
                   {ev(in), k.evalue(), none.evalue(), p.evalue(), d.evalue(), ev_bool(true)}, {ev(out), ev(idx)})
                  .ok());
  EXPECT_EQ(out.sizes(), (std::vector<SizesType>{1, 3, 3}));
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{0, 2, 4, 10, 12, 14, 20, 22, 24}));
  EXPECT_EQ(idx.to_vector<int64_t>(), (std::vector<int64_t>{0, 2, 4, 10, 12, 14, 20, 22, 24}));

  OwnedIntList big_pad({2});
  EXPECT_KERNEL_FAILS(
      call("aten::max_pool2d_with_indices.out",
           {ev(in), k.evalue(), s.evalue(), big_pad.evalue(), d.evalue(), ev_bool(false)}, {ev(out), ev(idx)}),
      "aten::max_pool2d_with_indices.out", "padding");
  OwnedIntList zero({0});
  EXPECT_KERNEL_FAILS(
      call("aten::max_pool2d_with_indices.out",
           {ev(in), k.evalue(), zero.evalue(), p.evalue(), d.evalue(), ev_bool(false)}, {ev(out), ev(idx)}),
      "aten::max_pool2d_with_indices.out", "positive");
  OwnedIntList huge({9});
  EXPECT_KERNEL_FAILS(
      call("aten::max_pool2d_with_indices.out",
           {ev(in), huge.evalue(), s.evalue(), p.evalue(), d.evalue(), ev_bool(false)}, {ev(out), ev(idx)}),
      "aten::max_pool2d_with_indices.out", "too small");
  auto int_idx = TensorFactory::dynamic_bound(ScalarType::Int, {1, 5, 5});
  EXPECT_KERNEL_FAILS(
      call("aten::max_pool2d_with_indices.out",
           {ev(in), k.evalue(), s.evalue(), p.evalue(), d.evalue(), ev_bool(false)}, {ev(out), ev(int_idx)}),
      "aten::max_pool2d_with_indices.out", "indices");
}

TEST(AvgPool2d, RandomWindowsPadCountingAndDivisor) {
  std::mt19937 rng(24);
  for (int iter = 0; iter < 200; ++iter) {
    const PoolCase c = random_pool_case(rng, /*dilation=*/false);
    const bool include_pad = rng() % 2;
    const int64_t divisor = rng() % 4 == 0 ? 1 + rng() % 5 : 0;
    auto input = random_tensor<double>(rng, c.sizes);
    const auto out_sizes = pooled_sizes(c);
    auto out = random_layout_zeros(rng, ScalarType::Double, out_sizes);
    OwnedIntList k({c.k[0], c.k[1]}), s({c.s[0], c.s[1]}), p({c.p[0], c.p[1]});
    const KernelResult res = call("aten::avg_pool2d.out",
                                  {ev(input), k.evalue(), s.evalue(), p.evalue(), ev_bool(c.ceil_mode),
                                   ev_bool(include_pad), divisor ? ev_int(divisor) : EValue()},
                                  {ev(out)});
    ASSERT_TRUE(res.ok()) << res.message;
    const size_t r = c.sizes.size();
    const int64_t h = c.sizes[r - 2], w = c.sizes[r - 1];
    const auto values = input.to_vector<double>();
    std::vector<double> want;
    for (size_t plane = 0; plane * h * w < values.size(); ++plane) {
      for (int64_t y = 0; y < c.oh; ++y) {
        for (int64_t x = 0; x < c.ow; ++x) {
          double sum = 0;
          int64_t real = 0, padded = 0;
          for (int64_t i = 0; i < c.k[0]; ++i) {
            for (int64_t j = 0; j < c.k[1]; ++j) {
              const int64_t yy = y * c.s[0] - c.p[0] + i, xx = x * c.s[1] - c.p[1] + j;
              // Positions past the padding (ceil_mode overhang) count nowhere.
              if (yy < h + c.p[0] && xx < w + c.p[1]) ++padded;
              if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
              sum += values[plane * h * w + static_cast<size_t>(yy * w + xx)];
              ++real;
            }
          }
          const int64_t factor = divisor ? divisor : include_pad ? padded : real;
          want.push_back(real == 0 ? 0.0 : sum / static_cast<double>(factor));
        }
      }
    }
    expect_close(out.to_vector<double>(), want, 1e-12, 1e-12);
  }
  auto in = TensorFactory::make<float>({1, 2, 2});
  auto out = TensorFactory::zeros(ScalarType::Float, {1, 1, 1});
  OwnedIntList k({2}), none({}), p({0});
  EXPECT_KERNEL_FAILS(
      call("aten::avg_pool2d.out",
           {ev(in), k.evalue(), none.evalue(), p.evalue(), ev_bool(false), ev_bool(true), ev_int(0)}, {ev(out)}),
      "aten::avg_pool2d.out", "divisor_override");
  auto ints = TensorFactory::make<int32_t>({1, 2, 2});
  auto int_out = TensorFactory::zeros(ScalarType::Int, {1, 1, 1});
  EXPECT_KERNEL_FAILS(
      call("aten::avg_pool2d.out",
           {ev(ints), k.evalue(), none.evalue(), p.evalue(), ev_bool(false), ev_bool(true), EValue()}, {ev(int_out)}),
      "aten::avg_pool2d.out", "dtype");
}

TEST(AdaptiveAvgPool2d, RandomSizes) {
  std::mt19937 rng(25);
  for (int iter = 0; iter < 100; ++iter) {
    std::vector<SizesType> sizes = {static_cast<SizesType>(1 + rng() % 3), static_cast<SizesType>(1 + rng() % 7),
                                    static_cast<SizesType>(1 + rng() % 7)};
    if (rng() % 2) sizes.insert(sizes.begin(), static_cast<SizesType>(rng() % 3));
    const size_t r = sizes.size();
    const int64_t h = sizes[r - 2], w = sizes[r - 1];
    const int64_t oh = 1 + rng() % 8, ow = rng() % 8;
    auto out_sizes = sizes;
    out_sizes[r - 2] = static_cast<SizesType>(oh);
    out_sizes[r - 1] = static_cast<SizesType>(ow);
    auto input = random_tensor<float>(rng, sizes);
    auto out = random_layout_zeros(rng, ScalarType::Float, out_sizes);
    OwnedIntList size({oh, ow});
    ASSERT_TRUE(call("aten::_adaptive_avg_pool2d.out", {ev(input), size.evalue()}, {ev(out)}).ok());
    const auto values = input.to_vector<float>();
    std::vector<double> want;
    for (size_t plane = 0; plane * h * w < values.size(); ++plane) {
      for (int64_t y = 0; y < oh; ++y) {
        for (int64_t x = 0; x < ow; ++x) {
          const int64_t y0 = y * h / oh, y1 = (y + 1) * h / oh + ((y + 1) * h % oh != 0);
          const int64_t x0 = x * w / ow, x1 = (x + 1) * w / ow + ((x + 1) * w % ow != 0);
          double sum = 0;
          for (int64_t i = y0; i < y1; ++i) {
            for (int64_t j = x0; j < x1; ++j) sum += values[plane * h * w + static_cast<size_t>(i * w + j)];
          }
          want.push_back(sum / static_cast<double>((y1 - y0) * (x1 - x0)));
        }
      }
    }
    expect_close(out.to_vector<float>(), want, 1e-5, 1e-5);
  }
  auto empty_plane = TensorFactory::make<float>({1, 0, 3});
  auto out = TensorFactory::zeros(ScalarType::Float, {1, 1, 1});
  OwnedIntList size({1, 1});
  EXPECT_KERNEL_FAILS(call("aten::_adaptive_avg_pool2d.out", {ev(empty_plane), size.evalue()}, {ev(out)}),
                      "aten::_adaptive_avg_pool2d.out", "empty");
}

}  // namespace
}  // namespace ember::test
