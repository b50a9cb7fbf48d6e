// .npy reading and writing (runtime/module/npy.h): round trips for
// every supported dtype, byte-exact headers, hand-written files from NumPy's
// format description, and malformed files.
#include "runtime/module/npy.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "examples/executor_runner/value_format.h"

namespace ember {
namespace {

std::vector<uint8_t> bytes_of(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }

// A version 1.0 (or 2.0) file with `header` padded as NumPy pads it.
std::vector<uint8_t> make_npy(const std::string& dict, const std::vector<uint8_t>& data, int major = 1) {
  std::string header = dict;
  size_t prefix = major == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::vector<uint8_t> out = bytes_of(std::string("\x93NUMPY", 6));
  out.push_back(static_cast<uint8_t>(major));
  out.push_back(0);
  size_t len = header.size();
  for (size_t i = 0; i < (major == 1 ? 2u : 4u); ++i) out.push_back(static_cast<uint8_t>(len >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

template <typename T>
std::vector<uint8_t> raw(const std::vector<T>& values) {
  std::vector<uint8_t> out(values.size() * sizeof(T));
  for (size_t i = 0; i < values.size(); ++i) {
    T v = values[i];
    std::memcpy(out.data() + i * sizeof(T), &v, sizeof(T));
  }
  return out;
}

template <typename T>
void expect_round_trip(const std::vector<int32_t>& sizes, const std::vector<T>& values, const char* descr) {
  HostTensor t = HostTensor::from<T>(sizes, values);
  Result<std::vector<uint8_t>> image = npy::encode(t);
  ASSERT_TRUE(image.ok()) << error_message();
  // Data starts at a multiple of 64 and the header names the right descr.
  ASSERT_EQ((image->size() - t.data.size()) % 64, 0u);
  std::string text(image->begin(), image->end());
  EXPECT_NE(text.find(std::string("'descr': '") + descr + "'"), std::string::npos) << text;
  Result<HostTensor> back = npy::parse(image->data(), image->size());
  ASSERT_TRUE(back.ok()) << error_message();
  EXPECT_EQ(back->dtype, t.dtype);
  EXPECT_EQ(back->sizes, sizes);
  EXPECT_TRUE(back->dim_order.empty());
  EXPECT_EQ(back->data, t.data);
}

TEST(Npy, RoundTripEveryDtype) {
  expect_round_trip<float>({2, 3}, {1.5f, -2, 3, 4, 5, 6.25f}, "<f4");
  expect_round_trip<double>({3}, {0.1, -1e300, 2.5}, "<f8");
  expect_round_trip<int64_t>({2}, {int64_t{1} << 40, -7}, "<i8");
  expect_round_trip<int32_t>({1, 1, 2}, {-5, 2147483647}, "<i4");
  expect_round_trip<int16_t>({2}, {-32768, 12}, "<i2");
  expect_round_trip<int8_t>({3}, {-128, 0, 127}, "|i1");
  expect_round_trip<uint8_t>({2, 2}, {0, 1, 254, 255}, "|u1");
  expect_round_trip<bool>({3}, {true, false, true}, "|b1");
  expect_round_trip<float>({}, {42.0f}, "<f4");      // 0-d
  expect_round_trip<float>({0, 4}, {}, "<f4");       // empty
}

TEST(Npy, HeaderIsWhatNumpyWrites) {
  HostTensor t = HostTensor::from<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Result<std::vector<uint8_t>> image = npy::encode(t);
  ASSERT_TRUE(image.ok());
  std::vector<uint8_t> expected = make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                                           raw<float>({1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(*image, expected);
  Result<std::vector<uint8_t>> one_d = npy::encode(HostTensor::from<int64_t>({1}, {9}));
  ASSERT_TRUE(one_d.ok());
  EXPECT_EQ(*one_d, make_npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", raw<int64_t>({9})));
  Result<std::vector<uint8_t>> zero_d = npy::encode(HostTensor::from<double>({}, {2.5}));
  ASSERT_TRUE(zero_d.ok());
  EXPECT_EQ(*zero_d, make_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", raw<double>({2.5})));
}

TEST(Npy, ParsesVersion2AndLooseSpacing) {
  std::vector<uint8_t> v2 =
      make_npy("{\"shape\":(3,),\"fortran_order\":False,\"descr\":\"<i4\"}", raw<int32_t>({7, 8, 9}), 2);
  Result<HostTensor> t = npy::parse(v2.data(), v2.size());
  ASSERT_TRUE(t.ok()) << error_message();
  EXPECT_EQ(t->dtype, ScalarType::Int);
  EXPECT_EQ(t->sizes, std::vector<int32_t>{3});
  EXPECT_EQ(t->data_as<int32_t>()[2], 9);

  // '<u1' / '<b1' mean the same as '|u1' / '|b1'.
  std::vector<uint8_t> b = make_npy("{'descr': '<b1', 'fortran_order': False, 'shape': (2,), }", {1, 0});
  Result<HostTensor> tb = npy::parse(b.data(), b.size());
  ASSERT_TRUE(tb.ok()) << error_message();
  EXPECT_EQ(tb->dtype, ScalarType::Bool);
}

void expect_parse_error(const std::vector<uint8_t>& image, const char* needle) {
  Result<HostTensor> t = npy::parse(image.data(), image.size());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error(), Error::InvalidArgument);
  EXPECT_NE(std::string(error_message()).find(needle), std::string::npos) << error_message();
}

TEST(Npy, MalformedFilesFailCleanly) {
  const std::string good_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  std::vector<uint8_t> good = make_npy(good_dict, raw<float>({1, 2}));
  ASSERT_TRUE(npy::parse(good.data(), good.size()).ok());

  expect_parse_error({}, "magic");
  expect_parse_error(bytes_of("PK\x03\x04 not numpy"), "magic");
  std::vector<uint8_t> bad_version = good;
  bad_version[6] = 9;
  expect_parse_error(bad_version, "version");
  // Truncated at every length: never a crash, always a clean error.
  for (size_t n = 0; n < good.size(); ++n) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<long>(n));
    Result<HostTensor> t = npy::parse(cut.data(), cut.size());
    EXPECT_FALSE(t.ok()) << "length " << n;
  }
  std::vector<uint8_t> long_header = good;
  long_header[8] = 0xff;
  long_header[9] = 0x7f;
  expect_parse_error(long_header, "header length");
  expect_parse_error(make_npy(good_dict, raw<float>({1, 2, 3})), "needs 8 data bytes, file has 12");
  expect_parse_error(make_npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", raw<float>({1, 2})),
                     "big-endian");
  expect_parse_error(make_npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", raw<float>({1, 2})),
                     "unsupported dtype");
  expect_parse_error(make_npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", raw<float>({1, 2})),
                     "Fortran");
  expect_parse_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", {}), "non-negative");
  expect_parse_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }", {}),
                     "too large");
  expect_parse_error(make_npy("{'descr': '<f4', 'shape': (2,), }", raw<float>({1, 2})), "lacks");
  expect_parse_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", raw<float>({1, 2})),
                     "unexpected header key");
  expect_parse_error(make_npy("['<f4']", {}), "not a dict");
  expect_parse_error(make_npy("{'descr: '<f4'}", {}), "expected");
}

TEST(Npy, WritesAndReadsFiles) {
  std::string path = ::testing::TempDir() + "/npy_test_out.npy";
  HostTensor t = HostTensor::from<int32_t>({2, 2}, {1, -2, 3, -4});
  ASSERT_EQ(npy::write_file(path, t), Error::Ok) << error_message();
  Result<HostTensor> back = npy::read_file(path);
  ASSERT_TRUE(back.ok()) << error_message();
  EXPECT_EQ(back->data, t.data);
  std::remove(path.c_str());
  Result<HostTensor> missing = npy::read_file(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), Error::AccessFailed);
  EXPECT_EQ(npy::write_file("/nonexistent-dir/x.npy", t), Error::AccessFailed);
}

TEST(Npy, NonContiguousDimOrderIsWrittenInCOrder) {
  // Logical [2, 3] tensor stored with dim order (1, 0): memory holds columns.
  HostTensor t = HostTensor::from<float>({2, 3}, {1, 4, 2, 5, 3, 6});
  t.dim_order = {1, 0};
  HostTensor c = npy::to_contiguous(t);
  EXPECT_TRUE(c.dim_order.empty());
  const float* v = c.data_as<float>();
  EXPECT_EQ(std::vector<float>(v, v + 6), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  Result<std::vector<uint8_t>> image = npy::encode(t);
  ASSERT_TRUE(image.ok());
  Result<HostTensor> back = npy::parse(image->data(), image->size());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->data, c.data);
}

TEST(Npy, UnsupportedDtypeForWriting) {
  HostTensor t;
  t.dtype = ScalarType::BFloat16;
  t.sizes = {1};
  t.data = {0, 0};
  Result<std::vector<uint8_t>> image = npy::encode(t);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.error(), Error::NotSupported);
}

TEST(ValueFormat, PrintsValuesReadably) {
  using runner::PrintMode;
  using runner::value_string;
  EXPECT_EQ(value_string(HostValue::from_tensor(HostTensor::from<float>({3}, {2, 2.5f, -1})), PrintMode::Summary),
            "tensor Float [3] = [2, 2.5, -1]");
  EXPECT_EQ(value_string(HostValue::from_tensor(HostTensor::from<int64_t>({1, 2}, {1, -2})), PrintMode::None),
            "tensor Long [1, 2]");
  std::vector<int32_t> many(12);
  for (int i = 0; i < 12; ++i) many[static_cast<size_t>(i)] = i;
  HostValue big = HostValue::from_tensor(HostTensor::from<int32_t>({12}, many));
  EXPECT_EQ(value_string(big, PrintMode::Summary), "tensor Int [12] = [0, 1, 2, 3, ..., 8, 9, 10, 11]");
  EXPECT_EQ(value_string(big, PrintMode::All), "tensor Int [12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]");
  EXPECT_EQ(value_string(HostValue::from_int(128), PrintMode::Summary), "int 128");
  EXPECT_EQ(value_string(HostValue::from_double(2.5), PrintMode::Summary), "double 2.5");
  EXPECT_EQ(value_string(HostValue::from_bool(true), PrintMode::Summary), "bool true");
  EXPECT_EQ(value_string(HostValue::none(), PrintMode::Summary), "none");
  EXPECT_EQ(value_string(HostValue::from_tensor(HostTensor::from<bool>({2}, {true, false})), PrintMode::All),
            "tensor Bool [2] = [true, false]");
}

TEST(ValueFormat, OnesOfEveryDtype) {
  HostTensor f = runner::ones(ScalarType::Float, {2});
  EXPECT_EQ(f.data_as<float>()[1], 1.0f);
  HostTensor l = runner::ones(ScalarType::Long, {1, 2});
  EXPECT_EQ(l.data_as<int64_t>()[1], 1);
  HostTensor h = runner::ones(ScalarType::Half, {1});
  EXPECT_EQ(runner::element_string(ScalarType::Half, h.data.data(), 0), "1");
  HostTensor b = runner::ones(ScalarType::Bool, {});
  EXPECT_EQ(b.data, std::vector<uint8_t>{1});
}

}  // namespace
}  // namespace ember
