#!/usr/bin/env bash
# Builds (if needed) and runs one libFuzzer target under ASan+UBSan.
# Usage: scripts/fuzz.sh TARGET SECONDS [extra libFuzzer args...]
#   TARGET: fuzz_pte | fuzz_xnnpack_blob | fuzz_bpte
# Build: clang, EMBER_FUZZ=ON, in build-fuzz/ (EMBER_FUZZ_BUILD_DIR). Seeds:
# the fixtures (../shared/fixtures/pte) and the builder-made inputs of
# make_fuzz_seeds, copied into a work folder outside the repo
# (EMBER_FUZZ_WORK, default a new /tmp/ember-fuzz-TARGET.XXXXXX) that also
# holds the growing corpus, crash artifacts and the log. The last lines are
# libFuzzer's final stats (executions, coverage).
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 fuzz_pte|fuzz_xnnpack_blob|fuzz_bpte SECONDS [libFuzzer args...]" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2
case "$target" in
  fuzz_pte|fuzz_xnnpack_blob|fuzz_bpte) ;;
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
