// aten::convolution.out against a direct double-precision reference: 1-D and
// 2-D, stride (also larger than the kernel), per-dimension padding, dilation,
// groups, depthwise, transposed with output_padding, no bias, batch > 1; with
// temp memory, without, and with a 2-thread pool. Plus the error cases.
#include <gtest/gtest.h>

#include "test/kernels/gemm_conv_test_util.h"
#include "test/support/evalue_list.h"
#include "test/support/tensor_factory.h"

namespace ember::test {
namespace {

struct ConvCase {
  const char* name;
  bool one_d;
  int32_t n, cin, h, w, cout, kh, kw;
  int64_t sh, sw, ph, pw, dh, dw;
  int64_t groups;
  bool transposed;
  int64_t oph, opw;
  bool bias;
};

int64_t out_size(const ConvCase& c, bool height) {
  const int64_t in = height ? c.h : c.w, k = height ? c.kh : c.kw, s = height ? c.sh : c.sw;
  const int64_t p = height ? c.ph : c.pw, d = height ? c.dh : c.dw, op = height ? c.oph : c.opw;
  if (c.transposed) return (in - 1) * s - 2 * p + d * (k - 1) + op + 1;
  return (in + 2 * p - d * (k - 1) - 1) / s + 1;
}

// Direct definition: every (input pixel, kernel tap) pair contributes to the
// output pixel it maps to.
std::vector<RefValue> conv_ref(const ConvCase& c, const std::vector<float>& x, const std::vector<float>& w,
                               const std::vector<float>& bias) {
  const int64_t oh = out_size(c, true), ow = out_size(c, false);
  const int64_t cin_g = c.cin / c.groups, cout_g = c.cout / c.groups;
  std::vector<RefValue> out(static_cast<size_t>(c.n * c.cout * oh * ow));
  for (int64_t b = 0; b < c.n; ++b) {
    for (int64_t co = 0; co < c.cout; ++co) {
      const int64_t g = co / cout_g;
      for (int64_t y = 0; y < oh; ++y) {
        for (int64_t xo = 0; xo < ow; ++xo) {
          RefValue r;
          if (c.bias) {
            r.value = bias[co];
            r.magnitude = std::fabs(bias[co]);
          }
          for (int64_t cl = 0; cl < cin_g; ++cl) {
            const int64_t ci = g * cin_g + cl;
            for (int64_t i = 0; i < c.kh; ++i) {
              for (int64_t j = 0; j < c.kw; ++j) {
                int64_t ih, iw;
                double wv;
                if (!c.transposed) {
                  ih = y * c.sh - c.ph + i * c.dh;
                  iw = xo * c.sw - c.pw + j * c.dw;
                  wv = w[((co * cin_g + cl) * c.kh + i) * c.kw + j];
                } else {
                  // y = ih·s - p + i·d  =>  ih = (y + p - i·d) / s when it divides.
                  const int64_t th = y + c.ph - i * c.dh, tw = xo + c.pw - j * c.dw;
                  if (th < 0 || tw < 0 || th % c.sh != 0 || tw % c.sw != 0) continue;
                  ih = th / c.sh;
                  iw = tw / c.sw;
                  wv = w[((ci * cout_g + (co - g * cout_g)) * c.kh + i) * c.kw + j];
                }
                if (ih < 0 || ih >= c.h || iw < 0 || iw >= c.w) continue;
                const double t = wv * x[((b * c.cin + ci) * c.h + ih) * c.w + iw];
                r.value += t;
                r.magnitude += std::fabs(t);
              }
            }
          }
          out[static_cast<size_t>(((b * c.cout + co) * oh + y) * ow + xo)] = r;
        }
      }
    }
  }
  return out;
}

std::vector<SizesType> shape(const ConvCase& c, int32_t n, int32_t ch, int64_t h, int64_t w) {
  if (c.one_d) return {n, ch, static_cast<SizesType>(w)};
  return {n, ch, static_cast<SizesType>(h), static_cast<SizesType>(w)};
}

std::vector<int64_t> param(const ConvCase& c, int64_t h, int64_t w) {
  if (c.one_d) return {w};
  return {h, w};
}

const ConvCase kCases[] = {
    // name, 1d, n, cin, h, w, cout, kh, kw, sh, sw, ph, pw, dh, dw, groups, transposed, oph, opw, bias
    // (1-D cases have h = kh = sh = dh = 1 and ph = oph = 0)
    {"3x3 pad 1", false, 1, 8, 11, 13, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, false, 0, 0, true},
    {"resnet-like 56x56x64 -> 64", false, 1, 64, 20, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, false, 0, 0, true},
    {"stride 3 > kernel 2", false, 2, 3, 10, 11, 5, 2, 2, 3, 3, 0, 0, 1, 1, 1, false, 0, 0, true},
    {"padding 2 / 0, stride 2 / 1", false, 1, 4, 7, 9, 6, 3, 2, 2, 1, 2, 0, 1, 1, 1, false, 0, 0, false},
    {"dilation 2", false, 1, 5, 12, 12, 7, 3, 3, 1, 1, 2, 1, 2, 2, 1, false, 0, 0, true},
    {"groups 2", false, 2, 6, 9, 8, 10, 3, 3, 1, 2, 1, 1, 1, 1, 2, false, 0, 0, true},
    {"depthwise", false, 1, 12, 10, 14, 12, 3, 3, 1, 1, 1, 1, 1, 1, 12, false, 0, 0, true},
    {"depthwise x2, stride 2, dilation 2", false, 2, 4, 9, 11, 8, 3, 3, 2, 2, 2, 1, 2, 2, 4, false, 0, 0, false},
    {"pointwise 1x1", false, 2, 16, 6, 7, 24, 1, 1, 1, 1, 0, 0, 1, 1, 1, false, 0, 0, true},
    {"1x1 stride 2", false, 1, 5, 7, 7, 3, 1, 1, 2, 2, 0, 0, 1, 1, 1, false, 0, 0, true},
    {"big K (Cin 40, 5x5)", false, 1, 40, 12, 12, 33, 5, 5, 1, 1, 2, 2, 1, 1, 1, false, 0, 0, true},
    {"kernel = input", false, 1, 3, 4, 5, 2, 4, 5, 1, 1, 0, 0, 1, 1, 1, false, 0, 0, true},
    {"transposed stride 2 output_padding 1", false, 1, 6, 5, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, true, 1, 1, true},
    {"transposed groups 2 dilation 2", false, 2, 4, 4, 5, 6, 3, 2, 1, 2, 0, 1, 2, 1, 2, true, 0, 1, false},
    {"transposed stride 3 pad 2", false, 1, 3, 6, 6, 2, 4, 4, 3, 3, 2, 2, 1, 1, 1, true, 2, 0, true},
    {"transposed in row bands (2 MiB columns)", false, 1, 4, 40, 64, 16, 4, 4, 2, 2, 1, 1, 1, 1, 1, true, 1, 0, true},
    {"1-D", true, 2, 6, 1, 30, 9, 1, 5, 1, 2, 0, 2, 1, 1, 1, false, 0, 0, true},
    {"1-D dilation 3 groups 3", true, 1, 6, 1, 25, 9, 1, 3, 1, 1, 0, 3, 1, 3, 3, false, 0, 0, false},
    {"1-D depthwise", true, 1, 5, 1, 17, 5, 1, 3, 1, 1, 0, 1, 1, 1, 5, false, 0, 0, true},
    {"1-D transposed", true, 1, 4, 1, 9, 3, 1, 3, 1, 2, 0, 1, 1, 1, 1, true, 0, 1, true},
    {"batch 0", false, 0, 3, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, false, 0, 0, true},
};

class ConvolutionTest : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvolutionTest, MatchesReference) {
  const ConvCase& c = GetParam();
  std::mt19937 rng(11);
  const int32_t wdim0 = c.transposed ? c.cin : c.cout;
  const int32_t wdim1 = static_cast<int32_t>(c.transposed ? c.cout / c.groups : c.cin / c.groups);
  const auto xshape = shape(c, c.n, c.cin, c.h, c.w);
  const auto wshape = shape(c, wdim0, wdim1, c.kh, c.kw);
  const auto oshape = shape(c, c.n, c.cout, out_size(c, true), out_size(c, false));
  size_t xn = 1, wn = 1;
  for (SizesType d : xshape) xn *= static_cast<size_t>(d);
  for (SizesType d : wshape) wn *= static_cast<size_t>(d);
  const auto xv = random_floats(xn, rng), wv = random_floats(wn, rng), bv = random_floats(c.cout, rng);
  const auto want = conv_ref(c, xv, wv, bv);
  const ExecEnv envs[] = {{true, 0, "temp"}, {false, 0, "no temp"}, {true, 2, "2 threads"}};
  for (const char* kernel : available_gemm_kernels()) {
    ScopedGemmKernel use(kernel);
    for (const ExecEnv& env : envs) {
      auto x = TensorFactory::make<float>(xshape, xv);
      auto w = TensorFactory::make<float>(wshape, wv);
      auto b = TensorFactory::make<float>({c.cout}, bv);
      auto out = TensorFactory::make<float>(oshape);
      OwnedIntList stride(param(c, c.sh, c.sw)), padding(param(c, c.ph, c.pw)), dilation(param(c, c.dh, c.dw)),
          output_padding(param(c, c.oph, c.opw));
      EValue ex(x.tensor()), ew(w.tensor()), eb = c.bias ? EValue(b.tensor()) : EValue(), eo(out.tensor());
      EValue es = stride.evalue(), ep = padding.evalue(), ed = dilation.evalue(), eop = output_padding.evalue();
      EValue et(c.transposed), eg(c.groups);
      KernelResult r =
          run_kernel_env("aten::convolution.out", {&ex, &ew, &eb, &es, &ep, &ed, &et, &eop, &eg, &eo, &eo}, env);
      ASSERT_TRUE(r.ok()) << r.message;
      expect_close(out.to_vector<float>(), want, std::string(c.name) + ", " + env.name + ", " + kernel);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ConvolutionTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ConvCase>& info) {
                           return "case" + std::to_string(info.index);
                         });

// Runs convolution with the given lists and groups on a 1x4x6x6 input.
KernelResult run_conv_args(std::vector<SizesType> wshape, std::vector<int64_t> stride, std::vector<int64_t> padding,
                           int64_t groups, bool transposed = false, std::vector<int64_t> output_padding = {0, 0},
                           std::vector<SizesType> bias_shape = {}) {
  auto x = TensorFactory::make<float>({1, 4, 6, 6});
  auto w = TensorFactory::make<float>(wshape);
  auto b = TensorFactory::make<float>(bias_shape.empty() ? std::vector<SizesType>{1} : bias_shape);
  auto out = TensorFactory::dynamic_bound(ScalarType::Float, {1, 64, 32, 32});
  OwnedIntList s(stride), p(padding), d({1, 1}), op(output_padding);
  EValue ex(x.tensor()), ew(w.tensor()), eb = bias_shape.empty() ? EValue() : EValue(b.tensor()), eo(out.tensor());
  EValue es = s.evalue(), ep = p.evalue(), ed = d.evalue(), eop = op.evalue(), et(transposed), eg(groups);
  return run_kernel("aten::convolution.out", {&ex, &ew, &eb, &es, &ep, &ed, &et, &eop, &eg, &eo, &eo});
}

TEST(ConvolutionErrors, FailThroughContext) {
  constexpr const char* op = "aten::convolution.out";
  EXPECT_TRUE(run_conv_args({2, 4, 3, 3}, {1, 1}, {1, 1}, 1).ok());
  EXPECT_TRUE(run_conv_args({2, 4, 3, 3}, {1}, {1}, 1).ok());  // one value expands to both dims
  EXPECT_KERNEL_FAILS(run_conv_args({2, 4, 3, 3}, {1, 1}, {-1, 1}, 1), op, "padding");
  EXPECT_KERNEL_FAILS(run_conv_args({2, 4, 3, 3}, {0, 1}, {1, 1}, 1), op, "stride");
  EXPECT_KERNEL_FAILS(run_conv_args({3, 4, 3, 3}, {1, 1, 1}, {1, 1}, 1), op, "stride");
  EXPECT_KERNEL_FAILS(run_conv_args({3, 1, 3, 3}, {1, 1}, {1, 1}, 3), op, "groups");  // 3 does not divide 4
  EXPECT_KERNEL_FAILS(run_conv_args({3, 2, 3, 3}, {1, 1}, {1, 1}, 2), op, "weight");  // 3 outputs in 2 groups
  EXPECT_KERNEL_FAILS(run_conv_args({2, 3, 3, 3}, {1, 1}, {1, 1}, 1), op, "weight");  // channel mismatch
  EXPECT_KERNEL_FAILS(run_conv_args({2, 4, 3}, {1, 1}, {1, 1}, 1), op, "weight");     // rank mismatch
  EXPECT_KERNEL_FAILS(run_conv_args({2, 4, 9, 9}, {1, 1}, {0, 0}, 1), op, "output size");
  EXPECT_KERNEL_FAILS(run_conv_args({2, 4, 3, 3}, {1, 1}, {1, 1}, 0), op, "groups");
  EXPECT_KERNEL_FAILS(run_conv_args({2, 4, 3, 3}, {1, 1}, {1, 1}, 1, false, {0, 0}, {3}), op, "bias");
  EXPECT_KERNEL_FAILS(run_conv_args({4, 2, 3, 3}, {2, 2}, {1, 1}, 1, true, {2, 0}), op, "output_padding");
  EXPECT_KERNEL_FAILS(run_conv_args({3, 2, 3, 3}, {2, 2}, {1, 1}, 1, true), op, "weight");  // dim 0 != Cin
  EXPECT_TRUE(run_conv_args({4, 2, 3, 3}, {2, 2}, {1, 1}, 1, true, {1, 1}).ok());

  // Float only.
  auto x = TensorFactory::make<int32_t>({1, 1, 3, 3});
  auto w = TensorFactory::make<float>({1, 1, 1, 1});
  auto out = TensorFactory::make<float>({1, 1, 3, 3});
  OwnedIntList s({1, 1}), p({0, 0}), d({1, 1}), opad({0, 0});
  EValue ex(x.tensor()), ew(w.tensor()), none, eo(out.tensor());
  EValue es = s.evalue(), ep = p.evalue(), ed = d.evalue(), eop = opad.evalue(), et(false), eg(int64_t{1});
  EXPECT_KERNEL_FAILS(run_kernel(op, {&ex, &ew, &none, &es, &ep, &ed, &et, &eop, &eg, &eo, &eo}), op, "input: dtype");
  EXPECT_KERNEL_FAILS(run_kernel(op, {&ew, &ew, &none, &es, &ep, &ed, &none, &eop, &eg, &eo, &eo}), op, "transposed");
}

}  // namespace
}  // namespace ember::test
