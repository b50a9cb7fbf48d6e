#!/usr/bin/python3
"""Exports a small CNN quantized by PyTorch's FX graph mode to ONNX, as a model
"from the wild" for the exir tests (examples/models/torch_fx_cnn is its
checked-in output, so tests need no torch).

The network: conv3x3+relu, conv3x3, residual add, 2x2 average pool, linear.
Post-training quantization with Debian's torch 1.13 (python3-torch): qnnpack
engine, get_default_qconfig_mapping("qnnpack") (uint8 activations, per-tensor
int8 weights), calibrated on fixed-seed data, convert_fx, torch.onnx.export at
opset 17. uint8 activations because torch 1.13 exports int8 activations with
wrong (uint8) zero points.

Writes OUT/model.onnx, OUT/test_data_set_0/{input_0,output_0}.pb (a float
input and the quantized torch model's output) and OUT/output_scale.txt (the
scale of the graph's last DequantizeLinear: one output step).
Usage: torch_fx_export.py OUT."""
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch.ao.quantization import get_default_qconfig_mapping
from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx


class SmallCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.relu = torch.nn.ReLU()
        self.conv2 = torch.nn.Conv2d(8, 8, 3, padding=1)
        self.pool = torch.nn.AvgPool2d(2)
        self.fc = torch.nn.Linear(8 * 8 * 8, 10)

    def forward(self, x):
        a = self.relu(self.conv1(x))
        y = self.pool(a + self.conv2(a))
        return self.fc(torch.flatten(y, 1))


def last_dequantize_scale(model):
    inits = {t.name: t for t in model.graph.initializer}
    consts = {n.output[0]: n.attribute[0].t for n in model.graph.node if n.op_type == "Constant"}
    dq = [n for n in model.graph.node if n.op_type == "DequantizeLinear"][-1]
    t = inits.get(dq.input[1]) or consts[dq.input[1]]
    return float(numpy_helper.to_array(t).reshape(-1)[0])


def main(out):
    torch.manual_seed(0)
    torch.backends.quantized.engine = "qnnpack"
    model = SmallCnn().eval()
    calib = [torch.randn(4, 3, 16, 16) for _ in range(16)]
    x = torch.randn(4, 3, 16, 16)
    prepared = prepare_fx(model, get_default_qconfig_mapping("qnnpack"), example_inputs=(x,))
    with torch.no_grad():
        for c in calib:
            prepared(c)
        quantized = convert_fx(prepared)
        y = quantized(x)
    data = os.path.join(out, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    path = os.path.join(out, "model.onnx")
    torch.onnx.export(quantized, (x,), path, opset_version=17, input_names=["x"], output_names=["y"])
    for name, t in (("input_0", x), ("output_0", y)):
        with open(os.path.join(data, name + ".pb"), "wb") as f:
            f.write(numpy_helper.from_array(t.numpy().astype(np.float32)).SerializeToString())
    with open(os.path.join(out, "output_scale.txt"), "w") as f:
        f.write(f"{last_dequantize_scale(onnx.load(path))!r}\n")


if __name__ == "__main__":
    main(sys.argv[1])
