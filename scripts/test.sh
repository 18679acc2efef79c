#!/usr/bin/env bash
# Sets up a Debian/Ubuntu machine and runs every test: formatting, lints, the core's unit and
# integration tests (real SQLCipher files, a real Secret Service), the UI's type check and unit
# tests, the generated-bindings check, a bounded fuzzing run, the release build with its .deb, the
# release app end to end under Xvfb via WebDriver, and the .deb installed and launched.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_system test
cd "$ROOT"
start=$(date +%s)
step() { say "$* ($(( $(date +%s) - start )) s)"; }

step "cargo fmt --check"
cargo fmt --all --check

step "Commit subjects: at most 72 characters (the why and the figures go in the body)"
# Checked from the commit that set the rule; a clone without it (shallow) checks HEAD alone.
rule=1d8bbb2
if git cat-file -e "$rule^{commit}" 2>/dev/null; then range="$rule..HEAD"; else range="-1 HEAD"; fi
long=$(git log --format='%s' $range | awk 'length > 72')
[ -z "$long" ] || die "commit subjects over 72 characters (reword them before landing):
$long"

step "UI: type check, unit tests, build"
(cd ui && npm run --silent check && npm run --silent test && npm run --silent build)

step "cargo deny: licences, bans (no HTTP client or TLS stack), sources"
# Advisories are not checked: RustSec's database comes from GitHub, unreachable here (README "Tests").
cargo deny --locked check licenses bans sources

# Clippy lints the workspace's crates as they are compiled for the tests and the release build:
# clippy-driver is rustc with clippy's lints, set as the compiler of the workspace's own crates
# (what `cargo clippy` does, for a check). Every target `cargo clippy --workspace --all-targets
# --all-features` lints is built below, so a separate `cargo clippy` would only check the whole
# dependency tree a third time (402 s of the cold run at 5283f7d). Warnings are errors.
export RUSTC_WORKSPACE_WRAPPER="$(rustc --print sysroot)/bin/clippy-driver"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
[ -x "$RUSTC_WORKSPACE_WRAPPER" ] || die "clippy-driver is missing: rustup component add clippy"

step "Rust tests of the core (cargo nextest), linted by clippy as they build"
# The keychain tests start their own D-Bus session and gnome-keyring; nothing here needs a desktop.
# --all-features: the synthetic practice generator behind the benchmark is tested too. Only the
# core here: its unoptimised build needs none of the Tauri and WebKit crates. The shell's tests run
# on the release build below, which compiles those crates anyway. `cargo test --no-run
# --all-targets` builds (and so lints) the benchmarks and the example too, with the same units the
# tests use.
cargo test --no-run -p arcwell --all-features --all-targets --locked
cargo nextest run -p arcwell --all-features --locked --no-fail-fast

step "Fuzzing: every cargo-fuzz target for 15 s (a longer run: bash scripts/fuzz.sh 300 --asan)"
# Its own workspace, built with cargo fuzz's flags: not linted.
env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS bash scripts/fuzz.sh 15

step "Release build: the app and the CLI, once, linted; the shell's tests on it"
# One cargo invocation for the app and the CLI, so their shared crates are built with one feature
# set. The shell's unit tests then add two units to it (its test harness and the empty-window
# example, built so that clippy sees it): the Tauri crates are not compiled a second time.
cargo build --release --locked -p arcwell-app -p arcwell
cargo nextest run --release --locked -p arcwell-app --lib --examples --no-fail-fast

step "The packet page (src/packet/page.html) is what ui/packet builds"
(cd ui && npm run --silent build:packet >/dev/null)
if [ -n "$(git status --porcelain -- src/packet/page.html)" ]; then
  die "src/packet/page.html differs from what ui/packet builds: run 'npm run build:packet' in ui/ and commit it"
fi

step "Generated TypeScript bindings are committed and current"
if [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
  git status --short -- ui/src/bindings
  die "ui/src/bindings differs from what the Rust types generate: commit the regenerated files"
fi

step "The .deb (tauri build): it finds the release build done and only bundles"
(cd src-tauri && "$ROOT/ui/node_modules/.bin/tauri" build --ci --bundles deb -- --locked)
deb=$(ls -t target/release/bundle/deb/*.deb | head -n 1)

step "End to end: the release app under Xvfb through WebDriver"
(cd ui && ARCWELL_APP="$ROOT/target/release/arcwell-app" NO_AT_BRIDGE=1 \
  timeout 600 xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- node --test e2e/app.e2e.mjs)

step "The check-in packet: written by the CLI, filled in a real WebKit (MiniBrowser) via WebDriver"
(cd ui && ARCWELL_CLI="$ROOT/target/release/arcwell" NO_AT_BRIDGE=1 \
  timeout 300 xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- node --test e2e/packet.e2e.mjs)

step "Package: install the .deb with apt, launch it from its desktop entry, see the dashboard"
bash tests/package/deb.sh "$deb"

step "All tests passed"
