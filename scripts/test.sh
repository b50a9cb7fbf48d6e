#!/usr/bin/env bash
# THE test command: installs dependencies, builds into build/ (Release) and
# runs the whole suite. Prints the wall time of each stage; ctest's summary
# line ("100% tests passed, ...") is the last line on stdout.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
build_dir=${EMBER_TEST_BUILD_DIR:-build}

stage_start=$SECONDS
bash scripts/install_deps.sh
echo "stage deps: $((SECONDS - stage_start)) s"

stage_start=$SECONDS
bash scripts/build.sh "$build_dir" -DCMAKE_BUILD_TYPE=Release -DEMBER_SANITIZE=OFF "$@"
echo "stage build: $((SECONDS - stage_start)) s"

bash scripts/run_ctest.sh "$build_dir"
