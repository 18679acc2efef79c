#!/usr/bin/env bash
# Measures the reminder scheduler as it runs for real: how late `arcwell watch` raises desktop
# notifications against their due times, and how often it wakes when nothing is due.
#   bash scripts/measure/reminders.sh [N_CHECKINS] [IDLE_SECONDS]
# Needs a built `target/debug/arcwell` (or ARCWELL=path) and dbus-run-session, dbus-monitor.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ARCWELL="${ARCWELL:-$ROOT/target/debug/arcwell}"
N="${1:-10}"
IDLE="${2:-60}"
WORK="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT; echo "work dir: $WORK"
export ARCWELL_KEYCHAIN=off ARCWELL_PASSPHRASE="measure only, invented data" ARCWELL_DATA_DIR="$WORK/practice"

aw() { "$ARCWELL" "$@"; }
aw --json init --name "Measure Facilitator" --timezone UTC >/dev/null
aw reminders --quiet-hours off >/dev/null
pid=$(aw --json participant add "Invented Person" | jq -r .id)
arc=$(aw --json arc open "$pid" | jq -r .id)
for phase in preparation administration integration; do aw arc advance "$arc" "$phase" >/dev/null; done

# Idle: an empty schedule, then one check-in an hour away (the scheduler sleeps on the timerfd).
idle_wakeups() {
  "$ARCWELL" watch >/dev/null 2>&1 & local w=$!  # the binary itself, so that $! is its pid
  sleep 3
  local before after
  before=$(awk '/voluntary_ctxt_switches/ {s+=$2} END {print s}' /proc/$w/task/*/status)
  sleep "$IDLE"
  after=$(awk '/voluntary_ctxt_switches/ {s+=$2} END {print s}' /proc/$w/task/*/status)
  kill -TERM $w; wait $w || true
  echo $((after - before))
}
echo "idle, nothing due: $(idle_wakeups) context switches of arcwell watch in ${IDLE} s"
aw checkin add "$arc" --at "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" --purpose "An hour away" >/dev/null
echo "idle, next check-in an hour away: $(idle_wakeups) context switches of arcwell watch in ${IDLE} s"

# Lateness: N check-ins due 4 s apart, each its own notification, the first after all are added
# (each `checkin add` opens the practice with the passphrase: about 0.7 s).
start=$(( $(date +%s) + N + 5 ))
for i in $(seq 1 "$N"); do
  aw checkin add "$arc" --at "$(date -u -d "@$((start + 6 + 4 * i))" +%Y-%m-%dT%H:%M:%SZ)" --purpose "Due $i" >/dev/null
done
cat > "$WORK/run.sh" <<INNER
dbus-monitor --session "type='method_call',interface='org.freedesktop.Notifications',member='Notify'" > "$WORK/monitor.txt" 2>/dev/null &
sleep 0.5
"$ARCWELL" --json watch > "$WORK/watch.jsonl" 2>/dev/null & w=\$!
sleep $((N + 10 + 4 * N))
kill -TERM \$w; wait \$w || true
INNER
# With DISPLAY set (e.g. Xvfb) the session bus activates the desktop's notification server (dunst);
# without one the Notify calls fail, which the monitor sees all the same.
dbus-run-session -- bash "$WORK/run.sh" 2>/dev/null
# Due times (the check-ins' due instants) against the Notify calls' bus timestamps, in order.
aw --json checkin list --all | jq -r '.[] | select(.purpose | startswith("Due ")) | .due.utc' | sort |
  while read -r d; do date -d "$d" +%s.%N; done > "$WORK/due.txt"
grep -o '^method call time=[0-9.]*' "$WORK/monitor.txt" | cut -d= -f2 > "$WORK/sent.txt"
echo "notifications raised: $(wc -l < "$WORK/sent.txt") for $N check-ins"
paste "$WORK/due.txt" "$WORK/sent.txt" | awk '
  NF == 2 { late = ($2 - $1) * 1000; n++; sum += late; if (late > max) max = late; print "  due " $1 " notified +" sprintf("%.1f", late) " ms" }
  END { if (n) printf "lateness over %d notifications: mean %.1f ms, max %.1f ms\n", n, sum / n, max; else print "no notifications seen" }'
