#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer: Debug
# build into build-asan/, leaks detected, the first UB report stops the test.
# The second stage of scripts/test.sh (which sets EMBER_SKIP_DEPS=1); the last
# line on stdout is ctest's summary.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The example-model robustness tests (test/robustness) sample fewer byte
# positions and allocation numbers here: a Debug+ASan run is ~20x slower.
export EMBER_MUTATION_POSITIONS=${EMBER_MUTATION_POSITIONS:-150}
export EMBER_ALLOCATION_SAMPLES=${EMBER_ALLOCATION_SAMPLES:-8}

if [[ -z ${EMBER_SKIP_DEPS:-} ]]; then
  stage_start=$SECONDS
  bash scripts/install_deps.sh
  echo "stage deps: $((SECONDS - stage_start)) s"
fi

stage_start=$SECONDS
bash scripts/build.sh build-asan -DEMBER_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug "$@"
echo "stage asan build: $((SECONDS - stage_start)) s"

EMBER_STAGE_NAME="asan tests" bash scripts/run_ctest.sh build-asan
