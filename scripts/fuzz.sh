#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for SECONDS each (default 30): the backup reader on a
# decrypted backup's bytes, template files, measure answers, and typed times. cargo fuzz needs
# nightly's -Z sanitizer flags; RUSTC_BOOTSTRAP=1 lets this machine's one stable toolchain take them.
# Not part of the test command yet (its first build takes about 10 minutes here); see README "Fuzzing".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_rust
ensure_cargo_tool cargo-fuzz 0.13.2
seconds="${1:-30}"
cd "$ROOT/fuzz"
for target in backup_archive template_file measure_answers typed_times; do
  say "fuzz $target for ${seconds} s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" -- -max_total_time="$seconds"
done
say "fuzzing found nothing in ${seconds} s per target"
