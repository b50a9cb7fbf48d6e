#include "backends/xnnpack/serialize/xnnpack_blob_builder.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "xnnpack_graph_generated.h"

namespace ember::xnnpack {
namespace fb = fb_xnnpack;

#define EMBER_CHECK_KIND(name) \
  static_assert(static_cast<int>(NodeKind::name) == static_cast<int>(fb::XNodeUnion::XNN##name), #name)
EMBER_CHECK_KIND(Add);
EMBER_CHECK_KIND(StaticTranspose);
EMBER_CHECK_KIND(Concatenate4);
EMBER_CHECK_KIND(ScaledDotProductAttention);
EMBER_CHECK_KIND(Concatenate5);
EMBER_CHECK_KIND(Copy);
EMBER_CHECK_KIND(Cos);
#undef EMBER_CHECK_KIND
static_assert(static_cast<int>(fb::XNodeUnion::MAX) == static_cast<int>(NodeKind::Cos), "NodeKind is out of date");

namespace {

size_t align_up(size_t n, size_t a) { return (n + a - 1) / a * a; }

void put_u16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put_u64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// One node as given: its kind's scalar fields in schema order (ids last, as
// the schema has them), plus the vectors and the float some kinds carry.
struct NodeRecord {
  NodeKind kind;
  NodeOptions options;
  std::vector<uint32_t> fields;
  std::vector<uint32_t> list1;
  std::vector<uint32_t> list2;
  float value = 0.0f;
};

struct ConstantEntry {
  uint64_t offset;
  uint64_t size;
  std::string key;
};

}  // namespace

struct XnnpackBlobBuilder::State {
  std::vector<TensorSpec> values;
  std::vector<uint32_t> constant_index;  // per value
  std::vector<NodeRecord> nodes;
  // Entry 0 is the reserved "no data" entry ExecuTorch writes.
  std::vector<ConstantEntry> constants{ConstantEntry{0, 0, {}}};
  // Constant region as one piece per constant (each padded to 16 when laid
  // out), so large weights are moved in and out without extra copies.
  std::vector<std::vector<uint8_t>> region_pieces;
  uint64_t region_size = 0;
  std::optional<std::vector<uint32_t>> inputs;
  std::optional<std::vector<uint32_t>> outputs;
  std::optional<uint32_t> num_externs;
  std::string version = "0";

  uint32_t add_node(NodeRecord record) {
    nodes.push_back(std::move(record));
    return static_cast<uint32_t>(nodes.size() - 1);
  }
  std::vector<uint32_t> externals(uint32_t flag) const {
    std::vector<std::pair<uint32_t, uint32_t>> found;  // (external_id, value id)
    for (size_t i = 0; i < values.size(); ++i) {
      if ((values[i].binding.flags & flag) != 0) found.emplace_back(values[i].binding.external_id, uint32_t(i));
    }
    std::sort(found.begin(), found.end());
    std::vector<uint32_t> ids;
    for (const auto& f : found) ids.push_back(f.second);
    return ids;
  }
};

const char* node_kind_name(NodeKind kind) {
  const char* name = fb::EnumNameXNodeUnion(static_cast<fb::XNodeUnion>(kind));
  return name == nullptr || name[0] == '\0' ? "unknown" : name;
}

Quantization Quantization::per_tensor(float scale, int32_t zero_point) {
  Quantization q;
  q.kind = Kind::PerTensor;
  q.scale = scale;
  q.zero_point = zero_point;
  return q;
}

Quantization Quantization::per_channel(std::vector<float> scales, int32_t channel_dim) {
  Quantization q;
  q.kind = Kind::PerChannel;
  q.channel_scales = std::move(scales);
  q.channel_dim = channel_dim;
  return q;
}

Quantization Quantization::per_token_dynamic(int32_t num_nonbatch_dims) {
  Quantization q;
  q.kind = Kind::PerTokenDynamic;
  q.num_nonbatch_dims = num_nonbatch_dims;
  return q;
}

ConstantSource ConstantSource::data(const void* data, size_t nbytes) {
  ConstantSource c;
  const auto* p = static_cast<const uint8_t*>(data);
  c.bytes.assign(p, p + nbytes);
  return c;
}

ConstantSource ConstantSource::named(std::string key, uint64_t size) {
  ConstantSource c;
  c.named_key = std::move(key);
  c.named_size = size;
  return c;
}

void BlobHeader::write(uint8_t* out) const {
  std::memset(out, 0, kPaddedLength);
  std::memcpy(out + 4, "XH00", 4);
  put_u16(out + 8, static_cast<uint16_t>(kLength));
  put_u32(out + 10, flatbuffer_offset);
  put_u32(out + 14, flatbuffer_size);
  put_u32(out + 18, constant_offset);
  put_u64(out + 22, constant_size);
}

XnnpackBlobBuilder::XnnpackBlobBuilder() : state_(new State()) {}
XnnpackBlobBuilder::~XnnpackBlobBuilder() { delete state_; }
XnnpackBlobBuilder::XnnpackBlobBuilder(XnnpackBlobBuilder&& other) noexcept : state_(other.state_) {
  other.state_ = new State();
}
XnnpackBlobBuilder& XnnpackBlobBuilder::operator=(XnnpackBlobBuilder&& other) noexcept {
  std::swap(state_, other.state_);
  return *this;
}

uint32_t XnnpackBlobBuilder::add_constant_entry(uint64_t offset, uint64_t size, std::string named_key) {
  state_->constants.push_back(ConstantEntry{offset, size, std::move(named_key)});
  return static_cast<uint32_t>(state_->constants.size() - 1);
}

uint32_t XnnpackBlobBuilder::add_tensor(const TensorSpec& spec) {
  TensorSpec copy = spec;
  return add_tensor(std::move(copy));
}

uint32_t XnnpackBlobBuilder::add_tensor(TensorSpec&& spec) {
  State& s = *state_;
  uint32_t index = 0;
  ConstantSource& c = spec.constant;
  if (c.raw_index != 0) {
    index = c.raw_index;
  } else if (!c.named_key.empty()) {
    index = add_constant_entry(UINT64_MAX, c.named_size, c.named_key);
  } else if (!c.bytes.empty()) {
    // ExecuTorch appends each constant at the region's end, padded to 16.
    index = add_constant_entry(s.region_size, c.bytes.size());
    s.region_size += align_up(c.bytes.size(), BlobHeader::kAlignment);
    s.region_pieces.push_back(std::move(c.bytes));
    c.bytes = {};
  }
  s.values.push_back(std::move(spec));
  s.constant_index.push_back(index);
  return static_cast<uint32_t>(s.values.size() - 1);
}

uint32_t XnnpackBlobBuilder::add_tensor(DataType type, std::vector<uint32_t> dims, Binding binding,
                                        ConstantSource constant, Quantization quant) {
  TensorSpec spec;
  spec.type = type;
  spec.dims = std::move(dims);
  spec.binding = binding;
  spec.constant = std::move(constant);
  spec.quant = std::move(quant);
  return add_tensor(spec);
}

uint32_t XnnpackBlobBuilder::add_input(DataType type, std::vector<uint32_t> dims, uint32_t external_id,
                                       Quantization quant) {
  return add_tensor(type, std::move(dims), Binding::input(external_id), {}, std::move(quant));
}

uint32_t XnnpackBlobBuilder::add_output(DataType type, std::vector<uint32_t> dims, uint32_t external_id,
                                        Quantization quant) {
  return add_tensor(type, std::move(dims), Binding::output(external_id), {}, std::move(quant));
}

uint32_t XnnpackBlobBuilder::add_internal(DataType type, std::vector<uint32_t> dims, Quantization quant) {
  return add_tensor(type, std::move(dims), Binding::internal(), {}, std::move(quant));
}

uint32_t XnnpackBlobBuilder::add_constant(DataType type, std::vector<uint32_t> dims, ConstantSource constant,
                                          Quantization quant) {
  return add_tensor(type, std::move(dims), Binding::internal(), std::move(constant), std::move(quant));
}

size_t XnnpackBlobBuilder::num_values() const { return state_->values.size(); }
const TensorSpec& XnnpackBlobBuilder::tensor(uint32_t id) const { return state_->values.at(id); }
void XnnpackBlobBuilder::set_inputs(std::vector<uint32_t> ids) { state_->inputs = std::move(ids); }
void XnnpackBlobBuilder::set_outputs(std::vector<uint32_t> ids) { state_->outputs = std::move(ids); }
void XnnpackBlobBuilder::set_num_externs(uint32_t n) { state_->num_externs = n; }
void XnnpackBlobBuilder::set_version(std::string version) { state_->version = std::move(version); }
size_t XnnpackBlobBuilder::num_nodes() const { return state_->nodes.size(); }

uint32_t XnnpackBlobBuilder::add_binary(NodeKind kind, uint32_t input1, uint32_t input2, uint32_t output,
                                        const NodeOptions& o) {
  return state_->add_node({kind, o, {input1, input2, output}, {}, {}, 0.0f});
}

uint32_t XnnpackBlobBuilder::add_unary(NodeKind kind, uint32_t input, uint32_t output, const NodeOptions& o) {
  return state_->add_node({kind, o, {input, output}, {}, {}, 0.0f});
}

uint32_t XnnpackBlobBuilder::add_fully_connected(uint32_t input, uint32_t filter, uint32_t bias, uint32_t output,
                                                 const NodeOptions& o) {
  return state_->add_node({NodeKind::FullyConnected, o, {input, filter, bias, output}, {}, {}, 0.0f});
}

uint32_t XnnpackBlobBuilder::add_conv(NodeKind kind, const ConvParams& p, uint32_t input, uint32_t filter,
                                      uint32_t bias, uint32_t output, const NodeOptions& o) {
  return state_->add_node({kind,
                           o,
                           {p.padding_top, p.padding_right, p.padding_bottom, p.padding_left, p.kernel_height,
                            p.kernel_width, p.stride_height, p.stride_width, p.dilation_height, p.dilation_width,
                            p.group_input_channels, p.group_output_channels, p.groups, p.adjustment_height,
                            p.adjustment_width, input, filter, bias, output},
                           {},
                           {},
                           0.0f});
}

uint32_t XnnpackBlobBuilder::add_pooling(NodeKind kind, const PoolingParams& p, uint32_t input, uint32_t output,
                                         const NodeOptions& o) {
  return state_->add_node({kind,
                           o,
                           {p.padding_top, p.padding_right, p.padding_bottom, p.padding_left, p.pooling_height,
                            p.pooling_width, p.stride_height, p.stride_width, p.dilation_height, p.dilation_width,
                            input, output},
                           {},
                           {},
                           0.0f});
}

uint32_t XnnpackBlobBuilder::add_argmax_pooling(const PoolingParams& p, uint32_t input, uint32_t output_value,
                                                uint32_t output_index, const NodeOptions& o) {
  return state_->add_node({NodeKind::ArgMaxPooling2d,
                           o,
                           {p.padding_top, p.padding_right, p.padding_bottom, p.padding_left, p.pooling_height,
                            p.pooling_width, input, output_value, output_index},
                           {},
                           {},
                           0.0f});
}

uint32_t XnnpackBlobBuilder::add_transpose(std::vector<uint32_t> perm, uint32_t input, uint32_t output,
                                           const NodeOptions& o) {
  return state_->add_node({NodeKind::StaticTranspose, o, {input, output}, std::move(perm), {}, 0.0f});
}

uint32_t XnnpackBlobBuilder::add_reshape(std::vector<uint32_t> new_shape, uint32_t input, uint32_t output,
                                         const NodeOptions& o) {
  return state_->add_node({NodeKind::StaticReshape, o, {input, output}, std::move(new_shape), {}, 0.0f});
}

uint32_t XnnpackBlobBuilder::add_slice(std::vector<uint32_t> offsets, std::vector<uint32_t> sizes, uint32_t input,
                                       uint32_t output, const NodeOptions& o) {
  return state_->add_node({NodeKind::StaticSlice, o, {input, output}, std::move(offsets), std::move(sizes), 0.0f});
}

uint32_t XnnpackBlobBuilder::add_concat(const std::vector<uint32_t>& inputs, uint32_t axis, uint32_t output,
                                        const NodeOptions& o) {
  NodeKind kind = NodeKind::Concatenate5;
  switch (inputs.size()) {
    case 2: kind = NodeKind::Concatenate2; break;
    case 3: kind = NodeKind::Concatenate3; break;
    case 4: kind = NodeKind::Concatenate4; break;
    default: break;
  }
  // Unused inputs stay 0, as ExecuTorch writes them.
  uint32_t in[5] = {};
  for (size_t i = 0; i < inputs.size() && i < 5; ++i) in[i] = inputs[i];
  return state_->add_node({kind, o, {axis, in[0], in[1], in[2], in[3], output, in[4]}, {}, {}, 0.0f});
}

uint32_t XnnpackBlobBuilder::add_pad(std::vector<uint32_t> pre_paddings, std::vector<uint32_t> post_paddings,
                                     float padding_value, uint32_t input, uint32_t output, const NodeOptions& o) {
  return state_->add_node({NodeKind::StaticConstantPad, o, {input, output}, std::move(pre_paddings),
                           std::move(post_paddings), padding_value});
}

uint32_t XnnpackBlobBuilder::add_resize_bilinear(uint32_t new_height, uint32_t new_width, uint32_t input,
                                                 uint32_t output, const NodeOptions& o) {
  return state_->add_node(
      {NodeKind::StaticResizeBilinear2D, o, {new_height, new_width, input, output}, {}, {}, 0.0f});
}

uint32_t XnnpackBlobBuilder::add_elu(float alpha, uint32_t input, uint32_t output, const NodeOptions& o) {
  return state_->add_node({NodeKind::ELU, o, {input, output}, {}, {}, alpha});
}

uint32_t XnnpackBlobBuilder::add_leaky_relu(float negative_slope, uint32_t input, uint32_t output,
                                            const NodeOptions& o) {
  return state_->add_node({NodeKind::LeakyReLU, o, {input, output}, {}, {}, negative_slope});
}

uint32_t XnnpackBlobBuilder::add_bmm(uint32_t input1, uint32_t input2, uint32_t output, const NodeOptions& o) {
  return add_binary(NodeKind::BatchMatrixMultiply, input1, input2, output, o);
}

uint32_t XnnpackBlobBuilder::add_sdpa(uint32_t query, uint32_t key, uint32_t value, uint32_t scale, uint32_t mask,
                                      uint32_t output, const NodeOptions& o) {
  return state_->add_node(
      {NodeKind::ScaledDotProductAttention, o, {query, key, value, scale, mask, output}, {}, {}, 0.0f});
}

namespace {

flatbuffers::Offset<void> write_node_body(flatbuffers::FlatBufferBuilder& b, const NodeRecord& n) {
  const std::vector<uint32_t>& f = n.fields;
  const uint32_t flags = n.options.flags;
  switch (n.kind) {
    case NodeKind::Add:
    case NodeKind::Div:
    case NodeKind::Minimum:
    case NodeKind::Maximum:
    case NodeKind::Multiply:
    case NodeKind::Subtract:
    case NodeKind::PReLU:
    case NodeKind::BatchMatrixMultiply:
      return fb::Create_XNNNode2x1(b, f[0], f[1], f[2], flags).Union();
    case NodeKind::FullyConnected:
      return fb::CreateXNNFullyConnected(b, f[0], f[1], f[2], f[3], flags).Union();
    case NodeKind::Conv2d:
    case NodeKind::DepthwiseConv2d:
    case NodeKind::ConvTranspose2d:
      return fb::Create_XNNNodeConv(b, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11],
                                    f[12], f[13], f[14], f[15], f[16], f[17], f[18], flags)
          .Union();
    case NodeKind::AvgPooling2d:
    case NodeKind::MaxPooling2d:
      return fb::Create_XNNPooling2D(b, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11],
                                     flags)
          .Union();
    case NodeKind::ArgMaxPooling2d:
      return fb::CreateXNNArgMaxPooling2d(b, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], flags).Union();
    case NodeKind::StaticTranspose:
      return fb::CreateXNNStaticTransposeDirect(b, static_cast<uint32_t>(n.list1.size()), &n.list1, f[0], f[1], flags)
          .Union();
    case NodeKind::StaticReshape:
      return fb::CreateXNNStaticReshapeDirect(b, static_cast<uint32_t>(n.list1.size()), &n.list1, f[0], f[1], flags)
          .Union();
    case NodeKind::StaticSlice:
      return fb::CreateXNNStaticSliceDirect(b, static_cast<uint32_t>(n.list1.size()), &n.list1, &n.list2, f[0], f[1],
                                            flags)
          .Union();
    case NodeKind::Concatenate2:
    case NodeKind::Concatenate3:
    case NodeKind::Concatenate4:
    case NodeKind::Concatenate5:
      return fb::Create_XNNCat(b, f[0], f[1], f[2], f[3], f[4], f[5], flags, f[6]).Union();
    case NodeKind::StaticConstantPad:
      return fb::CreateXNNStaticConstantPadDirect(b, &n.list1, &n.list2, n.value, f[0], f[1], flags).Union();
    case NodeKind::StaticResizeBilinear2D:
      return fb::CreateXNNStaticResizeBilinear2D(b, f[0], f[1], f[2], f[3], flags).Union();
    case NodeKind::ELU:
      return fb::CreateXNNELU(b, n.value, f[0], f[1], flags).Union();
    case NodeKind::LeakyReLU:
      return fb::CreateXNNLeakyReLU(b, n.value, f[0], f[1], flags).Union();
    case NodeKind::ScaledDotProductAttention:
      return fb::CreateXNNScaledDotProductAttention(b, f[0], f[1], f[2], f[3], f[4], f[5], flags).Union();
    default:
      // Every other kind is a _XNNNode1x1.
      return fb::Create_XNNNode1x1(b, f[0], f[1], flags).Union();
  }
}

flatbuffers::Offset<fb::XValue> write_value(flatbuffers::FlatBufferBuilder& b, const TensorSpec& t, uint32_t id,
                                            uint32_t constant_index) {
  auto tensor = fb::CreateXNNTensorValueDirect(b, static_cast<fb::XNNDatatype>(t.type),
                                               static_cast<uint32_t>(t.dims.size()), &t.dims, constant_index,
                                               t.binding.external_id, t.binding.flags, id,
                                               static_cast<fb::XNNDatatype>(t.dq_datatype));
  const Quantization& q = t.quant;
  if (q.kind == Quantization::Kind::None) {
    return fb::CreateXValue(b, fb::XValueUnion::XNNTensorValue, tensor.Union());
  }
  fb::XNNQuantParams type = fb::XNNQuantParams::PerTensorQuant;
  flatbuffers::Offset<void> params;
  switch (q.kind) {
    case Quantization::Kind::PerChannel:
      type = fb::XNNQuantParams::PerChannelQuant;
      params = fb::CreatePerChannelQuantDirect(b, &q.channel_scales, q.channel_dim, 0,
                                               static_cast<uint32_t>(q.channel_scales.size()))
                   .Union();
      break;
    case Quantization::Kind::PerTokenDynamic:
      type = fb::XNNQuantParams::PerTokenDynamicQuant;
      params = fb::CreatePerTokenDynamicQuant(b, q.num_nonbatch_dims).Union();
      break;
    default:
      params = fb::CreatePerTensorQuant(b, q.scale, q.zero_point).Union();
      break;
  }
  auto quantized = fb::CreateXNNQuantizedTensorValue(b, tensor, type, params);
  return fb::CreateXValue(b, fb::XValueUnion::XNNQuantizedTensorValue, quantized.Union());
}

}  // namespace

std::vector<uint8_t> XnnpackBlobBuilder::build_flatbuffer() const {
  const State& s = *state_;
  flatbuffers::FlatBufferBuilder b;
  std::vector<flatbuffers::Offset<fb::XNode>> nodes;
  for (const NodeRecord& n : s.nodes) {
    flatbuffers::Offset<void> body = write_node_body(b, n);
    flatbuffers::Offset<fb::OutputMinMax> clamp;
    if (n.options.clamp) clamp = fb::CreateOutputMinMax(b, n.options.clamp->min, n.options.clamp->max);
    nodes.push_back(fb::CreateXNode(b, static_cast<fb::XNodeUnion>(n.kind), body, n.options.debug_handle, clamp));
  }
  std::vector<flatbuffers::Offset<fb::XValue>> values;
  uint32_t externs = 0;
  for (size_t i = 0; i < s.values.size(); ++i) {
    values.push_back(write_value(b, s.values[i], static_cast<uint32_t>(i), s.constant_index[i]));
    if ((s.values[i].binding.flags & (kExternalInput | kExternalOutput)) != 0) ++externs;
  }
  std::vector<flatbuffers::Offset<fb::ConstantDataOffset>> constants;
  for (const ConstantEntry& c : s.constants) {
    constants.push_back(fb::CreateConstantDataOffsetDirect(b, c.offset, c.size, c.key.c_str()));
  }
  std::vector<uint32_t> inputs = s.inputs ? *s.inputs : s.externals(kExternalInput);
  std::vector<uint32_t> outputs = s.outputs ? *s.outputs : s.externals(kExternalOutput);
  auto graph = fb::CreateXNNGraphDirect(b, s.version.c_str(), &nodes, &values, s.num_externs.value_or(externs),
                                        &inputs, &outputs, nullptr, nullptr, &constants);
  fb::FinishXNNGraphBuffer(b, graph);
  return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

std::vector<uint8_t> XnnpackBlobBuilder::constant_region() const {
  std::vector<uint8_t> region;
  region.reserve(state_->region_size);
  for (const std::vector<uint8_t>& piece : state_->region_pieces) {
    region.insert(region.end(), piece.begin(), piece.end());
    region.resize(align_up(region.size(), BlobHeader::kAlignment), 0);
  }
  return region;
}

std::vector<uint8_t> XnnpackBlobBuilder::assemble(bool release_constants) {
  const std::vector<uint8_t> graph = build_flatbuffer();
  BlobHeader header;
  header.flatbuffer_offset = BlobHeader::kPaddedLength;
  header.flatbuffer_size = static_cast<uint32_t>(graph.size());
  header.constant_offset = static_cast<uint32_t>(BlobHeader::kPaddedLength + align_up(graph.size(), BlobHeader::kAlignment));
  header.constant_size = state_->region_size;
  // Reserved, then appended piece by piece: pages become resident as they are
  // written while released pieces give theirs back, so a large blob never
  // needs two full copies in memory.
  std::vector<uint8_t> blob;
  blob.reserve(header.constant_offset + state_->region_size);
  blob.resize(header.constant_offset, 0);
  header.write(blob.data());
  std::memcpy(blob.data() + header.flatbuffer_offset, graph.data(), graph.size());
  for (std::vector<uint8_t>& piece : state_->region_pieces) {
    blob.insert(blob.end(), piece.begin(), piece.end());
    blob.resize(align_up(blob.size(), BlobHeader::kAlignment), 0);
    if (release_constants) std::vector<uint8_t>().swap(piece);
  }
  return blob;
}

std::vector<uint8_t> XnnpackBlobBuilder::build() const { return const_cast<XnnpackBlobBuilder*>(this)->assemble(false); }

std::vector<uint8_t> XnnpackBlobBuilder::release_blob() && {
  std::vector<uint8_t> blob = assemble(true);
  *this = XnnpackBlobBuilder();
  return blob;
}

}  // namespace ember::xnnpack
