#include "runtime/module/npy.h"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <limits>

namespace ember::npy {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
// Header (magic + version + length + dict) is padded to this many bytes.
constexpr size_t kHeaderAlignment = 64;

struct DescrEntry {
  const char* descr;
  ScalarType dtype;
};

constexpr DescrEntry kDescrs[] = {
    {"<f4", ScalarType::Float}, {"<f8", ScalarType::Double},  {"<f2", ScalarType::Half},
    {"<i8", ScalarType::Long},  {"<i4", ScalarType::Int},     {"<i2", ScalarType::Short},
    {"|i1", ScalarType::Char},  {"|u1", ScalarType::Byte},    {"|b1", ScalarType::Bool},
    {"<u2", ScalarType::UInt16}, {"<u4", ScalarType::UInt32}, {"<u8", ScalarType::UInt64},
};

bool descr_to_dtype(const std::string& descr, ScalarType* out) {
  std::string d = descr;
  // One-byte types have no byte order; NumPy writes '|' but '<' and '=' mean
  // the same for them.
  if (d.size() == 3 && d[2] == '1' && (d[0] == '<' || d[0] == '=')) d[0] = '|';
  for (const DescrEntry& e : kDescrs) {
    if (d == e.descr) {
      *out = e.dtype;
      return true;
    }
  }
  return false;
}

// A tiny parser for the Python dict literal NumPy writes as the header.
class HeaderParser {
 public:
  explicit HeaderParser(const std::string& text) : s_(text) {}

  Error parse(std::string* descr, bool* fortran_order, std::vector<int32_t>* shape) {
    bool have_descr = false, have_order = false, have_shape = false;
    skip_space();
    EMBER_CHECK_OR_RETURN(consume('{'), Error::InvalidArgument, "npy: header is not a dict");
    skip_space();
    while (!consume('}')) {
      std::string key;
      EMBER_TRY(parse_string(&key));
      skip_space();
      EMBER_CHECK_OR_RETURN(consume(':'), Error::InvalidArgument, "npy: expected ':' after '%s'", key.c_str());
      skip_space();
      if (key == "descr") {
        EMBER_TRY(parse_string(descr));
        have_descr = true;
      } else if (key == "fortran_order") {
        EMBER_TRY(parse_bool(fortran_order));
        have_order = true;
      } else if (key == "shape") {
        EMBER_TRY(parse_shape(shape));
        have_shape = true;
      } else {
        return fail(Error::InvalidArgument, "npy: unexpected header key '%s'", key.c_str());
      }
      skip_space();
      if (consume(',')) {
        skip_space();
      } else {
        EMBER_CHECK_OR_RETURN(peek() == '}', Error::InvalidArgument, "npy: expected ',' or '}' in header");
      }
    }
    skip_space();
    EMBER_CHECK_OR_RETURN(pos_ == s_.size(), Error::InvalidArgument, "npy: trailing characters after header dict");
    EMBER_CHECK_OR_RETURN(have_descr && have_order && have_shape, Error::InvalidArgument,
                          "npy: header lacks 'descr', 'fortran_order' or 'shape'");
    return Error::Ok;
  }

 private:
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  Error parse_string(std::string* out) {
    char quote = peek();
    EMBER_CHECK_OR_RETURN(quote == '\'' || quote == '"', Error::InvalidArgument,
                          "npy: expected a quoted string at header offset %zu", pos_);
    ++pos_;
    size_t end = s_.find(quote, pos_);
    EMBER_CHECK_OR_RETURN(end != std::string::npos, Error::InvalidArgument, "npy: unterminated string in header");
    *out = s_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return Error::Ok;
  }
  Error parse_bool(bool* out) {
    if (s_.compare(pos_, 4, "True") == 0) {
      *out = true;
      pos_ += 4;
    } else if (s_.compare(pos_, 5, "False") == 0) {
      *out = false;
      pos_ += 5;
    } else {
      return fail(Error::InvalidArgument, "npy: fortran_order must be True or False");
    }
    return Error::Ok;
  }
  Error parse_shape(std::vector<int32_t>* out) {
    out->clear();
    EMBER_CHECK_OR_RETURN(consume('('), Error::InvalidArgument, "npy: shape must be a tuple");
    skip_space();
    while (!consume(')')) {
      EMBER_CHECK_OR_RETURN(std::isdigit(static_cast<unsigned char>(peek())), Error::InvalidArgument,
                            "npy: shape entries must be non-negative integers");
      uint64_t v = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        v = v * 10 + static_cast<uint64_t>(s_[pos_++] - '0');
        EMBER_CHECK_OR_RETURN(v <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max()),
                              Error::InvalidArgument, "npy: shape entry too large");
      }
      if (peek() == 'L') ++pos_;  // Python 2 longs
      out->push_back(static_cast<int32_t>(v));
      EMBER_CHECK_OR_RETURN(out->size() <= kTensorDimensionLimit, Error::InvalidArgument,
                            "npy: more than %zu dimensions", kTensorDimensionLimit);
      skip_space();
      if (consume(',')) {
        skip_space();
      } else {
        EMBER_CHECK_OR_RETURN(peek() == ')', Error::InvalidArgument, "npy: expected ',' or ')' in shape");
      }
    }
    return Error::Ok;
  }

  const std::string& s_;
  size_t pos_ = 0;
};

uint32_t read_le(const uint8_t* p, size_t bytes) {
  uint32_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}

}  // namespace

const char* descr_of(ScalarType dtype) {
  for (const DescrEntry& e : kDescrs) {
    if (e.dtype == dtype) return e.descr;
  }
  return nullptr;
}

Result<HostTensor> parse(const uint8_t* data, size_t size) {
  EMBER_CHECK_OR_RETURN(data != nullptr || size == 0, Error::InvalidArgument, "npy: null data");
  EMBER_CHECK_OR_RETURN(size >= kMagicSize + 2 && std::memcmp(data, kMagic, kMagicSize) == 0, Error::InvalidArgument,
                        "npy: missing the \\x93NUMPY magic (not an .npy file)");
  uint8_t major = data[kMagicSize];
  EMBER_CHECK_OR_RETURN(major >= 1 && major <= 3, Error::InvalidArgument, "npy: unsupported format version %u.%u",
                        major, data[kMagicSize + 1]);
  size_t len_bytes = major == 1 ? 2 : 4;
  size_t prefix = kMagicSize + 2 + len_bytes;
  EMBER_CHECK_OR_RETURN(size >= prefix, Error::InvalidArgument, "npy: truncated header (%zu bytes)", size);
  size_t header_len = read_le(data + kMagicSize + 2, len_bytes);
  EMBER_CHECK_OR_RETURN(header_len <= size - prefix, Error::InvalidArgument,
                        "npy: header length %zu exceeds the %zu bytes that follow", header_len, size - prefix);
  std::string header(reinterpret_cast<const char*>(data + prefix), header_len);

  std::string descr;
  bool fortran_order = false;
  HostTensor t;
  EMBER_TRY(HeaderParser(header).parse(&descr, &fortran_order, &t.sizes));
  EMBER_CHECK_OR_RETURN(!fortran_order, Error::InvalidArgument, "npy: Fortran-order arrays are not supported");
  EMBER_CHECK_OR_RETURN(descr.empty() || descr[0] != '>', Error::InvalidArgument,
                        "npy: big-endian dtype '%s' is not supported", descr.c_str());
  EMBER_CHECK_OR_RETURN(descr_to_dtype(descr, &t.dtype), Error::InvalidArgument, "npy: unsupported dtype '%s'",
                        descr.c_str());

  size_t numel = 0;
  size_t nbytes = 0;
  EMBER_CHECK_OR_RETURN(checked_numel(ArrayRef<SizesType>(t.sizes.data(), t.sizes.size()), &numel) &&
                            checked_mul(numel, element_size(t.dtype), &nbytes),
                        Error::InvalidArgument, "npy: element count overflows");
  size_t available = size - prefix - header_len;
  EMBER_CHECK_OR_RETURN(available == nbytes, Error::InvalidArgument,
                        "npy: %s array of %zu elements needs %zu data bytes, file has %zu", descr.c_str(), numel,
                        nbytes, available);
  t.data.assign(data + prefix + header_len, data + size);
  return t;
}

Result<HostTensor> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  EMBER_CHECK_OR_RETURN(f != nullptr, Error::AccessFailed, "cannot open '%s'", path.c_str());
  std::vector<uint8_t> bytes;
  uint8_t chunk[65536];
  size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof(chunk), f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  bool read_error = std::ferror(f) != 0;
  std::fclose(f);
  EMBER_CHECK_OR_RETURN(!read_error, Error::AccessFailed, "cannot read '%s'", path.c_str());
  return parse(bytes.data(), bytes.size());
}

HostTensor to_contiguous(const HostTensor& tensor) {
  size_t rank = tensor.sizes.size();
  bool identity = tensor.dim_order.size() != rank;
  if (!identity) {
    identity = true;
    for (size_t d = 0; d < rank; ++d) identity = identity && tensor.dim_order[d] == d;
  }
  HostTensor out = tensor;
  out.dim_order.clear();
  size_t elem = element_size(tensor.dtype);
  size_t numel = tensor.numel();
  if (identity || numel == 0 || elem == 0 || tensor.data.size() != numel * elem) return out;

  // Physical strides: dim_order lists dims outermost to innermost in memory.
  std::vector<size_t> stride(rank, 0);
  size_t s = 1;
  for (size_t i = rank; i-- > 0;) {
    stride[tensor.dim_order[i]] = s;
    s *= static_cast<size_t>(tensor.sizes[tensor.dim_order[i]]);
  }
  std::vector<size_t> index(rank, 0);
  for (size_t flat = 0; flat < numel; ++flat) {
    size_t offset = 0;
    for (size_t d = 0; d < rank; ++d) offset += index[d] * stride[d];
    std::memcpy(out.data.data() + flat * elem, tensor.data.data() + offset * elem, elem);
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < static_cast<size_t>(tensor.sizes[d])) break;
      index[d] = 0;
    }
  }
  return out;
}

Result<std::vector<uint8_t>> encode(const HostTensor& tensor) {
  const char* descr = descr_of(tensor.dtype);
  EMBER_CHECK_OR_RETURN(descr != nullptr, Error::NotSupported, "npy: dtype %s has no NumPy equivalent",
                        scalar_type_name(tensor.dtype));
  size_t numel = 0;
  EMBER_CHECK_OR_RETURN(checked_numel(ArrayRef<SizesType>(tensor.sizes.data(), tensor.sizes.size()), &numel) &&
                            tensor.data.size() == numel * element_size(tensor.dtype),
                        Error::InvalidArgument, "npy: tensor data does not match its shape");
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < tensor.sizes.size(); ++i) {
    header += std::to_string(tensor.sizes[i]);
    if (tensor.sizes.size() == 1 || i + 1 < tensor.sizes.size()) header += ",";
    if (i + 1 < tensor.sizes.size()) header += " ";
  }
  header += "), }";
  // Pad with spaces so data starts at a multiple of 64; the header ends in '\n'.
  size_t prefix = kMagicSize + 2 + 2;
  size_t total = prefix + header.size() + 1;
  header.append((kHeaderAlignment - total % kHeaderAlignment) % kHeaderAlignment, ' ');
  header += '\n';
  EMBER_CHECK_OR_RETURN(header.size() <= 0xffff, Error::NotSupported, "npy: header too long");

  HostTensor c = to_contiguous(tensor);
  std::vector<uint8_t> out(kMagic, kMagic + kMagicSize);
  out.push_back(1);
  out.push_back(0);
  out.push_back(static_cast<uint8_t>(header.size() & 0xff));
  out.push_back(static_cast<uint8_t>(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), c.data.begin(), c.data.end());
  return out;
}

Error write_file(const std::string& path, const HostTensor& tensor) {
  EMBER_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, encode(tensor));
  std::FILE* f = std::fopen(path.c_str(), "wb");
  EMBER_CHECK_OR_RETURN(f != nullptr, Error::AccessFailed, "cannot create '%s'", path.c_str());
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = std::fclose(f) == 0 && ok;
  EMBER_CHECK_OR_RETURN(ok, Error::AccessFailed, "cannot write '%s'", path.c_str());
  return Error::Ok;
}

}  // namespace ember::npy
