#!/usr/bin/env bash
# Builds (if needed) and runs one libFuzzer target under ASan+UBSan.
# Usage: scripts/fuzz.sh TARGET SECONDS [extra libFuzzer args...]
#   TARGET: fuzz_pte | fuzz_xnnpack_blob | fuzz_bpte | fuzz_onnx
# Build: clang, EMBER_FUZZ=ON, in build-fuzz/ (EMBER_FUZZ_BUILD_DIR). Seeds:
# the fixtures (../shared/fixtures/pte) and the builder-made inputs of
# make_fuzz_seeds; for fuzz_onnx the example models of examples/models/*.py
# (run with /usr/bin/python3) and a few libonnx-testdata node models. They are
# copied into a work folder outside the repo
# (EMBER_FUZZ_WORK, default a new /tmp/ember-fuzz-TARGET.XXXXXX) that also
# holds the growing corpus, crash artifacts and the log. The last lines are
# libFuzzer's final stats (executions, coverage).
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 fuzz_pte|fuzz_xnnpack_blob|fuzz_bpte|fuzz_onnx SECONDS [libFuzzer args...]" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2
case "$target" in
  fuzz_pte|fuzz_xnnpack_blob|fuzz_bpte|fuzz_onnx) ;;
  *) echo "unknown target: $target" >&2; exit 2 ;;
esac

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${EMBER_FUZZ_BUILD_DIR:-$repo_root/build-fuzz}
fixtures=$(cd "$repo_root/.." && pwd)/shared/fixtures/pte
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ember-ccache}

if [[ ! -f "$build_dir/build.ninja" ]]; then
  cmake -S "$repo_root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DEMBER_FUZZ=ON -DEMBER_BUILD_EXAMPLES=OFF
fi
cmake --build "$build_dir" --target "$target" make_fuzz_seeds -j"${EMBER_BUILD_JOBS:-$(nproc)}"

work=${EMBER_FUZZ_WORK:-$(mktemp -d "/tmp/ember-fuzz-$target.XXXXXX")}
mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts" "$work/generated"/{pte,xnnpack_blob,bpte}
"$build_dir/test/fuzz/make_fuzz_seeds" "$work/generated" >/dev/null
case "$target" in
  fuzz_pte)
    cp "$work/generated/pte/"* "$work/seeds/"
    [[ -d "$fixtures" ]] && find "$fixtures" -name '*.pte' -exec cp {} "$work/seeds/" \;
    ;;
  fuzz_xnnpack_blob)
    cp "$work/generated/xnnpack_blob/"* "$work/seeds/"
    ;;
  fuzz_bpte)
    cp "$work/generated/bpte/"* "$work/seeds/"
    [[ -d "$fixtures" ]] && find "$fixtures" -name '*.bpte' -exec cp {} "$work/seeds/" \;
    ;;
  fuzz_onnx)
    for gen in gen_models.py gen_qdq_models.py; do
      /usr/bin/python3 "$repo_root/examples/models/$gen" "$work/generated/onnx" >/dev/null
    done
    for m in "$work/generated/onnx"/*/model.onnx; do
      cp "$m" "$work/seeds/$(basename "$(dirname "$m")").onnx"
    done
    testdata=/usr/share/libonnx-testdata/data/node
    for c in test_add test_averagepool_2d_pads test_batchnorm_epsilon test_clip test_concat_2d_axis_0 \
             test_conv_with_strides_padding test_dequantizelinear test_gather_0 test_gemm_default_vector_bias \
             test_matmul_2d test_maxpool_2d_pads test_qlinearconv test_qlinearmatmul_2D test_quantizelinear \
             test_reduce_mean_keepdims_example test_reshape_reordered_all_dims test_resize_upsample_scales_nearest \
             test_slice test_softmax_axis_1 test_split_equal_parts_1d test_squeeze test_transpose_all_permutations_0 \
             test_unsqueeze_axis_0 test_where_example; do
      [[ -f "$testdata/$c/model.onnx" ]] && cp "$testdata/$c/model.onnx" "$work/seeds/$c.onnx"
    done
    ;;
esac
echo "fuzz.sh: $target for $seconds s, work folder $work ($(ls "$work/seeds" | wc -l) seeds)"

set +e
"$build_dir/test/fuzz/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$work/seeds" \
  >"$work/fuzz.log" 2>&1
status=$?
set -e
grep -E "^(INFO: |==|SUMMARY|#[0-9]+[[:space:]]+(INITED|DONE))" "$work/fuzz.log" | tail -n 4 || true
tail -n 12 "$work/fuzz.log" | grep -E 'stat::|DONE|cov:|ERROR|SUMMARY|crash|leak|oom|timeout' || true
ls "$work/artifacts" | sed 's/^/artifact: /'
echo "fuzz.sh: exit status $status, log $work/fuzz.log"
exit "$status"
