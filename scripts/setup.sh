#!/usr/bin/env bash
# Installs what attnc needs on Debian 12 (when missing), then configures and
# builds it in ./build. Sourced by run-default.sh and test.sh; safe to rerun.
set -euo pipefail

ATTN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ATTN_BUILD="${ATTN_BUILD:-$ATTN_ROOT/build}"

ATTN_PACKAGES=(
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  libclang-rt-22-dev libomp-22-dev nlohmann-json3-dev libgtest-dev cmake ninja-build ccache
  python3
)

attn_install_packages() {
  local missing=()
  for pkg in "${ATTN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" ||
      missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "attnc setup: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

attn_build() {
  # ccache keys on relative paths below the checkout, so a clean clone in
  # another folder (as CI makes) still hits the cache of earlier builds.
  export CCACHE_BASEDIR="$ATTN_ROOT"
  local jobs
  jobs="$(nproc)"
  if [ ! -f "$ATTN_BUILD/build.ninja" ]; then
    cmake -G Ninja -S "$ATTN_ROOT" -B "$ATTN_BUILD" \
      -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
      -DLLVM_USE_LINKER=lld \
      -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
      -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit
  fi
  cmake --build "$ATTN_BUILD" -j "$jobs"
}

# A sanitizer tree beside the main one (docs/security.md): the same sources
# configured with extra options, in which only the named targets are built,
# so the MLIR compiler is never built instrumented. Used by test.sh.
#   attn_build_sanitized DIR "CMAKE OPTIONS" TARGET...
attn_build_sanitized() {
  local dir="$1" options="$2"
  shift 2
  export CCACHE_BASEDIR="$ATTN_ROOT"
  if [ ! -f "$dir/build.ninja" ]; then
    # shellcheck disable=SC2086 # the options are several words on purpose
    cmake -G Ninja -S "$ATTN_ROOT" -B "$dir" \
      -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
      -DLLVM_USE_LINKER=lld \
      -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
      -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit $options
  fi
  cmake --build "$dir" -j "$(nproc)" --target "$@"
}

attn_install_packages
attn_build
