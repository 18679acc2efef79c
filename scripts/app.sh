#!/usr/bin/env bash
# Sets up a Debian/Ubuntu machine and launches Arcwell.
#   bash scripts/app.sh            your practice (first run asks for your name, time zone and a passphrase)
#   bash scripts/app.sh --demo     a fresh demo practice of invented people
# Any other arguments go to the app (e.g. --data-dir DIR).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_system app

say "Building the UI"
(cd "$ROOT/ui" && npm run build --silent)
say "Building the app (release; the first build takes several minutes)"
cargo build --release --manifest-path "$ROOT/Cargo.toml" -p arcwell-app -p arcwell

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  die "there is no graphical display (DISPLAY and WAYLAND_DISPLAY are empty). Run this from a desktop session; for scripts, use the CLI: target/release/arcwell --help"
fi
say "Starting Arcwell"
exec "$ROOT/target/release/arcwell-app" "$@"
