#!/usr/bin/python3
"""Writes small float ONNX models with fixed seeds for the exir tests, each as
OUT/<name>/model.onnx + test_data_set_0/input_N.pb + output_N.pb (numpy
reference), the layout of ONNX's node test data. Usage: gen_models.py OUT."""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper


def save(out, name, graph, inputs, outputs, opset=17):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    d = os.path.join(out, name, "test_data_set_0")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(out, name, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    for kind, arrays in (("input", inputs), ("output", outputs)):
        for i, a in enumerate(arrays):
            with open(os.path.join(d, f"{kind}_{i}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(a).SerializeToString())


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def mlp(out):
    rng = np.random.default_rng(1)
    w1 = rng.standard_normal((16, 32)).astype(np.float32) * 0.3
    b1 = rng.standard_normal(32).astype(np.float32) * 0.1
    w2 = rng.standard_normal((10, 32)).astype(np.float32) * 0.3  # transB layout
    b2 = rng.standard_normal(10).astype(np.float32) * 0.1
    x = rng.standard_normal((4, 16)).astype(np.float32)
    inits = [numpy_helper.from_array(a, n) for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))]
    nodes = [
        helper.make_node("Gemm", ["x", "w1", "b1"], ["h"]),
        helper.make_node("Relu", ["h"], ["r"]),
        helper.make_node("Gemm", ["r", "w2", "b2"], ["z"], transB=1),
        helper.make_node("Softmax", ["z"], ["y"], axis=1),
    ]
    g = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 16])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 10])], inits)
    y = softmax(np.maximum(x @ w1 + b1, 0) @ w2.T + b2)
    save(out, "mlp", g, [x], [y.astype(np.float32)])


def conv2d(x, w, b, pad):
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = h + 2 * pad - kh + 1, wd + 2 * pad - kw + 1
    y = np.zeros((n, m, oh, ow), np.float64)
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i:i + kh, j:j + kw].astype(np.float64)
            y[:, :, i, j] = np.tensordot(patch, w.astype(np.float64), axes=([1, 2, 3], [1, 2, 3]))
    return y + b.reshape(1, m, 1, 1)


def cnn(out):
    rng = np.random.default_rng(2)
    w = rng.standard_normal((8, 3, 3, 3)).astype(np.float32) * 0.3
    b = rng.standard_normal(8).astype(np.float32) * 0.1
    fw = rng.standard_normal((8 * 4 * 4, 5)).astype(np.float32) * 0.1
    fb = rng.standard_normal(5).astype(np.float32) * 0.1
    shape = np.array([1, -1], np.int64)
    x = rng.standard_normal((1, 3, 8, 8)).astype(np.float32)
    inits = [numpy_helper.from_array(a, n) for a, n in ((w, "w"), (b, "b"), (fw, "fw"), (fb, "fb"), (shape, "shape"))]
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Reshape", ["p", "shape"], ["f"]),
        helper.make_node("Gemm", ["f", "fw", "fb"], ["y"]),
    ]
    g = helper.make_graph(nodes, "cnn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5])], inits)
    r = np.maximum(conv2d(x, w, b, 1), 0)
    p = r.reshape(1, 8, 4, 2, 4, 2).max(axis=(3, 5))
    y = p.reshape(1, -1) @ fw.astype(np.float64) + fb
    save(out, "cnn", g, [x], [y.astype(np.float32)])


def bad_models(out):
    """Models each conversion must refuse with one clear error."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])
    g = helper.make_graph([helper.make_node("Celu", ["x"], ["y"])], "unsupported", [x], [y])
    save(out, "unsupported_op", g, [], [])
    g = helper.make_graph([helper.make_node("Add", ["x", "missing_w"], ["y"])], "missing", [x], [y])
    save(out, "missing_initializer", g, [], [])
    xd = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "dynamic", [xd], [y])
    save(out, "dynamic_dim", g, [], [])


if __name__ == "__main__":
    mlp(sys.argv[1])
    cnn(sys.argv[1])
    bad_models(sys.argv[1])
    # The float variants of the QDQ example models share their definitions.
    from gen_qdq_models import float_models
    float_models(sys.argv[1])
