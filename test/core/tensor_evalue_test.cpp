// TensorImpl strides, sizes and resize rules; overflow-checked arithmetic;
// EValue tags and boxed lists.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "runtime/core/evalue.h"
#include "runtime/core/tensor.h"

namespace ember {
namespace {

// Owns the metadata arrays a TensorImpl points at.
struct TestTensor {
  std::vector<SizesType> sizes;
  std::vector<DimOrderType> dim_order;
  std::vector<StridesType> strides;
  std::vector<uint8_t> data;
  TensorImpl impl;

  TestTensor(ScalarType type, std::vector<SizesType> s, std::vector<DimOrderType> order = {},
             TensorShapeDynamism dynamism = TensorShapeDynamism::Static)
      : sizes(std::move(s)), dim_order(std::move(order)), strides(sizes.size(), -1) {
    if (dim_order.empty()) {
      for (size_t i = 0; i < sizes.size(); ++i) dim_order.push_back(static_cast<DimOrderType>(i));
    }
    size_t n = 1;
    for (SizesType v : sizes) n *= static_cast<size_t>(v);
    data.resize(n * element_size(type) + 1);
    impl = TensorImpl(type, sizes.size(), sizes.data(), data.data(), dim_order.data(), strides.data(), dynamism);
  }
  TestTensor(const TestTensor&) = delete;
};

std::vector<StridesType> strides_of(const TensorImpl& t) {
  return std::vector<StridesType>(t.strides().begin(), t.strides().end());
}
std::vector<SizesType> sizes_of(const TensorImpl& t) { return std::vector<SizesType>(t.sizes().begin(), t.sizes().end()); }

TEST(TensorTest, ContiguousStridesNumelNbytes) {
  TestTensor t(ScalarType::Float, {2, 3, 4, 5});
  EXPECT_EQ(t.impl.dim(), 4u);
  EXPECT_EQ(strides_of(t.impl), (std::vector<StridesType>{60, 20, 5, 1}));
  EXPECT_EQ(t.impl.numel(), 120u);
  EXPECT_EQ(t.impl.numel_capacity(), 120u);
  EXPECT_EQ(t.impl.element_size(), 4u);
  EXPECT_EQ(t.impl.nbytes(), 480u);
  EXPECT_TRUE(t.impl.is_contiguous_dim_order());

  Tensor handle(&t.impl);
  EXPECT_EQ(handle.size(2), 4);
  EXPECT_EQ(handle.nbytes(), 480u);
  EXPECT_EQ(handle.const_data_ptr<float>(), reinterpret_cast<const float*>(t.data.data()));
}

TEST(TensorTest, ChannelsLastStrides) {
  // NCHW [2,3,4,5] stored N, H, W, C: C is innermost.
  TestTensor t(ScalarType::Float, {2, 3, 4, 5}, {0, 2, 3, 1});
  EXPECT_EQ(strides_of(t.impl), (std::vector<StridesType>{60, 1, 15, 3}));
  EXPECT_EQ(t.impl.numel(), 120u);
  EXPECT_FALSE(t.impl.is_contiguous_dim_order());
}

TEST(TensorTest, SizeOneAndZeroDimsCountAsOneInStrides) {
  TestTensor ones(ScalarType::Float, {3, 1, 2});
  EXPECT_EQ(strides_of(ones.impl), (std::vector<StridesType>{2, 2, 1}));
  EXPECT_EQ(ones.impl.numel(), 6u);

  TestTensor empty(ScalarType::Float, {2, 0, 3});
  EXPECT_EQ(strides_of(empty.impl), (std::vector<StridesType>{3, 3, 1}));
  EXPECT_EQ(empty.impl.numel(), 0u);
  EXPECT_EQ(empty.impl.nbytes(), 0u);
}

TEST(TensorTest, ScalarTensorAndOtherDtypes) {
  TestTensor scalar(ScalarType::Double, {});
  EXPECT_EQ(scalar.impl.dim(), 0u);
  EXPECT_EQ(scalar.impl.numel(), 1u);
  EXPECT_EQ(scalar.impl.nbytes(), 8u);

  TestTensor longs(ScalarType::Long, {3});
  EXPECT_EQ(longs.impl.nbytes(), 24u);
  TestTensor bools(ScalarType::Bool, {2, 2});
  EXPECT_EQ(bools.impl.nbytes(), 4u);
  TestTensor halves(ScalarType::Half, {5});
  EXPECT_EQ(halves.impl.nbytes(), 10u);
}

TEST(TensorTest, StaticResizeAcceptsOnlySameShape) {
  TestTensor t(ScalarType::Float, {2, 3});
  const SizesType same[] = {2, 3};
  EXPECT_EQ(t.impl.resize(same), Error::Ok);
  const SizesType other[] = {3, 2};
  EXPECT_EQ(t.impl.resize(other), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "resize: static tensor dim 0 is 2, got 3");
  const SizesType smaller[] = {2, 1};
  EXPECT_EQ(t.impl.resize(smaller), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "resize: static tensor dim 1 is 3, got 1");
  EXPECT_EQ(sizes_of(t.impl), (std::vector<SizesType>{2, 3}));
  EXPECT_EQ(strides_of(t.impl), (std::vector<StridesType>{3, 1}));
}

TEST(TensorTest, DynamicBoundResizeWithinCapacity) {
  TestTensor t(ScalarType::Float, {2, 3}, {}, TensorShapeDynamism::DynamicBound);
  EXPECT_EQ(t.impl.numel_capacity(), 6u);

  const SizesType swapped[] = {3, 2};
  ASSERT_EQ(t.impl.resize(swapped), Error::Ok) << error_message();
  EXPECT_EQ(sizes_of(t.impl), (std::vector<SizesType>{3, 2}));
  EXPECT_EQ(strides_of(t.impl), (std::vector<StridesType>{2, 1}));
  EXPECT_EQ(t.impl.numel(), 6u);

  const SizesType smaller[] = {1, 4};
  ASSERT_EQ(t.impl.resize(smaller), Error::Ok) << error_message();
  EXPECT_EQ(strides_of(t.impl), (std::vector<StridesType>{4, 1}));
  EXPECT_EQ(t.impl.numel(), 4u);
  EXPECT_EQ(t.impl.nbytes(), 16u);
  EXPECT_EQ(t.impl.numel_capacity(), 6u);

  // Growing back up to the capacity is allowed; beyond it is not.
  const SizesType full[] = {6, 1};
  EXPECT_EQ(t.impl.resize(full), Error::Ok) << error_message();
  const SizesType too_big[] = {2, 4};
  EXPECT_EQ(t.impl.resize(too_big), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "resize: 8 elements exceed the tensor's bound of 6");
  EXPECT_EQ(sizes_of(t.impl), (std::vector<SizesType>{6, 1}));

  const SizesType wrong_rank[] = {6};
  EXPECT_EQ(t.impl.resize(wrong_rank), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "resize: rank 1 does not match tensor rank 2");
  const SizesType negative[] = {-1, 2};
  EXPECT_EQ(t.impl.resize(negative), Error::InvalidArgument);
  EXPECT_EQ(sizes_of(t.impl), (std::vector<SizesType>{6, 1}));

  const SizesType zero[] = {0, 5};
  EXPECT_EQ(t.impl.resize(zero), Error::Ok);
  EXPECT_EQ(t.impl.numel(), 0u);
}

TEST(TensorTest, DynamicBoundResizeKeepsDimOrder) {
  TestTensor t(ScalarType::Float, {1, 3, 2, 2}, {0, 2, 3, 1}, TensorShapeDynamism::DynamicBound);
  const SizesType smaller[] = {1, 3, 1, 2};
  ASSERT_EQ(t.impl.resize(smaller), Error::Ok) << error_message();
  EXPECT_EQ(strides_of(t.impl), (std::vector<StridesType>{6, 1, 6, 3}));
}

TEST(TensorTest, DynamicUnboundResizeNotSupported) {
  TestTensor t(ScalarType::Float, {2, 3}, {}, TensorShapeDynamism::DynamicUnbound);
  const SizesType other[] = {1, 3};
  EXPECT_EQ(t.impl.resize(other), Error::NotSupported);
  EXPECT_STREQ(error_message(), "resize: DYNAMIC_UNBOUND tensors are not supported");
  EXPECT_EQ(sizes_of(t.impl), (std::vector<SizesType>{2, 3}));
  // Its own shape is a no-op.
  const SizesType same[] = {2, 3};
  EXPECT_EQ(t.impl.resize(same), Error::Ok);
}

TEST(TensorTest, CheckedArithmetic) {
  constexpr size_t kMax = std::numeric_limits<size_t>::max();
  size_t out = 0;
  EXPECT_TRUE(checked_mul(6, 7, &out));
  EXPECT_EQ(out, 42u);
  EXPECT_TRUE(checked_mul(kMax / 2, 2, &out));
  EXPECT_EQ(out, kMax - 1);
  EXPECT_FALSE(checked_mul(kMax / 2 + 1, 2, &out));
  EXPECT_FALSE(checked_mul(kMax, kMax, &out));
  EXPECT_TRUE(checked_mul(kMax, 0, &out));
  EXPECT_EQ(out, 0u);

  EXPECT_TRUE(checked_add(kMax - 1, 1, &out));
  EXPECT_EQ(out, kMax);
  EXPECT_FALSE(checked_add(kMax, 1, &out));
  EXPECT_FALSE(checked_add(kMax / 2 + 1, kMax / 2 + 1, &out));
}

TEST(TensorTest, CheckedNumel) {
  size_t out = 99;
  EXPECT_TRUE(checked_numel(ArrayRef<SizesType>(), &out));
  EXPECT_EQ(out, 1u);
  const SizesType shape[] = {2, 3, 4};
  EXPECT_TRUE(checked_numel(shape, &out));
  EXPECT_EQ(out, 24u);
  const SizesType with_zero[] = {5, 0, 7};
  EXPECT_TRUE(checked_numel(with_zero, &out));
  EXPECT_EQ(out, 0u);
  const SizesType negative[] = {2, -3};
  EXPECT_FALSE(checked_numel(negative, &out));
  static_assert(sizeof(size_t) == 8, "the overflow cases below assume a 64-bit size_t");
  // 2^16 four times is 2^64: one past size_t.
  const SizesType just_fits[] = {65536, 65536, 65536, 65535};
  EXPECT_TRUE(checked_numel(just_fits, &out));
  EXPECT_EQ(out, (uint64_t{1} << 48) * 65535u);
  const SizesType overflows[] = {65536, 65536, 65536, 65536};
  EXPECT_FALSE(checked_numel(overflows, &out));
  const SizesType huge[] = {INT32_MAX, INT32_MAX, INT32_MAX};
  EXPECT_FALSE(checked_numel(huge, &out));
}

TEST(TensorTest, ValidDimOrder) {
  EXPECT_TRUE(is_valid_dim_order(ArrayRef<DimOrderType>()));
  const DimOrderType cl[] = {0, 2, 3, 1};
  EXPECT_TRUE(is_valid_dim_order(cl));
  const DimOrderType repeated[] = {0, 1, 1};
  EXPECT_FALSE(is_valid_dim_order(repeated));
  const DimOrderType out_of_range[] = {0, 3, 1};
  EXPECT_FALSE(is_valid_dim_order(out_of_range));
  DimOrderType sixteen[16];
  for (int i = 0; i < 16; ++i) sixteen[i] = static_cast<DimOrderType>(15 - i);
  EXPECT_TRUE(is_valid_dim_order(sixteen));
  DimOrderType seventeen[17];
  for (int i = 0; i < 17; ++i) seventeen[i] = static_cast<DimOrderType>(i);
  EXPECT_FALSE(is_valid_dim_order(seventeen));
}

TEST(EValueTest, ScalarsAndNone) {
  EValue none;
  EXPECT_EQ(none.tag(), Tag::None);
  EXPECT_TRUE(none.is_none());
  EXPECT_FALSE(none.is_scalar());

  EValue i(int64_t{-5});
  EXPECT_EQ(i.tag(), Tag::Int);
  EXPECT_TRUE(i.is_int());
  EXPECT_TRUE(i.is_scalar());
  EXPECT_EQ(i.to_int(), -5);
  EXPECT_EQ(i.scalar_as_double(), -5.0);

  EValue d(2.5);
  EXPECT_EQ(d.tag(), Tag::Double);
  EXPECT_TRUE(d.is_double());
  EXPECT_EQ(d.to_double(), 2.5);
  EXPECT_EQ(d.scalar_as_double(), 2.5);

  EValue b(true);
  EXPECT_EQ(b.tag(), Tag::Bool);
  EXPECT_TRUE(b.is_bool());
  EXPECT_TRUE(b.to_bool());
  EXPECT_EQ(b.scalar_as_double(), 1.0);
  EXPECT_EQ(EValue(false).scalar_as_double(), 0.0);
}

TEST(EValueTest, TensorStringAndFlatLists) {
  TestTensor t(ScalarType::Float, {2});
  EValue tensor(Tensor(&t.impl));
  EXPECT_EQ(tensor.tag(), Tag::Tensor);
  EXPECT_TRUE(tensor.is_tensor());
  EXPECT_FALSE(tensor.is_scalar());
  EXPECT_EQ(tensor.to_tensor().impl(), &t.impl);

  const char text[] = {'r', 'e', 'l', 'u'};
  EValue str(ArrayRef<char>(text, 4));
  EXPECT_EQ(str.tag(), Tag::String);
  EXPECT_TRUE(str.is_string());
  EXPECT_EQ(std::string(str.to_string().data(), str.to_string().size()), "relu");

  const double doubles[] = {1.5, -2.0};
  EValue dl(ArrayRef<double>(doubles, 2));
  EXPECT_EQ(dl.tag(), Tag::ListDouble);
  EXPECT_TRUE(dl.is_double_list());
  ASSERT_EQ(dl.to_double_list().size(), 2u);
  EXPECT_EQ(dl.to_double_list()[1], -2.0);

  const bool bools[] = {true, false, true};
  EValue bl(ArrayRef<bool>(bools, 3));
  EXPECT_EQ(bl.tag(), Tag::ListBool);
  EXPECT_TRUE(bl.is_bool_list());
  ASSERT_EQ(bl.to_bool_list().size(), 3u);
  EXPECT_FALSE(bl.to_bool_list()[1]);
  EXPECT_TRUE(bl.to_bool_list()[2]);
}

TEST(EValueTest, BoxedIntListSeesChangedItems) {
  EValue a(int64_t{2});
  EValue b(int64_t{3});
  EValue* wrapped[] = {&a, &b};
  int64_t unboxed[2] = {0, 0};
  EValue list(BoxedEValueList<int64_t>(wrapped, unboxed, 2));
  EXPECT_EQ(list.tag(), Tag::ListInt);
  EXPECT_TRUE(list.is_int_list());
  EXPECT_EQ(list.boxed_int_list().size(), 2u);
  EXPECT_EQ(list.boxed_int_list().wrapped()[1], &b);

  ArrayRef<int64_t> first = list.to_int_list();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0], 2);
  EXPECT_EQ(first[1], 3);

  // An earlier instruction writes a new value into the item.
  a = EValue(int64_t{7});
  ArrayRef<int64_t> second = list.to_int_list();
  EXPECT_EQ(second[0], 7);
  EXPECT_EQ(second[1], 3);
  EXPECT_EQ(unboxed[0], 7);
}

TEST(EValueTest, BoxedTensorList) {
  TestTensor t0(ScalarType::Float, {1});
  TestTensor t1(ScalarType::Long, {2, 2});
  EValue v0(Tensor(&t0.impl));
  EValue v1(Tensor(&t1.impl));
  EValue* wrapped[] = {&v0, &v1};
  Tensor unboxed[2];
  EValue list(BoxedEValueList<Tensor>(wrapped, unboxed, 2));
  EXPECT_EQ(list.tag(), Tag::ListTensor);
  EXPECT_TRUE(list.is_tensor_list());
  ArrayRef<Tensor> tensors = list.to_tensor_list();
  ASSERT_EQ(tensors.size(), 2u);
  EXPECT_EQ(tensors[0].impl(), &t0.impl);
  EXPECT_EQ(tensors[1].impl(), &t1.impl);
  EXPECT_EQ(tensors[1].numel(), 4u);
  EXPECT_EQ(list.boxed_tensor_list().size(), 2u);
}

TEST(EValueTest, OptionalTensorListWithNullAndNoneItems) {
  TestTensor t(ScalarType::Float, {3});
  EValue tensor(Tensor(&t.impl));
  EValue none;
  EValue* wrapped[] = {&tensor, nullptr, &none};
  OptionalTensor unboxed[3];
  EValue list(BoxedEValueList<OptionalTensor>(wrapped, unboxed, 3));
  EXPECT_EQ(list.tag(), Tag::ListOptionalTensor);
  EXPECT_TRUE(list.is_optional_tensor_list());
  ArrayRef<OptionalTensor> items = list.to_optional_tensor_list();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_TRUE(items[0].has_value);
  EXPECT_EQ(items[0].value.impl(), &t.impl);
  EXPECT_FALSE(items[1].has_value);
  EXPECT_FALSE(items[2].has_value);
}

TEST(EValueTest, TagNames) {
  EXPECT_STREQ(tag_name(Tag::None), "None");
  EXPECT_STREQ(tag_name(Tag::Tensor), "Tensor");
  EXPECT_STREQ(tag_name(Tag::String), "String");
  EXPECT_STREQ(tag_name(Tag::Double), "Double");
  EXPECT_STREQ(tag_name(Tag::Int), "Int");
  EXPECT_STREQ(tag_name(Tag::Bool), "Bool");
  EXPECT_STREQ(tag_name(Tag::ListBool), "ListBool");
  EXPECT_STREQ(tag_name(Tag::ListDouble), "ListDouble");
  EXPECT_STREQ(tag_name(Tag::ListInt), "ListInt");
  EXPECT_STREQ(tag_name(Tag::ListTensor), "ListTensor");
  EXPECT_STREQ(tag_name(Tag::ListScalar), "ListScalar");
  EXPECT_STREQ(tag_name(Tag::ListOptionalTensor), "ListOptionalTensor");
}

}  // namespace
}  // namespace ember
