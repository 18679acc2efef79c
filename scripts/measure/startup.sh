#!/usr/bin/env bash
# Measures the release app as a user feels it, beside an empty Tauri 2 window in the same run:
#   - cold start: from the instant before exec to the dashboard painted with the data of a synthetic
#     practice of 10,000 invented participants (opened from a real keychain, as at a normal launch),
#     and to the UI's first script; the empty window's first script and first paint as the baseline
#   - idle memory: the PSS of each one's whole process tree (the app and its WebKit processes) 15 s
#     after start
#   - wake-ups: the voluntary context switches of the app's threads over 60 s with nothing due (a
#     practice with no check-ins), the scheduler's (tokio) threads apart from the rest
#   bash scripts/measure/startup.sh [RUNS]      (default 10 launches of each)
#   ARCWELL_MEASURE_APP=/path/to/arcwell-app bash scripts/measure/startup.sh 5   (another build of
#   the app, e.g. an earlier commit's kept aside for an A/B in one session; it embeds its own UI)
#   EMPTY_ENV="WEBKIT_SKIA_ENABLE_CPU_RENDERING=1" bash scripts/measure/startup.sh 5   (the empty
#   window with that environment: painted the way Arcwell paints, src-tauri/src/rendering.rs)
#   APP_ENV="WEBKIT_SKIA_ENABLE_CPU_RENDERING=0" bash scripts/measure/startup.sh 5   (Arcwell with that
#   environment: here, painted on the GPU as WebKit would choose)
# Needs the test setup (bash scripts/test.sh once, or scripts/setup.sh's test packages).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../setup.sh"
RUNS="${1:-10}"
cd "$ROOT"
say "Building the release app, the CLI, the empty window and the synthetic practice generator"
(cd ui && npm run --silent build)
# The app and the CLI exactly as shipped (one invocation, as the test command builds them), the empty
# window beside them, and the generator on its own (its `synthetic` feature never reaches the app).
cargo build --release --locked -p arcwell-app -p arcwell
cargo build --release --locked -p arcwell-app --example empty_window
cargo build --release --locked -p arcwell --features synthetic --example synthetic_practice
APP="${ARCWELL_MEASURE_APP:-$ROOT/target/release/arcwell-app}"
EMPTY="$ROOT/target/release/examples/empty_window"
WORK="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
echo "work dir: $WORK"
mkdir -p "$WORK/home" "$WORK/runtime" && chmod 700 "$WORK/runtime"
say "Writing the synthetic practice (10,000 participants)"
"$ROOT/target/release/examples/synthetic_practice" "$WORK/practice"
ARCWELL_DATA_DIR="$WORK/empty" ARCWELL_KEYCHAIN=off ARCWELL_PASSPHRASE="measure only" \
  "$ROOT/target/release/arcwell" init --name "Measure Facilitator" --timezone UTC >/dev/null

cat > "$WORK/inner.sh" <<INNER
set -euo pipefail
export HOME="$WORK/home" XDG_RUNTIME_DIR="$WORK/runtime" NO_AT_BRIDGE=1 ARCWELL_STARTUP_PROBE=1
printf 'measure-only' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
# The first unlock with the passphrase puts the key into the keychain; the app then opens from it.
ARCWELL_DATA_DIR="$WORK/practice" ARCWELL_PASSPHRASE="$(printf '%s' "synthetic practice passphrase")" "$ROOT/target/release/arcwell" status >/dev/null
ARCWELL_DATA_DIR="$WORK/empty" ARCWELL_PASSPHRASE="measure only" "$ROOT/target/release/arcwell" status >/dev/null

tree_pids() { local p=\$1; echo \$p; for c in \$(ps -o pid= --ppid \$p); do tree_pids \$c; done; }
pss_kib() { local s=0 v; for p in \$(tree_pids \$1); do v=\$(awk '/^Pss:/ {print \$2}' /proc/\$p/smaps_rollup 2>/dev/null || echo 0); s=\$((s + \${v:-0})); done; echo \$s; }
# Prints each process of the tree with its PSS.
pss_each() { for p in \$(tree_pids \$1); do echo "  \$(cat /proc/\$p/comm): PSS \$(( \$(awk '/^Pss:/ {print \$2}' /proc/\$p/smaps_rollup) / 1024 )) MiB"; done; }
# Waits for "<who>: startup <stage> <epoch µs>" in a log; prints the µs.
wait_mark() { for _ in \$(seq 1 300); do v=\$(sed -n "s/^.*: startup \$2 \\([0-9]*\\)\$/\\1/p" "\$1" | head -n 1); [ -n "\$v" ] && { echo \$v; return; }; sleep 0.05; done; echo "no '\$2' mark in \$1" >&2; cat "\$1" >&2; return 1; }
# Launches \$2 (with data dir \$3), records the instant before exec in \$1.t0, its stderr in \$1.log.
# \$4: extra environment for this launch (EMPTY_ENV, APP_ENV), if any.
launch() { rm -f "\$1.log"; ( printf '%s' "\${EPOCHREALTIME/./}" > "\$1.t0"; ARCWELL_DATA_DIR="\$3" exec env \${4:-} "\$2" 2> "\$1.log" >/dev/null ) & pid=\$!; }
stop() { kill \$1 2>/dev/null; wait \$1 2>/dev/null || true; sleep 1; }

for i in \$(seq 1 $RUNS); do
  launch "$WORK/e" "$EMPTY" "$WORK/practice" "${EMPTY_ENV:-}"
  s=\$(wait_mark "$WORK/e.log" script); p=\$(wait_mark "$WORK/e.log" painted); t0=\$(cat "$WORK/e.t0")
  echo "empty-window run \$i: first script \$(( (s - t0) / 1000 )) ms, painted \$(( (p - t0) / 1000 )) ms"
  [ \$i -eq 1 ] && { sleep \$(( 15 - (s - t0) / 1000000 )); echo "empty-window: PSS 15 s after start \$(( \$(pss_kib \$pid) / 1024 )) MiB over \$(tree_pids \$pid | wc -l) processes"; pss_each \$pid; }
  stop \$pid
  launch "$WORK/a" "$APP" "$WORK/practice" "${APP_ENV:-}"
  d=\$(wait_mark "$WORK/a.log" dashboard); s=\$(wait_mark "$WORK/a.log" script); t0=\$(cat "$WORK/a.t0")
  echo "arcwell-app run \$i: first script \$(( (s - t0) / 1000 )) ms, dashboard painted with data \$(( (d - t0) / 1000 )) ms"
  # Every mark of the run, in ms from the exec: where the time between script and dashboard goes.
  sed -n 's/^arcwell-app: startup \([a-z]*\) \([0-9]*\)\$/\1 \2/p' "$WORK/a.log" | while read -r stage at; do echo "arcwell-app stage \$stage \$(( (at - t0) / 1000 ))"; done
  [ \$i -eq 1 ] && { sleep \$(( 15 - (d - t0) / 1000000 )); echo "arcwell-app: PSS 15 s after start \$(( \$(pss_kib \$pid) / 1024 )) MiB over \$(tree_pids \$pid | wc -l) processes"; pss_each \$pid; }
  stop \$pid
done

# Wake-ups with nothing due: a practice without check-ins, 15 s to settle, then 60 s counted; the
# empty Tauri window the same way, as the baseline (threads named alike: the GTK main thread and
# tao's portal listener are both called after the binary, "arcwell-app" / "empty_window").
# Every thread of the process tree (the app and its WebKit processes), as process/thread.
snap() { for p in \$(tree_pids \$pid); do for t in /proc/\$p/task/*; do printf '%s %s/%s %s\\n' "\${t##*/}" "\$(tr ' ' _ < /proc/\$p/comm)" "\$(tr ' ' _ < \$t/comm)" "\$(awk '/^voluntary_ctxt_switches/ {print \$2}' \$t/status)"; done; done | sort; }
for who in arcwell-app empty-window; do
  if [ \$who = arcwell-app ]; then launch "$WORK/w" "$APP" "$WORK/empty"; else launch "$WORK/w" "$EMPTY" "$WORK/empty"; fi
  sleep 15
  snap > "$WORK/before"; sleep 60; snap > "$WORK/after"
  stop \$pid
  echo "wake-ups of \$who's threads in 60 s with nothing due (voluntary context switches; threads alive throughout):"
  join "$WORK/before" "$WORK/after" | awk '{ d = \$5 - \$3; n[\$2] += d; c[\$2]++ } END { for (k in n) printf "  %-44s %3d threads  %5d\\n", k, c[k], n[k] }' | sort
done
INNER
say "Measuring ($RUNS launches of each, then 60 s idle)"
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- bash "$WORK/inner.sh" | tee "$WORK/result.txt"
awk '/^empty-window run/ {print $6}' "$WORK/result.txt" | sort -n | awk '{a[NR]=$1} END {print "empty window first script: median " a[int((NR+1)/2)] " ms, min " a[1] " ms, max " a[NR] " ms"}'
awk '/^empty-window run/ {print $9}' "$WORK/result.txt" | sort -n | awk '{a[NR]=$1} END {print "empty window painted:      median " a[int((NR+1)/2)] " ms, min " a[1] " ms, max " a[NR] " ms"}'
awk '/^arcwell-app run/ {print $6}' "$WORK/result.txt" | sort -n | awk '{a[NR]=$1} END {print "arcwell-app first script:  median " a[int((NR+1)/2)] " ms, min " a[1] " ms, max " a[NR] " ms"}'
awk '/^arcwell-app run/ {print $12}' "$WORK/result.txt" | sort -n | awk '{a[NR]=$1} END {print "arcwell-app dashboard:     median " a[int((NR+1)/2)] " ms, min " a[1] " ms, max " a[NR] " ms"}'
echo "arcwell-app, each mark's median (ms from exec). On the opening thread: opening → opened (keychain, SQLCipher, migrations, the unlock's audit entry) → warmed (Today read once). In the UI: script → status → data (the dashboard's) → rendered (in the DOM) → frame (the next frame begins) → dashboard (painted):"
for stage in opening opened warmed script status data rendered frame dashboard; do
  awk -v s="$stage" '$1 == "arcwell-app" && $2 == "stage" && $3 == s {print $4}' "$WORK/result.txt" | sort -n | awk -v s="$stage" '{a[NR]=$1} END {if (NR) printf "  %-10s %5d ms\n", s, a[int((NR+1)/2)]}'
done
