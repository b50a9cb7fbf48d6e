#!/usr/bin/env bash
# THE main-job command: installs dependencies, builds into build/ (Release),
# generates an int8 QDQ ONNX model (a small CNN at 96x96, fixed seed), converts
# it with `exir convert --backend xnnpack` into build/qdq_cnn.pte, runs it with
# executor_runner, and compares the outputs with the generator's numpy QDQ
# reference. Also writes and runs a tiny float program made with ProgramBuilder.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

stage_start=$SECONDS
bash scripts/install_deps.sh
echo "stage deps: $((SECONDS - stage_start)) s"

stage_start=$SECONDS
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release -DEMBER_SANITIZE=OFF
echo "stage build: $((SECONDS - stage_start)) s"

stage_start=$SECONDS
build/examples/make_example_program/make_example_program build/example.pte
build/examples/executor_runner/executor_runner --model build/example.pte --print all

models=build/models
/usr/bin/python3 examples/models/gen_qdq_models.py "$models"
build/exir/exir convert "$models/qdq_cnn/model.onnx" -o build/qdq_cnn.pte --backend xnnpack --explain
build/exir/exir inspect build/qdq_cnn.pte
io=build/qdq_cnn_io
/usr/bin/python3 examples/models/onnx_case.py to-npy "$models/qdq_cnn" "$io"
build/examples/executor_runner/executor_runner --model build/qdq_cnn.pte --input "$io/input_0.npy" \
  --output-dir "$io" --print all
/usr/bin/python3 examples/models/onnx_case.py compare "$models/qdq_cnn" "$io"
echo "stage run: $((SECONDS - stage_start)) s"
