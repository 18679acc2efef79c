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
# One libFuzzer process per core at a time (each is single-threaded): on two cores the four
# targets take two rounds of SECONDS, not four.
run_target() { # target
  cargo fuzz run "${build[@]}" "$1" -- -max_total_time="$seconds" -timeout=10 > "$ROOT/fuzz/target/$1.log" 2>&1
}
targets=(backup_archive template_file measure_answers typed_times)
jobs=$(nproc)
failed=()
for ((i = 0; i < ${#targets[@]}; i += jobs)); do
  round=("${targets[@]:i:jobs}")
  say "fuzz ${round[*]} for ${seconds} s"
  pids=()
  for target in "${round[@]}"; do run_target "$target" & pids+=($!); done
  for k in "${!round[@]}"; do wait "${pids[$k]}" || failed+=("${round[$k]}"); done
done
for target in "${failed[@]}"; do
  tail -n 40 "$ROOT/fuzz/target/$target.log"
  say "fuzz target $target found an input that fails (above); it is saved under fuzz/artifacts/$target/"
done
[ ${#failed[@]} -eq 0 ] || die "fuzzing failed: ${failed[*]}"
for target in "${targets[@]}"; do
  grep -E '^Done [0-9]+ runs' "$ROOT/fuzz/target/$target.log" | sed "s/^/$target: /" || die "fuzz target $target did not run (see fuzz/target/$target.log)"
done
say "fuzzing found nothing in ${seconds} s per target"
