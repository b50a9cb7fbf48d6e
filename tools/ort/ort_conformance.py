#!/usr/bin/python3
"""ONNX Runtime on the same libonnx-testdata cases as exir's conformance run,
judged the same way (rtol 1e-3, atol 1e-7 for floats, other dtypes exact),
for docs/CONFORMANCE.md. Usage:
  exir_conformance DATA_DIR --list | ort_conformance.py DATA_DIR
Prints FAIL lines and "N passed, M failed"."""
import os
import subprocess
import sys
import tempfile

import numpy as np
from onnx import TensorProto, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def load(path):
    t = TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t, numpy_helper.to_array(t)


def matches(expected, got):
    if expected.dtype != got.dtype or expected.shape != got.shape:
        return f"dtype/shape {got.dtype}{got.shape}, expected {expected.dtype}{expected.shape}"
    if expected.dtype.kind == "f":
        e, g = expected.astype(np.float64), got.astype(np.float64)
        both_nan = np.isnan(e) & np.isnan(g)
        close = (np.abs(g - e) <= 1e-7 + 1e-3 * np.abs(e)) | both_nan | (e == g)
        return "" if close.all() else f"{int((~close).sum())} elements differ"
    return "" if np.array_equal(expected, got) else "values differ"


def main():
    root = sys.argv[1]
    passed, failed = 0, 0
    for name in sys.stdin.read().split():
        case = os.path.join(root, name)
        data = os.path.join(case, "test_data_set_0")
        with tempfile.TemporaryDirectory() as out:
            r = subprocess.run(["node", os.path.join(HERE, "ort_run.js"), os.path.join(case, "model.onnx"),
                                "--inputs", data, "--out", out], capture_output=True, text=True)
            why = ""
            if r.returncode != 0:
                why = "ORT: " + (r.stderr.strip().splitlines() or ["error"])[-1][:160]
            else:
                k = 0
                while os.path.exists(os.path.join(data, f"output_{k}.pb")) and not why:
                    got_path = os.path.join(out, f"output_{k}.pb")
                    if not os.path.exists(got_path):
                        why = f"no output {k}"
                        break
                    _, expected = load(os.path.join(data, f"output_{k}.pb"))
                    _, got = load(got_path)
                    why = matches(expected, got)
                    k += 1
        if why:
            failed += 1
            print(f"FAIL {name}: {why}")
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed (of {passed + failed} cases, ONNX Runtime CPU)")


if __name__ == "__main__":
    main()
