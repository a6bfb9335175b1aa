#!/usr/bin/env bash
# The CUDA backend's checks on a machine with an NVIDIA GPU (issue 8), in a
# few minutes:
#   1. build attnc, the runtime, the tools and the tests (build-gpu/);
#   2. run the CUDA unit and lit tests, then the same tests against the real
#      driver;
#   3. end-to-end numerics: a small Llama compiled for the CPU and for CUDA,
#      the same random bf16 weights, the prompt's logits compared (bf16
#      tolerance: max |cuda - cpu| <= 2e-2 * max |cpu|);
#   4. the table: attention TFLOP/s (1k-16k tokens, head_dim 128, causal),
#      decode GB/s, prefill and decode tokens/s of a ~1B config.
#
# Every number printed comes from a tool that measured it. A piece that is
# missing (no GPU, a library the runtime cannot open or run on it, logits
# that differ, no GPU attention benchmark) stops the script with
# "gpu-check: FAILED: ..." and a non-zero exit; it never prints a number in
# its place.
#
# Usage: scripts/gpu-check.sh [--arch sm_90] [--build-dir DIR] [--no-build]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build-gpu"
ARCH="sm_90"
DO_BUILD=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --arch) ARCH="$2"; shift 2 ;;
    --build-dir) BUILD="$2"; shift 2 ;;
    --no-build) DO_BUILD=0; shift ;;
    *) echo "gpu-check: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

fail() { echo "gpu-check: FAILED: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

step "machine"
command -v nvidia-smi >/dev/null || fail "nvidia-smi not found: no NVIDIA driver on this machine"
nvidia-smi --query-gpu=name,compute_cap,memory.total,driver_version --format=csv,noheader \
  || fail "nvidia-smi cannot query the GPU"
GPU_NAME="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
date -u +"%Y-%m-%dT%H:%MZ"
PTXAS="${CUDA_HOME:-/usr/local/cuda}/bin/ptxas"
[[ -x "$PTXAS" ]] || PTXAS="$(command -v ptxas || true)"
[[ -n "$PTXAS" ]] && echo "ptxas: $PTXAS" || echo "ptxas: not found (kernels embedded as PTX)"

if [[ $DO_BUILD == 1 ]]; then
  step "build ($BUILD)"
  cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >/dev/null \
    || fail "cmake configuration"
  ninja -C "$BUILD" attnc attn-opt attn-run attn-bench AttnCUDARuntimeTests \
    AttnCUDASessionTests AttnCUDACompilerTests || fail "build"
fi
BIN="$BUILD/bin"
for tool in attnc attn-opt attn-run attn-bench; do
  [[ -x "$BIN/$tool" ]] || fail "$BIN/$tool was not built"
done

step "CUDA tests without the GPU (stand-in driver)"
"$BUILD/test/Unit/GPU/AttnCUDARuntimeTests" || fail "AttnCUDARuntimeTests"
"$BUILD/test/Unit/GPU/AttnCUDASessionTests" || fail "AttnCUDASessionTests"
"$BUILD/test/Unit/GPU/AttnCUDACompilerTests" || fail "AttnCUDACompilerTests"
/usr/lib/llvm-22/bin/lit -q "$BUILD/test/GPU" || fail "lit test/GPU"

step "compile for CUDA ($ARCH)"
"$BIN/attnc" --help 2>&1 | grep -q -- "--target" \
  || fail "attnc has no --target option: the driver is not wired to the CUDA backend yet (compileToCUDALibrary in attn/GPU/CUDATarget.h)"
CONFIG="$ROOT/test/Frontend/Inputs/layers-2.json"
[[ -f "$CONFIG" ]] || fail "$CONFIG missing"
"$BIN/attnc" "$CONFIG" -o "$WORK/cpu.so" || fail "attnc (cpu) $CONFIG"
"$BIN/attnc" "$CONFIG" --target=cuda --cuda-arch="$ARCH" -o "$WORK/cuda.so" \
  || fail "attnc --target=cuda $CONFIG"

step "numerics: CPU and CUDA logits on the same random bf16 weights"
"$BIN/attn-run" "$WORK/cpu.so" --init-random-weights "$WORK/weights" --dtype bf16 --seed 7 \
  || fail "attn-run --init-random-weights"
# The manifest must say CUDA, or the runtime would run it as a CPU library.
grep -aq '"target":{"kind":"cuda","arch":"'"$ARCH"'"}' "$WORK/cuda.so" \
  || fail "the CUDA library's manifest has no target {kind: cuda, arch: $ARCH}"
# Every id below the config's vocab_size (256); --dump-logits writes the
# logits of every prompt position (one prefill with all rows).
TOKENS="1,17,42,99,3,250,7,8,100,12,5,64"
"$BIN/attn-run" "$WORK/cpu.so" --weights "$WORK/weights" --tokens "$TOKENS" -n 1 \
  --dump-logits "$WORK/cpu.npy" >/dev/null || fail "attn-run on the CPU library"
"$BIN/attn-run" "$WORK/cuda.so" --weights "$WORK/weights" --tokens "$TOKENS" -n 1 \
  --dump-logits "$WORK/cuda.npy" >"$WORK/cuda.out" 2>&1 \
  || { cat "$WORK/cuda.out" >&2; fail "attn-run on the CUDA library (message above)"; }
python3 - "$WORK/cpu.npy" "$WORK/cuda.npy" <<'PY' || fail "CUDA logits differ from the CPU's beyond bf16 tolerance"
import struct, sys
def load(path):
    data = open(path, "rb").read()
    assert data[:6] == b"\x93NUMPY", path + " is not .npy"
    header_len = struct.unpack("<H", data[8:10])[0]
    header = data[10:10 + header_len].decode()
    assert "'<f4'" in header, path + ": not float32: " + header
    body = data[10 + header_len:]
    return struct.unpack("<%df" % (len(body) // 4), body)
cpu, cuda = load(sys.argv[1]), load(sys.argv[2])
assert len(cpu) == len(cuda) and len(cpu) > 0, "shapes differ"
assert all(x == x for x in cuda), "the CUDA logits hold NaN"
# All zeros would mean the kernels never ran (or their output never came
# back); random weights give non-zero logits.
assert any(x != 0 for x in cuda), "the CUDA logits are all zero"
scale = max(abs(x) for x in cpu)
err = max(abs(a - b) for a, b in zip(cpu, cuda))
print("logits: %d values, max |cpu| %.4g, max |cuda - cpu| %.4g (%.2e relative)"
      % (len(cpu), scale, err, err / scale))
sys.exit(0 if err <= 2e-2 * scale else 1)
PY

step "performance"
CONFIG_1B="$ROOT/test/Frontend/Inputs/llama-3.2-1b.json"
"$BIN/attnc" "$CONFIG_1B" --target=cuda --cuda-arch="$ARCH" -o "$WORK/1b.so" \
  || fail "attnc --target=cuda $CONFIG_1B"
# Prefill and decode first: they need nothing that is not built.
out="$("$BIN/attn-bench" "$WORK/1b.so" --random-weights --dtype bf16 -p 512 -n 128 -r 3)" \
  || fail "attn-bench on the 1B CUDA library"
echo "$out"
echo "(prefill and decode tokens/s and GB/s as attn-bench reports them above,"
echo " on $GPU_NAME; the date and machine go with them into docs/performance.md)"
# attn-bench --attention compiles the lone attention through the CPU
# pipeline only: attention TFLOP/s on the GPU at 1k-16k tokens needs a
# --target=cuda mode of it and a tensor-core attention kernel, neither of
# which exists yet (docs/backend-cuda.md).
fail "attention TFLOP/s at 1k-16k tokens: no GPU attention benchmark yet (attn-bench --attention is CPU-only)"
