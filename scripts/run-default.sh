#!/usr/bin/env bash
# Sets up and builds attnc (scripts/setup.sh), then runs the main job on the
# bundled default model (examples/tiny-llama): compile its config.json into a
# model library, write random weights for it, and generate 16 tokens through
# the runtime, printing the ids and the prefill/decode tokens per second.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ATTN_OUT="$ATTN_BUILD/tiny-llama"
mkdir -p "$ATTN_OUT"

echo "== attnc: examples/tiny-llama/config.json -> $ATTN_OUT/model.so"
"$ATTN_BUILD/bin/attnc" "$ATTN_ROOT/examples/tiny-llama/config.json" \
  -o "$ATTN_OUT/model.so" --verbose

echo "== attn-run: random weights -> $ATTN_OUT/weights"
"$ATTN_BUILD/bin/attn-run" "$ATTN_OUT/model.so" \
  --init-random-weights "$ATTN_OUT/weights" --seed 1

echo "== attn-run: generate 16 tokens after the prompt 1,45,23,88,7"
"$ATTN_BUILD/bin/attn-run" "$ATTN_OUT/model.so" --weights "$ATTN_OUT/weights" \
  --tokens 1,45,23,88,7 -n 16
