// constant_pad_nd, reflection_pad2d, replication_pad2d, embedding,
// index_select and gather against scalar references, over random shapes and
// dim orders, negative pads, int32/int64 indices and bounds errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "test/kernels/shape_test_util.h"
#include "test/support/evalue_list.h"

namespace ember::test {
namespace {

TEST(ConstantPadNd, PadsAndCropsLikeATen) {
  std::mt19937 rng(11);
  for (int iter = 0; iter < 150; ++iter) {
    auto sizes = random_shape(rng, 4, 4);
    const size_t rank = sizes.size();
    const size_t pairs = rank == 0 ? 0 : rng() % (rank + 1);
    std::vector<int64_t> pad;
    std::vector<SizesType> out_sizes = sizes;
    std::vector<int64_t> before(rank, 0);
    for (size_t i = 0; i < pairs; ++i) {
      const size_t d = rank - 1 - i;
      // Negative pads crop, but never below an empty dim.
      const int64_t l = static_cast<int64_t>(rng() % 5) - std::min<int64_t>(2, sizes[d] / 2);
      const int64_t r = static_cast<int64_t>(rng() % 4) - std::min<int64_t>(1, sizes[d] / 2);
      pad.push_back(l);
      pad.push_back(r);
      out_sizes[d] = static_cast<SizesType>(sizes[d] + l + r);
      before[d] = l;
    }
    auto in = random_tensor<float>(rng, sizes);
    auto out = random_layout_zeros(rng, ScalarType::Float, out_sizes);
    OwnedIntList pad_list(pad);
    ASSERT_TRUE(call("aten::constant_pad_nd.out", {ev(in), pad_list.evalue(), ev_double(-2.5)}, {ev(out)}).ok());
    const auto in_values = in.to_vector<float>();
    std::vector<float> want(numel_of(out_sizes));
    for (size_t i = 0; i < want.size(); ++i) {
      auto o = unravel(i, out_sizes);
      bool inside = true;
      for (size_t d = 0; d < rank; ++d) {
        o[d] -= before[d];
        inside = inside && o[d] >= 0 && o[d] < sizes[d];
      }
      want[i] = inside ? in_values[ravel(o, sizes)] : -2.5f;
    }
    EXPECT_EQ(out.to_vector<float>(), want);
  }
}

TEST(ConstantPadNd, IntValueAndErrors) {
  auto in = TensorFactory::make<int32_t>({2}, {5, 6});
  auto out = TensorFactory::zeros(ScalarType::Int, {5});
  OwnedIntList pad({1, 2});
  ASSERT_TRUE(call("aten::constant_pad_nd.out", {ev(in), pad.evalue(), ev_int(9)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<int32_t>(), (std::vector<int32_t>{9, 5, 6, 9, 9}));
  OwnedIntList odd({1}), too_many({1, 1, 1, 1}), too_negative({-2, -1});
  EXPECT_KERNEL_FAILS(call("aten::constant_pad_nd.out", {ev(in), odd.evalue(), ev_int(0)}, {ev(out)}),
                      "aten::constant_pad_nd.out", "pad");
  EXPECT_KERNEL_FAILS(call("aten::constant_pad_nd.out", {ev(in), too_many.evalue(), ev_int(0)}, {ev(out)}),
                      "aten::constant_pad_nd.out", "pad");
  EXPECT_KERNEL_FAILS(call("aten::constant_pad_nd.out", {ev(in), too_negative.evalue(), ev_int(0)}, {ev(out)}),
                      "aten::constant_pad_nd.out", "gives size -1");
}

// ATen's reflect / replicate index rules, written from the definitions: the
// index into the cropped input, reflected or clamped, back into the input.
int64_t reflect_ref(int64_t j, int64_t in, int64_t before) {
  int64_t x = j - before;  // position relative to input start
  while (x < 0 || x >= in) x = x < 0 ? -x : 2 * (in - 1) - x;
  return x;
}
int64_t replicate_ref(int64_t j, int64_t in, int64_t before) { return std::clamp<int64_t>(j - before, 0, in - 1); }

void pad2d_case(std::mt19937& rng, const char* op, bool reflect) {
  std::vector<SizesType> sizes = {static_cast<SizesType>(1 + rng() % 3), static_cast<SizesType>(1 + rng() % 5),
                                  static_cast<SizesType>(1 + rng() % 5)};
  if (rng() % 2) sizes.insert(sizes.begin(), static_cast<SizesType>(rng() % 3));
  const size_t rank = sizes.size();
  const int64_t h = sizes[rank - 2], w = sizes[rank - 1];
  // Pads in [-(size-1), size-1] (reflection needs |pad| < size).
  auto pick = [&](int64_t size) {
    return static_cast<int64_t>(rng() % static_cast<uint32_t>(2 * size - 1)) - (size - 1);
  };
  std::vector<int64_t> padding = {pick(w), pick(w), pick(h), pick(h)};
  // Keep outputs non-empty.
  if (w + padding[0] + padding[1] < 1) padding[0] = padding[1] = 0;
  if (h + padding[2] + padding[3] < 1) padding[2] = padding[3] = 0;
  auto out_sizes = sizes;
  out_sizes[rank - 1] = static_cast<SizesType>(w + padding[0] + padding[1]);
  out_sizes[rank - 2] = static_cast<SizesType>(h + padding[2] + padding[3]);
  auto in = random_tensor<int32_t>(rng, sizes);
  auto out = random_layout_zeros(rng, ScalarType::Int, out_sizes);
  OwnedIntList pad_list(padding);
  ASSERT_TRUE(call(op, {ev(in), pad_list.evalue()}, {ev(out)}).ok());
  auto map = reflect ? reflect_ref : replicate_ref;
  auto want = moved_values<int32_t>(in.to_vector<int32_t>(), sizes, out_sizes, [&](const std::vector<int64_t>& o) {
    auto s = o;
    s[rank - 1] = map(o[rank - 1], w, padding[0]);
    s[rank - 2] = map(o[rank - 2], h, padding[2]);
    return s;
  });
  EXPECT_EQ(out.to_vector<int32_t>(), want)
      << op << " pads " << padding[0] << "," << padding[1] << "," << padding[2] << "," << padding[3];
}

TEST(ReflectionPad2d, RandomPadsIncludingNegative) {
  std::mt19937 rng(12);
  for (int i = 0; i < 150; ++i) pad2d_case(rng, "aten::reflection_pad2d.out", true);
}

TEST(ReplicationPad2d, RandomPadsIncludingNegative) {
  std::mt19937 rng(13);
  for (int i = 0; i < 150; ++i) pad2d_case(rng, "aten::replication_pad2d.out", false);
}

TEST(Pad2d, KnownValuesAndErrors) {
  auto in = TensorFactory::make<float>({1, 1, 3}, {1, 2, 3});
  auto out = TensorFactory::zeros(ScalarType::Float, {1, 1, 7});
  OwnedIntList pad({2, 2, 0, 0});
  ASSERT_TRUE(call("aten::reflection_pad2d.out", {ev(in), pad.evalue()}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{3, 2, 1, 2, 3, 2, 1}));
  ASSERT_TRUE(call("aten::replication_pad2d.out", {ev(in), pad.evalue()}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{1, 1, 1, 2, 3, 3, 3}));

  OwnedIntList too_big({3, 0, 0, 0});
  auto out6 = TensorFactory::zeros(ScalarType::Float, {1, 1, 6});
  EXPECT_KERNEL_FAILS(call("aten::reflection_pad2d.out", {ev(in), too_big.evalue()}, {ev(out6)}),
                      "aten::reflection_pad2d.out", "padding");
  OwnedIntList three({1, 1, 1});
  EXPECT_KERNEL_FAILS(call("aten::replication_pad2d.out", {ev(in), three.evalue()}, {ev(out6)}),
                      "aten::replication_pad2d.out", "4 entries");
  auto flat = TensorFactory::make<float>({3});
  EXPECT_KERNEL_FAILS(call("aten::replication_pad2d.out", {ev(flat), pad.evalue()}, {ev(out6)}),
                      "aten::replication_pad2d.out", "3-D or 4-D");
  OwnedIntList crop_all({-2, -1, 0, 0});
  EXPECT_KERNEL_FAILS(call("aten::replication_pad2d.out", {ev(in), crop_all.evalue()}, {ev(out6)}),
                      "aten::replication_pad2d.out", "output");
}

template <typename I>
void embedding_case(std::mt19937& rng) {
  const SizesType rows = static_cast<SizesType>(1 + rng() % 6), dim = static_cast<SizesType>(rng() % 4);
  auto idx_sizes = random_shape(rng, 3, 3);
  auto weight = random_tensor<float>(rng, {rows, dim});
  std::vector<I> idx_values = random_values<I>(numel_of(idx_sizes), 0, rows, rng());
  OwnedTensor indices(ScalarTypeOf<I>::value, idx_sizes, random_dim_order(rng, idx_sizes.size()));
  if (!idx_values.empty()) indices.set_values(idx_values);
  auto out_sizes = idx_sizes;
  out_sizes.push_back(dim);
  auto out = random_layout_zeros(rng, ScalarType::Float, out_sizes);
  ASSERT_TRUE(
      call("aten::embedding.out", {ev(weight), ev(indices), ev_int(-1), ev_bool(false), ev_bool(false)}, {ev(out)})
          .ok());
  const auto table = weight.to_vector<float>();
  std::vector<float> want;
  for (I i : idx_values) {
    for (SizesType k = 0; k < dim; ++k) want.push_back(table[static_cast<size_t>(i) * dim + k]);
  }
  EXPECT_EQ(out.to_vector<float>(), want);
}

TEST(Embedding, LongAndIntIndices) {
  std::mt19937 rng(14);
  for (int i = 0; i < 60; ++i) {
    embedding_case<int64_t>(rng);
    embedding_case<int32_t>(rng);
  }
}

TEST(Embedding, OutOfRangeIndexNamesValueAndPosition) {
  auto weight = TensorFactory::make<float>({3, 2});
  auto indices = TensorFactory::make<int64_t>({2, 2}, {0, 1, 2, 3});
  auto out = TensorFactory::zeros(ScalarType::Float, {2, 2, 2});
  EXPECT_KERNEL_FAILS(
      call("aten::embedding.out", {ev(weight), ev(indices), ev_int(-1), ev_bool(false), ev_bool(false)}, {ev(out)}),
      "aten::embedding.out", "value 3 at position [1, 1]");
  auto negative = TensorFactory::make<int32_t>({1}, {-1});
  auto out1 = TensorFactory::zeros(ScalarType::Float, {1, 2});
  EXPECT_KERNEL_FAILS(
      call("aten::embedding.out", {ev(weight), ev(negative), ev_int(-1), ev_bool(false), ev_bool(false)}, {ev(out1)}),
      "aten::embedding.out", "value -1 at position [0]");
  auto float_idx = TensorFactory::make<float>({1}, {0});
  EXPECT_KERNEL_FAILS(
      call("aten::embedding.out", {ev(weight), ev(float_idx), ev_int(-1), ev_bool(false), ev_bool(false)}, {ev(out1)}),
      "aten::embedding.out", "indices");
}

TEST(IndexSelect, RandomDimsAndDtypes) {
  std::mt19937 rng(15);
  for (int iter = 0; iter < 80; ++iter) {
    auto sizes = random_shape(rng, 4, 4);
    const size_t rank = sizes.size();
    const size_t d = rank == 0 ? 0 : rng() % rank;
    const int64_t size = rank == 0 ? 1 : sizes[d];
    const size_t n = size == 0 ? 0 : (rank == 0 ? 1 : rng() % 5);
    std::vector<int64_t> picks(n);
    for (auto& p : picks) p = static_cast<int64_t>(rng() % static_cast<uint32_t>(size));
    auto index = rng() % 2 ? TensorFactory::make<int64_t>({static_cast<SizesType>(n)}, picks)
                           : TensorFactory::make<int32_t>({static_cast<SizesType>(n)},
                                                          std::vector<int32_t>(picks.begin(), picks.end()));
    auto out_sizes = sizes;
    if (rank > 0) out_sizes[d] = static_cast<SizesType>(n);
    auto in = random_tensor<int8_t>(rng, sizes);
    auto out = random_layout_zeros(rng, ScalarType::Char, out_sizes);
    const int64_t dim = rank == 0 ? 0 : static_cast<int64_t>(d) - (rng() % 2 ? static_cast<int64_t>(rank) : 0);
    ASSERT_TRUE(call("aten::index_select.out", {ev(in), ev_int(dim), ev(index)}, {ev(out)}).ok());
    auto want = moved_values<int8_t>(in.to_vector<int8_t>(), sizes, out_sizes, [&](const std::vector<int64_t>& o) {
      auto s = o;
      if (rank > 0) s[d] = picks[static_cast<size_t>(o[d])];
      return s;
    });
    EXPECT_EQ(out.to_vector<int8_t>(), want);
  }
  auto in = TensorFactory::make<float>({2, 3});
  auto index = TensorFactory::make<int64_t>({2}, {2, 3});
  auto out = TensorFactory::zeros(ScalarType::Float, {2, 2});
  EXPECT_KERNEL_FAILS(call("aten::index_select.out", {ev(in), ev_int(1), ev(index)}, {ev(out)}),
                      "aten::index_select.out", "value 3 at position [1]");
  auto index2d = TensorFactory::make<int64_t>({1, 1}, {0});
  EXPECT_KERNEL_FAILS(call("aten::index_select.out", {ev(in), ev_int(1), ev(index2d)}, {ev(out)}),
                      "aten::index_select.out", "0-D or 1-D");
}

TEST(Gather, RandomShapesAndBounds) {
  std::mt19937 rng(16);
  for (int iter = 0; iter < 100; ++iter) {
    auto sizes = random_shape(rng, 4, 4);
    if (sizes.empty()) sizes.push_back(3);
    const size_t rank = sizes.size();
    const size_t d = rng() % rank;
    if (sizes[d] == 0) sizes[d] = 2;
    std::vector<SizesType> idx_sizes(rank);
    for (size_t k = 0; k < rank; ++k) {
      idx_sizes[k] = k == d ? static_cast<SizesType>(rng() % 4) : static_cast<SizesType>(rng() % (sizes[k] + 1));
    }
    std::vector<int64_t> picks = random_values<int64_t>(numel_of(idx_sizes), 0, sizes[d], rng());
    OwnedTensor index(ScalarType::Long, idx_sizes, random_dim_order(rng, rank));
    if (!picks.empty()) index.set_values(picks);
    auto in = random_tensor<double>(rng, sizes);
    auto out = random_layout_zeros(rng, ScalarType::Double, idx_sizes);
    ASSERT_TRUE(call("aten::gather.out",
                     {ev(in), ev_int(static_cast<int64_t>(d) - static_cast<int64_t>(rank)), ev(index), ev_bool(false)},
                     {ev(out)})
                    .ok());
    auto want = moved_values<double>(in.to_vector<double>(), sizes, idx_sizes, [&](const std::vector<int64_t>& o) {
      auto s = o;
      s[d] = picks[ravel(o, idx_sizes)];
      return s;
    });
    EXPECT_EQ(out.to_vector<double>(), want);
  }
  auto in = TensorFactory::make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  auto index = TensorFactory::make<int64_t>({2, 2}, {0, 2, 1, 3});
  auto out = TensorFactory::zeros(ScalarType::Float, {2, 2});
  EXPECT_KERNEL_FAILS(call("aten::gather.out", {ev(in), ev_int(1), ev(index), ev_bool(false)}, {ev(out)}),
                      "aten::gather.out", "value 3 at position [1, 1]");
  auto ok_index = TensorFactory::make<int64_t>({2, 2}, {0, 2, 1, 0});
  ASSERT_TRUE(call("aten::gather.out", {ev(in), ev_int(1), ev(ok_index), ev_bool(false)}, {ev(out)}).ok());
  EXPECT_EQ(out.to_vector<float>(), (std::vector<float>{1, 3, 5, 4}));
  auto int_index = TensorFactory::make<int32_t>({2, 2});
  EXPECT_KERNEL_FAILS(call("aten::gather.out", {ev(in), ev_int(1), ev(int_index), ev_bool(false)}, {ev(out)}),
                      "aten::gather.out", "index");
  auto wide = TensorFactory::make<int64_t>({3, 1});
  auto out31 = TensorFactory::zeros(ScalarType::Float, {3, 1});
  EXPECT_KERNEL_FAILS(call("aten::gather.out", {ev(in), ev_int(1), ev(wide), ev_bool(false)}, {ev(out31)}),
                      "aten::gather.out", "exceeds");
}

}  // namespace
}  // namespace ember::test
