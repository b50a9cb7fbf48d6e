// permute_copy, transpose_copy, unsqueeze_copy, squeeze_copy.dims,
// expand_copy, slice_copy, select_copy, cat and split_with_sizes_copy against
// scalar references, over random shapes (empty and size-1 dims included),
// random dim orders of inputs and outputs, negative dims and every dtype.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "test/kernels/shape_test_util.h"
#include "test/support/evalue_list.h"

namespace ember::test {
namespace {

// A dim in [0, rank) spelled randomly as itself or as its negative form.
int64_t spell_dim(std::mt19937& rng, size_t d, size_t rank) {
  return rng() % 2 ? static_cast<int64_t>(d) : static_cast<int64_t>(d) - static_cast<int64_t>(rank);
}

template <typename T>
void permute_case(std::mt19937& rng) {
  auto sizes = random_shape(rng, 5, 4);
  const size_t rank = sizes.size();
  std::vector<int64_t> perm(rank);
  for (size_t i = 0; i < rank; ++i) perm[i] = static_cast<int64_t>(i);
  std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<SizesType> out_sizes(rank);
  for (size_t i = 0; i < rank; ++i) out_sizes[i] = sizes[static_cast<size_t>(perm[i])];
  OwnedTensor in = random_tensor<T>(rng, sizes);
  OwnedTensor out = random_layout_zeros(rng, ScalarTypeOf<T>::value, out_sizes);
  std::vector<int64_t> spelled(rank);
  for (size_t i = 0; i < rank; ++i) spelled[i] = spell_dim(rng, static_cast<size_t>(perm[i]), rank);
  OwnedIntList dims(spelled);
  ASSERT_TRUE(call("aten::permute_copy.out", {ev(in), dims.evalue()}, {ev(out)}).ok());
  auto want = moved_values<T>(in.to_vector<T>(), sizes, out_sizes, [&](const std::vector<int64_t>& o) {
    std::vector<int64_t> s(rank);
    for (size_t i = 0; i < rank; ++i) s[static_cast<size_t>(perm[i])] = o[i];
    return s;
  });
  EXPECT_EQ(out.to_vector<T>(), want);
}

TEST(PermuteCopy, RandomShapesLayoutsAndDtypes) {
  std::mt19937 rng(1);
  for (int i = 0; i < 40; ++i) {
    for_each_dtype([&](auto tag) { permute_case<typename decltype(tag)::type>(rng); });
  }
}

TEST(PermuteCopy, Errors) {
  auto in = TensorFactory::make<float>({2, 3});
  auto out = TensorFactory::zeros(ScalarType::Float, {3, 2});
  OwnedIntList repeated({0, 0}), short_list({1}), out_of_range({0, 2});
  EXPECT_KERNEL_FAILS(call("aten::permute_copy.out", {ev(in), repeated.evalue()}, {ev(out)}), "aten::permute_copy.out",
                      "more than once");
  EXPECT_KERNEL_FAILS(call("aten::permute_copy.out", {ev(in), short_list.evalue()}, {ev(out)}),
                      "aten::permute_copy.out", "dims");
  EXPECT_KERNEL_FAILS(call("aten::permute_copy.out", {ev(in), out_of_range.evalue()}, {ev(out)}),
                      "aten::permute_copy.out", "out of range");
  OwnedIntList ok({1, 0});
  auto wrong_dtype = TensorFactory::zeros(ScalarType::Int, {3, 2});
  EXPECT_KERNEL_FAILS(call("aten::permute_copy.out", {ev(in), ok.evalue()}, {ev(wrong_dtype)}),
                      "aten::permute_copy.out", "dtype");
  auto wrong_shape = TensorFactory::zeros(ScalarType::Float, {2, 3});
  EXPECT_KERNEL_FAILS(call("aten::permute_copy.out", {ev(in), ok.evalue()}, {ev(wrong_shape)}),
                      "aten::permute_copy.out", "out");
}

TEST(TransposeCopy, RandomAndScalar) {
  std::mt19937 rng(2);
  for (int iter = 0; iter < 60; ++iter) {
    auto sizes = random_shape(rng, 5, 4);
    if (sizes.empty()) sizes.push_back(3);
    const size_t rank = sizes.size();
    const size_t d0 = rng() % rank, d1 = rng() % rank;
    auto out_sizes = sizes;
    std::swap(out_sizes[d0], out_sizes[d1]);
    auto in = random_tensor<int64_t>(rng, sizes);
    auto out = random_layout_zeros(rng, ScalarType::Long, out_sizes);
    ASSERT_TRUE(call("aten::transpose_copy.int_out",
                     {ev(in), ev_int(spell_dim(rng, d0, rank)), ev_int(spell_dim(rng, d1, rank))}, {ev(out)})
                    .ok());
    auto want = moved_values<int64_t>(in.to_vector<int64_t>(), sizes, out_sizes, [&](const std::vector<int64_t>& o) {
      auto s = o;
      std::swap(s[d0], s[d1]);
      return s;
    });
    EXPECT_EQ(out.to_vector<int64_t>(), want);
  }
  // A 0-dim tensor takes dims 0 and -1.
  auto scalar = TensorFactory::make<float>({}, {4.5f});
  auto out = TensorFactory::zeros(ScalarType::Float, {});
  ASSERT_TRUE(call("aten::transpose_copy.int_out", {ev(scalar), ev_int(0), ev_int(-1)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<float>(), std::vector<float>{4.5f});
  EXPECT_KERNEL_FAILS(call("aten::transpose_copy.int_out", {ev(scalar), ev_int(0), ev_int(1)}, {ev(out)}),
                      "aten::transpose_copy.int_out", "dim1");
}

TEST(UnsqueezeSqueeze, ShapesAndValues) {
  std::mt19937 rng(3);
  for (int iter = 0; iter < 60; ++iter) {
    auto sizes = random_shape(rng, 4, 3);
    const size_t rank = sizes.size();
    const size_t at = rng() % (rank + 1);
    auto out_sizes = sizes;
    out_sizes.insert(out_sizes.begin() + static_cast<std::ptrdiff_t>(at), 1);
    auto in = random_tensor<float>(rng, sizes);
    auto out = random_layout_zeros(rng, ScalarType::Float, out_sizes);
    ASSERT_TRUE(call("aten::unsqueeze_copy.out", {ev(in), ev_int(spell_dim(rng, at, rank + 1))}, {ev(out)}).ok());
    EXPECT_EQ(out.to_vector<float>(), in.to_vector<float>());

    // Squeeze it back, listing the new dim and a dim of another size (kept).
    auto back = random_layout_zeros(rng, ScalarType::Float, sizes);
    std::vector<int64_t> dims = {spell_dim(rng, at, rank + 1)};
    for (size_t d = 0; d < rank + 1; ++d) {
      if (d != at && out_sizes[d] != 1) {
        dims.push_back(static_cast<int64_t>(d));
        break;
      }
    }
    OwnedIntList list(dims);
    ASSERT_TRUE(call("aten::squeeze_copy.dims_out", {ev(out), list.evalue()}, {ev(back)}).ok());
    EXPECT_EQ(back.sizes(), sizes);
    EXPECT_EQ(back.to_vector<float>(), in.to_vector<float>());
  }
  auto in = TensorFactory::make<int32_t>({1, 2, 1}, {7, 8});
  auto out = TensorFactory::zeros(ScalarType::Int, {2});
  OwnedIntList all({0, -1});
  ASSERT_TRUE(call("aten::squeeze_copy.dims_out", {ev(in), all.evalue()}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<int32_t>(), (std::vector<int32_t>{7, 8}));
  OwnedIntList twice({0, -3});
  EXPECT_KERNEL_FAILS(call("aten::squeeze_copy.dims_out", {ev(in), twice.evalue()}, {ev(out)}),
                      "aten::squeeze_copy.dims_out", "more than once");
  EXPECT_KERNEL_FAILS(call("aten::unsqueeze_copy.out", {ev(in), ev_int(4)}, {ev(out)}), "aten::unsqueeze_copy.out",
                      "dim");
}

TEST(ExpandCopy, BroadcastsLikeATen) {
  std::mt19937 rng(4);
  for (int iter = 0; iter < 60; ++iter) {
    auto sizes = random_shape(rng, 3, 3);
    std::vector<int64_t> target;
    std::vector<SizesType> out_sizes;
    const size_t lead = rng() % 3;
    for (size_t i = 0; i < lead; ++i) {
      out_sizes.push_back(static_cast<SizesType>(rng() % 4));
      target.push_back(out_sizes.back());
    }
    for (SizesType s : sizes) {
      const SizesType t = s == 1 ? static_cast<SizesType>(rng() % 4) : s;
      out_sizes.push_back(t);
      target.push_back(t == s && rng() % 2 ? -1 : t);
    }
    auto in = random_tensor<int16_t>(rng, sizes);
    auto out = random_layout_zeros(rng, ScalarType::Short, out_sizes);
    OwnedIntList size(target);
    ASSERT_TRUE(call("aten::expand_copy.out", {ev(in), size.evalue(), ev_bool(false)}, {ev(out)}).ok());
    auto want = moved_values<int16_t>(in.to_vector<int16_t>(), sizes, out_sizes, [&](const std::vector<int64_t>& o) {
      std::vector<int64_t> s(sizes.size());
      for (size_t d = 0; d < sizes.size(); ++d) s[d] = sizes[d] == 1 ? 0 : o[lead + d];
      return s;
    });
    EXPECT_EQ(out.to_vector<int16_t>(), want);
  }
  auto in = TensorFactory::make<float>({2, 1}, {1, 2});
  auto out = TensorFactory::zeros(ScalarType::Float, {2, 3});
  OwnedIntList bad({3, 3}), leading_minus({-1, 2, 3}), too_short({3});
  EXPECT_KERNEL_FAILS(call("aten::expand_copy.out", {ev(in), bad.evalue(), ev_bool(false)}, {ev(out)}),
                      "aten::expand_copy.out", "cannot expand");
  EXPECT_KERNEL_FAILS(call("aten::expand_copy.out", {ev(in), leading_minus.evalue(), ev_bool(false)}, {ev(out)}),
                      "aten::expand_copy.out", "leading");
  EXPECT_KERNEL_FAILS(call("aten::expand_copy.out", {ev(in), too_short.evalue(), ev_bool(false)}, {ev(out)}),
                      "aten::expand_copy.out", "size");
}

// ATen's slice clamping, written independently of the kernel: the list of
// source indices.
std::vector<int64_t> slice_indices(int64_t size, int64_t start, int64_t end, int64_t step) {
  std::vector<int64_t> r;
  const int64_t s = std::clamp<int64_t>(start < 0 ? start + size : start, 0, size);
  const int64_t e = std::clamp<int64_t>(end < 0 ? end + size : end, 0, size);
  for (int64_t i = s; i < e; i += step) r.push_back(i);
  return r;
}

TEST(SliceCopy, ClampsAndStepsLikeATen) {
  std::mt19937 rng(5);
  for (int iter = 0; iter < 200; ++iter) {
    auto sizes = random_shape(rng, 4, 5);
    if (sizes.empty()) sizes.push_back(4);
    const size_t rank = sizes.size();
    const size_t d = rng() % rank;
    const int64_t size = sizes[d];
    std::uniform_int_distribution<int64_t> pos(-size - 3, size + 3);
    const bool has_start = rng() % 4 != 0, has_end = rng() % 4 != 0;
    const int64_t start = has_start ? pos(rng) : 0;
    const int64_t end = has_end ? (rng() % 8 == 0 ? INT64_MAX : pos(rng)) : INT64_MAX;
    const int64_t step = 1 + static_cast<int64_t>(rng() % 3);
    const auto picks = slice_indices(size, start, end, step);
    auto out_sizes = sizes;
    out_sizes[d] = static_cast<SizesType>(picks.size());
    auto in = random_tensor<double>(rng, sizes);
    auto out = random_layout_zeros(rng, ScalarType::Double, out_sizes);
    ASSERT_TRUE(call("aten::slice_copy.Tensor_out",
                     {ev(in), ev_int(spell_dim(rng, d, rank)), has_start ? ev_int(start) : EValue(),
                      has_end ? ev_int(end) : EValue(), ev_int(step)},
                     {ev(out)})
                    .ok())
        << "start " << start << " end " << end << " step " << step << " size " << size;
    auto want = moved_values<double>(in.to_vector<double>(), sizes, out_sizes, [&](const std::vector<int64_t>& o) {
      auto s = o;
      s[d] = picks[static_cast<size_t>(o[d])];
      return s;
    });
    EXPECT_EQ(out.to_vector<double>(), want);
  }
  auto in = TensorFactory::make<float>({4}, {1, 2, 3, 4});
  auto out = TensorFactory::dynamic_bound(ScalarType::Float, {4});
  EXPECT_KERNEL_FAILS(
      call("aten::slice_copy.Tensor_out", {ev(in), ev_int(0), EValue(), EValue(), ev_int(0)}, {ev(out)}),
      "aten::slice_copy.Tensor_out", "step");
  EXPECT_KERNEL_FAILS(
      call("aten::slice_copy.Tensor_out", {ev(in), ev_int(1), EValue(), EValue(), ev_int(1)}, {ev(out)}),
      "aten::slice_copy.Tensor_out", "dim");
  // Start past the end gives an empty result.
  ASSERT_TRUE(
      call("aten::slice_copy.Tensor_out", {ev(in), ev_int(0), ev_int(9), ev_int(-9), ev_int(2)}, {ev(out)}).ok());
  EXPECT_EQ(out.sizes(), (std::vector<SizesType>{0}));
}

TEST(SelectCopy, IndexesAndChecks) {
  std::mt19937 rng(6);
  for (int iter = 0; iter < 80; ++iter) {
    auto sizes = random_shape(rng, 4, 4);
    if (sizes.empty()) sizes.push_back(2);
    const size_t rank = sizes.size();
    const size_t d = rng() % rank;
    if (sizes[d] == 0) sizes[d] = 1;
    const int64_t index = static_cast<int64_t>(rng() % static_cast<uint32_t>(sizes[d]));
    auto out_sizes = sizes;
    out_sizes.erase(out_sizes.begin() + static_cast<std::ptrdiff_t>(d));
    auto in = random_tensor<uint8_t>(rng, sizes, 0, 255);
    auto out = random_layout_zeros(rng, ScalarType::Byte, out_sizes);
    const int64_t spelled = rng() % 2 ? index : index - sizes[d];
    ASSERT_TRUE(
        call("aten::select_copy.int_out", {ev(in), ev_int(spell_dim(rng, d, rank)), ev_int(spelled)}, {ev(out)}).ok());
    auto want = moved_values<uint8_t>(in.to_vector<uint8_t>(), sizes, out_sizes, [&](const std::vector<int64_t>& o) {
      auto s = o;
      s.insert(s.begin() + static_cast<std::ptrdiff_t>(d), index);
      return s;
    });
    EXPECT_EQ(out.to_vector<uint8_t>(), want);
  }
  auto in = TensorFactory::make<float>({2, 3});
  auto out = TensorFactory::zeros(ScalarType::Float, {2});
  EXPECT_KERNEL_FAILS(call("aten::select_copy.int_out", {ev(in), ev_int(1), ev_int(3)}, {ev(out)}),
                      "aten::select_copy.int_out", "index");
  EXPECT_KERNEL_FAILS(call("aten::select_copy.int_out", {ev(in), ev_int(1), ev_int(-4)}, {ev(out)}),
                      "aten::select_copy.int_out", "index");
  auto scalar = TensorFactory::make<float>({}, {1});
  EXPECT_KERNEL_FAILS(call("aten::select_copy.int_out", {ev(scalar), ev_int(0), ev_int(0)}, {ev(out)}),
                      "aten::select_copy.int_out", "0-dim");
}

template <typename T>
void cat_case(std::mt19937& rng) {
  auto base = random_shape(rng, 4, 3);
  if (base.empty()) base.push_back(2);
  const size_t rank = base.size();
  const size_t d = rng() % rank;
  const size_t n = 1 + rng() % 4;
  std::vector<OwnedTensor> parts;
  std::vector<Tensor> views;
  std::vector<SizesType> out_sizes = base;
  out_sizes[d] = 0;
  for (size_t i = 0; i < n; ++i) {
    auto s = base;
    s[d] = static_cast<SizesType>(rng() % 3);
    out_sizes[d] += s[d];
    parts.push_back(random_tensor<T>(rng, s));
    views.push_back(parts.back().tensor());
  }
  OwnedTensor out = random_layout_zeros(rng, ScalarTypeOf<T>::value, out_sizes);
  OwnedTensorList list(views);
  ASSERT_TRUE(call("aten::cat.out", {list.evalue(), ev_int(spell_dim(rng, d, rank))}, {ev(out)}).ok());
  std::vector<T> want(numel_of(out_sizes));
  for (size_t i = 0; i < want.size(); ++i) {
    auto o = unravel(i, out_sizes);
    size_t k = 0;
    while (o[d] >= parts[k].sizes()[d]) o[d] -= parts[k++].sizes()[d];
    want[i] = parts[k].to_vector<T>()[ravel(o, parts[k].sizes())];
  }
  EXPECT_EQ(out.to_vector<T>(), want);
}

TEST(Cat, RandomShapesLayoutsAndDtypes) {
  std::mt19937 rng(7);
  for (int i = 0; i < 25; ++i) {
    for_each_dtype([&](auto tag) { cat_case<typename decltype(tag)::type>(rng); });
  }
}

TEST(Cat, SkipsLegacyEmptyAndPromotes) {
  auto a = TensorFactory::make<int32_t>({2, 1}, {1, 2});
  auto empty = TensorFactory::zeros(ScalarType::Float, {0});
  auto b = TensorFactory::make<float>({2, 2}, {0.5f, 1.5f, 2.5f, 3.5f});
  auto out = TensorFactory::zeros(ScalarType::Float, {2, 3});
  OwnedTensorList list({a.tensor(), empty.tensor(), b.tensor()});
  ASSERT_TRUE(call("aten::cat.out", {list.evalue(), ev_int(-1)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{1, 0.5f, 1.5f, 2, 2.5f, 3.5f}));

  // int + float promotes to float, which cannot be stored in an int out.
  auto int_out = TensorFactory::zeros(ScalarType::Int, {2, 3});
  EXPECT_KERNEL_FAILS(call("aten::cat.out", {list.evalue(), ev_int(1)}, {ev(int_out)}), "aten::cat.out", "cast");
  // Bool + int8 into int64: widening conversion.
  auto p = TensorFactory::make<bool>({2}, {true, false});
  auto q = TensorFactory::make<int8_t>({1}, {-7});
  auto long_out = TensorFactory::zeros(ScalarType::Long, {3});
  OwnedTensorList mixed({p.tensor(), q.tensor()});
  ASSERT_TRUE(call("aten::cat.out", {mixed.evalue(), ev_int(0)}, {ev(long_out)}).ok());
  EXPECT_EQ(long_out.to_vector<int64_t>(), (std::vector<int64_t>{1, 0, -7}));
  // Only legacy empties: a [0] result.
  OwnedTensorList only_empty({empty.tensor(), empty.tensor()});
  auto dyn = TensorFactory::dynamic_bound(ScalarType::Float, {4});
  ASSERT_TRUE(call("aten::cat.out", {only_empty.evalue(), ev_int(0)}, {ev(dyn)}).ok());
  EXPECT_EQ(dyn.sizes(), (std::vector<SizesType>{0}));

  auto c = TensorFactory::make<float>({3, 2});
  OwnedTensorList mismatch({b.tensor(), c.tensor()});
  auto out4 = TensorFactory::zeros(ScalarType::Float, {2, 4});
  EXPECT_KERNEL_FAILS(call("aten::cat.out", {mismatch.evalue(), ev_int(1)}, {ev(out4)}), "aten::cat.out",
                      "item 1 has size 3 at dim 0");
  OwnedTensorList none({});
  EXPECT_KERNEL_FAILS(call("aten::cat.out", {none.evalue(), ev_int(0)}, {ev(out4)}), "aten::cat.out", "empty");
  EXPECT_KERNEL_FAILS(call("aten::cat.out", {list.evalue(), ev_int(2)}, {ev(out)}), "aten::cat.out", "dim");
}

TEST(SplitWithSizesCopy, SplitsAlongAnyDim) {
  std::mt19937 rng(8);
  for (int iter = 0; iter < 60; ++iter) {
    auto sizes = random_shape(rng, 4, 4);
    if (sizes.empty()) sizes.push_back(3);
    const size_t rank = sizes.size();
    const size_t d = rng() % rank;
    std::vector<int64_t> split;
    int64_t left = sizes[d];
    while (left > 0 || split.empty()) {
      const int64_t take = std::min<int64_t>(left, static_cast<int64_t>(rng() % 3));
      split.push_back(take);
      left -= take;
    }
    auto in = random_tensor<int64_t>(rng, sizes);
    std::vector<OwnedTensor> outs;
    std::vector<Tensor> views;
    for (int64_t s : split) {
      auto os = sizes;
      os[d] = static_cast<SizesType>(s);
      outs.push_back(random_layout_zeros(rng, ScalarType::Long, os));
      views.push_back(outs.back().tensor());
    }
    OwnedTensorList out_list(views);
    OwnedIntList split_list(split);
    EValue self = ev(in), sizes_v = split_list.evalue(), dim = ev_int(spell_dim(rng, d, rank)),
           outs_v = out_list.evalue();
    ASSERT_TRUE(run_kernel("aten::split_with_sizes_copy.out", {&self, &sizes_v, &dim, &outs_v}).ok());
    int64_t offset = 0;
    for (size_t k = 0; k < outs.size(); ++k) {
      auto want =
          moved_values<int64_t>(in.to_vector<int64_t>(), sizes, outs[k].sizes(), [&](const std::vector<int64_t>& o) {
            auto s = o;
            s[d] += offset;
            return s;
          });
      EXPECT_EQ(outs[k].to_vector<int64_t>(), want);
      offset += split[k];
    }
  }
  auto in = TensorFactory::make<float>({4});
  auto a = TensorFactory::zeros(ScalarType::Float, {1});
  auto b = TensorFactory::zeros(ScalarType::Float, {2});
  OwnedTensorList outs({a.tensor(), b.tensor()});
  OwnedIntList bad_sum({1, 2});
  EValue self = ev(in), dim = ev_int(0), outs_v = outs.evalue(), sizes_v = bad_sum.evalue();
  EXPECT_KERNEL_FAILS(run_kernel("aten::split_with_sizes_copy.out", {&self, &sizes_v, &dim, &outs_v}),
                      "aten::split_with_sizes_copy.out", "sum to 3");
  OwnedIntList three({1, 2, 1});
  EValue three_v = three.evalue();
  EXPECT_KERNEL_FAILS(run_kernel("aten::split_with_sizes_copy.out", {&self, &three_v, &dim, &outs_v}),
                      "aten::split_with_sizes_copy.out", "2 tensors for 3");
}

const char* const kShapeKernels[] = {
#include "test/kernels/shape_list.inc"
};

TEST(ShapeKernelList, EveryNameRegisteredForAnyDimOrder) {
  const TensorMeta channels_last{ScalarType::Float, /*contiguous=*/false};
  for (const char* name : kShapeKernels) {
    EXPECT_TRUE(test_registry().has_operator(name)) << name;
    // Every kernel of this group indexes through strides, so a
    // non-contiguous tensor still finds it.
    EXPECT_TRUE(test_registry().find(name, ArrayRef<TensorMeta>(&channels_last, 1)).ok()) << name;
  }
}

}  // namespace
}  // namespace ember::test
