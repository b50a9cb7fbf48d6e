#!/usr/bin/env bash
# Ember vs ONNX Runtime on the example models, side by side in one run.
#
#   bash scripts/bench.sh
#
# Builds executor_runner and exir (Release), generates the example models
# (examples/models/gen_models.py + gen_qdq_models.py), converts each with
# `exir convert --backend xnnpack`, then per round, thread count and model runs
# Ember (executor_runner --json) and ONNX Runtime (tools/ort/ort_run.js --bench,
# graphOptimizationLevel all, the same intra-op thread count) alternately
# (the order flips every round), plus one Ember --profile run per round at the
# first thread count for the XNNPACK floor (the delegate's node time summed).
# Prints a markdown report (latency, load+init, memory, file size, ORT's
# per-call overhead on an Identity model, the floor, stripped binary sizes).
#
# Environment (defaults in brackets):
#   ROUNDS [5]            rounds per model and thread count
#   THREADS ["1 2"]       thread counts; the first is the judged one
#   MODELS [all below]    model folder names from the generators
#   TARGET_MS [400]       timed runs per process ~ TARGET_MS / latency (51..1001, odd)
#   BUILD [build-bench]   build folder (relative to the repo root)
#   OUT [$BUILD/bench]    models, converted programs, raw JSON, report.md
#   SKIP_BUILD [0]        1: use the binaries already in $BUILD
# Needs: cmake, ninja, Debian's /usr/bin/python3 with onnx + numpy, node with
# tools/ort/node_modules (scripts/install_deps.sh installs it).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-5}
THREADS=${THREADS:-"1 2"}
TARGET_MS=${TARGET_MS:-400}
BUILD=${BUILD:-build-bench}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT=${OUT:-$BUILD/bench}
PY=/usr/bin/python3
DEFAULT_MODELS="qdq_mlp qdq_cnn qdq_cnn224 qdq_mbv2 qdq_tblock
qdq_mlp_u8 qdq_cnn224_u8 qdq_mbv2_u8 qdq_tblock_u8 qop_cnn
mlp cnn cnn224_f32 mbv2_f32 tblock_f32"
MODELS=${MODELS:-$DEFAULT_MODELS}

log() { echo "[bench] $*" >&2; }

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  log "building (Release) in $BUILD"
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" --target executor_runner exir -j"$(nproc)" >/dev/null
fi
RUNNER="$BUILD/examples/executor_runner/executor_runner"
EXIR="$BUILD/exir/exir"
ORT_RUN="$ROOT/tools/ort/ort_run.js"
[[ -x "$RUNNER" && -x "$EXIR" ]] || { echo "bench.sh: missing $RUNNER or $EXIR" >&2; exit 1; }
node "$ORT_RUN" --check >/dev/null || { echo "bench.sh: onnxruntime-node missing (scripts/install_deps.sh)" >&2; exit 1; }

mkdir -p "$OUT/models" "$OUT/pte" "$OUT/inputs" "$OUT/raw"
rm -f "$OUT"/raw/*.json
log "generating models into $OUT/models"
"$PY" "$ROOT/examples/models/gen_models.py" "$OUT/models" >/dev/null
"$PY" "$ROOT/examples/models/gen_qdq_models.py" "$OUT/models" >/dev/null
# ORT's per-call overhead: one Identity on 16 floats.
"$PY" - "$OUT/models/identity" <<'EOF'
import os, sys
import numpy as np
from onnx import TensorProto, helper, numpy_helper, save
out = sys.argv[1]
os.makedirs(os.path.join(out, "test_data_set_0"), exist_ok=True)
g = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "identity",
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16])])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), os.path.join(out, "model.onnx"))
with open(os.path.join(out, "test_data_set_0", "input_0.pb"), "wb") as f:
    f.write(numpy_helper.from_array(np.ones((1, 16), np.float32), "x").SerializeToString())
EOF

log "converting with exir --backend xnnpack"
# Inputs with a symbolic dimension (the float MLP's batch) are fixed to the
# shape of the model's test input, which ORT runs too.
shape_args() {
  "$PY" - "$OUT/models/$1" <<'PYEOF'
import os, sys
import onnx
d = sys.argv[1]
m = onnx.load(os.path.join(d, "model.onnx"))
inits = {i.name for i in m.graph.initializer}
inputs = [i for i in m.graph.input if i.name not in inits]
for k, i in enumerate(inputs):
    if any(not x.HasField("dim_value") for x in i.type.tensor_type.shape.dim):
        t = onnx.TensorProto()
        with open(os.path.join(d, "test_data_set_0", f"input_{k}.pb"), "rb") as f:
            t.ParseFromString(f.read())
        print(f"--input-shape {i.name}=" + "x".join(str(x) for x in t.dims))
PYEOF
}
for m in $MODELS; do
  # shellcheck disable=SC2046
  "$EXIR" convert "$OUT/models/$m/model.onnx" -o "$OUT/pte/$m.pte" --backend xnnpack $(shape_args "$m") >/dev/null
  "$PY" "$ROOT/examples/models/onnx_case.py" to-npy "$OUT/models/$m" "$OUT/inputs/$m" >/dev/null
done

ember() {  # MODEL THREADS ITER [extra...]
  local m=$1 t=$2 n=$3
  shift 3
  "$RUNNER" --model "$OUT/pte/$m.pte" --input "$OUT/inputs/$m/input_0.npy" --threads "$t" \
    --warmup 10 --iterations "$n" --json "$@" 2>/dev/null
}
ort() {  # MODEL THREADS ITER
  node "$ORT_RUN" "$OUT/models/$1/model.onnx" --inputs "$OUT/models/$1/test_data_set_0" \
    --threads "$2" --opt all --warmup 10 --bench "$3"
}

# Timed runs per process from one calibration run: about TARGET_MS of runs.
declare -A ITER
for m in $MODELS; do
  med=$(ember "$m" 1 5 | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["median_ms"])')
  ITER[$m]=$("$PY" -c "n=int($TARGET_MS/max($med,1e-3)); n=min(max(n,51),1001); print(n|1)")
  log "$m: median ${med} ms at 1 thread -> ${ITER[$m]} timed runs per process"
done

first_threads=${THREADS%% *}
for r in $(seq 1 "$ROUNDS"); do
  log "round $r/$ROUNDS (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  for t in $THREADS; do
    for m in $MODELS; do
      n=${ITER[$m]}
      if (( r % 2 == 1 )); then
        ember "$m" "$t" "$n" >"$OUT/raw/$m.t$t.r$r.ember.json"
        ort "$m" "$t" "$n" >"$OUT/raw/$m.t$t.r$r.ort.json"
      else
        ort "$m" "$t" "$n" >"$OUT/raw/$m.t$t.r$r.ort.json"
        ember "$m" "$t" "$n" >"$OUT/raw/$m.t$t.r$r.ember.json"
      fi
      if [[ "$t" == "$first_threads" ]]; then
        ember "$m" "$t" "$n" --profile >"$OUT/raw/$m.t$t.r$r.profile.json"
      fi
    done
    ort identity "$t" 1001 >"$OUT/raw/identity.t$t.r$r.ort.json"
  done
done

# Stripped copies of the binaries (archives: strip --strip-unneeded).
mkdir -p "$OUT/stripped"
: >"$OUT/sizes.txt"
for entry in "runtime core|libember_runtime.a" \
             "Module + bundled program|libember_module.a" \
             "prim ops|libember_prim_ops.a" \
             "portable kernels|libember_portable_kernels.a" \
             "quantized kernels|libember_quantized_kernels.a" \
             "XNNPACK backend (links Debian's libXNNPACK.so)|libember_xnnpack_backend.a" \
             "executor_runner (everything above, static)|executor_runner"; do
  name=${entry%%|*}
  file=$(find "$BUILD" -name "${entry#*|}" -type f -not -path "*/bench/*" -print -quit)
  [[ -n "$file" ]] || continue
  copy="$OUT/stripped/$(basename "$file")"
  cp "$file" "$copy"
  strip --strip-unneeded "$copy"
  # text (code + read-only data) and data: what the objects add to a linked
  # binary; an archive's file size also holds ELF headers, relocations and the
  # symbols the linker needs.
  read -r text data _ < <(size -t "$copy" | tail -1)
  echo "$name|$(stat -c %s "$copy")|$text|$data" >>"$OUT/sizes.txt"
done

"$PY" "$ROOT/scripts/bench_report.py" "$OUT" "$THREADS" "$MODELS" | tee "$OUT/report.md"
