#include "exir/emit/bundle_writer.h"

#include "exir/ir/error.h"
#include "schema/bundled_program_generated.h"

namespace exir {
namespace {

namespace fb = bundled_program_flatbuffer;

flatbuffers::Offset<fb::Value> write_value(flatbuffers::FlatBufferBuilder& b, const ember::HostValue& v) {
  switch (v.tag) {
    case ember::Tag::Tensor: {
      const ember::HostTensor& t = v.tensor;
      std::vector<uint8_t> dim_order = t.dim_order;
      if (dim_order.empty()) {
        for (size_t d = 0; d < t.sizes.size(); ++d) dim_order.push_back(static_cast<uint8_t>(d));
      }
      b.ForceVectorAlignment(t.data.size(), 1, 16);
      auto data = b.CreateVector(t.data);
      auto sizes = b.CreateVector(t.sizes);
      auto order = b.CreateVector(dim_order);
      auto tensor = fb::CreateTensor(b, static_cast<executorch_flatbuffer::ScalarType>(t.dtype), sizes, data, order);
      return fb::CreateValue(b, fb::ValueUnion::Tensor, tensor.Union());
    }
    case ember::Tag::Int:
      return fb::CreateValue(b, fb::ValueUnion::Int, fb::CreateInt(b, v.int_value).Union());
    case ember::Tag::Bool:
      return fb::CreateValue(b, fb::ValueUnion::Bool, fb::CreateBool(b, v.bool_value).Union());
    case ember::Tag::Double:
      return fb::CreateValue(b, fb::ValueUnion::Double, fb::CreateDouble(b, v.double_value).Union());
    default:
      fail("bundled program: a value with tag %d cannot be bundled (tensor, int, bool or double only)",
           static_cast<int>(v.tag));
  }
}

}  // namespace

std::vector<uint8_t> write_bundled_program(const std::vector<uint8_t>& pte, const std::string& method,
                                           const std::vector<BundledTestCase>& cases) {
  flatbuffers::FlatBufferBuilder b;
  std::vector<flatbuffers::Offset<fb::BundledMethodTestCase>> case_offsets;
  for (const BundledTestCase& c : cases) {
    std::vector<flatbuffers::Offset<fb::Value>> in, out;
    for (const ember::HostValue& v : c.inputs) in.push_back(write_value(b, v));
    for (const ember::HostValue& v : c.expected_outputs) out.push_back(write_value(b, v));
    case_offsets.push_back(fb::CreateBundledMethodTestCaseDirect(b, &in, &out));
  }
  std::vector<flatbuffers::Offset<fb::BundledMethodTestSuite>> suites{
      fb::CreateBundledMethodTestSuiteDirect(b, method.c_str(), &case_offsets)};
  auto suites_offset = b.CreateVector(suites);
  b.ForceVectorAlignment(pte.size(), 1, 32);
  auto program_offset = b.CreateVector(pte);
  fb::FinishBundledProgramBuffer(b, fb::CreateBundledProgram(b, 0, suites_offset, program_offset));
  return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

}  // namespace exir
