#!/usr/bin/env bash
# Like test.sh, under AddressSanitizer + UndefinedBehaviorSanitizer: Debug
# build into build-asan/, leaks detected, the first UB report stops the test.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

stage_start=$SECONDS
bash scripts/install_deps.sh
echo "stage deps: $((SECONDS - stage_start)) s"

stage_start=$SECONDS
bash scripts/build.sh build-asan -DEMBER_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug "$@"
echo "stage build: $((SECONDS - stage_start)) s"

bash scripts/run_ctest.sh build-asan
