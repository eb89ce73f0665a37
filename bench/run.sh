#!/usr/bin/env bash
# Side-by-side benchmarks of OutboundGuard against Postfix, rspamd and SpamAssassin on this machine.
#   bench/run.sh [quick|full|smoke] [--only protocol,relay,scale,scoring,micro,profile]
# quick: about 10 minutes on 2 cores; full: longer runs and every micro benchmark; smoke: seconds per
# comparison, for CI (exits non-zero when the harness itself fails). Everything runs on 127.0.0.1 in a temp
# folder that is removed at the end; every process started is stopped, also on Ctrl-C.
# Results: bench/results/<timestamp>.json and bench/results/<timestamp>/*.png.
set -euo pipefail
mode="${1:-quick}"
shift || true
case "$mode" in quick|full|smoke) ;; *) echo "usage: bench/run.sh [quick|full|smoke] [--only SECTIONS]" >&2; exit 2 ;; esac
root="$(cd "$(dirname "$0")/.." && pwd)"
python=/usr/bin/python3
[ -x "$python" ] || python=python3

for tool in /usr/sbin/smtp-source /usr/sbin/smtp-sink /usr/sbin/postfix; do
  [ -x "$tool" ] || { echo "missing $tool: apt-get install postfix" >&2; exit 2; }
done
if [ "$(id -u)" != 0 ]; then
  echo "bench/run.sh runs as root (smtp-sink -u postfix, a private Postfix instance, spamd -u)" >&2
  exit 2
fi

work="$(mktemp -d /tmp/og-bench.XXXXXX)"
chmod 755 "$work"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$root/bench/results"
driver_pid=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$driver_pid" ] && kill -0 "$driver_pid" 2>/dev/null; then
    kill -TERM "$driver_pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$driver_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$driver_pid" 2>/dev/null || true
  fi
  # Backstop: whatever the driver started and did not stop (each in its own process group).
  for dir in "$work"/postfix-*; do
    [ -f "$dir/main.cf" ] && /usr/sbin/postfix -c "$dir" stop >/dev/null 2>&1 || true
  done
  for pg in "$work"/og-*/postgres/pgdata/postmaster.pid; do
    [ -f "$pg" ] && kill -TERM "$(head -1 "$pg")" 2>/dev/null || true
  done
  if [ -f "$work/pids" ]; then
    while read -r pid; do kill -TERM -- "-$pid" 2>/dev/null || true; done < "$work/pids"
    sleep 1
    while read -r pid; do kill -KILL -- "-$pid" 2>/dev/null || true; done < "$work/pids"
  fi
  if [ "${KEEP_BENCH_WORK:-}" = 1 ]; then echo "work folder kept: $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

echo "== build (Release)"
build() {
  local out
  if ! out="$(dotnet build "$1" -c Release -v q -nologo 2>&1)"; then
    echo "$out" | grep -E "error" | sort -u >&2
    echo "build of $1 failed" >&2
    exit 1
  fi
}
build "$root/src/OutboundGuard/OutboundGuard.csproj"
build "$root/bench/OutboundGuard.Bench.Harness/OutboundGuard.Bench.Harness.csproj"
build "$root/bench/OutboundGuard.Benchmarks/OutboundGuard.Benchmarks.csproj"
"$root/scripts/fetch-corpus.sh" >/dev/null 2>&1 || echo "corpus not available: the scoring comparison uses generated mail only"

"$python" -u "$root/bench/harness/driver.py" --mode "$mode" --root "$root" --work "$work" \
  --results "$root/bench/results" --stamp "$stamp" "$@" &
driver_pid=$!
wait "$driver_pid"
