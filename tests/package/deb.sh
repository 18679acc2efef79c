#!/usr/bin/env bash
# The package test: installs the .deb that `tauri build` made with apt, as a user would, checks what
# it installed (binaries, desktop entry, icons at every size, the dependencies of what the binaries
# link), launches the installed app from its desktop entry under Xvfb on the demo practice, and
# checks that its window shows the dashboard rather than a blank page. Then removes the package.
#   bash tests/package/deb.sh target/release/bundle/deb/Arcwell_*.deb
# Needs root (or sudo) for apt, Xvfb, xdotool, ImageMagick, dbus-run-session, desktop-file-validate.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
deb="$(realpath "$1")"
fail() { printf 'package test: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

size=$(stat -c %s "$deb")
echo "package: $(basename "$deb"), $((size / 1024)) KiB"
[ "$size" -le $((15 * 1024 * 1024)) ] || fail "the .deb is $((size / 1024 / 1024)) MiB; the target is 15 MB at most"

pkg=$(dpkg-deb -f "$deb" Package)
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall --no-install-recommends "$deb" > "$work/apt.log" 2>&1 \
  || { cat "$work/apt.log"; fail "apt-get could not install $deb (above)"; }
trap 'as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq "$pkg" >/dev/null || true; rm -rf "$work"' EXIT

# What it installed: the app and the CLI (the very binaries the end-to-end tests drove), a desktop
# entry that validates, and an icon at every size the desktop asks for.
for bin in arcwell-app arcwell; do
  [ -x "/usr/bin/$bin" ] || fail "/usr/bin/$bin is not installed"
done
cmp -s /usr/bin/arcwell "$ROOT/target/release/arcwell" || fail "/usr/bin/arcwell differs from target/release/arcwell"
# tauri build writes the bundle type into the packaged copy of the app (…_VAR_UNK → …_VAR_DEB, three
# bytes); apart from that it must be the binary the end-to-end tests drove.
differing=$(cmp -l /usr/bin/arcwell-app "$ROOT/target/release/arcwell-app" | wc -l) || true
grep -qa __TAURI_BUNDLE_TYPE_VAR_DEB /usr/bin/arcwell-app && [ "$differing" -le 3 ] \
  || fail "/usr/bin/arcwell-app differs from target/release/arcwell-app (the binary the tests drove) in $differing bytes"
/usr/bin/arcwell --version >/dev/null || fail "the installed CLI does not run"
# The documented unattended path: `arcwell watch` as a systemd user service in the desktop session.
unit=/usr/lib/systemd/user/arcwell-watch.service
[ -f "$unit" ] || fail "the systemd user unit $unit is not installed"
if command -v systemd-analyze >/dev/null; then
  verified=$(XDG_RUNTIME_DIR="$(mktemp -d)" systemd-analyze --user verify "$unit" 2>&1) \
    && [ -z "$verified" ] || fail "systemd-analyze finds fault with $unit: $verified"
fi
desktop=$(dpkg -L "$pkg" | grep -m 1 '^/usr/share/applications/.*\.desktop$') || true
[ -n "$desktop" ] || fail "no desktop entry installed"
desktop-file-validate "$desktop" || fail "$desktop does not validate"
for px in 16 24 32 48 64 128 256 512; do
  dpkg -L "$pkg" | grep -q "^/usr/share/icons/hicolor/${px}x${px}/apps/.*\.png$" || fail "no ${px}x${px} icon installed"
done

# The right dependencies: every library the installed binaries link comes from a package that the
# .deb's Depends bring in (directly or through theirs).
closure="$work/closure"
apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances "$pkg" | sed -n 's/^ *\(Pre\)\{0,1\}Depends: <\{0,1\}\([^ >:]*\).*/\2/p; s/^\([^ ]\{1,\}\)$/\1/p' \
  | sort -u > "$closure"
for bin in /usr/bin/arcwell-app /usr/bin/arcwell; do
  # ldd's output read once: a pipe from ldd into an awk that exits early can fail with SIGPIPE.
  linked=$(ldd "$bin")
  ! grep -q 'not found' <<< "$linked" || fail "$bin links a library that is not installed: $(grep 'not found' <<< "$linked")"
  for soname in $(objdump -p "$bin" | awk '/NEEDED/ {print $2}'); do
    # "libfoo.so.1 => /path (…)", or for the loader "/lib64/ld-linux-x86-64.so.2 (…)".
    path=$(awk -v s="$soname" '$1 == s {print $3; exit} $1 ~ "/" s "$" {print $1; exit}' <<< "$linked")
    owner=$(dpkg -S "$(realpath "$path")" 2>/dev/null | head -n 1 | cut -d: -f1) || true
    [ -n "$owner" ] || owner=$(dpkg -S "$path" 2>/dev/null | head -n 1 | cut -d: -f1) || true
    [ -n "$owner" ] || fail "$soname ($path) of $bin belongs to no package"
    grep -qx "$owner" "$closure" || fail "$bin links $soname from $owner, which the package's Depends do not bring in ($(dpkg-deb -f "$deb" Depends))"
  done
done
echo "depends: $(dpkg-deb -f "$deb" Depends)"

# Launch it as the desktop would: the Exec line of the entry, on the demo practice, under Xvfb.
exec_line=$(sed -n 's/^Exec=//p' "$desktop" | head -n 1)
exec_bin=${exec_line%% *}
[ "$(command -v "$exec_bin")" = /usr/bin/arcwell-app ] || fail "the desktop entry runs $exec_line, not the installed app"
mkdir -p "$work/home" "$work/runtime"; chmod 700 "$work/runtime"
cat > "$work/launch.sh" <<INNER
set -euo pipefail
HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime" ARCWELL_DEMO=1 ARCWELL_KEYCHAIN=off NO_AT_BRIDGE=1 \
  $exec_bin > "$work/app.log" 2>&1 & app=\$!
window=""
for _ in \$(seq 1 60); do
  window=\$(xdotool search --onlyvisible --name '^Arcwell' 2>/dev/null | head -n 1) && [ -n "\$window" ] && break
  sleep 0.5
done
[ -n "\$window" ] || { echo "no Arcwell window appeared in 30 s"; cat "$work/app.log"; kill \$app; exit 1; }
# Not blank: the dashboard of the demo practice has text, lists and colours. Polled until it shows.
for _ in \$(seq 1 40); do
  import -window "\$window" "$work/window.png"
  colours=\$(identify -format '%k' "$work/window.png")
  spread=\$(identify -format '%[fx:int(standard_deviation*1000)]' "$work/window.png")
  [ "\$colours" -ge 200 ] && [ "\$spread" -ge 50 ] && break
  sleep 0.5
done
echo "window \$window: \$(identify -format '%wx%h' "$work/window.png"), \$colours colours, spread \$spread/1000"
[ "\$colours" -ge 200 ] && [ "\$spread" -ge 50 ] || { echo "the window stayed blank or nearly so"; cat "$work/app.log"; kill \$app; exit 1; }
# Quit as a person does: the window's close button (WM_DELETE_WINDOW; no tray here, so closing quits).
# Pressed again after 4 s, as a person would: in 3 launches of about 20 right after install, the
# first request went unanswered with the app idle in GTK's main loop (its threads, dumped with gdb,
# waiting on nothing of Arcwell's). Why that request is lost is not known yet.
for _ in 1 2 3; do
/usr/bin/python3 - "\$window" <<'PY'
import sys
from Xlib import X, display, protocol
d = display.Display()
w = d.create_resource_object('window', int(sys.argv[1]))
protocols, delete = d.intern_atom('WM_PROTOCOLS'), d.intern_atom('WM_DELETE_WINDOW')
w.send_event(protocol.event.ClientMessage(window=w, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0])))
d.flush()
PY
for _ in \$(seq 1 16); do kill -0 \$app 2>/dev/null || break; sleep 0.25; done
kill -0 \$app 2>/dev/null || break
done
if kill -0 \$app 2>/dev/null; then echo "the app did not quit when its window was closed"; kill \$app; exit 1; fi
wait \$app || true
INNER
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- bash "$work/launch.sh" 2> "$work/session.log" \
  || { cat "$work/session.log"; fail "the installed app did not show its dashboard"; }
# Quitting closed the practice, which brings the audit anchor (it follows commits at most every 5 s;
# the demo was written in a burst) to the trail's newest entry: past it, only the installed CLI's own
# unlock, recorded as it opens the practice to list the entries.
head_file=$(find "$work/home" -name practice.audit-head | head -n 1)
[ -n "$head_file" ] || fail "the demo practice has no audit anchor under $work/home"
anchored=$(sed -n 2p "$head_file" | cut -d' ' -f1)
past=$(ARCWELL_DATA_DIR="$(dirname "$head_file")" ARCWELL_KEYCHAIN=off ARCWELL_PASSPHRASE='arcwell demo practice' \
  /usr/bin/arcwell --json audit list --limit 5 \
  | /usr/bin/python3 -c 'import json, sys; print(" ".join(e["action"] for e in json.load(sys.stdin) if e["seq"] > int(sys.argv[1])))' "$anchored")
[ "$past" = unlock ] || fail "after quitting, the audit anchor (entry $anchored) lags the trail; entries past it: $past"
echo "quit by closing the window: the audit anchor names the newest entry ($anchored)"

mkdir -p "$ROOT/target/e2e-screenshots"
cp "$work/window.png" "$ROOT/target/e2e-screenshots/installed-deb.png"
echo "package test passed: installed, launched from its desktop entry, dashboard shown (target/e2e-screenshots/installed-deb.png)"
