#!/usr/bin/python3
"""Writes QDQ int8/uint8 ONNX models with fixed seeds for the exir XNNPACK
tests: activations quantized per tensor (scale and zero point calibrated on
the float run of each op), weights symmetric int8 per output channel, biases
int32 at s_in * s_w[c] (as PT2E's XNNPACKQuantizer). The reference output is
computed in numpy by the same QDQ graph: each op in float64 on dequantized
inputs, then quantized (round half to even). Layout as gen_models.py.
Usage: gen_qdq_models.py OUT."""
import math
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from gen_models import save, softmax


class QdqBuilder:
    """act_dtype np.int8 / np.uint8: QDQ graph; None: the same graph in float
    (no Q/DQ, float weights; conv(bn=True) adds a BatchNormalization)."""

    def __init__(self, act_dtype):
        self.nodes, self.inits, self.count = [], [], 0
        self.float = act_dtype is None
        self.unsigned = act_dtype == np.uint8
        self.scales, self.zps = {}, {}

    def name(self, base):
        self.count += 1
        return f"{base}_{self.count}"

    def const(self, base, a):
        n = self.name(base)
        self.inits.append(numpy_helper.from_array(a, n))
        return n

    def calibrate(self, y):
        lo, hi = min(float(y.min()), 0.0), max(float(y.max()), 0.0)
        s = max(hi - lo, 1e-6) / 255.0
        zp = int(np.rint(-lo / s)) + (0 if self.unsigned else -128)
        return np.float32(s), zp

    def quantize(self, src, y, s=None, zp=None):
        """Q -> DQ of float value y (name src); returns (name, dequantized value)."""
        if self.float:
            return src, y
        if s is None:
            s, zp = self.calibrate(y)
        qt = np.uint8 if self.unsigned else np.int8
        lo, hi = (0, 255) if self.unsigned else (-128, 127)
        q = np.clip(np.rint(y / np.float64(s)) + zp, lo, hi)
        sn, zn = self.const("scale", np.array(s, np.float32)), self.const("zp", np.array(zp, qt))
        qn, dn = self.name(src + "_q"), self.name(src + "_dq")
        self.nodes.append(helper.make_node("QuantizeLinear", [src, sn, zn], [qn]))
        self.nodes.append(helper.make_node("DequantizeLinear", [qn, sn, zn], [dn]))
        self.scales[dn], self.zps[dn] = np.float64(s), zp
        return dn, (q - zp) * np.float64(s)

    def share(self, src, y, like):
        """Q -> DQ with the parameters of `like` (ops that keep their input's quantization)."""
        if self.float:
            return src, y
        return self.quantize(src, y, s=np.float32(self.scales[like]), zp=self.zps[like])

    def weight(self, w, axis):
        """Symmetric int8 per-channel weight behind DQ; returns (name, dequantized, scales)."""
        if self.float:
            w32 = np.asarray(w, np.float32)
            return self.const("w", w32), w32.astype(np.float64), None
        red = tuple(d for d in range(w.ndim) if d != axis)
        s = (np.abs(w).max(axis=red) / 127.0).astype(np.float32)
        shape = [1] * w.ndim
        shape[axis] = -1
        q = np.clip(np.rint(w / s.reshape(shape).astype(np.float64)), -127, 127).astype(np.int8)
        wn = self.const("w", q)
        dn = self.name("w_dq")
        self.nodes.append(helper.make_node("DequantizeLinear", [wn, self.const("ws", s),
                                                                self.const("wzp", np.zeros(len(s), np.int8))],
                                           [dn], axis=axis))
        return dn, q.astype(np.float64) * s.reshape(shape), s.astype(np.float64)

    def bias(self, b, s_in, s_w):
        if self.float:
            b32 = np.asarray(b, np.float32)
            return self.const("b", b32), b32.astype(np.float64)
        s = (np.float32(s_in) * s_w.astype(np.float32)).astype(np.float32)
        q = np.rint(b / s.astype(np.float64)).astype(np.int32)
        dn = self.name("b_dq")
        self.nodes.append(helper.make_node("DequantizeLinear", [self.const("b", q), self.const("bs", s),
                                                                self.const("bzp", np.zeros(len(s), np.int32))],
                                           [dn], axis=0))
        return dn, q * s.astype(np.float64)

    def op(self, op, inputs, value, relu=False, **attrs):
        out = self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [out], **attrs))
        if relu:
            r = self.name("relu")
            self.nodes.append(helper.make_node("Relu", [out], [r]))
            out, value = r, np.maximum(value, 0)
        return out, value

    def gemm(self, x, xv, w, b, relu, trans_b):
        wn, wv, ws = self.weight(w, 0 if trans_b else 1)
        bn, bv = self.bias(b, self.scales.get(x), ws)
        y = xv @ (wv.T if trans_b else wv) + bv
        return self.quantize(*self.op("Gemm", [x, wn, bn], y, relu, transB=int(trans_b)))

    def conv(self, x, xv, w, b, relu, stride=1, pad=1, group=1, clip6=False, bn=None):
        """relu: Relu after the conv; clip6: Clip(0, 6) (relu6). b None: no bias
        input. bn: (rng, eps) adds a BatchNormalization between conv and
        activation (float graphs only)."""
        wn, wv, ws = self.weight(w, 0)
        ins, bv = [x, wn], np.zeros(w.shape[0])
        if b is not None:
            bn_, bv = self.bias(b, self.scales.get(x), ws)
            ins.append(bn_)
        y = conv2d(xv, wv, bv, stride, pad, group)
        k = list(w.shape[2:])
        out, y = self.op("Conv", ins, y, kernel_shape=k, pads=[pad] * 4, strides=[stride] * 2, group=group)
        if bn is not None and self.float:
            out, y = self.batch_norm(out, y, *bn)
        if relu:
            out, y = self.op("Relu", [out], np.maximum(y, 0))
        if clip6:
            out, y = self.op("Clip", [out, self.const("lo", np.array(0, np.float32)),
                                      self.const("hi", np.array(6, np.float32))], np.clip(y, 0, 6))
        return self.quantize(out, y)

    def batch_norm(self, x, xv, rng, eps=1e-5):
        c = xv.shape[1]
        p = [(rng.standard_normal(c) * 0.2 + 1.0), rng.standard_normal(c) * 0.1, rng.standard_normal(c) * 0.1,
             rng.uniform(0.5, 1.5, c)]
        g, beta, mean, var = [a.astype(np.float32).astype(np.float64) for a in p]
        y = (xv - mean.reshape(1, -1, 1, 1)) / np.sqrt(var.reshape(1, -1, 1, 1) + np.float64(np.float32(eps)))
        y = y * g.reshape(1, -1, 1, 1) + beta.reshape(1, -1, 1, 1)
        names = [self.const(n, a.astype(np.float32)) for n, a in zip(("gamma", "beta", "mean", "var"), (g, beta, mean, var))]
        return self.op("BatchNormalization", [x] + names, y, epsilon=eps)

    def embedding_table(self, w):
        """A per-row quantized table behind DequantizeLinear(axis 0): int8
        symmetric, or (uint8 activations) uint8 with a zero point per row."""
        if self.float:
            w32 = w.astype(np.float32)
            return self.const("table", w32), w32.astype(np.float64)
        if self.unsigned:
            lo, hi = np.minimum(w.min(axis=1), 0), np.maximum(w.max(axis=1), 0)
            s = ((hi - lo) / 255.0).astype(np.float32)
            zp = np.rint(-lo / s.astype(np.float64)).astype(np.int64)
            q = np.clip(np.rint(w / s[:, None].astype(np.float64)) + zp[:, None], 0, 255).astype(np.uint8)
            zpt = zp.astype(np.uint8)
        else:
            s = (np.abs(w).max(axis=1) / 127.0).astype(np.float32)
            zp = np.zeros(len(s), np.int64)
            q = np.clip(np.rint(w / s[:, None].astype(np.float64)), -127, 127).astype(np.int8)
            zpt = np.zeros(len(s), np.int8)
        dn = self.name("table_dq")
        self.nodes.append(helper.make_node("DequantizeLinear", [self.const("table", q), self.const("ts", s),
                                                                self.const("tzp", zpt)], [dn], axis=0))
        return dn, (q.astype(np.float64) - zp[:, None]) * s[:, None].astype(np.float64)

    def layer_norm(self, x, xv, rng, eps=1e-5):
        d = xv.shape[-1]
        g = (1.0 + 0.1 * rng.standard_normal(d)).astype(np.float32)
        beta = (0.1 * rng.standard_normal(d)).astype(np.float32)
        mu = xv.mean(axis=-1, keepdims=True)
        var = ((xv - mu) ** 2).mean(axis=-1, keepdims=True)
        y = (xv - mu) / np.sqrt(var + np.float64(np.float32(eps))) * g + beta
        return self.op("LayerNormalization", [x, self.const("ln_g", g), self.const("ln_b", beta)], y, axis=-1,
                       epsilon=eps)

    def gelu(self, x, xv):
        """Exact GELU as PyTorch's ONNX export writes it: (x * (1 + Erf(x / sqrt 2))) * 0.5."""
        r2 = np.float32(np.sqrt(2.0))
        d, dv = self.op("Div", [x, self.const("sqrt2", np.array(r2))], xv / np.float64(r2))
        e, ev = self.op("Erf", [d], np.vectorize(math.erf)(dv))
        a, av = self.op("Add", [e, self.const("one", np.array(1, np.float32))], ev + 1.0)
        m, mv = self.op("Mul", [x, a], xv * av)
        return self.op("Mul", [m, self.const("half", np.array(0.5, np.float32))], mv * 0.5)

    def write(self, out, name, x, y_name, inputs, y, opset=17, x_name="x"):
        x_type = TensorProto.INT64 if x.dtype == np.int64 else TensorProto.FLOAT
        g = helper.make_graph(self.nodes, name, [helper.make_tensor_value_info(x_name, x_type, list(x.shape))],
                              [helper.make_tensor_value_info(y_name, TensorProto.FLOAT, list(y.shape))], self.inits)
        save(out, name, g, inputs, [y.astype(np.float32)], opset)
        if not self.float:
            with open(os.path.join(out, name, "output_scale.txt"), "w") as f:
                f.write(repr(float(self.scales[y_name])))


def conv2d(x, w, b, stride, pad, group):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - kh) // stride + 1, (wd + 2 * pad - kw) // stride + 1
    y = np.zeros((n, m, oh, ow), np.float64)
    mg = m // group
    if cg == 1 and mg == 1:  # depthwise: one multiply per tap over all channels
        for i in range(kh):
            for j in range(kw):
                y += xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] * w[:, 0, i, j].reshape(1, m, 1, 1)
        return y + b.reshape(1, m, 1, 1)
    for g in range(group):
        xs = xp[:, g * cg:(g + 1) * cg]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
                y[:, g * mg:(g + 1) * mg] += np.einsum("nchw,mc->nmhw", patch, w[g * mg:(g + 1) * mg, :, i, j])
    return y + b.reshape(1, m, 1, 1)


def mlp(out, name, act_dtype):
    rng = np.random.default_rng(11)
    x = rng.standard_normal((4, 32)).astype(np.float32)
    b = QdqBuilder(act_dtype)
    h, hv = b.quantize("x", x.astype(np.float64))
    h, hv = b.gemm(h, hv, rng.standard_normal((32, 64)) * 0.2, rng.standard_normal(64) * 0.1, True, False)
    wn, wv, _ = b.weight(rng.standard_normal((64, 48)) * 0.15, 1)
    h, hv = b.quantize(*b.op("MatMul", [h, wn], hv @ wv, True))
    h, hv = b.gemm(h, hv, rng.standard_normal((10, 48)) * 0.2, rng.standard_normal(10) * 0.1, False, True)
    b.write(out, name, x, h, [x], hv)


def cnn(out):
    rng = np.random.default_rng(12)
    x = rng.standard_normal((1, 3, 96, 96)).astype(np.float32)
    b = QdqBuilder(np.int8)
    h, hv = b.quantize("x", x.astype(np.float64))
    c1, c1v = b.conv(h, hv, rng.standard_normal((16, 3, 3, 3)) * 0.3, rng.standard_normal(16) * 0.1, True, stride=2)
    d, dv = b.conv(c1, c1v, rng.standard_normal((16, 1, 3, 3)) * 0.4, rng.standard_normal(16) * 0.1, True, group=16)
    p, pv = b.conv(d, dv, rng.standard_normal((16, 16, 1, 1)) * 0.3, rng.standard_normal(16) * 0.1, False, pad=0)
    r, rv = b.quantize(*b.op("Add", [p, c1], pv + c1v))
    g, gv = b.quantize(*b.op("GlobalAveragePool", [r], rv.mean(axis=(2, 3), keepdims=True)))
    # Flatten keeps its input's quantization (as quantizers share it).
    f, fv = b.op("Flatten", [g], gv.reshape(1, -1))
    dn = [n for n in b.nodes if n.output[0] == g][0]
    f, fv = b.quantize(f, fv, s=np.float32(b.scales[g]), zp=int(numpy_helper.to_array(
        [i for i in b.inits if i.name == dn.input[2]][0])))
    y, yv = b.gemm(f, fv, rng.standard_normal((10, 16)) * 0.3, rng.standard_normal(10) * 0.1, False, True)
    b.write(out, "qdq_cnn", x, y, [x], yv)


def diamond(out):
    """a -> (b, c) -> d where c, a multiply whose s_a * s_a / s_c is below
    2^-16, is refused by the capability table: a, b and d must not form one
    partition (c would leave and re-enter it)."""
    rng = np.random.default_rng(13)
    x = rng.standard_normal((4, 16)).astype(np.float32)
    b = QdqBuilder(np.int8)
    h, hv = b.quantize("x", x.astype(np.float64))
    a, av = b.gemm(h, hv, rng.standard_normal((16, 16)) * 0.03, rng.standard_normal(16) * 0.01, True, True)
    bb, bv = b.gemm(a, av, rng.standard_normal((16, 16)) * 3.0, rng.standard_normal(16) * 0.1, False, True)
    c, cv = b.op("Mul", [a, a], av * av)
    c, cv = b.quantize(c, cv, s=np.float32(b.scales[a] ** 2 * 2.0 ** 17), zp=0)
    d, dv = b.quantize(*b.op("Add", [bb, c], bv + cv))
    b.write(out, "qdq_diamond", x, d, [x], dv)


def head(b, h, hv, rng, classes=100):
    """Global average pool, flatten (sharing the pool's quantization), gemm."""
    g, gv = b.quantize(*b.op("GlobalAveragePool", [h], hv.mean(axis=(2, 3), keepdims=True)))
    f, fv = b.share(*b.op("Flatten", [g], gv.reshape(1, -1)), g)
    c = fv.shape[1]
    return b.gemm(f, fv, rng.standard_normal((classes, c)) * np.sqrt(1.0 / c), rng.standard_normal(classes) * 0.1,
                  False, True)


def cnn224(out, name, act):
    """qdq_cnn's structure at 224x224; the float variant adds a BatchNormalization after the first conv."""
    rng, bn_rng = np.random.default_rng(21), np.random.default_rng(31)
    x = rng.standard_normal((1, 3, 224, 224)).astype(np.float32)
    b = QdqBuilder(act)
    h, hv = b.quantize("x", x.astype(np.float64))
    c1, c1v = b.conv(h, hv, rng.standard_normal((16, 3, 3, 3)) * 0.3, rng.standard_normal(16) * 0.1, True, stride=2,
                     bn=(bn_rng, 1e-5))
    d, dv = b.conv(c1, c1v, rng.standard_normal((16, 1, 3, 3)) * 0.4, rng.standard_normal(16) * 0.1, True, group=16)
    p, pv = b.conv(d, dv, rng.standard_normal((16, 16, 1, 1)) * 0.3, rng.standard_normal(16) * 0.1, False, pad=0)
    r, rv = b.quantize(*b.op("Add", [p, c1], pv + c1v))
    y, yv = head(b, r, rv, rng)
    b.write(out, name, x, y, [x], yv)


def mbv2(out, name, act):
    """MobileNetV2-shaped at 224: stem conv s2, inverted residual blocks (1x1
    expand + relu6, 3x3 depthwise + relu6, 1x1 project, residual add when the
    shapes match), final 1x1 + relu6, head. The float variant has no conv
    biases and a BatchNormalization after every conv (as exported before
    folding)."""
    rng, bn_rng = np.random.default_rng(22), np.random.default_rng(32)
    x = rng.standard_normal((1, 3, 224, 224)).astype(np.float32)
    b = QdqBuilder(act)

    def conv(h, hv, cin, cout, k, stride=1, group=1, relu6=True):
        w = rng.standard_normal((cout, cin // group, k, k)) * np.sqrt(2.0 / (cin // group * k * k))
        bias = rng.standard_normal(cout) * 0.1
        return b.conv(h, hv, w, None if b.float else bias, False, stride=stride, pad=k // 2, group=group,
                      clip6=relu6, bn=(bn_rng, 1e-5))

    h, hv = b.quantize("x", x.astype(np.float64))
    h, hv = conv(h, hv, 3, 16, 3, stride=2)
    c = 16
    for t, cout, s in ((3, 24, 2), (3, 24, 1), (3, 32, 2), (3, 32, 1), (3, 48, 2)):
        e, ev = conv(h, hv, c, c * t, 1)
        d, dv = conv(e, ev, c * t, c * t, 3, stride=s, group=c * t)
        p, pv = conv(d, dv, c * t, cout, 1, relu6=False)
        if s == 1 and cout == c:
            p, pv = b.quantize(*b.op("Add", [p, h], pv + hv))
        h, hv, c = p, pv, cout
    h, hv = conv(h, hv, c, 96, 1)
    y, yv = head(b, h, hv, rng)
    b.write(out, name, x, y, [x], yv)


def tblock(out, name, act):
    """A pre-norm transformer block on int64 token ids: quantized embedding
    table + Gather, LayerNormalization, Q/K/V MatMuls, softmax(Q K^T / sqrt d) V,
    output projection, residual, LayerNormalization, Gemm -> GELU (Erf form)
    -> Gemm, residual. Q/DQ where PT2E's XNNPACKQuantizer puts them: around
    linears, matmuls and adds; LayerNormalization, the scale Mul, Softmax and
    GELU run in float between them."""
    rng = np.random.default_rng(24)
    vocab, seq, dim, ff = 64, 16, 32, 128
    ids = rng.integers(0, vocab, seq).astype(np.int64)
    b = QdqBuilder(act)
    tn, tv = b.embedding_table(rng.standard_normal((vocab, dim)))
    e, ev = b.quantize(*b.op("Gather", [tn, "ids"], tv[ids], axis=0))
    l1, l1v = b.quantize(*b.layer_norm(e, ev, rng))

    def proj(h, hv, din, dout):
        wn, wv, _ = b.weight(rng.standard_normal((din, dout)) / np.sqrt(din), 1)
        return b.quantize(*b.op("MatMul", [h, wn], hv @ wv))

    q, qv = proj(l1, l1v, dim, dim)
    k, kv = proj(l1, l1v, dim, dim)
    v, vv = proj(l1, l1v, dim, dim)
    kt, ktv = b.share(*b.op("Transpose", [k], kv.T, perm=[1, 0]), k)
    sc, scv = b.quantize(*b.op("MatMul", [q, kt], qv @ ktv))
    scale = np.float32(1.0 / np.sqrt(dim))
    sc, scv = b.op("Mul", [sc, b.const("scale", np.array(scale))], scv * np.float64(scale))
    p, pv = b.quantize(*b.op("Softmax", [sc], softmax(scv), axis=-1))
    a, av = b.quantize(*b.op("MatMul", [p, v], pv @ vv))
    o, ov = proj(a, av, dim, dim)
    r, rv = b.quantize(*b.op("Add", [e, o], ev + ov))
    l2, l2v = b.quantize(*b.layer_norm(r, rv, rng))
    f1, f1v = b.gemm(l2, l2v, rng.standard_normal((dim, ff)) / np.sqrt(dim), rng.standard_normal(ff) * 0.1, False,
                     False)
    g, gv = b.quantize(*b.gelu(f1, f1v))
    f2, f2v = b.gemm(g, gv, rng.standard_normal((ff, dim)) / np.sqrt(ff), rng.standard_normal(dim) * 0.1, False, False)
    y, yv = b.quantize(*b.op("Add", [r, f2], rv + f2v))
    b.write(out, name, ids, y, [ids], yv, x_name="ids")


def float_models(out):
    """The float variants (written by gen_models.py)."""
    cnn224(out, "cnn224_f32", None)
    mbv2(out, "mbv2_f32", None)
    tblock(out, "tblock_f32", None)


def qoperator_cnn(out):
    """QOperator format as ONNX Runtime's quantizer writes it (uint8
    activations, int8 symmetric per-channel conv weights, int32 biases, a
    per-tensor int8 MatMul weight): Q -> QLinearConv (relu range) ->
    QLinearConv -> com.microsoft QLinearAdd -> QLinearGlobalAveragePool ->
    Reshape -> QLinearMatMul -> DQ. Outputs: the logits and the dequantized
    QLinearAdd result. The reference computes ONNX Runtime's integer
    semantics in numpy: int32 accumulation requantized by the float
    multiplier s_in * s_w / s_out (round half to even), QLinearAdd on the
    dequantized values, the pool's int sum times s_in / (HW * s_out).
    output_scale.txt holds each output's step, one per line."""
    rng = np.random.default_rng(41)
    x = rng.standard_normal((1, 3, 24, 24)).astype(np.float32)
    nodes, inits = [], []

    def const(name, a):
        inits.append(numpy_helper.from_array(a, name))
        return name

    def calibrate(v):
        lo, hi = min(float(v.min()), 0.0), max(float(v.max()), 0.0)
        s = np.float32(max(hi - lo, 1e-6) / 255.0)
        return s, int(np.rint(-lo / np.float64(s)))

    def requantize(real_over_s, zp):
        return np.clip(np.rint(real_over_s) + zp, 0, 255).astype(np.int64)

    def qparams(name, s, zp):
        return [const(name + "_scale", np.array(s, np.float32)), const(name + "_zp", np.array(zp, np.uint8))]

    sx, zx = calibrate(x)
    xq = requantize(x / sx, zx)
    nodes.append(helper.make_node("QuantizeLinear", ["x"] + qparams("x", sx, zx), ["xq"]))

    def qlinear_conv(name, src, q, s, zp, cout, relu):
        cin = q.shape[1]
        w = rng.standard_normal((cout, cin, 3, 3)) * np.sqrt(2.0 / (cin * 9))
        sw = (np.abs(w).max(axis=(1, 2, 3)) / 127.0).astype(np.float32)
        wq = np.clip(np.rint(w / sw.reshape(-1, 1, 1, 1).astype(np.float64)), -127, 127).astype(np.int8)
        sb = np.float32(s) * sw
        bq = np.rint(rng.standard_normal(cout) * 0.1 / sb.astype(np.float64)).astype(np.int32)
        acc = conv2d((q - zp).astype(np.float64), wq.astype(np.float64), bq.astype(np.float64), 1, 1, 1)
        real = acc * sb.astype(np.float64).reshape(1, -1, 1, 1)
        so, zo = calibrate(np.maximum(real, 0) if relu else real)
        mult = (np.float64(s) * sw.astype(np.float64) / np.float64(so)).reshape(1, -1, 1, 1)
        yq = requantize(acc * mult, zo)
        ins = [src] + qparams(name + "_x", s, zp)
        ins += [const(name + "_w", wq), const(name + "_w_scale", sw), const(name + "_w_zp", np.zeros(cout, np.int8))]
        ins += qparams(name + "_y", so, zo) + [const(name + "_b", bq)]
        nodes.append(helper.make_node("QLinearConv", ins, [name], kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
        return yq, so, zo

    c1, s1, z1 = qlinear_conv("conv1", "xq", xq, sx, zx, 16, True)
    c2, s2, z2 = qlinear_conv("conv2", "conv1", c1, s1, z1, 16, False)
    add_real = (c1 - z1) * np.float64(s1) + (c2 - z2) * np.float64(s2)
    s3, z3 = calibrate(add_real)
    aq = requantize(add_real / np.float64(s3), z3)
    nodes.append(helper.make_node("QLinearAdd", ["conv1"] + qparams("add_a", s1, z1) + ["conv2"] +
                                  qparams("add_b", s2, z2) + qparams("add_y", s3, z3), ["add"], domain="com.microsoft"))
    hw = aq.shape[2] * aq.shape[3]
    total = (aq - z3).sum(axis=(2, 3), keepdims=True)
    s4, z4 = calibrate(total * np.float64(s3) / hw)
    gq = requantize(total * (np.float64(s3) / (hw * np.float64(s4))), z4)
    nodes.append(helper.make_node("QLinearGlobalAveragePool", ["add"] + qparams("gap_x", s3, z3) +
                                  qparams("gap_y", s4, z4), ["gap"], domain="com.microsoft", channels_last=0))
    nodes.append(helper.make_node("Reshape", ["gap", const("flat_shape", np.array([1, 16], np.int64))], ["flat"]))
    w = rng.standard_normal((16, 10)) * 0.25
    sw = np.float32(np.abs(w).max() / 127.0)
    wq = np.clip(np.rint(w / np.float64(sw)), -127, 127).astype(np.int8)
    acc = (gq.reshape(1, 16) - z4) @ wq.astype(np.int64)
    s5, z5 = calibrate(acc * np.float64(s4) * np.float64(sw))
    yq = requantize(acc * (np.float64(s4) * np.float64(sw) / np.float64(s5)), z5)
    nodes.append(helper.make_node("QLinearMatMul", ["flat"] + qparams("mm_a", s4, z4) +
                                  [const("mm_w", wq), const("mm_w_scale", np.array(sw, np.float32)),
                                   const("mm_w_zp", np.array(0, np.int8))] + qparams("mm_y", s5, z5), ["logits_q"]))
    nodes.append(helper.make_node("DequantizeLinear", ["logits_q"] + qparams("y", s5, z5), ["y"]))
    nodes.append(helper.make_node("DequantizeLinear", ["add"] + qparams("feat", s3, z3), ["feat"]))
    y = ((yq - z5) * np.float64(s5)).astype(np.float32)
    feat = ((aq - z3) * np.float64(s3)).astype(np.float32)
    g = helper.make_graph(nodes, "qop_cnn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(y.shape)),
                           helper.make_tensor_value_info("feat", TensorProto.FLOAT, list(feat.shape))], inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("com.microsoft", 1)])
    d = os.path.join(out, "qop_cnn", "test_data_set_0")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(out, "qop_cnn", "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    for file, a in (("input_0.pb", x), ("output_0.pb", y), ("output_1.pb", feat)):
        with open(os.path.join(d, file), "wb") as f:
            f.write(numpy_helper.from_array(a).SerializeToString())
    with open(os.path.join(out, "qop_cnn", "output_scale.txt"), "w") as f:
        f.write(f"{float(s5)!r}\n{float(s3)!r}\n")


if __name__ == "__main__":
    mlp(sys.argv[1], "qdq_mlp", np.int8)
    mlp(sys.argv[1], "qdq_mlp_u8", np.uint8)
    cnn(sys.argv[1])
    diamond(sys.argv[1])
    qoperator_cnn(sys.argv[1])
    for dtype, suffix in ((np.int8, ""), (np.uint8, "_u8")):
        cnn224(sys.argv[1], "qdq_cnn224" + suffix, dtype)
        mbv2(sys.argv[1], "qdq_mbv2" + suffix, dtype)
        tblock(sys.argv[1], "qdq_tblock" + suffix, dtype)
