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

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install_deps.sh: missing Debian packages: ${missing[*]}" >&2
  echo "install_deps.sh: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "install_deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
