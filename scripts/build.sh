#!/usr/bin/env bash
# Configures (Ninja, Release unless overridden) and builds everything.
# Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
# ccache keeps its cache outside the clone (CCACHE_DIR, default
# ~/.cache/ember-ccache) so a fresh clone still builds from a warm cache.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:-build}
shift || true
case "$build_dir" in
  /*) ;;
  *) build_dir="$repo_root/$build_dir" ;;
esac

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ember-ccache}
# Paths relative to the clone and no build folder in the hash, so another
# clone (CI's fresh one) hits the same cache entries, Debug builds included.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$repo_root}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
mkdir -p "$CCACHE_DIR"

jobs=${EMBER_BUILD_JOBS:-$(nproc)}

cmake -S "$repo_root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$build_dir" -j"$jobs"
