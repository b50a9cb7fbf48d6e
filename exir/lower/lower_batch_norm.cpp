// BatchNormalization with training_mode=1, spelled with portable kernels as
// ONNX defines it (ExecuTorch's portable library has only the inference
// batch norm): batch statistics over every axis but the channel axis
// (population variance), Y normalised with them, and the running statistics
// updated as input * momentum + batch * (1 - momentum).
#include "exir/lower/portable_lowerer.h"

namespace exir {
namespace lowering {

void PortableLowerer::batch_norm_training(const Node& n) {
  const Sizes xs = sizes(in(0));
  const int64_t channels = xs[1];
  Sizes dims, stat(xs.size(), 1);
  stat[1] = channels;
  for (size_t d = 0; d < xs.size(); ++d) {
    if (d != 1) dims.push_back(static_cast<int64_t>(d));
  }
  const double eps = n.attr_float("epsilon", 1e-5f), momentum = n.attr_float("momentum", 0.9f);
  const std::string base = val(out()).name;
  const ValueId x = in(0), scale = in(1), bias = in(2), run_mean = in(3), run_var = in(4);
  const ValueId y = out();
  const ValueId mean = temp(base + "_batch_mean", ScalarType::Float, stat);
  call("aten::mean", "out", {T(x), IL(dims), B(true), None()}, {mean});
  const ValueId diff = temp(base + "_centered", ScalarType::Float, xs);
  call("aten::sub", "out", {T(x), T(mean), I(1)}, {diff});
  const ValueId sq = temp(base + "_sq", ScalarType::Float, xs);
  call("aten::mul", "out", {T(diff), T(diff)}, {sq});
  const ValueId var = temp(base + "_batch_var", ScalarType::Float, stat);
  call("aten::mean", "out", {T(sq), IL(dims), B(true), None()}, {var});
  const ValueId var_eps = temp(base + "_var_eps", ScalarType::Float, stat);
  call("aten::add", "Scalar_out", {T(var), D(eps), I(1)}, {var_eps});
  const ValueId rstd = temp(base + "_rstd", ScalarType::Float, stat);
  call("aten::rsqrt", "out", {T(var_eps)}, {rstd});
  const ValueId normed = temp(base + "_normed", ScalarType::Float, xs);
  call("aten::mul", "out", {T(diff), T(rstd)}, {normed});
  const ValueId scaled = temp(base + "_scaled", ScalarType::Float, xs);
  call("aten::mul", "out", {T(normed), T(view(scale, stat))}, {scaled});
  call("aten::add", "out", {T(scaled), T(view(bias, stat)), I(1)}, {y});
  // Running statistics: running * momentum + batch * (1 - momentum).
  auto update = [&](ValueId running, ValueId batch, size_t index) {
    if (index >= n.outputs.size() || n.outputs[index] == kNoValue) return;
    const ValueId dst = n.outputs[index];
    const ValueId kept = temp(val(dst).name + "_kept", ScalarType::Float, {channels});
    call("aten::mul", "Scalar_out", {T(running), D(momentum)}, {kept});
    call("aten::add", "out", {T(kept), T(view(batch, {channels})), D(1.0 - momentum)}, {dst});
  };
  update(run_mean, mean, 1);
  update(run_var, var, 2);
}

}  // namespace lowering
}  // namespace exir
