#!/usr/bin/env bash
# Thread-safety tests under ThreadSanitizer: Debug build with -fsanitize=thread
# into build-tsan/ (EMBER_TSAN_BUILD_DIR), then runs test/threads. Not part of
# .ci/run: Debian's XNNPACK and pthreadpool are not instrumented, so the tests
# use 1-thread pools (multi-thread pools would give false reports).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${EMBER_TSAN_BUILD_DIR:-$repo_root/build-tsan}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ember-ccache}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

stage_start=$SECONDS
cmake -S "$repo_root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DEMBER_BUILD_EXAMPLES=OFF \
  -DCMAKE_C_FLAGS=-fsanitize=thread -DCMAKE_CXX_FLAGS=-fsanitize=thread \
  -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread >/dev/null
cmake --build "$build_dir" --target thread_safety_test -j"${EMBER_BUILD_JOBS:-$(nproc)}"
echo "stage build: $((SECONDS - stage_start)) s"

bash "$repo_root/scripts/run_ctest.sh" "$build_dir" -R '^ThreadSafetyTest\.'
