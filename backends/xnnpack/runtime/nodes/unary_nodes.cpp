// Unary, activation and softmax nodes: clamp, sigmoid, softmax, elu,
// leaky_relu, hardswish, prelu, abs, negate, floor, ceiling, square, sqrt,
// rsqrt, exp, log, sin, cos, tanh, gelu.
//
// Where each runs is decided by plan_unary (capability table):
// - fp32: XNNPACK's *_nc_f32 operators where this XNNPACK has them, a host
//   loop (float, split over the pool) otherwise.
// - 8-bit: a node of one byte in, one byte out has only 256 possible inputs,
//   so it is a lookup table built at init in the method allocator, exact by
//   construction (D -> f -> Q in double, round half to even). XNNPACK's own
//   table operators are used where they exist and their table equals ours
//   (checked by running them once over all 256 inputs at init); the same-
//   quantization clamp is XNNPACK's integer clamp. 8-bit softmax is a host
//   kernel with an exp table.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "backends/xnnpack/runtime/nodes/node_util.h"
#include "xnnpack_graph_generated.h"

namespace ember::xnnpack {
namespace {

constexpr size_t kHostTile = 16384;  // elements per pool task on host loops

size_t last_dim(const Value& v) { return v.rank == 0 ? 1 : v.dims[v.rank - 1]; }

// f(x) for every op but softmax, in float (host loops) or double (tables).
template <typename T>
T apply(UnaryOp op, T x, const UnaryParams& p) {
  switch (op) {
    case UnaryOp::Clamp: return x;
    case UnaryOp::Sigmoid: return T(1) / (T(1) + std::exp(-x));
    case UnaryOp::Elu: return x > T(0) ? x : static_cast<T>(p.alpha) * std::expm1(x);
    case UnaryOp::LeakyRelu: return x < T(0) ? x * static_cast<T>(p.negative_slope) : x;
    case UnaryOp::Hardswish: return x * std::fmin(std::fmax(x + T(3), T(0)), T(6)) / T(6);
    case UnaryOp::Abs: return std::fabs(x);
    case UnaryOp::Negate: return -x;
    case UnaryOp::Floor: return std::floor(x);
    case UnaryOp::Ceiling: return std::ceil(x);
    case UnaryOp::Square: return x * x;
    case UnaryOp::SquareRoot: return std::sqrt(x);
    case UnaryOp::ReciprocalSquareRoot: return T(1) / std::sqrt(x);
    case UnaryOp::Exp: return std::exp(x);
    case UnaryOp::Log: return std::log(x);
    case UnaryOp::Sin: return std::sin(x);
    case UnaryOp::Cos: return std::cos(x);
    case UnaryOp::Tanh: return std::tanh(x);
    case UnaryOp::Gelu: return T(0.5) * x * (T(1) + std::erf(x * static_cast<T>(M_SQRT1_2)));
    case UnaryOp::Softmax: break;
  }
  return x;
}

// Q(y): saturating, round half to even; NaN -> the zero point.
int32_t quantize(double y, const Value& out) {
  int32_t lo = qmin_of(out.type), hi = qmax_of(out.type);
  if (std::isnan(y)) return out.quant.zero_point;
  double q = std::nearbyint(y / out.quant.scale) + out.quant.zero_point;
  if (!(q > lo)) return lo;
  return q > hi ? hi : static_cast<int32_t>(q);
}

double dequantize(uint8_t byte, const Value& in) {
  int32_t q = in.type == DataType::QInt8 ? static_cast<int8_t>(byte) : byte;
  return static_cast<double>(in.quant.scale) * (q - in.quant.zero_point);
}

// table[b] = output byte for input byte b.
void build_table(UnaryOp op, const Value& in, const Value& out, const UnaryParams& p, uint8_t* table) {
  for (int b = 0; b < 256; ++b) {
    double y = apply<double>(op, dequantize(static_cast<uint8_t>(b), in), p);
    if (y < p.clamp.min) y = p.clamp.min;
    if (y > p.clamp.max) y = p.clamp.max;
    table[b] = static_cast<uint8_t>(quantize(y, out));
  }
}

Error node_alloc_fail(const NodeBuildContext& c, const char* what) {
  return c.fail_node(Error::MemoryAllocationFailed, "method allocator exhausted (%s)", what);
}

// ---------------------------------------------------------------- fp32 ----

void clamp_f32(float* y, size_t n, const OutputClamp& clamp) {
  for (size_t i = 0; i < n; ++i) y[i] = std::fmin(std::fmax(y[i], clamp.min), clamp.max);
}

class XnnF32Node final : public Node {
 public:
  XnnF32Node(uint32_t index, const char* kind, UnaryOp op, size_t channels, const OutputClamp& clamp, uint32_t in,
             uint32_t out)
      : Node(index, kind), op_(op), channels_(channels), clamp_(clamp), in_(in), out_(out) {}
  xnn_operator_t* operator_out() { return op_handle_.out(); }

  Error reshape(Value* values) override {
    if (channels_ != 1 && last_dim(values[in_]) != channels_) {
      return fail(Error::InvalidArgument, "node %u (%s): last dim %zu, the graph fixed it at %zu", index(), kind(),
                  last_dim(values[in_]), channels_);
    }
    return same_shape(index(), kind(), values[in_], values[out_]);
  }

  Error setup(Value* values, pthreadpool_t pool) override {
    auto* x = static_cast<const float*>(values[in_].data);
    y_ = static_cast<float*>(values[out_].data);
    n_ = values[in_].numel();
    size_t batch = n_ / channels_;
    xnn_operator_t op = op_handle_.get();
    xnn_status s = xnn_status_invalid_parameter;
    switch (op_) {
      case UnaryOp::Clamp: s = xnn_setup_clamp_nc_f32(op, batch, x, y_, pool); break;
      case UnaryOp::Sigmoid: s = xnn_setup_sigmoid_nc_f32(op, batch, x, y_, pool); break;
      case UnaryOp::Softmax: s = xnn_setup_softmax_nc_f32(op, batch, x, y_, pool); break;
      case UnaryOp::Elu: s = xnn_setup_elu_nc_f32(op, batch, x, y_, pool); break;
      case UnaryOp::LeakyRelu: s = xnn_setup_leaky_relu_nc_f32(op, batch, x, y_, pool); break;
      case UnaryOp::Hardswish: s = xnn_setup_hardswish_nc_f32(op, batch, x, y_, pool); break;
      case UnaryOp::Abs: s = xnn_setup_abs_nc_f32(op, batch, x, y_, pool); break;
      case UnaryOp::Negate: s = xnn_setup_negate_nc_f32(op, batch, x, y_, pool); break;
      case UnaryOp::Floor: s = xnn_setup_floor_nc_f32(op, batch, x, y_, pool); break;
      case UnaryOp::Ceiling: s = xnn_setup_ceiling_nc_f32(op, batch, x, y_, pool); break;
      case UnaryOp::Square: s = xnn_setup_square_nc_f32(op, batch, x, y_, pool); break;
      case UnaryOp::SquareRoot: s = xnn_setup_square_root_nc_f32(op, batch, x, y_, pool); break;
      default: break;
    }
    return check_xnn(s, index(), kind(), "setup");
  }

  Error run(pthreadpool_t pool) override {
    EMBER_TRY(check_xnn(xnn_run_operator(op_handle_.get(), pool), index(), kind(), "run"));
    if (op_ != UnaryOp::Clamp && !clamp_.is_identity()) clamp_f32(y_, n_, clamp_);
    return Error::Ok;
  }

  // Creates the XNNPACK operator for channels_ (1 for elementwise ops).
  xnn_status create(const UnaryParams& p) {
    size_t c = channels_;
    xnn_operator_t* o = op_handle_.out();
    switch (op_) {
      case UnaryOp::Clamp: return xnn_create_clamp_nc_f32(c, c, c, p.clamp.min, p.clamp.max, 0, o);
      case UnaryOp::Sigmoid: return xnn_create_sigmoid_nc_f32(c, c, c, 0, o);
      case UnaryOp::Softmax: return xnn_create_softmax_nc_f32(c, c, c, 0, o);
      case UnaryOp::Elu: return xnn_create_elu_nc_f32(c, c, c, p.alpha, 0, o);
      case UnaryOp::LeakyRelu: return xnn_create_leaky_relu_nc_f32(c, c, c, p.negative_slope, 0, o);
      case UnaryOp::Hardswish: return xnn_create_hardswish_nc_f32(c, c, c, 0, o);
      case UnaryOp::Abs: return xnn_create_abs_nc_f32(c, c, c, 0, o);
      case UnaryOp::Negate: return xnn_create_negate_nc_f32(c, c, c, 0, o);
      case UnaryOp::Floor: return xnn_create_floor_nc_f32(c, c, c, 0, o);
      case UnaryOp::Ceiling: return xnn_create_ceiling_nc_f32(c, c, c, 0, o);
      case UnaryOp::Square: return xnn_create_square_nc_f32(c, c, c, 0, o);
      case UnaryOp::SquareRoot: return xnn_create_square_root_nc_f32(c, c, c, 0, o);
      default: return xnn_status_unsupported_parameter;
    }
  }

 private:
  UnaryOp op_;
  size_t channels_;
  OutputClamp clamp_;
  uint32_t in_, out_;
  float* y_ = nullptr;
  size_t n_ = 0;
  XnnOperator op_handle_;
};

class HostF32Node final : public Node {
 public:
  HostF32Node(uint32_t index, const char* kind, UnaryOp op, const UnaryParams& p, uint32_t in, uint32_t out)
      : Node(index, kind), op_(op), params_(p), in_(in), out_(out) {}

  Error reshape(Value* values) override { return same_shape(index(), kind(), values[in_], values[out_]); }
  Error setup(Value* values, pthreadpool_t) override {
    x_ = static_cast<const float*>(values[in_].data);
    y_ = static_cast<float*>(values[out_].data);
    n_ = values[in_].numel();
    return Error::Ok;
  }
  Error run(pthreadpool_t pool) override {
    pthreadpool_parallelize_1d_tile_1d(pool, &HostF32Node::task, this, n_, kHostTile, 0);
    return Error::Ok;
  }

 private:
  template <typename F>
  void map(size_t start, size_t count, F f) const {
    const float* x = x_ + start;
    float* y = y_ + start;
    for (size_t i = 0; i < count; ++i) y[i] = f(x[i]);
  }

  static void task(void* context, size_t start, size_t count) {
    auto* self = static_cast<const HostF32Node*>(context);
    const UnaryParams& p = self->params_;
    // One loop per op, so each inlines its own function.
    switch (self->op_) {
      case UnaryOp::Exp: self->map(start, count, [](float v) { return std::exp(v); }); break;
      case UnaryOp::Log: self->map(start, count, [](float v) { return std::log(v); }); break;
      case UnaryOp::Sin: self->map(start, count, [](float v) { return std::sin(v); }); break;
      case UnaryOp::Cos: self->map(start, count, [](float v) { return std::cos(v); }); break;
      case UnaryOp::Tanh: self->map(start, count, [](float v) { return std::tanh(v); }); break;
      case UnaryOp::ReciprocalSquareRoot: self->map(start, count, [](float v) { return 1.0f / std::sqrt(v); }); break;
      case UnaryOp::Gelu: self->map(start, count, [&p](float v) { return apply<float>(UnaryOp::Gelu, v, p); }); break;
      default: {
        UnaryOp op = self->op_;
        self->map(start, count, [op, &p](float v) { return apply<float>(op, v, p); });
        break;
      }
    }
    if (!p.clamp.is_identity()) clamp_f32(self->y_ + start, count, p.clamp);
  }

  UnaryOp op_;
  UnaryParams params_;
  uint32_t in_, out_;
  const float* x_ = nullptr;
  float* y_ = nullptr;
  size_t n_ = 0;
};

// ---------------------------------------------------------------- 8-bit ----

class HostTableNode final : public Node {
 public:
  HostTableNode(uint32_t index, const char* kind, const uint8_t* table, uint32_t in, uint32_t out)
      : Node(index, kind), table_(table), in_(in), out_(out) {}

  Error reshape(Value* values) override { return same_shape(index(), kind(), values[in_], values[out_]); }
  Error setup(Value* values, pthreadpool_t) override {
    x_ = static_cast<const uint8_t*>(values[in_].data);
    y_ = static_cast<uint8_t*>(values[out_].data);
    n_ = values[in_].numel();
    return Error::Ok;
  }
  Error run(pthreadpool_t pool) override {
    pthreadpool_parallelize_1d_tile_1d(pool, &HostTableNode::task, this, n_, kHostTile * 4, 0);
    return Error::Ok;
  }

 private:
  static void task(void* context, size_t start, size_t count) {
    auto* self = static_cast<const HostTableNode*>(context);
    const uint8_t* t = self->table_;
    const uint8_t* x = self->x_ + start;
    uint8_t* y = self->y_ + start;
    for (size_t i = 0; i < count; ++i) y[i] = t[x[i]];
  }

  const uint8_t* table_;  // 256 entries, method allocator
  uint32_t in_, out_;
  const uint8_t* x_ = nullptr;
  uint8_t* y_ = nullptr;
  size_t n_ = 0;
};

enum class Xnn8Kind { ClampS8, ClampU8, SigmoidQS8, SigmoidQU8, EluQS8, LeakyReluQU8 };

class Xnn8Node final : public Node {
 public:
  Xnn8Node(uint32_t index, const char* kind, Xnn8Kind k, uint32_t in, uint32_t out)
      : Node(index, kind), k_(k), in_(in), out_(out) {}
  xnn_operator_t* operator_out() { return op_.out(); }

  Error reshape(Value* values) override { return same_shape(index(), kind(), values[in_], values[out_]); }
  Error setup(Value* values, pthreadpool_t pool) override {
    return bind(values[in_].numel(), values[in_].data, values[out_].data, pool);
  }
  Error run(pthreadpool_t pool) override { return check_xnn(xnn_run_operator(op_.get(), pool), index(), kind(), "run"); }

  Error bind(size_t n, const void* x, void* y, pthreadpool_t pool) {
    auto* xs = static_cast<const int8_t*>(x);
    auto* ys = static_cast<int8_t*>(y);
    auto* xu = static_cast<const uint8_t*>(x);
    auto* yu = static_cast<uint8_t*>(y);
    xnn_status s = xnn_status_invalid_parameter;
    switch (k_) {
      case Xnn8Kind::ClampS8: s = xnn_setup_clamp_nc_s8(op_.get(), n, xs, ys, pool); break;
      case Xnn8Kind::ClampU8: s = xnn_setup_clamp_nc_u8(op_.get(), n, xu, yu, pool); break;
      case Xnn8Kind::SigmoidQS8: s = xnn_setup_sigmoid_nc_qs8(op_.get(), n, xs, ys, pool); break;
      case Xnn8Kind::SigmoidQU8: s = xnn_setup_sigmoid_nc_qu8(op_.get(), n, xu, yu, pool); break;
      case Xnn8Kind::EluQS8: s = xnn_setup_elu_nc_qs8(op_.get(), n, xs, ys, pool); break;
      case Xnn8Kind::LeakyReluQU8: s = xnn_setup_leaky_relu_nc_qu8(op_.get(), n, xu, yu, pool); break;
    }
    return check_xnn(s, index(), kind(), "setup");
  }

 private:
  Xnn8Kind k_;
  uint32_t in_, out_;
  XnnOperator op_;
};

xnn_status create_xnn8(Xnn8Kind k, const Value& in, const Value& out, const UnaryParams& p, int32_t lo, int32_t hi,
                       xnn_operator_t* o) {
  auto zi = in.quant.zero_point, zo = out.quant.zero_point;
  float si = in.quant.scale, so = out.quant.scale;
  switch (k) {
    case Xnn8Kind::ClampS8: return xnn_create_clamp_nc_s8(1, 1, 1, static_cast<int8_t>(lo), static_cast<int8_t>(hi), 0, o);
    case Xnn8Kind::ClampU8: return xnn_create_clamp_nc_u8(1, 1, 1, static_cast<uint8_t>(lo), static_cast<uint8_t>(hi), 0, o);
    case Xnn8Kind::SigmoidQS8:
      return xnn_create_sigmoid_nc_qs8(1, 1, 1, static_cast<int8_t>(zi), si, static_cast<int8_t>(zo), so,
                                       static_cast<int8_t>(lo), static_cast<int8_t>(hi), 0, o);
    case Xnn8Kind::SigmoidQU8:
      return xnn_create_sigmoid_nc_qu8(1, 1, 1, static_cast<uint8_t>(zi), si, static_cast<uint8_t>(zo), so,
                                       static_cast<uint8_t>(lo), static_cast<uint8_t>(hi), 0, o);
    case Xnn8Kind::EluQS8:
      return xnn_create_elu_nc_qs8(1, 1, 1, p.alpha, static_cast<int8_t>(zi), si, static_cast<int8_t>(zo), so,
                                   static_cast<int8_t>(lo), static_cast<int8_t>(hi), 0, o);
    case Xnn8Kind::LeakyReluQU8:
      return xnn_create_leaky_relu_nc_qu8(1, 1, 1, p.negative_slope, static_cast<uint8_t>(zi), si,
                                          static_cast<uint8_t>(zo), so, static_cast<uint8_t>(lo),
                                          static_cast<uint8_t>(hi), 0, o);
  }
  return xnn_status_invalid_parameter;
}

Xnn8Kind xnn8_kind(UnaryOp op, DataType t) {
  bool s8 = t == DataType::QInt8;
  switch (op) {
    case UnaryOp::Clamp: return s8 ? Xnn8Kind::ClampS8 : Xnn8Kind::ClampU8;
    case UnaryOp::Sigmoid: return s8 ? Xnn8Kind::SigmoidQS8 : Xnn8Kind::SigmoidQU8;
    case UnaryOp::Elu: return Xnn8Kind::EluQS8;
    default: return Xnn8Kind::LeakyReluQU8;
  }
}

// Softmax over the last dim of 8-bit data: y_i = Q(e[m - q_i] / sum_j e[m - q_j])
// with m the row maximum and e[d] = exp(-s_in * d) from a table built at init.
class HostSoftmax8Node final : public Node {
 public:
  HostSoftmax8Node(uint32_t index, const char* kind, const Value& in, const Value& out, const OutputClamp& clamp,
                   const double* exp_table, uint32_t in_id, uint32_t out_id)
      : Node(index, kind), in_desc_(in), out_desc_(out), clamp_(clamp), exp_(exp_table), in_(in_id), out_(out_id) {}

  Error reshape(Value* values) override { return same_shape(index(), kind(), values[in_], values[out_]); }
  Error setup(Value* values, pthreadpool_t) override {
    x_ = static_cast<const uint8_t*>(values[in_].data);
    y_ = static_cast<uint8_t*>(values[out_].data);
    channels_ = last_dim(values[in_]);
    rows_ = channels_ == 0 ? 0 : values[in_].numel() / channels_;
    return Error::Ok;
  }
  Error run(pthreadpool_t pool) override {
    pthreadpool_parallelize_1d(pool, &HostSoftmax8Node::task, this, rows_, 0);
    return Error::Ok;
  }

 private:
  int32_t level(uint8_t b) const { return in_desc_.type == DataType::QInt8 ? static_cast<int8_t>(b) : b; }

  static void task(void* context, size_t row) {
    auto* self = static_cast<const HostSoftmax8Node*>(context);
    size_t c = self->channels_;
    const uint8_t* x = self->x_ + row * c;
    uint8_t* y = self->y_ + row * c;
    int32_t m = self->level(x[0]);
    for (size_t i = 1; i < c; ++i) m = std::max(m, self->level(x[i]));
    double sum = 0.0;
    for (size_t i = 0; i < c; ++i) sum += self->exp_[m - self->level(x[i])];
    for (size_t i = 0; i < c; ++i) {
      double v = self->exp_[m - self->level(x[i])] / sum;
      if (v < self->clamp_.min) v = self->clamp_.min;
      if (v > self->clamp_.max) v = self->clamp_.max;
      y[i] = static_cast<uint8_t>(quantize(v, self->out_desc_));
    }
  }

  Value in_desc_, out_desc_;  // types and quantization only
  OutputClamp clamp_;
  const double* exp_;  // 256 entries, method allocator
  uint32_t in_, out_;
  const uint8_t* x_ = nullptr;
  uint8_t* y_ = nullptr;
  size_t channels_ = 0, rows_ = 0;
};

// Runs an XNNPACK table operator over all 256 inputs; true if it gives `table`.
bool xnn_table_matches(Xnn8Node* node, const uint8_t* table) {
  alignas(64) uint8_t x[256 + 64] = {};
  alignas(64) uint8_t y[256 + 64] = {};
  for (int b = 0; b < 256; ++b) x[b] = static_cast<uint8_t>(b);
  if (node->bind(256, x, y, nullptr) != Error::Ok || node->run(nullptr) != Error::Ok) return false;
  return std::memcmp(y, table, 256) == 0;
}

Result<Node*> finish(const NodeBuildContext& c, Node* node, xnn_status s) {
  Error e = check_xnn(s, c.node_index, c.kind, "create");
  if (e != Error::Ok) {
    node->~Node();
    return e;
  }
  return node;
}

Result<Node*> build_8bit(NodeBuildContext& c, UnaryOp op, UnaryPlan plan, const Value& in, const Value& out,
                         const UnaryParams& p, uint32_t in_id, uint32_t out_id) {
  if (plan == UnaryPlan::HostSoftmax8) {
    auto* e = static_cast<double*>(c.allocator->allocate(256 * sizeof(double), 16));
    if (e == nullptr) return node_alloc_fail(c, "softmax table");
    for (int d = 0; d < 256; ++d) e[d] = std::exp(-static_cast<double>(in.quant.scale) * d);
    return make_node<HostSoftmax8Node>(c, c.node_index, c.kind, in, out, p.clamp, e, in_id, out_id);
  }
  auto* table = static_cast<uint8_t*>(c.allocator->allocate(256, 16));
  if (table == nullptr) return node_alloc_fail(c, "lookup table");
  build_table(op, in, out, p, table);
  if (plan == UnaryPlan::XnnClamp8 || plan == UnaryPlan::XnnTable8) {
    int32_t lo = quantize(p.clamp.min, out), hi = quantize(p.clamp.max, out);
    Xnn8Kind k = xnn8_kind(op, out.type);
    EMBER_ASSIGN_OR_RETURN(Node * node, make_node<Xnn8Node>(c, c.node_index, c.kind, k, in_id, out_id));
    auto* xnode = static_cast<Xnn8Node*>(node);
    EMBER_ASSIGN_OR_RETURN(node, finish(c, node, create_xnn8(k, in, out, p, lo, hi, xnode->operator_out())));
    // The integer clamp is exact; a table operator must match ours entry for entry.
    if (plan == UnaryPlan::XnnClamp8 || xnn_table_matches(xnode, table)) return node;
    node->~Node();
  }
  return make_node<HostTableNode>(c, c.node_index, c.kind, table, in_id, out_id);
}

UnaryOp op_of(fb_xnnpack::XNodeUnion type) {
  using U = fb_xnnpack::XNodeUnion;
  switch (type) {
    case U::XNNClamp: return UnaryOp::Clamp;
    case U::XNNSigmoid: return UnaryOp::Sigmoid;
    case U::XNNSoftmax: return UnaryOp::Softmax;
    case U::XNNELU: return UnaryOp::Elu;
    case U::XNNLeakyReLU: return UnaryOp::LeakyRelu;
    case U::XNNHardswish: return UnaryOp::Hardswish;
    case U::XNNAbs: return UnaryOp::Abs;
    case U::XNNNegate: return UnaryOp::Negate;
    case U::XNNFloor: return UnaryOp::Floor;
    case U::XNNCeiling: return UnaryOp::Ceiling;
    case U::XNNSquare: return UnaryOp::Square;
    case U::XNNSquareRoot: return UnaryOp::SquareRoot;
    case U::XNNReciprocalSquareRoot: return UnaryOp::ReciprocalSquareRoot;
    case U::XNNExp: return UnaryOp::Exp;
    case U::XNNLog: return UnaryOp::Log;
    case U::XNNSin: return UnaryOp::Sin;
    case U::XNNCos: return UnaryOp::Cos;
    case U::XNNTanh: return UnaryOp::Tanh;
    default: return UnaryOp::Gelu;
  }
}

// PReLU on XNNPACK: slope per channel (last dim), expanded from one value.
class PreluNode final : public Node {
 public:
  PreluNode(uint32_t index, const char* kind, size_t channels, const OutputClamp& clamp, uint32_t in, uint32_t out)
      : Node(index, kind), channels_(channels), clamp_(clamp), in_(in), out_(out) {}
  xnn_operator_t* operator_out() { return op_.out(); }

  Error reshape(Value* values) override {
    if (last_dim(values[in_]) != channels_) {
      return fail(Error::InvalidArgument, "node %u (%s): %zu channels, the slope has %zu", index(), kind(),
                  last_dim(values[in_]), channels_);
    }
    return same_shape(index(), kind(), values[in_], values[out_]);
  }
  Error setup(Value* values, pthreadpool_t pool) override {
    y_ = static_cast<float*>(values[out_].data);
    n_ = values[in_].numel();
    return check_xnn(xnn_setup_prelu_nc_f32(op_.get(), n_ / channels_, static_cast<const float*>(values[in_].data), y_,
                                            pool),
                     index(), kind(), "setup");
  }
  Error run(pthreadpool_t pool) override {
    EMBER_TRY(check_xnn(xnn_run_operator(op_.get(), pool), index(), kind(), "run"));
    if (!clamp_.is_identity()) clamp_f32(y_, n_, clamp_);
    return Error::Ok;
  }

 private:
  size_t channels_;
  OutputClamp clamp_;
  uint32_t in_, out_;
  float* y_ = nullptr;
  size_t n_ = 0;
  XnnOperator op_;
};

}  // namespace

Result<Node*> create_unary_node(const fb_xnnpack::XNode* xnode, NodeBuildContext& c) {
  using U = fb_xnnpack::XNodeUnion;
  U type = xnode->xnode_union_type();
  UnaryOp op = op_of(type);
  UnaryParams p;
  p.clamp = OutputClamp{c.output_min, c.output_max};
  uint32_t in_id = 0, out_id = 0;
  if (type == U::XNNELU) {
    const auto* n = xnode->xnode_union_as_XNNELU();
    p.alpha = n->alpha();
    in_id = n->input_id();
    out_id = n->output_id();
  } else if (type == U::XNNLeakyReLU) {
    const auto* n = xnode->xnode_union_as_XNNLeakyReLU();
    p.negative_slope = n->negative_slope();
    in_id = n->input_id();
    out_id = n->output_id();
  } else {
    const auto* n = static_cast<const fb_xnnpack::_XNNNode1x1*>(xnode->xnode_union());
    in_id = n->input_id();
    out_id = n->output_id();
  }
  EMBER_ASSIGN_OR_RETURN(Value * in, c.value(in_id, "input"));
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(out_id, "output"));
  UnaryPlan plan = UnaryPlan::HostF32;
  EMBER_TRY(c.check(plan_unary(op, *in, *out, p, &plan)));
  switch (plan) {
    case UnaryPlan::HostF32:
      return make_node<HostF32Node>(c, c.node_index, c.kind, op, p, in_id, out_id);
    case UnaryPlan::XnnF32: {
      size_t channels = op == UnaryOp::Softmax ? last_dim(*in) : 1;
      if (channels == 0) return c.fail_node(Error::InvalidProgram, "softmax over an empty last dim");
      EMBER_ASSIGN_OR_RETURN(Node * node,
                             make_node<XnnF32Node>(c, c.node_index, c.kind, op, channels, p.clamp, in_id, out_id));
      return finish(c, node, static_cast<XnnF32Node*>(node)->create(p));
    }
    default:
      return build_8bit(c, op, plan, *in, *out, p, in_id, out_id);
  }
}

Result<Node*> create_prelu_node(const fb_xnnpack::XNode* xnode, NodeBuildContext& c) {
  const auto* n = static_cast<const fb_xnnpack::_XNNNode2x1*>(xnode->xnode_union());
  EMBER_ASSIGN_OR_RETURN(Value * in, c.value(n->input1_id(), "input"));
  EMBER_ASSIGN_OR_RETURN(Value * slope, c.value(n->input2_id(), "slope"));
  EMBER_ASSIGN_OR_RETURN(Value * out, c.value(n->output_id(), "output"));
  OutputClamp clamp{c.output_min, c.output_max};
  EMBER_TRY(c.check(check_prelu(*in, *slope, *out, clamp)));
  size_t channels = last_dim(*in);
  const auto* s = static_cast<const float*>(slope->constant);
  if (slope->numel() != channels) {
    auto* expanded = static_cast<float*>(c.allocator->allocate(channels * sizeof(float), 16));
    if (expanded == nullptr) return node_alloc_fail(c, "slope");
    for (size_t i = 0; i < channels; ++i) expanded[i] = s[0];
    s = expanded;
  }
  EMBER_ASSIGN_OR_RETURN(Node * node,
                         make_node<PreluNode>(c, c.node_index, c.kind, channels, clamp, n->input1_id(), n->output_id()));
  auto* prelu = static_cast<PreluNode*>(node);
  return finish(c, node, xnn_create_prelu_nc_f32(channels, channels, channels, s, 0, prelu->operator_out()));
}

}  // namespace ember::xnnpack
