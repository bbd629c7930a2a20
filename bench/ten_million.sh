#!/usr/bin/env bash
# The ten-million-event store (issue 25's "keep" row): a fresh data folder filled by
# `docent simulate` (60 days of PER_DAY scans a day and what follows them: about 10 million
# events at the default), then `docent serve` on it with a 16 MB cache:
# - seconds from start until /healthz answers, and the server's RSS then;
# - the organizers' dashboard figures (/admin/api/stats/nature-covers): median and slowest of
#   21 requests, after one warm-up request;
# - RSS after the dashboard, and after DURATION of wrk on the landing page (scans appended).
# Prints one Markdown table row.
#
#   bench/ten_million.sh                              # builds release
#   DOCENT_BIN=/tmp/docent-before bench/ten_million.sh
#   PER_DAY=14000 bench/ten_million.sh                # about 2 million events, quicker
#
# Needs wrk (Debian package wrk) and about 200 MB of disk. Sends traffic to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

PER_DAY=${PER_DAY:-66000}
DURATION=${DURATION:-20s}
PORT=${PORT:-18090}
if [ -z "${DOCENT_BIN:-}" ]; then
  cargo build --release --quiet --bin docent
  DOCENT_BIN=${CARGO_TARGET_DIR:-target}/release/docent
fi
DATA=$(mktemp -d)
SERVER=
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
since() { awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN { printf "%.2f", a - b }'; }
rss_mb() { awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$SERVER/status"; }

echo "preloading 60 days of $PER_DAY scans a day..." >&2
START=$(date +%s.%N)
SIMULATED=$("$DOCENT_BIN" simulate --data "$DATA" --days 60 --per-day "$PER_DAY" --future --exhibits exhibits)
PRELOAD_S=$(since "$START")
EVENTS=$(echo "$SIMULATED" | sed 's/.*: \([0-9]*\) synthetic.*/\1/')
BYTES=$(du -sb "$DATA" | cut -f1)
echo "$SIMULATED; $BYTES bytes on disk, in $PRELOAD_S s" >&2

START=$(date +%s.%N)
DOCENT_ADMIN_PASSWORD=bench-password-long "$DOCENT_BIN" serve --bind "127.0.0.1:$PORT" \
  --data "$DATA" --cache-mb 16 >/dev/null 2>&1 &
SERVER=$!
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.02; done
READY_S=$(since "$START")
RSS_READY=$(rss_mb)

STATS="http://127.0.0.1:$PORT/admin/api/stats/nature-covers"
curl -fs -u bench:bench-password-long -o /dev/null "$STATS"
TIMES=$(for _ in $(seq 21); do
  curl -fs -u bench:bench-password-long -o /dev/null -w '%{time_total}\n' "$STATS"
done | sort -n)
MEDIAN_MS=$(echo "$TIMES" | awk 'NR == 11 { printf "%.2f", $1 * 1000 }')
SLOWEST_MS=$(echo "$TIMES" | awk 'END { printf "%.2f", $1 * 1000 }')
RSS_STATS=$(rss_mb)

UA="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI Language/zh_CN"
CONNECTIONS=256
. bench/wrk.sh
read -r RPS _ < <(run "http://127.0.0.1:$PORT/s/NCA1")
RSS_LOAD=$(rss_mb)

echo "| events | bytes/event | preload s | ready s | RSS ready MB | dashboard median / slowest ms | RSS after dashboard MB | RSS after $DURATION of /s/ MB (req/s) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
awk -v e="$EVENTS" -v b="$BYTES" -v p="$PRELOAD_S" -v r="$READY_S" -v m1="$RSS_READY" \
  -v med="$MEDIAN_MS" -v slow="$SLOWEST_MS" -v m2="$RSS_STATS" -v m3="$RSS_LOAD" -v rps="$RPS" \
  'BEGIN { printf "| %d | %.1f | %s | %s | %s | %s / %s | %s | %s (%d) |\n", e, b / e, p, r, m1, med, slow, m2, m3, rps }'
