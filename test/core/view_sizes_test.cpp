// infer_view_sizes: explicit shapes, one inferred -1, and every rejection with
// its message.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/core/error.h"
#include "runtime/core/view_sizes.h"

namespace ember {
namespace {

struct ViewResult {
  Error error = Error::Ok;
  std::vector<SizesType> sizes;
  std::string message;
};

ViewResult infer(std::vector<int64_t> size, size_t numel) {
  ViewResult r;
  SizesType out[kTensorDimensionLimit] = {};
  clear_error_message();
  r.error = infer_view_sizes(ArrayRef<int64_t>(size.data(), size.size()), numel, out);
  if (r.error == Error::Ok) r.sizes.assign(out, out + size.size());
  r.message = error_message();
  return r;
}

TEST(InferViewSizesTest, ExplicitShapeIsCopied) {
  ViewResult r = infer({2, 3, 4}, 24);
  ASSERT_EQ(r.error, Error::Ok) << r.message;
  EXPECT_EQ(r.sizes, (std::vector<SizesType>{2, 3, 4}));
}

TEST(InferViewSizesTest, MinusOneIsInferred) {
  ViewResult r = infer({4, -1, 2}, 24);
  ASSERT_EQ(r.error, Error::Ok) << r.message;
  EXPECT_EQ(r.sizes, (std::vector<SizesType>{4, 3, 2}));
  r = infer({-1}, 7);
  ASSERT_EQ(r.error, Error::Ok) << r.message;
  EXPECT_EQ(r.sizes, (std::vector<SizesType>{7}));
}

TEST(InferViewSizesTest, EmptySizeIsAScalar) {
  EXPECT_EQ(infer({}, 1).error, Error::Ok);
  ViewResult r = infer({}, 2);
  EXPECT_EQ(r.error, Error::InvalidArgument);
  EXPECT_EQ(r.message, "1 elements requested, self has 2");
}

TEST(InferViewSizesTest, ZeroElements) {
  ViewResult r = infer({0, 5}, 0);
  ASSERT_EQ(r.error, Error::Ok) << r.message;
  EXPECT_EQ(r.sizes, (std::vector<SizesType>{0, 5}));
  // -1 next to a zero entry is ambiguous.
  r = infer({0, -1}, 0);
  EXPECT_EQ(r.error, Error::InvalidArgument);
  EXPECT_EQ(r.message, "cannot infer dim 1 for 0 elements");
}

TEST(InferViewSizesTest, RejectsBadEntries) {
  ViewResult r = infer({2, -3}, 6);
  EXPECT_EQ(r.error, Error::InvalidArgument);
  EXPECT_EQ(r.message, "entry 1 (-3) is invalid");
  // A second -1 is an invalid entry, not a second inference.
  r = infer({-1, -1}, 4);
  EXPECT_EQ(r.error, Error::InvalidArgument);
  EXPECT_EQ(r.message, "entry 1 (-1) is invalid");
  r = infer({int64_t{INT32_MAX} + 1}, 1);
  EXPECT_EQ(r.error, Error::InvalidArgument);
  EXPECT_EQ(r.message, "entry 0 (2147483648) is invalid");
}

TEST(InferViewSizesTest, RejectsMismatchedCounts) {
  ViewResult r = infer({5, -1}, 12);
  EXPECT_EQ(r.error, Error::InvalidArgument);
  EXPECT_EQ(r.message, "cannot infer dim 1 for 12 elements");
  r = infer({3, 5}, 12);
  EXPECT_EQ(r.error, Error::InvalidArgument);
  EXPECT_EQ(r.message, "15 elements requested, self has 12");
}

TEST(InferViewSizesTest, RejectsMoreThanTheRankLimit) {
  ViewResult r = infer(std::vector<int64_t>(kTensorDimensionLimit + 1, 1), 1);
  EXPECT_EQ(r.error, Error::InvalidArgument);
  EXPECT_EQ(r.message, "17 entries exceed the rank limit");
  EXPECT_EQ(infer(std::vector<int64_t>(kTensorDimensionLimit, 1), 1).error, Error::Ok);
}

}  // namespace
}  // namespace ember
