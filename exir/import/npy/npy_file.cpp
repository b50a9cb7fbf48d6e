#include "exir/import/npy/npy_file.h"

#include <cstring>
#include <fstream>
#include <iterator>

#include "exir/ir/error.h"

namespace exir {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
// Caps what a malformed header can make us read or allocate.
constexpr size_t kMaxHeaderLen = 1 << 16;
constexpr int kMaxRank = 16;

struct DescrType {
  const char* descr;
  ScalarType dtype;
};
constexpr DescrType kTypes[] = {
    {"<f4", ScalarType::Float}, {"<f8", ScalarType::Double}, {"<f2", ScalarType::Half},
    {"<i8", ScalarType::Long},  {"<i4", ScalarType::Int},     {"<i2", ScalarType::Short},
    {"|i1", ScalarType::Char},  {"|u1", ScalarType::Byte},    {"|b1", ScalarType::Bool},
    {"<u2", ScalarType::UInt16}, {"<u4", ScalarType::UInt32}, {"<u8", ScalarType::UInt64},
};

// The value of `'key':` in the header dict, up to the next ',' or '}' at
// nesting depth 0 (the shape tuple is kept whole).
std::string dict_value(const std::string& header, const std::string& key, const std::string& path) {
  const std::string quoted[] = {"'" + key + "'", "\"" + key + "\""};
  size_t pos = std::string::npos;
  for (const std::string& q : quoted) {
    pos = header.find(q);
    if (pos != std::string::npos) {
      pos += q.size();
      break;
    }
  }
  if (pos == std::string::npos) fail("%s: .npy header has no '%s'", path.c_str(), key.c_str());
  pos = header.find(':', pos);
  if (pos == std::string::npos) fail("%s: malformed .npy header", path.c_str());
  ++pos;
  int depth = 0;
  size_t end = pos;
  for (; end < header.size(); ++end) {
    const char ch = header[end];
    if (ch == '(') ++depth;
    if (ch == ')') --depth;
    if (depth == 0 && (ch == ',' || ch == '}')) break;
  }
  std::string v = header.substr(pos, end - pos);
  const size_t b = v.find_first_not_of(" \t");
  const size_t e = v.find_last_not_of(" \t");
  return b == std::string::npos ? "" : v.substr(b, e - b + 1);
}

std::vector<int64_t> parse_shape(const std::string& text, const std::string& path) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') {
    fail("%s: malformed shape '%s' in .npy header", path.c_str(), text.c_str());
  }
  std::vector<int64_t> shape;
  size_t i = 1;
  while (i < text.size() - 1) {
    while (i < text.size() - 1 && (text[i] == ' ' || text[i] == ',')) ++i;
    if (i >= text.size() - 1) break;
    int64_t d = 0;
    bool digits = false;
    while (i < text.size() - 1 && text[i] >= '0' && text[i] <= '9') {
      if (d > (int64_t{1} << 40)) fail("%s: dimension too large in .npy header", path.c_str());
      d = d * 10 + (text[i] - '0');
      digits = true;
      ++i;
    }
    if (!digits) fail("%s: malformed shape '%s' in .npy header", path.c_str(), text.c_str());
    shape.push_back(d);
    if (shape.size() > kMaxRank) fail("%s: rank above %d", path.c_str(), kMaxRank);
  }
  return shape;
}

}  // namespace

Value read_npy(const std::string& path, const std::string& name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open '%s'", path.c_str());
  char pre[10];
  if (!in.read(pre, 8) || std::memcmp(pre, kMagic, kMagicLen) != 0) fail("%s: not a .npy file", path.c_str());
  const int major = static_cast<unsigned char>(pre[6]);
  size_t header_len = 0;
  if (major == 1) {
    if (!in.read(pre, 2)) fail("%s: truncated .npy header", path.c_str());
    header_len = static_cast<unsigned char>(pre[0]) | (static_cast<size_t>(static_cast<unsigned char>(pre[1])) << 8);
  } else if (major == 2 || major == 3) {
    if (!in.read(pre, 4)) fail("%s: truncated .npy header", path.c_str());
    for (int i = 3; i >= 0; --i) header_len = (header_len << 8) | static_cast<unsigned char>(pre[i]);
  } else {
    fail("%s: .npy format version %d is not supported", path.c_str(), major);
  }
  if (header_len > kMaxHeaderLen) fail("%s: .npy header of %zu bytes is too long", path.c_str(), header_len);
  std::string header(header_len, '\0');
  if (!in.read(&header[0], static_cast<std::streamsize>(header_len))) fail("%s: truncated .npy header", path.c_str());

  std::string descr = dict_value(header, "descr", path);
  if (descr.size() < 2) fail("%s: malformed descr in .npy header", path.c_str());
  descr = descr.substr(1, descr.size() - 2);
  // One-byte types may be written with '<', '>', '|' or '='.
  if (descr.size() == 3 && descr[2] == '1') descr[0] = '|';
  if (!descr.empty() && descr[0] == '=') descr[0] = '<';
  Value v;
  v.name = name;
  bool known = false;
  for (const DescrType& t : kTypes) {
    if (descr == t.descr) {
      v.dtype = t.dtype;
      known = true;
    }
  }
  if (!known) fail("%s: .npy dtype '%s' is not supported (little-endian numeric types only)", path.c_str(), descr.c_str());
  if (dict_value(header, "fortran_order", path) != "False") {
    fail("%s: Fortran-order arrays are not supported (save with np.ascontiguousarray)", path.c_str());
  }
  v.shape = static_shape(parse_shape(dict_value(header, "shape", path), path));
  v.shape_known = true;
  const size_t nbytes = v.nbytes();
  const std::streampos data_start = in.tellg();
  in.seekg(0, std::ios::end);
  const uint64_t available = static_cast<uint64_t>(in.tellg() - data_start);
  if (available != nbytes) {
    fail("%s: %llu data bytes, the header's shape and dtype need %zu", path.c_str(), (unsigned long long)available,
         nbytes);
  }
  in.seekg(data_start);
  std::vector<uint8_t> bytes(nbytes);
  if (nbytes > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(nbytes))) {
    fail("%s: cannot read the array data", path.c_str());
  }
  v.data = std::move(bytes);
  return v;
}

void write_npy(const std::string& path, const Value& value) {
  const char* descr = nullptr;
  for (const DescrType& t : kTypes) {
    if (t.dtype == value.dtype) descr = t.descr;
  }
  if (!descr) fail("%s: dtype %s cannot be written as .npy", path.c_str(), ember::scalar_type_name(value.dtype));
  std::string shape = "(";
  for (int64_t d : value.sizes()) shape += std::to_string(d) + ", ";
  if (value.rank() > 1) shape.resize(shape.size() - 2);
  if (value.rank() == 1) shape.resize(shape.size() - 1);
  shape += ")";
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so the data starts 64-byte aligned, header ending in '\n'.
  const size_t total = kMagicLen + 4 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(kMagic, kMagicLen);
  const char version[2] = {1, 0};
  out.write(version, 2);
  const char len[2] = {static_cast<char>(header.size() & 0xff), static_cast<char>(header.size() >> 8)};
  out.write(len, 2);
  out << header;
  if (value.data) out.write(reinterpret_cast<const char*>(value.data->data()), static_cast<std::streamsize>(value.data->size()));
  if (!out) fail("cannot write '%s'", path.c_str());
}

}  // namespace exir
