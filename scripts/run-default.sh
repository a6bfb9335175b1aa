#!/usr/bin/env bash
# Sets up and builds attnc (scripts/setup.sh), then runs the main job on the
# bundled default model (examples/). What the main job does grows with the
# compiler: today it verifies and prints the bundled attn graph.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

"$ATTN_BUILD/bin/attn-opt" --canonicalize "$ATTN_ROOT/examples/decoder-block.mlir"
