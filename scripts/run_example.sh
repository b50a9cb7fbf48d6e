#!/usr/bin/env bash
# THE main-job command: installs dependencies, builds into build/ (Release),
# writes a small float program with ProgramBuilder to build/example.pte, and
# runs it with executor_runner, printing every output.
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
echo "stage run: $((SECONDS - stage_start)) s"
