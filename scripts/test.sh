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

step "UI: type check, unit tests, build"
(cd ui && npm run --silent check && npm run --silent test && npm run --silent build)

step "cargo deny: licences, bans (no HTTP client or TLS stack), sources"
# Advisories are not checked: RustSec's database comes from GitHub, unreachable here (README "Tests").
cargo deny --locked check licenses bans sources

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

step "Rust tests (cargo nextest)"
# The keychain tests start their own D-Bus session and gnome-keyring; nothing here needs a desktop.
# --all-features: the synthetic practice generator behind the benchmark is tested too.
cargo nextest run --workspace --all-features --locked --no-fail-fast

step "Generated TypeScript bindings are committed and current"
if [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
  git status --short -- ui/src/bindings
  die "ui/src/bindings differs from what the Rust types generate: commit the regenerated files"
fi

step "Fuzzing: every cargo-fuzz target for 15 s (a longer run: bash scripts/fuzz.sh 300 --asan)"
bash scripts/fuzz.sh 15

step "Release build and the .deb (tauri build), once: what the end-to-end and package tests use"
# One cargo invocation for the app and the CLI, so their shared crates are built with one feature
# set; tauri build then finds everything built and only bundles (the CLI goes into the .deb too).
cargo build --release --locked -p arcwell-app -p arcwell
(cd src-tauri && "$ROOT/ui/node_modules/.bin/tauri" build --ci --bundles deb -- --locked)
deb=$(ls -t target/release/bundle/deb/*.deb | head -n 1)

step "End to end: the release app under Xvfb through WebDriver"
(cd ui && ARCWELL_APP="$ROOT/target/release/arcwell-app" NO_AT_BRIDGE=1 \
  timeout 600 xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- node --test e2e/app.e2e.mjs)

step "Package: install the .deb with apt, launch it from its desktop entry, see the dashboard"
bash tests/package/deb.sh "$deb"

step "All tests passed"
