#!/usr/bin/env bash
# THE test command (what .ci/run calls): installs dependencies, then two
# stages, each a build and the whole ctest suite:
#   1. normal: Release build in build/ (EMBER_TEST_BUILD_DIR);
#   2. sanitizers: ASan + UBSan Debug build in build-asan/ (scripts/sanitize.sh).
# Stops at the first failing stage. Prints the wall time of every step and
# stage; the last line on stdout is ctest's summary line of the last stage run.
# EMBER_TEST_STAGES=normal runs only the first stage.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
build_dir=${EMBER_TEST_BUILD_DIR:-build}

stage_start=$SECONDS
bash scripts/install_deps.sh
echo "stage deps: $((SECONDS - stage_start)) s"

suite_start=$SECONDS
stage_start=$SECONDS
bash scripts/build.sh "$build_dir" -DCMAKE_BUILD_TYPE=Release -DEMBER_SANITIZE=OFF "$@"
echo "stage build: $((SECONDS - stage_start)) s"
status=0
bash scripts/run_ctest.sh "$build_dir" || status=$?
echo "stage normal suite (build + tests): $((SECONDS - suite_start)) s" >&2
if [[ $status -ne 0 || ${EMBER_TEST_STAGES:-all} == normal ]]; then
  exit "$status"
fi

suite_start=$SECONDS
status=0
EMBER_SKIP_DEPS=1 bash scripts/sanitize.sh "$@" || status=$?
echo "stage sanitizer suite (build + tests): $((SECONDS - suite_start)) s" >&2
exit "$status"
