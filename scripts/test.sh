#!/usr/bin/env bash
# Sets up and builds attnc (scripts/setup.sh), then runs every test: the lit
# suite on IR and tools and, through lit's GoogleTest format, every unit test.
# Ends with one line: "N passed, N failed" (and skipped, if any).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

log="$ATTN_BUILD/test-results.txt"
status=0
/usr/lib/llvm-22/bin/lit -sv "$@" "$ATTN_BUILD/test" "$ATTN_BUILD/test/Unit" \
  2>&1 | tee "$log" || status=$?

count_of() { sed -nE "s/^ +$1: +([0-9]+).*/\\1/p" "$log" | head -1; }
passed=$(( $(count_of "Passed" || true) + 0 ))
expected_fail=$(( $(count_of "Expectedly Failed" || true) + 0 ))
failed=$(( $(count_of "Failed" || true) + $(count_of "Unexpectedly Passed" || true) + $(count_of "Timed Out" || true) + 0 ))
skipped=$(( $(count_of "Unsupported" || true) + $(count_of "Skipped" || true) + 0 ))
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1

summary="$((passed + expected_fail)) passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
exit "$status"
