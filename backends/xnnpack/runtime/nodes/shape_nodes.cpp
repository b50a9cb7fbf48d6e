// Data-movement nodes on the host (this XNNPACK has no transpose, slice,
// concatenate or copy operator): StaticTranspose, StaticReshape, Copy,
// StaticSlice, Concatenate2..5, StaticConstantPad; and StaticResizeBilinear2D
// on XNNPACK's resize_bilinear2d_nhwc operators. Rules in shape_capability.h.
#include <cmath>
#include <cstring>

#include "backends/xnnpack/capability/shape_capability.h"
#include "backends/xnnpack/runtime/nodes/node_util.h"
#include "backends/xnnpack/runtime/nodes/transpose_kernel.h"
#include "xnnpack_graph_generated.h"

namespace ember::xnnpack {
namespace {

template <typename T>
size_t vsize(const flatbuffers::Vector<T>* v) {
  return v == nullptr ? 0 : v->size();
}

// Copies a flatbuffer uint vector of at most kMaxDims entries.
Error read_dims(const NodeBuildContext& c, const flatbuffers::Vector<uint32_t>* v, const char* what, uint32_t* out,
                size_t* n) {
  *n = vsize(v);
  if (*n > kMaxDims) return c.fail_node(Error::InvalidProgram, "%s has %zu entries (max %zu)", what, *n, kMaxDims);
  for (size_t i = 0; i < *n; ++i) out[i] = v->Get(static_cast<flatbuffers::uoffset_t>(i));
  return Error::Ok;
}

class TransposeNode final : public Node {
 public:
  TransposeNode(uint32_t index, const char* kind, uint32_t in, uint32_t out, const uint32_t* perm, size_t rank)
      : Node(index, kind), in_(in), out_(out), rank_(rank) {
    for (size_t d = 0; d < rank; ++d) perm_[d] = perm[d];
  }
  Error reshape(Value* values) override {
    const Value& in = values[in_];
    Value& out = values[out_];
    for (size_t d = 0; d < rank_; ++d) out.dims[d] = in.dims[perm_[d]];
    return check_output_fits(index(), kind(), out);
  }
  Error setup(Value* values, pthreadpool_t) override {
    src_ = values[in_].data;
    dst_ = values[out_].data;
    plan_ = plan_transpose(values[in_].dims, perm_, rank_, data_type_size(values[in_].type));
    return Error::Ok;
  }
  Error run(pthreadpool_t pool) override {
    run_transpose(plan_, src_, dst_, pool);
    return Error::Ok;
  }

 private:
  uint32_t in_, out_;
  size_t rank_;
  uint32_t perm_[kMaxDims] = {};
  TransposePlan plan_;
  const void* src_ = nullptr;
  void* dst_ = nullptr;
};

// Reshape and Copy: the bytes do not change, only the dims.
class ReshapeNode final : public Node {
 public:
  // shape null: Copy (output dims follow the input's when the ranks agree).
  ReshapeNode(uint32_t index, const char* kind, uint32_t in, uint32_t out, const uint32_t* shape, size_t rank)
      : Node(index, kind), in_(in), out_(out), rank_(rank), copy_(shape == nullptr) {
    for (size_t d = 0; shape != nullptr && d < rank; ++d) shape_[d] = shape[d];
  }
  Error reshape(Value* values) override {
    const Value& in = values[in_];
    Value& out = values[out_];
    size_t numel = in.numel();
    if (copy_) {
      if (in.rank == out.rank) {
        for (size_t d = 0; d < in.rank; ++d) out.dims[d] = in.dims[d];
      }
    } else {
      size_t known = 1, inferred = kMaxDims;
      for (size_t d = 0; d < rank_; ++d) {
        if (shape_[d] == 0) {
          inferred = d;
        } else {
          known *= shape_[d];
          out.dims[d] = shape_[d];
        }
      }
      if (inferred < kMaxDims) {
        if (known == 0 || numel % known != 0) {
          return fail(Error::InvalidArgument, "node %u (%s): %zu elements do not fill the new shape", index(), kind(),
                      numel);
        }
        out.dims[inferred] = numel / known;
      }
    }
    if (out.numel() != numel) {
      return fail(Error::InvalidArgument, "node %u (%s): input has %zu elements, output %zu", index(), kind(), numel,
                  out.numel());
    }
    return check_output_fits(index(), kind(), out);
  }
  Error setup(Value* values, pthreadpool_t) override {
    src_ = values[in_].data;
    dst_ = values[out_].data;
    bytes_ = values[in_].nbytes();
    return Error::Ok;
  }
  Error run(pthreadpool_t) override {
    if (bytes_ > 0 && src_ != dst_) std::memcpy(dst_, src_, bytes_);
    return Error::Ok;
  }

 private:
  uint32_t in_, out_;
  size_t rank_;
  bool copy_;
  uint32_t shape_[kMaxDims] = {};
  const void* src_ = nullptr;
  void* dst_ = nullptr;
  size_t bytes_ = 0;
};

// Row-major element strides of `dims`.
void strides_of(const size_t* dims, size_t rank, size_t* strides) {
  size_t s = 1;
  for (size_t d = rank; d-- > 0;) {
    strides[d] = s;
    s *= dims[d];
  }
}

class SliceNode final : public Node {
 public:
  SliceNode(uint32_t index, const char* kind, uint32_t in, uint32_t out, const uint32_t* offsets, const uint32_t* sizes,
            size_t rank)
      : Node(index, kind), in_(in), out_(out), rank_(rank) {
    for (size_t d = 0; d < rank; ++d) {
      offsets_[d] = offsets[d];
      sizes_[d] = sizes[d];
    }
  }
  Error reshape(Value* values) override {
    const Value& in = values[in_];
    Value& out = values[out_];
    for (size_t d = 0; d < rank_; ++d) {
      if (offsets_[d] + static_cast<size_t>(sizes_[d]) > in.dims[d]) {
        return fail(Error::InvalidArgument, "node %u (%s): slice [%u, +%u) of dim %zu exceeds its size %zu", index(),
                    kind(), offsets_[d], sizes_[d], d, in.dims[d]);
      }
      out.dims[d] = sizes_[d];
    }
    return check_output_fits(index(), kind(), out);
  }
  Error setup(Value* values, pthreadpool_t) override {
    const Value& in = values[in_];
    src_ = static_cast<const uint8_t*>(in.data);
    dst_ = static_cast<uint8_t*>(values[out_].data);
    es_ = data_type_size(in.type);
    strides_of(in.dims, rank_, in_strides_);
    start_ = 0;
    for (size_t d = 0; d < rank_; ++d) start_ += offsets_[d] * in_strides_[d];
    return Error::Ok;
  }
  Error run(pthreadpool_t) override {
    size_t r = rank_;
    size_t row = sizes_[r - 1] * es_;
    size_t rows = 1;
    for (size_t d = 0; d + 1 < r; ++d) rows *= sizes_[d];
    size_t idx[kMaxDims] = {};
    size_t off = start_;
    uint8_t* dst = dst_;
    for (size_t k = 0; k < rows; ++k) {
      std::memcpy(dst, src_ + off * es_, row);
      dst += row;
      for (size_t d = r - 1; d-- > 0;) {
        off += in_strides_[d];
        if (++idx[d] < sizes_[d]) break;
        off -= in_strides_[d] * sizes_[d];
        idx[d] = 0;
      }
    }
    return Error::Ok;
  }

 private:
  uint32_t in_, out_;
  size_t rank_;
  uint32_t offsets_[kMaxDims] = {};
  uint32_t sizes_[kMaxDims] = {};
  size_t in_strides_[kMaxDims] = {};
  size_t start_ = 0, es_ = 1;
  const uint8_t* src_ = nullptr;
  uint8_t* dst_ = nullptr;
};

class ConcatNode final : public Node {
 public:
  static constexpr size_t kMaxInputs = 5;
  ConcatNode(uint32_t index, const char* kind, const uint32_t* inputs, size_t count, uint32_t out, uint32_t axis,
             Value* values)
      : Node(index, kind), count_(count), out_(out), axis_(axis) {
    const Value& o = values[out];
    for (size_t i = 0; i < count; ++i) {
      in_[i] = inputs[i];
      const Value& v = values[inputs[i]];
      requant_[i] = is_quantized_8bit(o.type) &&
                    (v.quant.scale != o.quant.scale || v.quant.zero_point != o.quant.zero_point);
      multiplier_[i] = requant_[i] ? v.quant.scale / o.quant.scale : 1.0f;
      in_zero_[i] = v.quant.zero_point;
    }
    type_ = o.type;
    out_zero_ = o.quant.zero_point;
  }
  Error reshape(Value* values) override {
    Value& out = values[out_];
    const Value& first = values[in_[0]];
    size_t total = 0;
    for (size_t i = 0; i < count_; ++i) {
      const Value& v = values[in_[i]];
      for (size_t d = 0; d < out.rank; ++d) {
        if (d != axis_ && v.dims[d] != first.dims[d]) {
          return fail(Error::InvalidArgument, "node %u (%s): input %zu dim %zu is %zu, input 1 has %zu", index(),
                      kind(), i + 1, d, v.dims[d], first.dims[d]);
        }
      }
      total += v.dims[axis_];
    }
    for (size_t d = 0; d < out.rank; ++d) out.dims[d] = d == axis_ ? total : first.dims[d];
    return check_output_fits(index(), kind(), out);
  }
  Error setup(Value* values, pthreadpool_t) override {
    const Value& out = values[out_];
    es_ = data_type_size(out.type);
    outer_ = 1;
    for (size_t d = 0; d < axis_; ++d) outer_ *= out.dims[d];
    size_t inner = 1;
    for (size_t d = axis_ + 1; d < out.rank; ++d) inner *= out.dims[d];
    for (size_t i = 0; i < count_; ++i) {
      src_[i] = static_cast<const uint8_t*>(values[in_[i]].data);
      chunk_[i] = values[in_[i]].dims[axis_] * inner;  // elements per outer step
    }
    dst_ = static_cast<uint8_t*>(out.data);
    return Error::Ok;
  }
  Error run(pthreadpool_t) override {
    uint8_t* dst = dst_;
    for (size_t o = 0; o < outer_; ++o) {
      for (size_t i = 0; i < count_; ++i) {
        const uint8_t* src = src_[i] + o * chunk_[i] * es_;
        if (requant_[i]) {
          requantize(i, src, dst, chunk_[i]);
        } else {
          std::memcpy(dst, src, chunk_[i] * es_);
        }
        dst += chunk_[i] * es_;
      }
    }
    return Error::Ok;
  }

 private:
  // As Convert does between 8-bit types: round half to even, saturate.
  void requantize(size_t i, const uint8_t* src, uint8_t* dst, size_t n) const {
    int32_t lo = qmin_of(type_), hi = qmax_of(type_);
    for (size_t k = 0; k < n; ++k) {
      int32_t q = type_ == DataType::QInt8 ? static_cast<int8_t>(src[k]) : src[k];
      float r = std::nearbyint(static_cast<float>(q - in_zero_[i]) * multiplier_[i]) + static_cast<float>(out_zero_);
      int32_t v = r < static_cast<float>(lo) ? lo : r > static_cast<float>(hi) ? hi : static_cast<int32_t>(r);
      dst[k] = static_cast<uint8_t>(v);
    }
  }

  size_t count_;
  uint32_t in_[kMaxInputs] = {};
  uint32_t out_, axis_;
  DataType type_ = DataType::Fp32;
  bool requant_[kMaxInputs] = {};
  float multiplier_[kMaxInputs] = {};
  int32_t in_zero_[kMaxInputs] = {};
  int32_t out_zero_ = 0;
  const uint8_t* src_[kMaxInputs] = {};
  size_t chunk_[kMaxInputs] = {};
  uint8_t* dst_ = nullptr;
  size_t es_ = 1, outer_ = 1;
};

class PadNode final : public Node {
 public:
  PadNode(uint32_t index, const char* kind, uint32_t in, uint32_t out, const uint32_t* pre, const uint32_t* post,
          size_t rank, const uint8_t* fill, size_t es)
      : Node(index, kind), in_(in), out_(out), rank_(rank), es_(es) {
    for (size_t d = 0; d < rank; ++d) {
      pre_[d] = pre[d];
      post_[d] = post[d];
    }
    std::memcpy(fill_, fill, es);
  }
  Error reshape(Value* values) override {
    const Value& in = values[in_];
    Value& out = values[out_];
    for (size_t d = 0; d < rank_; ++d) out.dims[d] = in.dims[d] + pre_[d] + post_[d];
    return check_output_fits(index(), kind(), out);
  }
  Error setup(Value* values, pthreadpool_t) override {
    const Value& in = values[in_];
    src_ = static_cast<const uint8_t*>(in.data);
    dst_ = static_cast<uint8_t*>(values[out_].data);
    for (size_t d = 0; d < rank_; ++d) in_dims_[d] = in.dims[d];
    size_t out_dims[kMaxDims];
    for (size_t d = 0; d < rank_; ++d) out_dims[d] = values[out_].dims[d];
    strides_of(out_dims, rank_, out_strides_);
    out_numel_ = values[out_].numel();
    in_numel_ = in.numel();
    return Error::Ok;
  }
  Error run(pthreadpool_t) override {
    // Fill everything, then place the input rows.
    if (es_ == 1) {
      std::memset(dst_, fill_[0], out_numel_);
    } else {
      for (size_t k = 0; k < out_numel_; ++k) std::memcpy(dst_ + k * es_, fill_, es_);
    }
    if (in_numel_ == 0) return Error::Ok;
    size_t r = rank_;
    size_t row = in_dims_[r - 1] * es_;
    size_t rows = in_numel_ / in_dims_[r - 1];
    size_t off = 0;
    for (size_t d = 0; d < r; ++d) off += pre_[d] * out_strides_[d];
    size_t idx[kMaxDims] = {};
    const uint8_t* src = src_;
    for (size_t k = 0; k < rows; ++k) {
      std::memcpy(dst_ + off * es_, src, row);
      src += row;
      for (size_t d = r - 1; d-- > 0;) {
        off += out_strides_[d];
        if (++idx[d] < in_dims_[d]) break;
        off -= out_strides_[d] * in_dims_[d];
        idx[d] = 0;
      }
    }
    return Error::Ok;
  }

 private:
  uint32_t in_, out_;
  size_t rank_, es_;
  uint32_t pre_[kMaxDims] = {}, post_[kMaxDims] = {};
  uint8_t fill_[8] = {};
  size_t in_dims_[kMaxDims] = {}, out_strides_[kMaxDims] = {};
  size_t out_numel_ = 0, in_numel_ = 0;
  const uint8_t* src_ = nullptr;
  uint8_t* dst_ = nullptr;
};

class ResizeNode final : public Node {
 public:
  ResizeNode(uint32_t index, const char* kind, uint32_t in, uint32_t out, DataType type, uint32_t h, uint32_t w)
      : Node(index, kind), in_(in), out_(out), type_(type), new_h_(h), new_w_(w) {}
  xnn_operator_t* operator_out() { return op_.out(); }
  Error reshape(Value* values) override {
    const Value& in = values[in_];
    Value& out = values[out_];
    if (in.dims[3] != channels_) {
      return fail(Error::InvalidArgument, "node %u (%s): input has %zu channels, the graph %zu", index(), kind(),
                  in.dims[3], channels_);
    }
    if (in.dims[1] == 0 || in.dims[2] == 0 || in.dims[1] >= (1u << 24) || in.dims[2] >= (1u << 24)) {
      return fail(Error::InvalidArgument, "node %u (%s): input %zux%zu outside (0, 2^24)", index(), kind(), in.dims[1],
                  in.dims[2]);
    }
    out.dims[0] = in.dims[0];
    out.dims[1] = new_h_;
    out.dims[2] = new_w_;
    out.dims[3] = in.dims[3];
    return check_output_fits(index(), kind(), out);
  }
  Error setup(Value* values, pthreadpool_t pool) override {
    const Value& in = values[in_];
    const Value& out = values[out_];
    xnn_status s;
    if (type_ == DataType::Fp32) {
      s = xnn_setup_resize_bilinear2d_nhwc_f32(op_.get(), in.dims[0], in.dims[1], in.dims[2], new_h_, new_w_,
                                               static_cast<const float*>(in.data), static_cast<float*>(out.data), pool);
    } else if (type_ == DataType::QInt8) {
      s = xnn_setup_resize_bilinear2d_nhwc_s8(op_.get(), in.dims[0], in.dims[1], in.dims[2], new_h_, new_w_,
                                              static_cast<const int8_t*>(in.data), static_cast<int8_t*>(out.data), pool);
    } else {
      s = xnn_setup_resize_bilinear2d_nhwc_u8(op_.get(), in.dims[0], in.dims[1], in.dims[2], new_h_, new_w_,
                                              static_cast<const uint8_t*>(in.data), static_cast<uint8_t*>(out.data),
                                              pool);
    }
    return check_xnn(s, index(), kind(), "setup");
  }
  Error run(pthreadpool_t pool) override {
    return check_xnn(xnn_run_operator(op_.get(), pool), index(), kind(), "run");
  }
  size_t channels_ = 0;

 private:
  uint32_t in_, out_;
  DataType type_;
  uint32_t new_h_, new_w_;
  XnnOperator op_;
};

Result<Node*> create_transpose(const fb_xnnpack::XNode* xnode, NodeBuildContext& c) {
  const auto* n = xnode->xnode_union_as_XNNStaticTranspose();
  EMBER_ASSIGN_OR_RETURN(Value * in, c.value(n->input_id(), "input"));
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(n->output_id(), "output"));
  uint32_t perm[kMaxDims];
  size_t rank = 0;
  EMBER_TRY(read_dims(c, n->perm(), "perm", perm, &rank));
  if (n->num_dims() != rank) {
    return c.fail_node(Error::InvalidProgram, "num_dims %u, perm has %zu entries", n->num_dims(), rank);
  }
  EMBER_TRY(c.check(check_transpose(*in, *out, perm, rank)));
  return make_node<TransposeNode>(c, c.node_index, c.kind, n->input_id(), n->output_id(), perm, rank);
}

Result<Node*> create_reshape(const fb_xnnpack::XNode* xnode, NodeBuildContext& c) {
  const auto* n = xnode->xnode_union_as_XNNStaticReshape();
  EMBER_ASSIGN_OR_RETURN(Value * in, c.value(n->input_id(), "input"));
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(n->output_id(), "output"));
  uint32_t shape[kMaxDims];
  size_t rank = 0;
  EMBER_TRY(read_dims(c, n->new_shape(), "new_shape", shape, &rank));
  EMBER_TRY(c.check(check_reshape(*in, *out, shape, rank)));
  return make_node<ReshapeNode>(c, c.node_index, c.kind, n->input_id(), n->output_id(), shape, rank);
}

Result<Node*> create_copy(const fb_xnnpack::XNode* xnode, NodeBuildContext& c) {
  const auto* n = xnode->xnode_union_as_XNNCopy();
  EMBER_ASSIGN_OR_RETURN(Value * in, c.value(n->input_id(), "input"));
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(n->output_id(), "output"));
  EMBER_TRY(c.check(check_copy(*in, *out)));
  return make_node<ReshapeNode>(c, c.node_index, c.kind, n->input_id(), n->output_id(), nullptr, out->rank);
}

Result<Node*> create_slice(const fb_xnnpack::XNode* xnode, NodeBuildContext& c) {
  const auto* n = xnode->xnode_union_as_XNNStaticSlice();
  EMBER_ASSIGN_OR_RETURN(Value * in, c.value(n->input_id(), "input"));
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(n->output_id(), "output"));
  uint32_t offsets[kMaxDims], sizes[kMaxDims];
  size_t no = 0, ns = 0;
  EMBER_TRY(read_dims(c, n->offsets(), "offsets", offsets, &no));
  EMBER_TRY(read_dims(c, n->sizes(), "sizes", sizes, &ns));
  if (no != ns || n->num_dims() != no) {
    return c.fail_node(Error::InvalidProgram, "num_dims %u, %zu offsets, %zu sizes", n->num_dims(), no, ns);
  }
  EMBER_TRY(c.check(check_slice(*in, *out, offsets, sizes, no)));
  return make_node<SliceNode>(c, c.node_index, c.kind, n->input_id(), n->output_id(), offsets, sizes, no);
}

Result<Node*> create_concat(const fb_xnnpack::XNode* xnode, NodeBuildContext& c, size_t count) {
  const auto* n = static_cast<const fb_xnnpack::_XNNCat*>(xnode->xnode_union());
  uint32_t ids[5] = {n->input1_id(), n->input2_id(), n->input3_id(), n->input4_id(), n->input5_id()};
  const Value* inputs[5];
  static const char* const kRoles[5] = {"input1", "input2", "input3", "input4", "input5"};
  for (size_t i = 0; i < count; ++i) {
    EMBER_ASSIGN_OR_RETURN(Value * v, c.value(ids[i], kRoles[i]));
    inputs[i] = v;
  }
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(n->output_id(), "output"));
  EMBER_TRY(c.check(check_concatenate(inputs, count, *out, n->axis())));
  return make_node<ConcatNode>(c, c.node_index, c.kind, ids, count, n->output_id(), n->axis(), c.values);
}

Result<Node*> create_pad(const fb_xnnpack::XNode* xnode, NodeBuildContext& c) {
  const auto* n = xnode->xnode_union_as_XNNStaticConstantPad();
  EMBER_ASSIGN_OR_RETURN(Value * in, c.value(n->input_id(), "input"));
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(n->output_id(), "output"));
  uint32_t pre[kMaxDims], post[kMaxDims];
  size_t npre = 0, npost = 0;
  EMBER_TRY(read_dims(c, n->pre_paddings(), "pre_paddings", pre, &npre));
  EMBER_TRY(read_dims(c, n->post_paddings(), "post_paddings", post, &npost));
  EMBER_TRY(c.check(check_constant_pad(*in, *out, pre, npre, post, npost)));
  EMBER_CHECK_OR_RETURN(in->rank > 0, Error::InvalidProgram, "node %u (%s): rank-0 input", c.node_index, c.kind);
  // The padding value as the output stores it.
  float value = n->padding_value();
  uint8_t fill[8] = {};
  size_t es = data_type_size(out->type);
  if (is_quantized_8bit(out->type)) {
    int32_t q = quantize_bound(value, out->quant.scale, out->quant.zero_point, qmin_of(out->type), qmax_of(out->type));
    fill[0] = static_cast<uint8_t>(q);
  } else if (out->type == DataType::Fp32) {
    std::memcpy(fill, &value, 4);
  } else if (value != 0.0f) {
    return c.fail_node(Error::NotSupported, "padding value %g on datatype %s (only 0 is supported)", value,
                       data_type_name(out->type));
  }
  return make_node<PadNode>(c, c.node_index, c.kind, n->input_id(), n->output_id(), pre, post, in->rank, fill, es);
}

Result<Node*> create_resize(const fb_xnnpack::XNode* xnode, NodeBuildContext& c) {
  const auto* n = xnode->xnode_union_as_XNNStaticResizeBilinear2D();
  EMBER_ASSIGN_OR_RETURN(Value * in, c.value(n->input_id(), "input"));
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(n->output_id(), "output"));
  EMBER_TRY(c.check(check_resize_bilinear(*in, *out, n->new_height(), n->new_width(), n->flags())));
  EMBER_CHECK_OR_RETURN(in->dims[3] > 0, Error::InvalidProgram, "node %u (%s): zero channels", c.node_index, c.kind);
  EMBER_ASSIGN_OR_RETURN(Node * node, make_node<ResizeNode>(c, c.node_index, c.kind, n->input_id(), n->output_id(),
                                                            in->type, n->new_height(), n->new_width()));
  auto* resize = static_cast<ResizeNode*>(node);
  size_t ch = in->dims[3];
  resize->channels_ = ch;
  xnn_status s;
  if (in->type == DataType::Fp32) {
    s = xnn_create_resize_bilinear2d_nhwc_f32(ch, ch, ch, n->flags(), resize->operator_out());
  } else if (in->type == DataType::QInt8) {
    s = xnn_create_resize_bilinear2d_nhwc_s8(ch, ch, ch, n->flags(), resize->operator_out());
  } else {
    s = xnn_create_resize_bilinear2d_nhwc_u8(ch, ch, ch, n->flags(), resize->operator_out());
  }
  Error e = check_xnn(s, c.node_index, c.kind, "create");
  if (e != Error::Ok) {
    node->~Node();
    return e;
  }
  return node;
}

}  // namespace

Result<Node*> create_shape_node(const fb_xnnpack::XNode* xnode, NodeBuildContext& c) {
  using fb_xnnpack::XNodeUnion;
  switch (xnode->xnode_union_type()) {
    case XNodeUnion::XNNStaticTranspose: return create_transpose(xnode, c);
    case XNodeUnion::XNNStaticReshape: return create_reshape(xnode, c);
    case XNodeUnion::XNNCopy: return create_copy(xnode, c);
    case XNodeUnion::XNNStaticSlice: return create_slice(xnode, c);
    case XNodeUnion::XNNConcatenate2: return create_concat(xnode, c, 2);
    case XNodeUnion::XNNConcatenate3: return create_concat(xnode, c, 3);
    case XNodeUnion::XNNConcatenate4: return create_concat(xnode, c, 4);
    case XNodeUnion::XNNConcatenate5: return create_concat(xnode, c, 5);
    case XNodeUnion::XNNStaticConstantPad: return create_pad(xnode, c);
    case XNodeUnion::XNNStaticResizeBilinear2D: return create_resize(xnode, c);
    default: return c.fail_node(Error::Internal, "not a shape node");
  }
}

}  // namespace ember::xnnpack
