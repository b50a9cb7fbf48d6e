// Host fp32 BatchMatrixMultiply and ScaledDotProductAttention (this XNNPACK
// has neither). Plain loops in a fixed summation order (ascending k, float
// accumulators from 0), so results are reproducible bit for bit by a scalar
// reference. Rules in shape_capability.h.
#include <cmath>
#include <cstring>

#include "backends/xnnpack/capability/shape_capability.h"
#include "backends/xnnpack/runtime/nodes/node_util.h"
#include "xnnpack_graph_generated.h"

namespace ember::xnnpack {
namespace {

// Offset (elements) of batch `b` of `v` (its last two dims are the matrix),
// broadcasting its size-1 batch dims against `like`'s batch dims.
size_t batch_offset(const Value& v, const Value& like, size_t b) {
  size_t r = like.rank;
  size_t offset = 0, stride = v.dims[r - 2] * v.dims[r - 1];
  for (size_t d = r - 2; d-- > 0;) {
    size_t i = b % like.dims[d];
    b /= like.dims[d];
    if (v.dims[d] != 1) offset += i * stride;
    stride *= v.dims[d];
  }
  return offset;
}

size_t batch_count(const Value& v) {
  size_t n = 1;
  for (size_t d = 0; d + 2 < v.rank; ++d) n *= v.dims[d];
  return n;
}

Error check_batch_dims(const Node& node, const Value& x, const Value& like, const char* role) {
  for (size_t d = 0; d + 2 < like.rank; ++d) {
    if (x.dims[d] != like.dims[d] && x.dims[d] != 1) {
      return fail(Error::InvalidArgument, "node %u (%s): %s batch dim %zu is %zu, expected %zu or 1", node.index(),
                  node.kind(), role, d, x.dims[d], like.dims[d]);
    }
  }
  return Error::Ok;
}

class BmmNode final : public Node {
 public:
  BmmNode(uint32_t index, const char* kind, uint32_t a, uint32_t b, uint32_t out, bool transpose_b)
      : Node(index, kind), a_(a), b_(b), out_(out), tb_(transpose_b) {}
  Error reshape(Value* values) override {
    const Value& a = values[a_];
    const Value& b = values[b_];
    Value& out = values[out_];
    size_t r = out.rank;
    size_t bk = tb_ ? b.dims[r - 1] : b.dims[r - 2];
    if (bk != a.dims[r - 1]) {
      return fail(Error::InvalidArgument, "node %u (%s): inner dims %zu and %zu differ", index(), kind(),
                  a.dims[r - 1], bk);
    }
    for (size_t d = 0; d + 2 < r; ++d) out.dims[d] = a.dims[d] > b.dims[d] ? a.dims[d] : b.dims[d];
    out.dims[r - 2] = a.dims[r - 2];
    out.dims[r - 1] = tb_ ? b.dims[r - 2] : b.dims[r - 1];
    EMBER_TRY(check_batch_dims(*this, a, out, "input1"));
    EMBER_TRY(check_batch_dims(*this, b, out, "input2"));
    return check_output_fits(index(), kind(), out);
  }
  Error setup(Value* values, pthreadpool_t) override {
    a_v_ = &values[a_];
    b_v_ = &values[b_];
    out_v_ = &values[out_];
    return Error::Ok;
  }
  Error run(pthreadpool_t) override {
    const Value& a = *a_v_;
    const Value& b = *b_v_;
    const Value& out = *out_v_;
    size_t r = out.rank;
    size_t m = out.dims[r - 2], n = out.dims[r - 1], k = a.dims[r - 1];
    size_t batches = batch_count(out);
    for (size_t bt = 0; bt < batches; ++bt) {
      const float* x = static_cast<const float*>(a.data) + batch_offset(a, out, bt);
      const float* y = static_cast<const float*>(b.data) + batch_offset(b, out, bt);
      float* z = static_cast<float*>(out.data) + bt * m * n;
      for (size_t i = 0; i < m; ++i) {
        float* zr = z + i * n;
        if (tb_) {
          for (size_t j = 0; j < n; ++j) {
            float acc = 0.0f;
            for (size_t p = 0; p < k; ++p) acc += x[i * k + p] * y[j * k + p];
            zr[j] = acc;
          }
        } else {
          for (size_t j = 0; j < n; ++j) zr[j] = 0.0f;
          for (size_t p = 0; p < k; ++p) {
            float xv = x[i * k + p];
            const float* yr = y + p * n;
            for (size_t j = 0; j < n; ++j) zr[j] += xv * yr[j];
          }
        }
      }
    }
    return Error::Ok;
  }

 private:
  uint32_t a_, b_, out_;
  bool tb_;
  const Value* a_v_ = nullptr;
  const Value* b_v_ = nullptr;
  const Value* out_v_ = nullptr;
};

class SdpaNode final : public Node {
 public:
  SdpaNode(uint32_t index, const char* kind, const uint32_t* ids, float* scores, size_t max_keys)
      : Node(index, kind), scores_(scores), max_keys_(max_keys) {
    std::memcpy(ids_, ids, sizeof(ids_));
  }
  Error reshape(Value* values) override {
    const Value& q = values[ids_[0]];
    const Value& k = values[ids_[1]];
    const Value& v = values[ids_[2]];
    Value& out = values[ids_[5]];
    size_t r = q.rank;
    size_t e = q.dims[r - 1], s = k.dims[r - 2];
    if (k.dims[r - 1] != e || v.dims[r - 2] != s || s > max_keys_ || values[ids_[3]].numel() != e) {
      return fail(Error::InvalidArgument, "node %u (%s): Q [.., %zu], K [%zu, %zu], V [%zu, ..] disagree (keys <= %zu)",
                  index(), kind(), e, s, k.dims[r - 1], v.dims[r - 2], max_keys_);
    }
    if (ids_[4] != kInvalidId) {
      const Value& mask = values[ids_[4]];
      if (mask.dims[0] != q.dims[r - 2] || mask.dims[1] != s) {
        return fail(Error::InvalidArgument, "node %u (%s): mask [%zu, %zu], expected [%zu, %zu]", index(), kind(),
                    mask.dims[0], mask.dims[1], q.dims[r - 2], s);
      }
    }
    for (size_t d = 0; d + 1 < r; ++d) out.dims[d] = q.dims[d];
    out.dims[r - 1] = v.dims[r - 1];
    EMBER_TRY(check_batch_dims(*this, k, q, "key"));
    EMBER_TRY(check_batch_dims(*this, v, q, "value"));
    return check_output_fits(index(), kind(), out);
  }
  Error setup(Value* values, pthreadpool_t) override {
    values_ = values;
    return Error::Ok;
  }
  Error run(pthreadpool_t) override {
    const Value& q = values_[ids_[0]];
    const Value& k = values_[ids_[1]];
    const Value& v = values_[ids_[2]];
    const float* scale = static_cast<const float*>(values_[ids_[3]].data);
    const float* mask = ids_[4] == kInvalidId ? nullptr : static_cast<const float*>(values_[ids_[4]].data);
    const Value& out = values_[ids_[5]];
    size_t r = q.rank;
    size_t l = q.dims[r - 2], e = q.dims[r - 1], s = k.dims[r - 2], ev = v.dims[r - 1];
    size_t batches = batch_count(q);
    for (size_t b = 0; b < batches; ++b) {
      const float* qb = static_cast<const float*>(q.data) + b * l * e;
      const float* kb = static_cast<const float*>(k.data) + batch_offset(k, q, b);
      const float* vb = static_cast<const float*>(v.data) + batch_offset(v, q, b);
      float* ob = static_cast<float*>(out.data) + b * l * ev;
      for (size_t i = 0; i < l; ++i) {
        float max = -INFINITY;
        for (size_t j = 0; j < s; ++j) {
          float acc = 0.0f;
          for (size_t c = 0; c < e; ++c) acc += (qb[i * e + c] * scale[c]) * kb[j * e + c];
          if (mask != nullptr) acc += mask[i * s + j];
          scores_[j] = acc;
          max = acc > max ? acc : max;
        }
        float sum = 0.0f;
        for (size_t j = 0; j < s; ++j) {
          scores_[j] = std::exp(scores_[j] - max);
          sum += scores_[j];
        }
        for (size_t j = 0; j < s; ++j) scores_[j] /= sum;
        float* orow = ob + i * ev;
        for (size_t c = 0; c < ev; ++c) orow[c] = 0.0f;
        for (size_t j = 0; j < s; ++j) {
          float p = scores_[j];
          const float* vr = vb + j * ev;
          for (size_t c = 0; c < ev; ++c) orow[c] += p * vr[c];
        }
      }
    }
    return Error::Ok;
  }

 private:
  uint32_t ids_[6];  // query, key, value, scale, mask, output
  float* scores_;    // one row of attention weights, from the method allocator
  size_t max_keys_;
  Value* values_ = nullptr;
};

}  // namespace

Result<Node*> create_matmul_node(const fb_xnnpack::XNode* xnode, NodeBuildContext& c) {
  if (xnode->xnode_union_type() == fb_xnnpack::XNodeUnion::XNNBatchMatrixMultiply) {
    const auto* n = xnode->xnode_union_as_XNNBatchMatrixMultiply();
    EMBER_ASSIGN_OR_RETURN(Value * a, c.value(n->input1_id(), "input1"));
    EMBER_ASSIGN_OR_RETURN(Value * b, c.value(n->input2_id(), "input2"));
    EMBER_ASSIGN_OR_RETURN(Value * out, c.value(n->output_id(), "output"));
    EMBER_TRY(c.check(check_batch_matmul(*a, *b, *out, n->flags())));
    EMBER_CHECK_OR_RETURN(c.output_min == -INFINITY && c.output_max == INFINITY, Error::NotSupported,
                          "node %u (%s): a fused output clamp is not supported", c.node_index, c.kind);
    return make_node<BmmNode>(c, c.node_index, c.kind, n->input1_id(), n->input2_id(), n->output_id(),
                              (n->flags() & kBmmTransposeB) != 0);
  }
  const auto* n = xnode->xnode_union_as_XNNScaledDotProductAttention();
  if (n == nullptr) return c.fail_node(Error::Internal, "not a matmul node");
  uint32_t ids[6] = {n->query_id(), n->key_id(), n->value_id(), n->scale_id(), n->mask_id(), n->output_id()};
  EMBER_ASSIGN_OR_RETURN(Value * q, c.value(ids[0], "query"));
  EMBER_ASSIGN_OR_RETURN(Value * k, c.value(ids[1], "key"));
  EMBER_ASSIGN_OR_RETURN(Value * v, c.value(ids[2], "value"));
  EMBER_ASSIGN_OR_RETURN(Value * scale, c.value(ids[3], "scale"));
  Value* mask = nullptr;
  if (ids[4] != kInvalidId) {
    EMBER_ASSIGN_OR_RETURN(mask, c.value(ids[4], "mask"));
  }
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(ids[5], "output"));
  EMBER_TRY(c.check(check_sdpa(*q, *k, *v, *scale, mask, *out)));
  size_t max_keys = k->dims[k->rank - 2];
  auto* scores = static_cast<float*>(c.allocator->allocate((max_keys + 1) * sizeof(float), 16));
  if (scores == nullptr) return c.fail_node(Error::MemoryAllocationFailed, "method allocator exhausted (scores)");
  return make_node<SdpaNode>(c, c.node_index, c.kind, ids, scores, max_keys);
}

}  // namespace ember::xnnpack
