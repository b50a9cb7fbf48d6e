#!/usr/bin/python3
"""Writes a large QDQ int8 model for the converter's speed and memory check:
an MLP of 5 Gemm layers 2240x2240 with int8 per-channel weights (25.1 M
parameters, ~25 MB of .onnx), built with the same QdqBuilder as the tests'
models (fixed seed, numpy reference in test_data_set_0).
Usage: gen_large_model.py OUT  (writes OUT/qdq_mlp25m)."""
import sys

import numpy as np

from gen_qdq_models import QdqBuilder

WIDTH = 2240
LAYERS = 5


def large_mlp(out):
    rng = np.random.default_rng(25)
    x = rng.standard_normal((1, WIDTH)).astype(np.float32)
    b = QdqBuilder(np.int8)
    h, hv = b.quantize("x", x.astype(np.float64))
    for i in range(LAYERS):
        w = rng.standard_normal((WIDTH, WIDTH)) * (1.0 / np.sqrt(WIDTH))
        h, hv = b.gemm(h, hv, w, rng.standard_normal(WIDTH) * 0.1, i + 1 < LAYERS, True)
    b.write(out, "qdq_mlp25m", x, h, [x], hv)


if __name__ == "__main__":
    large_mlp(sys.argv[1])
