#!/usr/bin/env bash
# Installs what Arcwell needs on Debian/Ubuntu, idempotently. Sourced by app.sh and test.sh.
#   setup_system app    — build and run the desktop app
#   setup_system test   — also the test tools (Xvfb, D-Bus, gnome-keyring, WebKitWebDriver, tauri-driver, cargo-deny, cargo-fuzz, strace)
# The Tauri CLI (for the .deb) is the npm package @tauri-apps/cli, installed with the UI's modules.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The minimum Node.js for Vite 8 (overridable only to exercise the fallback below).
NODE_MIN_MAJOR=${ARCWELL_NODE_MIN_MAJOR:-20}
NODE_MIN_MINOR=${ARCWELL_NODE_MIN_MINOR:-19}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APP_PACKAGES=(build-essential pkg-config curl file libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev
  librsvg2-dev libxdo-dev libssl-dev libdbus-1-dev)
TEST_PACKAGES=(xvfb xauth imagemagick webkit2gtk-driver dbus dbus-x11 gnome-keyring libsecret-tools at-spi2-core age strace iproute2
  xdotool desktop-file-utils python3-xlib)

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    [ -x "$HOME/.cargo/bin/cargo" ] || {
      say "Installing Rust (rustup, stable)"
      curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component rustfmt,clippy
    }
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
}

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  local v major minor
  v="$(node --version | tr -d v)"; major="${v%%.*}"; minor="$(echo "$v" | cut -d. -f2)"
  [ "$major" -gt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -ge "$NODE_MIN_MINOR" ]; }
}

# Vite 8 needs Node.js 20.19 or newer; Debian 12's own is 18. When the system's is too old, a newer
# Node.js binary comes from the npm registry (the node-linux-<arch> package) into a private folder,
# ahead of the system's on PATH; the system's npm runs on it.
NODE_FALLBACK_VERSION=22.23.3
ensure_node() {
  command -v node >/dev/null 2>&1 || install_packages nodejs npm
  node_ok && return 0
  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "Node.js $(node --version) is too old and no newer build is known for $(uname -m); install Node.js $NODE_MIN_MAJOR.$NODE_MIN_MINOR or newer and run this again" ;;
  esac
  local dir="$HOME/.local/share/arcwell-dev/node-$NODE_FALLBACK_VERSION"
  local bin="$dir/node_modules/node-linux-$arch/bin"
  if [ ! -x "$bin/node" ]; then
    say "Installing Node.js $NODE_FALLBACK_VERSION from the npm registry (this system has $(node --version))"
    npm install --prefix "$dir" --no-audit --no-fund "node-linux-$arch@$NODE_FALLBACK_VERSION"
  fi
  export PATH="$bin:$PATH"
  node_ok || die "Node.js is still too old ($(node --version)); install Node.js $NODE_MIN_MAJOR.$NODE_MIN_MINOR or newer and run this again"
}

ensure_ui_modules() {
  # npm ci when the lock file changed since the last install (or nothing is installed yet).
  if [ ! -f "$ROOT/ui/node_modules/.package-lock.json" ] || [ "$ROOT/ui/package-lock.json" -nt "$ROOT/ui/node_modules/.package-lock.json" ]; then
    say "Installing UI modules (npm ci)"
    (cd "$ROOT/ui" && npm ci --no-audit --no-fund)
  fi
}

# Build and test tools are built unoptimised (--debug): it halves their install (cargo-deny: 122 s
# against 277 s here) and they run for seconds (cargo-deny's checks: 6.6 s against 2.4 s). Measured
# on a fresh machine (2026-12-02): cargo-nextest 338 s, cargo-deny 114 s, cargo-fuzz 41 s, tauri-driver 39 s.
# A tool already on the machine is kept when it is at least the version named (this kind of machine
# comes with cargo-nextest 0.9.143 in /usr/local/bin: building it again cost 338 s of every cold CI).
ensure_cargo_tool() { # name version
  local have=""
  if command -v "$1" >/dev/null 2>&1; then
    have=$(cargo install --list | sed -n "s/^$1 v\([0-9.]*\):.*/\1/p")
    [ -n "$have" ] || have=$("$1" --version 2>/dev/null | awk 'NR == 1 { print $2 }')
  fi
  if [ -z "$have" ] || [ "$(printf '%s\n%s\n' "$2" "$have" | sort -V | head -n 1)" != "$2" ]; then
    say "Installing $1 $2${have:+ (found $have)}"
    cargo install "$1" --locked --debug --version "$2"
  fi
}

setup_system() {
  install_packages "${APP_PACKAGES[@]}"
  [ "${1:-app}" = test ] && install_packages "${TEST_PACKAGES[@]}"
  ensure_rust
  ensure_node
  ensure_ui_modules
  if [ "${1:-app}" = test ]; then
    ensure_cargo_tool cargo-nextest 0.9.143
    ensure_cargo_tool tauri-driver 2.1.0
    ensure_cargo_tool cargo-deny 0.20.2
    ensure_cargo_tool cargo-fuzz 0.13.2
  fi
}
