#include "exir/lower/lower_portable.h"

#include <cstring>
#include <functional>
#include <limits>
#include <unordered_map>

#include "exir/ir/error.h"
#include "exir/lower/portable_lowerer.h"
#include "exir/partition/xnnpack_partitioner.h"

namespace exir {
namespace lowering {

void PortableLowerer::lower(const Node& n) {
  static const std::unordered_map<std::string, std::string> kUnary = {
      {"Relu", "aten::relu"}, {"Sigmoid", "aten::sigmoid"}, {"Tanh", "aten::tanh"}, {"Erf", "aten::erf"}};
  if (auto it = kUnary.find(n.op); it != kUnary.end()) return call(it->second, "out", {T(in(0))}, {out()});
  if (n.op == "Add" || n.op == "Sub") {
    return call(n.op == "Add" ? "aten::add" : "aten::sub", "out", {T(in(0)), T(in(1)), I(1)}, {out()});
  }
  const bool integer_div = n.op == "Div" && val(out()).dtype != ScalarType::Float && val(out()).dtype != ScalarType::Double;
  if (n.op == "Clip" || n.op == "LeakyRelu" || n.op == "HardSwish" || integer_div) return activation(n);
  if (n.op == "Mul" || n.op == "Div") {
    return call(n.op == "Mul" ? "aten::mul" : "aten::div", "out", {T(in(0)), T(in(1))}, {out()});
  }
  if (n.op == "Gemm") return gemm(n);
  if (n.op == "MatMul") return matmul(n);
  if (n.op == "Conv") return conv(n);
  if (n.op == "MatMulInteger") return matmul_integer(n);
  if (n.op == "ConvInteger") return conv_integer(n);
  if (n.op == "MaxPool" || n.op == "AveragePool") return pool(n);
  if (n.op == "Resize") return resize(n);
  if (n.op == "GlobalAveragePool") {
    Sizes dims;
    for (size_t d = 2; d < sizes(in(0)).size(); ++d) dims.push_back(static_cast<int64_t>(d));
    return call("aten::mean", "out", {T(in(0)), IL(dims), B(true), None()}, {out()});
  }
  if (n.op == "Softmax") return softmax(n);
  if (n.op == "Concat") {
    std::vector<ValueId> ins(n.inputs.begin(), n.inputs.end());
    return call("aten::cat", "out", {TL(ins), I(n.attr_int("axis", 0))}, {out()});
  }
  if (n.op == "Reshape" || n.op == "Flatten" || n.op == "Squeeze" || n.op == "Unsqueeze") {
    view(in(0), sizes(out()), out());
    return;
  }
  if (n.op == "Transpose") return call("aten::permute_copy", "out", {T(in(0)), IL(n.attr_ints("perm"))}, {out()});
  if (n.op == "Gather") return gather(n);
  if (n.op == "QuantizedEmbedding" && n.domain == "ember") return quantized_embedding(n);
  if (n.op == "Gelu") return gelu(n);
  if (n.op == "LayerNormalization") return layer_norm(n);
  if (n.op == "BatchNormalization" && n.attr_int("training_mode", 0) != 0) return batch_norm_training(n);
  if (n.op == "BatchNormalization") {
    const ValueId mean = temp(val(out()).name + "_mean", ScalarType::Float, {0});
    const ValueId invstd = temp(val(out()).name + "_invstd", ScalarType::Float, {0});
    return call("aten::_native_batch_norm_legit_no_training", "out",
                {T(in(0)), T(in(1)), T(in(2)), T(in(3)), T(in(4)), D(n.attr_float("momentum", 0.9f)),
                 D(n.attr_float("epsilon", 1e-5f))},
                {out(), mean, invstd});
  }
  if (n.op == "Pad") return pad(n);
  if (n.op == "Slice") return slice(n);
  if (n.op == "Split") {
    std::vector<ValueId> outs(n.outputs.begin(), n.outputs.end());
    KernelCall c{"aten::split_with_sizes_copy", "out",
                 {T(in(0)), IL(n.attr_ints("split")), I(n.attr_int("axis", 0)), TL(outs)}, {}, source_};
    calls_.push_back(std::move(c));
    return;
  }
  if (n.op == "ReduceMean") {
    return call("aten::mean", "out", {T(in(0)), IL(n.attr_ints("axes")), B(n.attr_int("keepdims", 1) != 0), None()},
                {out()});
  }
  if (n.op == "Where") return call("aten::where", "self_out", {T(in(0)), T(in(1)), T(in(2))}, {out()});
  if (n.op == "Cast") return call("aten::_to_copy", "out", {T(in(0)), B(false), None()}, {out()});
  if (n.op == "QuantizeLinear" || n.op == "DequantizeLinear") return qdq(n);
  if (n.op == kDelegateOp && n.domain == kDelegateDomain) {
    KernelCall c{"", "", {}, {}, source_};
    for (ValueId v : n.inputs) c.args.push_back(T(v));
    for (ValueId v : n.outputs) c.args.push_back(T(v));
    c.delegate = static_cast<int>(n.attr_int("delegate", 0));
    calls_.push_back(std::move(c));
    return;
  }
  fail("%s: no portable lowering for operator %s", source_.c_str(), n.op.c_str());
}

void PortableLowerer::gemm(const Node& n) {
  ValueId a = in(0), b = in(1);
  if (n.attr_int("transA", 0)) a = permute(a, {1, 0});
  if (n.attr_int("transB", 0)) b = val(b).is_constant() ? transposed_constant(b) : permute(b, {1, 0});
  const double alpha = n.attr_float("alpha", 1.0f), beta = n.attr_float("beta", 1.0f);
  if (has_in(2) && beta != 0.0) {
    return call("aten::addmm", "out", {T(in(2)), T(a), T(b), D(beta), D(alpha)}, {out()});
  }
  if (alpha == 1.0) return call("aten::mm", "out", {T(a), T(b)}, {out()});
  const ValueId prod = temp(val(out()).name + "_mm", ScalarType::Float, sizes(out()));
  call("aten::mm", "out", {T(a), T(b)}, {prod});
  call("aten::mul", "Scalar_out", {T(prod), D(alpha)}, {out()});
}

void PortableLowerer::matmul(const Node&) { matmul_of(in(0), in(1), ScalarType::Float); }

// ONNX MatMul semantics (1-D promotion, batch broadcasting) on mm / bmm of
// `dtype` (Float, or Int for MatMulInteger), written to the node's output.
void PortableLowerer::matmul_of(ValueId a, ValueId b, ScalarType dtype) {
  Sizes as = sizes(a), bs = sizes(b);
  if (as.size() == 1) a = view(a, as = {1, as[0]});
  if (bs.size() == 1) b = view(b, bs = {bs[0], 1});
  const int64_t m = as[as.size() - 2], k = as.back(), nn = bs.back();
  const std::string name = val(out()).name;
  if (bs.size() == 2) {
    const Sizes rs = {product(Sizes(as.begin(), as.end() - 1)), nn};
    const ValueId a2 = view(a, {rs[0], k});
    const bool direct = sizes(out()) == rs;
    const ValueId r = direct ? out() : temp(name + "_mm", dtype, rs);
    call("aten::mm", "out", {T(a2), T(b)}, {r});
    if (!direct) view(r, sizes(out()), out());
    return;
  }
  const size_t rank = std::max(as.size(), bs.size());
  Sizes batch;
  for (size_t i = 0; i + 2 < rank; ++i) {
    const size_t pa = i + as.size(), pb = i + bs.size();
    const int64_t x = pa < rank ? 1 : as[pa - rank];
    const int64_t y = pb < rank ? 1 : bs[pb - rank];
    batch.push_back(std::max(x, y));
  }
  auto to3d = [&](ValueId x, const Sizes& xs, int64_t r, int64_t c) {
    Sizes full = batch;
    full.push_back(r);
    full.push_back(c);
    if (xs != full) {
      const ValueId e = temp(val(x).name + "_expand", dtype, full);
      call("aten::expand_copy", "out", {T(x), IL(full), B(false)}, {e});
      x = e;
    }
    return view(x, {product(batch), r, c});
  };
  const ValueId a3 = to3d(a, as, m, k), b3 = to3d(b, bs, k, nn);
  const ValueId r = temp(name + "_bmm", dtype, {product(batch), m, nn});
  call("aten::bmm", "out", {T(a3), T(b3)}, {r});
  view(r, sizes(out()), out());
}

void PortableLowerer::conv(const Node& n) {
  Sizes pads = n.attr_ints("pads");
  const ValueId x = window_input(in(0), &pads, 0.0);
  call("aten::convolution", "out",
       {T(x), T(in(1)), has_in(2) ? T(in(2)) : None(), IL(n.attr_ints("strides")), IL({pads[0], pads[1]}),
        IL(n.attr_ints("dilations")), B(false), IL({0, 0}), I(n.attr_int("group", 1))},
       {out()});
}

void PortableLowerer::softmax(const Node& n) {
  const int64_t axis = n.attr_int("axis", -1);
  const Sizes s = sizes(in(0));
  const int64_t rank = static_cast<int64_t>(s.size());
  if (n.attr_int("coerce_2d", 0) && axis != rank - 1) {
    const Sizes s2 = {product(Sizes(s.begin(), s.begin() + axis)), product(Sizes(s.begin() + axis, s.end()))};
    const ValueId x2 = view(in(0), s2);
    const ValueId y2 = temp(val(out()).name + "_2d", ScalarType::Float, s2);
    call("aten::_softmax", "out", {T(x2), I(1), B(false)}, {y2});
    view(y2, s, out());
    return;
  }
  call("aten::_softmax", "out", {T(in(0)), I(axis), B(false)}, {out()});
}

void PortableLowerer::gather(const Node& n) {
  const int64_t axis = n.attr_int("axis", 0);
  const Sizes xs = sizes(in(0));
  const Value& idx = val(in(1));
  const int64_t dim = xs[static_cast<size_t>(axis)];
  if (idx.is_constant() && idx.shape.empty()) {
    int64_t i = idx.dtype == ScalarType::Long ? idx.as<int64_t>()[0] : idx.as<int32_t>()[0];
    return call("aten::select_copy", "int_out", {T(in(0)), I(axis), I(i < 0 ? i + dim : i)}, {out()});
  }
  ValueId index = in(1);
  const int64_t count = idx.numel();
  if (idx.is_constant()) {
    std::vector<int64_t> values(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) {
      const int64_t v = idx.dtype == ScalarType::Long ? idx.as<int64_t>()[i] : idx.as<int32_t>()[i];
      values[static_cast<size_t>(i)] = v < 0 ? v + dim : v;
    }
    std::vector<uint8_t> bytes(values.size() * sizeof(int64_t));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    index = g_.add_constant(g_.unique_name(idx.name + "_i64"), ScalarType::Long, {count}, std::move(bytes));
  } else {
    if (idx.dtype != ScalarType::Long) {
      const ValueId cast = temp(idx.name + "_i64", ScalarType::Long, idx.sizes());
      call("aten::_to_copy", "out", {T(index), B(false), None()}, {cast});
      index = cast;
    }
    index = view(index, {count});
    // Runtime indices may count from the end: idx < 0 ? idx + dim : idx.
    const ValueId negative = temp(idx.name + "_negative", ScalarType::Bool, {count});
    call("aten::lt", "Scalar_out", {T(index), I(0)}, {negative});
    const ValueId wrapped = temp(idx.name + "_wrapped", ScalarType::Long, {count});
    call("aten::add", "Scalar_out", {T(index), I(dim), I(1)}, {wrapped});
    const ValueId normalised = temp(idx.name + "_normalised", ScalarType::Long, {count});
    call("aten::where", "self_out", {T(negative), T(wrapped), T(index)}, {normalised});
    index = normalised;
  }
  Sizes sel = xs;
  sel[static_cast<size_t>(axis)] = count;
  const bool direct = sel == sizes(out());
  const ValueId r = direct ? out() : temp(val(out()).name + "_sel", val(out()).dtype, sel);
  call("aten::index_select", "out", {T(in(0)), I(axis), T(index)}, {r});
  if (!direct) view(r, sizes(out()), out());
}

void PortableLowerer::layer_norm(const Node& n) {
  const Sizes s = sizes(in(0));
  const size_t axis = static_cast<size_t>(n.attr_int("axis", -1));
  Sizes stat = s;
  for (size_t d = axis; d < s.size(); ++d) stat[d] = 1;
  const bool has_mean = n.outputs.size() > 1 && n.outputs[1] != kNoValue;
  const bool has_rstd = n.outputs.size() > 2 && n.outputs[2] != kNoValue;
  const ValueId mean = has_mean ? out(1) : temp(val(out()).name + "_mean", ScalarType::Float, stat);
  const ValueId rstd = has_rstd ? out(2) : temp(val(out()).name + "_rstd", ScalarType::Float, stat);
  call("aten::native_layer_norm", "out",
       {T(in(0)), IL(Sizes(s.begin() + static_cast<int64_t>(axis), s.end())), T(in(1)), has_in(2) ? T(in(2)) : None(),
        D(n.attr_float("epsilon", 1e-5f))},
       {out(), mean, rstd});
}

void PortableLowerer::pad(const Node& n) {
  const Sizes pads = n.attr_ints("pads");
  const std::string mode = n.attr_string("mode", "constant");
  if (mode == "constant") {
    pad_constant(in(0), pads, n.attr_float("value", 0), out());
    return;
  }
  const Sizes s = sizes(in(0));
  const size_t rank = s.size();
  for (size_t d = 0; d + 2 < rank; ++d) {
    if (pads[d] != 0 || pads[d + rank] != 0) fail("%s: %s padding only of the last two axes is supported", source_.c_str(), mode.c_str());
  }
  if (rank != 3 && rank != 4) fail("%s: %s padding needs a rank 3 or 4 input", source_.c_str(), mode.c_str());
  const Sizes p = {pads[rank - 1], pads[2 * rank - 1], pads[rank - 2], pads[2 * rank - 2]};
  call(mode == "reflect" ? "aten::reflection_pad2d" : "aten::replication_pad2d", "out", {T(in(0)), IL(p)}, {out()});
}

void PortableLowerer::slice(const Node& n) {
  const Sizes starts = n.attr_ints("starts"), ends = n.attr_ints("ends"), axes = n.attr_ints("axes"),
              steps = n.attr_ints("steps");
  ValueId x = in(0);
  std::vector<size_t> effective;
  for (size_t i = 0; i < axes.size(); ++i) {
    if (starts[i] != 0 || ends[i] != sizes(x)[static_cast<size_t>(axes[i])] || steps[i] != 1) effective.push_back(i);
  }
  if (effective.empty()) {
    view(x, sizes(out()), out());
    return;
  }
  for (size_t k = 0; k < effective.size(); ++k) {
    const size_t i = effective[k];
    Sizes s = sizes(x);
    const size_t a = static_cast<size_t>(axes[i]);
    s[a] = steps[i] > 0 ? (ends[i] - starts[i] + steps[i] - 1) / steps[i] : (starts[i] - ends[i] - steps[i] - 1) / -steps[i];
    const ValueId dst = k + 1 == effective.size() ? out() : temp(val(out()).name + "_slice", val(x).dtype, s);
    if (steps[i] < 0) {
      // slice_copy takes only positive steps: gather the reversed positions.
      std::vector<int64_t> picks;
      for (int64_t j = 0; j < s[a]; ++j) picks.push_back(starts[i] + j * steps[i]);
      std::vector<uint8_t> bytes(picks.size() * sizeof(int64_t));
      std::memcpy(bytes.data(), picks.data(), bytes.size());
      const ValueId index = g_.add_constant(g_.unique_name(val(out()).name + "_picks"), ScalarType::Long,
                                            {s[a]}, std::move(bytes));
      call("aten::index_select", "out", {T(x), I(axes[i]), T(index)}, {dst});
      x = dst;
      continue;
    }
    call("aten::slice_copy", "Tensor_out", {T(x), I(axes[i]), I(starts[i]), I(ends[i]), I(steps[i])}, {dst});
    x = dst;
  }
}

void PortableLowerer::qdq(const Node& n) {
  const bool quantize = n.op == "QuantizeLinear";
  // Copies: adding the per-channel constants below may move the graph's values.
  const Value& q_side = quantize ? val(out()) : val(in(0));
  if (!q_side.quant) fail("%s: missing quantization parameters", source_.c_str());
  const QuantParams q = *q_side.quant;
  const std::string q_name = q_side.name;
  const int64_t dtype = static_cast<int64_t>(q.storage);
  const std::string name = std::string("quantized_decomposed::") + (quantize ? "quantize" : "dequantize");
  std::vector<Arg> args = {T(in(0))};
  if (q.axis < 0) {
    args.insert(args.end(), {D(q.scales[0]), I(q.zero_points[0]), I(q.qmin), I(q.qmax), I(dtype)});
    if (!quantize) args.push_back(None());
    return call(name + "_per_tensor", "out", args, {out()});
  }
  if (q.block_size != 0) {
    fail("%s: blocked quantization (block_size %lld) is supported only as an embedding table (DequantizeLinear + "
         "Gather)", source_.c_str(), (long long)q.block_size);
  }
  const int64_t c = static_cast<int64_t>(q.scales.size());
  std::vector<uint8_t> sb(static_cast<size_t>(c) * sizeof(double)), zb(static_cast<size_t>(c) * sizeof(int64_t));
  for (int64_t i = 0; i < c; ++i) {
    const double s = q.scales[static_cast<size_t>(i)];
    std::memcpy(sb.data() + i * 8, &s, 8);
    std::memcpy(zb.data() + i * 8, &q.zero_points[static_cast<size_t>(i)], 8);
  }
  const ValueId scales = g_.add_constant(g_.unique_name(q_name + "_scales"), ScalarType::Double, {c}, sb);
  const ValueId zps = g_.add_constant(g_.unique_name(q_name + "_zero_points"), ScalarType::Long, {c}, zb);
  args.insert(args.end(), {T(scales), T(zps), I(q.axis), I(q.qmin), I(q.qmax), I(dtype)});
  if (!quantize) args.push_back(None());
  call(name + "_per_channel", "out", args, {out()});
}

}  // namespace lowering

std::vector<KernelCall> lower_to_portable(Graph& graph) { return lowering::PortableLowerer(graph).run(); }

}  // namespace exir
