#!/usr/bin/env bash
# The CUDA backend's checks on a machine with an NVIDIA GPU (issue 8), in a
# few minutes:
#   1. build attnc, the runtime, the tools and the tests (build-gpu/);
#   2. run the CUDA unit and lit tests, then the same tests against the real
#      driver;
#   3. end-to-end numerics: a small Llama compiled for the CPU and for CUDA,
#      the same random bf16 weights, the prompt's logits compared (bf16
#      tolerance: max |cuda - cpu| <= 2e-2 * max |cpu|);
#   4. performance: prefill and decode tokens/s (and GB/s) of a ~1B config,
#      then attention TFLOP/s (1k-16k tokens, 32 query and 8 KV heads,
#      head_dim 128, causal; attn-bench checks sampled rows against a
#      double-precision reference before it times anything);
#   5. a summary table, then "gpu-check: all steps passed".
#
# Every number printed comes from a tool that measured it. A piece that is
# missing (no GPU, a library the runtime cannot open or run on it, logits
# or attention outputs that differ from the reference) stops the script
# with "gpu-check: FAILED: ..." and a non-zero exit; it never prints a
# number in its place.
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
/usr/lib/llvm-22/bin/lit -q "$BUILD/test/Bench" --filter 'attn-bench-attention-cuda' \
  || fail "lit test/Bench/attn-bench-attention-cuda-*.test"

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
# (sm_90 libraries name sm_90a: their matmuls use wgmma.)
grep -aqE '"target":\{"kind":"cuda","arch":"'"$ARCH"'a?"\}' "$WORK/cuda.so" \
  || fail "the CUDA library's manifest has no target {kind: cuda, arch: $ARCH}"
cat >"$WORK/compare.py" <<'PY'
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
print("%s: %d logits, max |cpu| %.4g, max |cuda - cpu| %.4g (%.2e relative)"
      % (sys.argv[3], len(cpu), scale, err, err / scale))
sys.exit(0 if err <= 2e-2 * scale else 1)
PY
# Every id below the config's vocab_size (256); --dump-logits writes the
# logits of every prompt position (one prefill with all rows). The short
# prompt takes the tensor-core attention (more than 4 rows); the long one
# (500 of the config's 512 positions) spans several key blocks and, with
# decode-max-rows=1024, runs every row through flash-decoding over two
# chunks of keys, which is how decode steps reach a long cache.
SHORT="1,17,42,99,3,250,7,8,100,12,5,64"
LONG="$(python3 -c 'print(",".join(str((i * 37 + 11) % 256) for i in range(500)))')"
: >"$WORK/numerics.out"
check_logits() { # name tokens [pipeline options]
  local name="$1" tokens="$2" options="${3:-}"
  if [[ -n "$options" ]]; then
    "$BIN/attnc" "$CONFIG" --target=cuda --cuda-arch="$ARCH" --pipeline-options="$options" \
      -o "$WORK/$name.so" || fail "attnc --target=cuda --pipeline-options=\"$options\" $CONFIG"
  else
    cp "$WORK/cuda.so" "$WORK/$name.so"
  fi
  "$BIN/attn-run" "$WORK/cpu.so" --weights "$WORK/weights" --tokens "$tokens" -n 0 \
    --dump-logits "$WORK/$name.cpu.npy" >/dev/null || fail "attn-run on the CPU library ($name)"
  "$BIN/attn-run" "$WORK/$name.so" --weights "$WORK/weights" --tokens "$tokens" -n 0 \
    --dump-logits "$WORK/$name.cuda.npy" >"$WORK/$name.out" 2>&1 \
    || { cat "$WORK/$name.out" >&2; fail "attn-run on the CUDA library $name (message above)"; }
  python3 "$WORK/compare.py" "$WORK/$name.cpu.npy" "$WORK/$name.cuda.npy" "$name" \
    >>"$WORK/numerics.out" \
    || { cat "$WORK/numerics.out"; fail "CUDA logits ($name) differ from the CPU's beyond bf16 tolerance"; }
}
check_logits default-12-tokens "$SHORT"
# On sm_90 the default projections run on wgmma; the mma.sync kernels too.
check_logits mma-sync-12-tokens "$SHORT" "wgmma=false"
# Projection weights stored in bf16 on the device (the default for bf16
# checkpoints; the random weights are bf16 values, so nothing is rounded).
check_logits bf16-weights-12-tokens "$SHORT" "bf16-weights=true"
check_logits tensor-cores-500-tokens "$LONG" "decode-max-rows=0"
check_logits flash-decoding-500-tokens "$LONG" "decode-max-rows=1024"
check_logits generic-attention-500-tokens "$LONG" "flash-attention=false"
cat "$WORK/numerics.out"

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

step "attention TFLOP/s (causal, 32 query / 8 KV heads, head_dim 128)"
# About 2 TFLOP a call at 16k tokens: milliseconds for a tensor-core
# kernel, so 10 timed calls per length cost little; the timeout turns a
# kernel far slower than that into a failure instead of a stall.
ATTENTION_SEQS="1024,2048,4096,8192,16384"
set +e
timeout 600 "$BIN/attn-bench" --attention --target=cuda --cuda-arch "$ARCH" \
  --seq "$ATTENTION_SEQS" --heads 32 --kv-heads 8 --head-dim 128 -r 10 2>&1 \
  | tee "$WORK/attention.out"
status=${PIPESTATUS[0]}
set -e
[[ $status != 124 ]] || fail "attn-bench --attention --target=cuda ran past 600 s"
[[ $status == 0 ]] || fail "attn-bench --attention --target=cuda exited with status $status (message above)"
ATTENTION_ROWS="$(grep -E '^\| [0-9]+ \|' "$WORK/attention.out" || true)"
[[ "$(wc -l <<<"$ATTENTION_ROWS")" == 5 ]] \
  || fail "attn-bench --attention printed no row for some of $ATTENTION_SEQS"

step "summary"
echo "| step | result |"
echo "| --- | --- |"
echo "| GPU | $GPU_NAME, kernels for $ARCH |"
echo "| CUDA unit and lit tests (stand-in driver) | passed |"
# The logits line says "max |cpu|": its bars are escaped for the table.
sed 's/|/\\|/g; s/^\([^:]*\): \(.*\)$/| numerics, layers-2.json \1 | \2 |/' "$WORK/numerics.out"
grep -E '\| +(pp|tg)[0-9]+' <<<"$out" | awk -F'|' \
  '{ gsub(/^ +| +$/, "", $(NF-2)); gsub(/^ +| +$/, "", $(NF-1));
     printf "| llama-3.2-1b %s | %s tokens/s |\n", $(NF-2), $(NF-1) }'
awk -F'|' '{ for (i = 2; i <= 5; ++i) gsub(/^ +| +$/, "", $i);
             peak = $5 == "n/a" ? "no peak known" : $5 " of peak";
             printf "| attention, %s tokens | %s ms, %s TFLOP/s (%s) |\n", $2, $3, $4, peak }' \
  <<<"$ATTENTION_ROWS"
grep '^limit:' "$WORK/attention.out" || true
echo
echo "gpu-check: all steps passed"
