// PortableLowerer: the state and helpers shared by the files that lower IR
// nodes to portable / quantized_decomposed kernel calls (one file per op
// family: lower_portable.cpp dispatches and holds the small ops). Internal to
// exir/lower; users call lower_to_portable() (lower_portable.h).
//
// Ownership: holds a reference to the Graph it lowers (which must outlive it)
// and adds temporaries/constants to it; Value references obtained through
// val() are invalidated by temp()/add_constant() (the graph's value vector
// grows), so copy what is needed before adding values.
#pragma once

#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "exir/ir/error.h"
#include "exir/ir/graph.h"
#include "exir/lower/kernel_call.h"

namespace exir {
namespace lowering {

using Sizes = std::vector<int64_t>;

inline Arg T(ValueId id) { Arg a; a.kind = Arg::Kind::Tensor; a.tensor = id; return a; }
inline Arg I(int64_t v) { Arg a; a.kind = Arg::Kind::Int; a.i = v; return a; }
inline Arg D(double v) { Arg a; a.kind = Arg::Kind::Double; a.d = v; return a; }
inline Arg B(bool v) { Arg a; a.kind = Arg::Kind::Bool; a.b = v; return a; }
inline Arg IL(Sizes v) { Arg a; a.kind = Arg::Kind::IntList; a.ints = std::move(v); return a; }
inline Arg TL(std::vector<ValueId> v) { Arg a; a.kind = Arg::Kind::TensorList; a.tensors = std::move(v); return a; }
inline Arg S(std::string v) { Arg a; a.kind = Arg::Kind::String; a.s = std::move(v); return a; }
inline Arg None() { return Arg{}; }

inline int64_t product(const Sizes& s) {
  int64_t p = 1;
  for (int64_t x : s) p *= x;
  return p;
}

class PortableLowerer {
 public:
  explicit PortableLowerer(Graph& g) : g_(g) {}

  std::vector<KernelCall> run() {
    for (size_t i = 0; i < g_.nodes.size(); ++i) {
      node_ = &g_.nodes[i];
      source_ = node_->describe();
      lower(*node_);
    }
    for (ValueId& id : g_.outputs) {
      const Value& v = g_.value(id);
      bool is_input = false;
      for (ValueId in : g_.inputs) is_input |= in == id;
      if (v.is_constant() || is_input) {
        source_ = "output '" + v.name + "'";
        const ValueId copy = temp(v.name + "_out", v.dtype, v.sizes());
        call("aten::clone", "out", {T(id), None()}, {copy});
        id = copy;
      }
    }
    return std::move(calls_);
  }

 protected:
  Graph& g_;
  const Node* node_ = nullptr;
  std::string source_;
  std::vector<KernelCall> calls_;

  const Value& val(ValueId id) { return g_.value(id); }
  ValueId in(size_t i) const { return node_->inputs[i]; }
  bool has_in(size_t i) const { return i < node_->inputs.size() && node_->inputs[i] != kNoValue; }
  ValueId out(size_t i = 0) const { return node_->outputs[i]; }
  Sizes sizes(ValueId id) { return g_.value(id).sizes(); }

  ValueId temp(const std::string& base, ScalarType t, const Sizes& s) {
    Value v;
    v.name = g_.unique_name(base);
    v.dtype = t;
    v.shape = static_shape(s);
    v.shape_known = true;
    return g_.add_value(std::move(v));
  }
  void call(const std::string& name, const std::string& overload, std::vector<Arg> args, std::vector<ValueId> outs,
            bool returns = true) {
    KernelCall c{name, overload, std::move(args), {}, source_};
    for (ValueId o : outs) c.args.push_back(T(o));
    if (returns) c.rets = outs;
    calls_.push_back(std::move(c));
  }
  ValueId view(ValueId x, const Sizes& s, ValueId dst = kNoValue) {
    if (dst == kNoValue) {
      if (sizes(x) == s) return x;
      dst = temp(val(x).name + "_view", val(x).dtype, s);
    }
    call("aten::view_copy", "out", {T(x), IL(s)}, {dst});
    return dst;
  }
  ValueId permute(ValueId x, const Sizes& perm) {
    const Sizes s = sizes(x);
    Sizes o;
    for (int64_t p : perm) o.push_back(s[static_cast<size_t>(p)]);
    const ValueId dst = temp(val(x).name + "_perm", val(x).dtype, o);
    call("aten::permute_copy", "out", {T(x), IL(perm)}, {dst});
    return dst;
  }
  // A 2-D constant transposed at conversion time (Gemm's transB weights).
  ValueId transposed_constant(ValueId x) {
    const Value& v = val(x);
    const Sizes s = v.sizes();
    const size_t es = ember::element_size(v.dtype);
    std::vector<uint8_t> bytes(v.nbytes());
    for (int64_t r = 0; r < s[0]; ++r) {
      for (int64_t c = 0; c < s[1]; ++c) {
        std::memcpy(bytes.data() + static_cast<size_t>(c * s[0] + r) * es,
                    v.data->data() + static_cast<size_t>(r * s[1] + c) * es, es);
      }
    }
    const std::string name = g_.unique_name(v.name + "_t");
    const ScalarType t = v.dtype;
    return g_.add_constant(name, t, {s[1], s[0]}, std::move(bytes));
  }
  ValueId pad_constant(ValueId x, const Sizes& onnx_pads, double value, ValueId dst = kNoValue) {
    const Sizes s = sizes(x);
    const size_t rank = s.size();
    Sizes torch_pads, o = s;
    for (size_t d = rank; d-- > 0;) {
      torch_pads.push_back(onnx_pads[d]);
      torch_pads.push_back(onnx_pads[d + rank]);
      o[d] += onnx_pads[d] + onnx_pads[d + rank];
    }
    if (dst == kNoValue) dst = temp(val(x).name + "_pad", val(x).dtype, o);
    call("aten::constant_pad_nd", "out", {T(x), IL(torch_pads), D(value)}, {dst});
    return dst;
  }
  // Splits 2-D window pads (b_h, b_w, e_h, e_w) into symmetric ones for the
  // kernel, padding explicitly first when begin and end differ.
  // Pads above half the kernel (PyTorch's pooling limit, `max_pad`) are
  // padded explicitly too.
  ValueId window_input(ValueId x, Sizes* pads, double fill, const Sizes& max_pad = {}) {
    bool explicit_pad = (*pads)[0] != (*pads)[2] || (*pads)[1] != (*pads)[3];
    for (size_t i = 0; i < max_pad.size(); ++i) explicit_pad |= (*pads)[i] > max_pad[i];
    if (!explicit_pad) return x;
    const ValueId padded = pad_constant(x, {0, 0, (*pads)[0], (*pads)[1], 0, 0, (*pads)[2], (*pads)[3]}, fill);
    *pads = {0, 0, 0, 0};
    return padded;
  }

  // Dispatch (lower_portable.cpp) and the op families, one file each.
  void lower(const Node& n);
  void gemm(const Node& n);
  void matmul(const Node& n);
  void matmul_of(ValueId a, ValueId b, ScalarType dtype);
  void conv(const Node& n);
  void softmax(const Node& n);
  void gather(const Node& n);
  void layer_norm(const Node& n);
  void pad(const Node& n);
  void slice(const Node& n);
  void qdq(const Node& n);
  void pool(const Node& n);  // lower_pool.cpp
  // lower_fused.cpp: nodes the converter's own passes create (exir/passes).
  void quantized_embedding(const Node& n);
  void gelu(const Node& n);
  void max_pool2d(ValueId x, const Sizes& k, const Sizes& s, const Sizes& d, Sizes pads, bool ceil_mode, ValueId dst,
                  ValueId indices);
  void avg_pool2d(ValueId x, const Sizes& k, const Sizes& s, Sizes pads, bool ceil_mode, bool include_pad,
                  ValueId dst);
  void flat_indices(ValueId in_plane, const Sizes& xs, ValueId dst);
  ValueId padded_for_floor(ValueId x, const Sizes& k, const Sizes& s, const Sizes& d, const Sizes& pads,
                           bool ceil_mode, const Sizes& ys, double fill);
  // lower_activation.cpp: LeakyRelu, HardSwish, Clip, integer Div.
  void activation(const Node& n);
  void batch_norm_training(const Node& n);  // lower_batch_norm.cpp
  void resize(const Node& n);  // lower_resize.cpp
  // lower_integer.cpp: MatMulInteger / ConvInteger in int32.
  void matmul_integer(const Node& n);
  void conv_integer(const Node& n);
  ValueId widen_minus_zero_point(ValueId x, const std::vector<int64_t>& zps, const Sizes& zp_shape);
};

}  // namespace lowering
}  // namespace exir
