#!/usr/bin/env bash
# Sets up and builds attnc (scripts/setup.sh), then runs every test: the lit
# suite on IR and tools and, through lit's GoogleTest format, every unit test.
# Then the hardening runs of docs/security.md, each in its own build tree
# beside build/ with only runtime-side targets built:
#   build-asan: the runtime, CUDA runtime (fake driver) and tokenizer unit
#               tests under AddressSanitizer and UBSan, and a short run of
#               each fuzzer (test/Fuzz);
#   build-tsan: the runtime and CUDA runtime unit tests under
#               ThreadSanitizer.
# ATTN_SKIP_SANITIZERS=1 leaves the hardening runs out (for quick local
# runs; CI runs them). Ends with one line summing every run:
# "N passed, N failed" (and skipped, if any).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

LIT=/usr/lib/llvm-22/bin/lit
results="$ATTN_BUILD/test-results.txt"
: >"$results"
status=0
passed=0
failed=0
skipped=0

# Runs lit on the given paths, appends its output to $results and adds its
# counts to the totals.
run_lit() {
  local log
  log="$(mktemp)"
  local rc=0
  "$LIT" -sv "$@" 2>&1 | tee "$log" || rc=$?
  cat "$log" >>"$results"
  count_of() { sed -nE "s/^ +$1: +([0-9]+).*/\\1/p" "$log" | head -1; }
  local p e f s
  p=$(($(count_of "Passed" || true) + 0))
  e=$(($(count_of "Expectedly Failed" || true) + 0))
  f=$(($(count_of "Failed" || true) + $(count_of "Unexpectedly Passed" || true) + $(count_of "Timed Out" || true) + 0))
  s=$(($(count_of "Unsupported" || true) + $(count_of "Skipped" || true) + 0))
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  passed=$((passed + p + e))
  failed=$((failed + f))
  skipped=$((skipped + s))
  [ "$rc" -ne 0 ] && status=$rc
  rm -f "$log"
}

run_lit "$@" "$ATTN_BUILD/test" "$ATTN_BUILD/test/Unit"

if [ "${ATTN_SKIP_SANITIZERS:-0}" != 1 ]; then
  # Sanitizer reports fail the test that triggers them. The allocator may
  # return null so that tests of absurd allocations see the failure the
  # runtime reports instead of a sanitizer abort.
  export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  export TSAN_OPTIONS="halt_on_error=1:allocator_may_return_null=1"
  export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-22/bin/llvm-symbolizer
  export TSAN_SYMBOLIZER_PATH="$ASAN_SYMBOLIZER_PATH"

  echo "== AddressSanitizer + UBSan: runtime and tokenizer tests, fuzzers"
  asan="$ATTN_BUILD-asan"
  if attn_build_sanitized "$asan" \
    "-DATTN_SANITIZE=address,undefined -DATTN_BUILD_FUZZERS=ON" \
    AttnRuntimeTests AttnTokenizerTests AttnFuzzers AttnCUDARuntimeTests \
    AttnCUDASessionTests; then
    run_lit "$@" "$asan/test/Unit/Runtime" "$asan/test/Unit/Tokenizer" \
      "$asan/test/Unit/GPU" "$asan/test/Fuzz"
  else
    echo "attnc test: the AddressSanitizer build failed"
    failed=$((failed + 1))
    status=1
  fi

  echo "== ThreadSanitizer: runtime tests"
  tsan="$ATTN_BUILD-tsan"
  if attn_build_sanitized "$tsan" "-DATTN_SANITIZE=thread" AttnRuntimeTests \
    AttnCUDARuntimeTests AttnCUDASessionTests; then
    run_lit "$@" "$tsan/test/Unit/Runtime" "$tsan/test/Unit/GPU"
  else
    echo "attnc test: the ThreadSanitizer build failed"
    failed=$((failed + 1))
    status=1
  fi
fi

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
exit "$status"
