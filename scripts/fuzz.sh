#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for SECONDS each: the backup reader on a decrypted backup's
# bytes, template files, measure answers, and typed times.
#   bash scripts/fuzz.sh [SECONDS]          the test command's bounded run (default 15 s a target):
#                                           a debug build — overflow checks and debug assertions on —
#                                           without a sanitizer
#   bash scripts/fuzz.sh SECONDS --asan     a longer run: optimised, with AddressSanitizer
# Our own code has no `unsafe` (the workspace denies it), so AddressSanitizer only watches the
# dependencies' Rust; the bounded run leaves it out, which halves its first build.
# cargo fuzz needs nightly's -Z sanitizer flags; RUSTC_BOOTSTRAP=1 lets this machine's one stable
# toolchain take them. A finding stops the run with the input under fuzz/artifacts/TARGET/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_rust
ensure_cargo_tool cargo-fuzz 0.13.2
seconds="${1:-15}"
case "${2:-}" in
  "") build=(--dev --sanitizer none) ;;
  --asan) build=(--sanitizer address) ;;
  *) die "unknown option ${2}: the second argument is --asan or nothing" ;;
esac
cd "$ROOT/fuzz"
export RUSTC_BOOTSTRAP=1
say "Building the fuzz targets (${build[*]})"
cargo fuzz build "${build[@]}"
for target in backup_archive template_file measure_answers typed_times; do
  say "fuzz $target for ${seconds} s"
  log="$ROOT/fuzz/target/$target.log"
  if ! cargo fuzz run "${build[@]}" "$target" -- -max_total_time="$seconds" -timeout=10 > "$log" 2>&1; then
    tail -n 40 "$log"
    die "fuzz target $target found an input that fails (above); it is saved under fuzz/artifacts/$target/"
  fi
  grep -E '^Done [0-9]+ runs' "$log" || die "fuzz target $target did not run (see $log)"
done
say "fuzzing found nothing in ${seconds} s per target"
