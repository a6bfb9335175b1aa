#!/usr/bin/env bash
# Sets up and builds attnc (scripts/setup.sh), then runs the main job on the
# bundled default model (examples/tiny-llama). What the main job does grows
# with the compiler: today it validates the config and prints the attn graph
# the frontend builds from it.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

"$ATTN_BUILD/bin/attnc" "$ATTN_ROOT/examples/tiny-llama/config.json" --emit=mlir
