#!/usr/bin/python3
"""Bridges an ONNX test case folder (model.onnx + test_data_set_0/{input,output}_N.pb,
as the generators here and ONNX's node tests write them) and executor_runner's
.npy files.

  onnx_case.py to-npy CASE_DIR OUT_DIR     writes OUT_DIR/input_N.npy
  onnx_case.py compare CASE_DIR OUT_DIR    compares OUT_DIR/output_N.npy (written by
                                           executor_runner --output-dir) with output_N.pb;
                                           exit 1 if any element differs by more than TOL
                                           (default 1e-4 absolute + 1e-4 relative)
Run with Debian's /usr/bin/python3 (python3-onnx, python3-numpy)."""
import glob
import os
import sys

import numpy as np
from onnx import TensorProto, numpy_helper


def read_pb(path):
    t = TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def pbs(case, kind):
    return sorted(glob.glob(os.path.join(case, "test_data_set_0", f"{kind}_*.pb")))


def to_npy(case, out):
    os.makedirs(out, exist_ok=True)
    for i, path in enumerate(pbs(case, "input")):
        np.save(os.path.join(out, f"input_{i}.npy"), read_pb(path))
        print(os.path.join(out, f"input_{i}.npy"))


def compare(case, out, tol=1e-4):
    ok = True
    for i, path in enumerate(pbs(case, "output")):
        want = read_pb(path).astype(np.float64)
        got = np.load(os.path.join(out, f"output_{i}.npy")).astype(np.float64)
        if got.shape != want.shape:
            print(f"output {i}: shape {got.shape}, expected {want.shape}")
            ok = False
            continue
        diff = np.abs(got - want)
        bad = diff > tol + tol * np.abs(want)
        print(f"output {i}: {want.size} elements, max |diff| {diff.max():.3g}, "
              f"{np.count_nonzero(diff == 0)} exact, {np.count_nonzero(bad)} outside tolerance")
        ok = ok and not bad.any()
    print("MATCH" if ok else "MISMATCH")
    return ok


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("to-npy", "compare"):
        sys.exit(__doc__)
    if sys.argv[1] == "to-npy":
        to_npy(sys.argv[2], sys.argv[3])
    else:
        sys.exit(0 if compare(sys.argv[2], sys.argv[3]) else 1)
