#!/usr/bin/env bash
# Installs the Debian 12 packages Ember's build and tests need. Idempotent and
# quiet: asks dpkg first and runs apt-get only for what is missing. As root it
# installs; otherwise it lists what is missing and exits 1.
set -euo pipefail

# The one list of packages. Add new build or test dependencies here.
EMBER_DEB_PACKAGES=(
  cmake
  ninja-build
  g++
  pkg-config
  ccache
  flatbuffers-compiler
  libflatbuffers-dev
  libxnnpack-dev
  libpthreadpool-dev
  libcpuinfo-dev
  libgtest-dev
  libgmock-dev
  clang
  libclang-rt-14-dev
  python3
  libonnx-dev
  libprotobuf-dev
  protobuf-compiler
  python3-onnx
  python3-numpy
  libonnx-testdata
)

missing=()
for pkg in "${EMBER_DEB_PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install_deps.sh: missing Debian packages: ${missing[*]}" >&2
    echo "install_deps.sh: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "install_deps.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ONNX Runtime (npm onnxruntime-node, CPU provider), the reference of exir_ort_test and the
# benchmarks (tools/ort/ort_run.js), pinned by tools/ort/package-lock.json into
# tools/ort/node_modules. ONNXRUNTIME_NODE_INSTALL=skip: its postinstall only fetches the CUDA
# provider from nuget.org; the CPU library is inside the package. Without node/npm the ORT
# tests print SKIP.
ort_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tools/ort"
if command -v node >/dev/null && command -v npm >/dev/null; then
  ort_want=$(node -p "require('$ort_dir/package.json').dependencies['onnxruntime-node']")
  ort_have=$(node -p "try { require('$ort_dir/node_modules/onnxruntime-node/package.json').version } catch (e) { '' }")
  if [[ "$ort_have" != "$ort_want" ]]; then
    echo "install_deps.sh: npm ci (onnxruntime-node $ort_want) in tools/ort" >&2
    (cd "$ort_dir" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
else
  echo "install_deps.sh: node/npm not found; onnxruntime-node not installed (ORT tests will SKIP)" >&2
fi
