// Error messages (formatting, context, truncation, per-thread storage) and
// Result<T> with the propagation macros.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "runtime/core/error.h"
#include "runtime/core/result.h"

namespace ember {
namespace {

TEST(ErrorTest, FailRecordsMessageAndReturnsCode) {
  clear_error_message();
  EXPECT_STREQ(error_message(), "");
  EXPECT_EQ(fail(Error::InvalidProgram, "value %d has tag %s", 7, "Int"), Error::InvalidProgram);
  EXPECT_STREQ(error_message(), "value 7 has tag Int");
  // A second failure replaces the first.
  EXPECT_EQ(fail(Error::NotFound, "x"), Error::NotFound);
  EXPECT_STREQ(error_message(), "x");
  clear_error_message();
  EXPECT_STREQ(error_message(), "");
}

TEST(ErrorTest, AddContextPrefixesAndNests) {
  fail(Error::InvalidType, "argument 2 is not a tensor");
  EXPECT_EQ(add_context(Error::InvalidType, "instruction %d", 3), Error::InvalidType);
  EXPECT_STREQ(error_message(), "instruction 3: argument 2 is not a tensor");
  EXPECT_EQ(add_context(Error::InvalidType, "method '%s'", "forward"), Error::InvalidType);
  EXPECT_STREQ(error_message(), "method 'forward': instruction 3: argument 2 is not a tensor");
}

TEST(ErrorTest, AddContextOnEmptyMessageHasNoSeparator) {
  clear_error_message();
  add_context(Error::Internal, "delegate %d", 0);
  EXPECT_STREQ(error_message(), "delegate 0");
}

TEST(ErrorTest, LongMessageTruncatesToCapacity) {
  // The thread's message holds 1023 characters plus the terminator.
  std::string long_message(2000, 'a');
  fail(Error::Internal, "%s", long_message.c_str());
  EXPECT_EQ(std::strlen(error_message()), 1023u);
  EXPECT_EQ(std::string(error_message()), std::string(1023, 'a'));
}

TEST(ErrorTest, LongContextTruncatesAndKeepsSeparator) {
  fail(Error::Internal, "%s", std::string(2000, 'a').c_str());
  // The context is cut at 255 characters; ": " follows it and the old
  // message fills what is left: 1023 - 255 - 2 = 766 characters.
  add_context(Error::Internal, "%s", std::string(300, 'b').c_str());
  std::string message = error_message();
  ASSERT_EQ(message.size(), 1023u);
  EXPECT_EQ(message.substr(0, 255), std::string(255, 'b'));
  EXPECT_EQ(message.substr(255, 2), ": ");
  EXPECT_EQ(message.substr(257), std::string(766, 'a'));
}

TEST(ErrorTest, RepeatedContextOnFullMessageStaysBounded) {
  fail(Error::Internal, "%s", std::string(1500, 'a').c_str());
  for (int i = 0; i < 10; ++i) add_context(Error::Internal, "level %d", i);
  std::string message = error_message();
  EXPECT_EQ(message.size(), 1023u);
  EXPECT_EQ(message.rfind("level 9: level 8: level 7: ", 0), 0u) << message.substr(0, 80);
}

TEST(ErrorTest, MessagesArePerThread) {
  fail(Error::InvalidArgument, "main thread message");
  std::string seen_before;
  std::string seen_after;
  std::thread other([&] {
    seen_before = error_message();
    fail(Error::NotFound, "other thread message");
    seen_after = error_message();
  });
  other.join();
  EXPECT_EQ(seen_before, "");
  EXPECT_EQ(seen_after, "other thread message");
  EXPECT_STREQ(error_message(), "main thread message");
}

TEST(ErrorTest, ErrorNames) {
  EXPECT_STREQ(error_name(Error::Ok), "Ok");
  EXPECT_STREQ(error_name(Error::InvalidProgram), "InvalidProgram");
  EXPECT_STREQ(error_name(Error::OperatorMissing), "OperatorMissing");
  EXPECT_STREQ(error_name(Error::MemoryAllocationFailed), "MemoryAllocationFailed");
  EXPECT_STREQ(error_name(Error::RegistrationExceedingMaxKernels), "RegistrationExceedingMaxKernels");
  EXPECT_STREQ(error_name(Error::DelegateInvalidHandle), "DelegateInvalidHandle");
  EXPECT_STREQ(error_name(static_cast<Error>(0x99)), "Unknown");
}

TEST(ResultTest, ValueAndError) {
  Result<int> value(42);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value.error(), Error::Ok);
  EXPECT_EQ(*value, 42);
  EXPECT_EQ(value.get(), 42);

  Result<int> failed(Error::NotFound);
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.error(), Error::NotFound);

  // A Result cannot hold Ok without a value; it turns into Internal.
  Result<int> bogus(Error::Ok);
  EXPECT_FALSE(bogus.ok());
  EXPECT_EQ(bogus.error(), Error::Internal);
}

TEST(ResultTest, ArrowAccessesMembers) {
  Result<std::string> r(std::string("abc"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 3u);
}

TEST(ResultTest, MoveOnlyValue) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
  ASSERT_TRUE(r.ok());
  Result<std::unique_ptr<int>> moved(std::move(r));
  ASSERT_TRUE(moved.ok());
  std::unique_ptr<int> owned = std::move(*moved);
  ASSERT_NE(owned, nullptr);
  EXPECT_EQ(*owned, 7);
  EXPECT_EQ(moved->get(), nullptr);

  Result<std::unique_ptr<int>> failed(Error::MemoryAllocationFailed);
  Result<std::unique_ptr<int>> failed_moved(std::move(failed));
  EXPECT_EQ(failed_moved.error(), Error::MemoryAllocationFailed);
}

// --- Helpers using the propagation macros. ---

Result<int> parse_positive(int x) {
  EMBER_CHECK_OR_RETURN(x > 0, Error::InvalidArgument, "%d is not positive", x);
  return x;
}

Error double_positive(int x, int* out) {
  EMBER_ASSIGN_OR_RETURN(int v, parse_positive(x));
  *out = 2 * v;
  return Error::Ok;
}

Result<int> sum_positive(int a, int b) {
  EMBER_ASSIGN_OR_RETURN(int x, parse_positive(a));
  EMBER_ASSIGN_OR_RETURN(int y, parse_positive(b));
  return x + y;
}

Result<std::unique_ptr<int>> make_boxed(int x) {
  EMBER_CHECK_OR_RETURN(x != 0, Error::InvalidArgument, "zero");
  return std::make_unique<int>(x);
}

Result<int> unbox(int x) {
  EMBER_ASSIGN_OR_RETURN(std::unique_ptr<int> p, make_boxed(x));
  return *p + 1;
}

Error check_even(int x) {
  EMBER_CHECK_OR_RETURN(x % 2 == 0, Error::InvalidArgument, "%d is odd", x);
  return Error::Ok;
}

int g_calls = 0;
Error counted_check_even(int x) {
  ++g_calls;
  return check_even(x);
}

Error try_both(int a, int b) {
  EMBER_TRY(counted_check_even(a));
  EMBER_TRY(counted_check_even(b));
  return Error::Ok;
}

Error try_with_context(int step, int x) {
  EMBER_TRY_CTX(check_even(x), "step %d", step);
  return Error::Ok;
}

TEST(ResultTest, AssignOrReturnPropagates) {
  int out = 0;
  EXPECT_EQ(double_positive(5, &out), Error::Ok);
  EXPECT_EQ(out, 10);
  out = 0;
  EXPECT_EQ(double_positive(-3, &out), Error::InvalidArgument);
  EXPECT_EQ(out, 0);
  EXPECT_STREQ(error_message(), "-3 is not positive");

  Result<int> sum = sum_positive(2, 3);
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(*sum, 5);
  Result<int> bad = sum_positive(2, 0);
  EXPECT_EQ(bad.error(), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "0 is not positive");
}

TEST(ResultTest, AssignOrReturnMovesMoveOnlyValue) {
  Result<int> r = unbox(41);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(unbox(0).error(), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "zero");
}

TEST(ResultTest, TryStopsAtFirstFailureAndEvaluatesOnce) {
  g_calls = 0;
  EXPECT_EQ(try_both(2, 4), Error::Ok);
  EXPECT_EQ(g_calls, 2);
  g_calls = 0;
  EXPECT_EQ(try_both(3, 4), Error::InvalidArgument);
  EXPECT_EQ(g_calls, 1);
  EXPECT_STREQ(error_message(), "3 is odd");
  g_calls = 0;
  EXPECT_EQ(try_both(2, 5), Error::InvalidArgument);
  EXPECT_EQ(g_calls, 2);
  EXPECT_STREQ(error_message(), "5 is odd");
}

TEST(ResultTest, TryCtxPrefixesOnlyOnFailure) {
  fail(Error::Internal, "untouched");
  EXPECT_EQ(try_with_context(1, 2), Error::Ok);
  EXPECT_STREQ(error_message(), "untouched");
  EXPECT_EQ(try_with_context(2, 7), Error::InvalidArgument);
  EXPECT_STREQ(error_message(), "step 2: 7 is odd");
}

}  // namespace
}  // namespace ember
