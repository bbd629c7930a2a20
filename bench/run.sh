#!/usr/bin/env bash
# Benchmark of the hot path and the store (issue 8's targets), on this machine:
# 1. a fresh store preloaded with about a million synthetic events (`docent simulate`): bytes on
#    disk per event;
# 2. `docent serve` on it: time until /healthz answers;
# 3. wrk -t2 -c256 against a bare actix page of the landing page's size (examples/bare_page.rs:
#    no middleware), docent's /healthz (the middleware stack), the landing page /s/NCA1 (scan
#    logged durably) and the open redirect /go/NCA1, each without and with
#    `Accept-Encoding: gzip, br`;
# 4. a backup of the whole store (`docent backup`) while wrk loads /s/NCA1: p99 during it;
# 5. server memory after all of it, and bytes per event again.
#
#   bench/run.sh            # writes bench/results.md and prints it
#   RUNS=3 DURATION=10s bench/run.sh
#   DOCENT_BIN=/elsewhere/release/docent OUT=/tmp/before.md bench/run.sh   # another build
#
# Needs wrk (Debian package wrk). Sends traffic to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

RUNS=${RUNS:-1}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-256}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --example bare_page
if [ -z "${DOCENT_BIN:-}" ]; then
  cargo build --release --quiet --bin docent
fi
# DOCENT_BIN measures another build (an older commit's, for a before/after in one sitting).
BIN=${DOCENT_BIN:-$TARGET/release/docent}
DATA=$(mktemp -d)
PORT=${PORT:-18080}
BARE_PORT=$((PORT + 1))
UA="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI Language/zh_CN"
OUT=${OUT:-bench/results.md}
SERVER= BARE=
trap 'kill $SERVER $BARE 2>/dev/null || true; rm -rf "$DATA"' EXIT

since() { awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN { printf "%.2f", a - b }'; }

echo "preloading about 1,000,000 events..." >&2
START=$(date +%s.%N)
SIMULATED=$("$BIN" simulate --data "$DATA" --days 60 --per-day 14000 --future --exhibits exhibits)
LOAD_S=$(since "$START")
EVENTS=$(echo "$SIMULATED" | sed 's/.*: \([0-9]*\) synthetic.*/\1/')
DISK_BEFORE=$(du -sb "$DATA" | cut -f1)
echo "$SIMULATED; $(du -sh "$DATA" | cut -f1) on disk" >&2

START=$(date +%s.%N)
DOCENT_ADMIN_PASSWORD=bench-password-long "$BIN" serve --bind "127.0.0.1:$PORT" --data "$DATA" --cache-mb 16 >/dev/null 2>&1 &
SERVER=$!
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.02; done
READY_S=$(since "$START")

SIZE=$(curl -fs -A "$UA" "http://127.0.0.1:$PORT/s/NCA1" | wc -c)
"$TARGET/release/examples/bare_page" "127.0.0.1:$BARE_PORT" "$SIZE" &
BARE=$!
sleep 0.5

# run URL [wrk options]: "req/s p50_ms p99_ms non2xx"
. bench/wrk.sh

median() { sort -n | awk '{a[NR] = $0} END {print a[int((NR + 1) / 2)]}'; }

declare -A RPS P50 P99 BAD
ROWS=(bare healthz landing open)
for enc in identity compressed; do
  for name in "${ROWS[@]}"; do
    case $name in
      bare) url="http://127.0.0.1:$BARE_PORT/" ;;
      healthz) url="http://127.0.0.1:$PORT/healthz" ;;
      landing) url="http://127.0.0.1:$PORT/s/NCA1" ;;
      open) url="http://127.0.0.1:$PORT/go/NCA1" ;;
    esac
    extra=()
    [ "$enc" = compressed ] && extra=(-H "Accept-Encoding: gzip, br")
    runs=()
    for _ in $(seq "$RUNS"); do runs+=("$(run "$url" "${extra[@]}")"); echo "$name $enc: ${runs[-1]}" >&2; done
    key="$name/$enc"
    RPS[$key]=$(printf '%s\n' "${runs[@]}" | awk '{print $1}' | median)
    P50[$key]=$(printf '%s\n' "${runs[@]}" | awk '{print $2}' | median)
    P99[$key]=$(printf '%s\n' "${runs[@]}" | awk '{print $3}' | median)
    BAD[$key]=$(printf '%s\n' "${runs[@]}" | awk '{s += $4} END {print s}')
  done
done

# A backup of everything while the landing page is under load.
BACKUP_FILE="$DATA.backup"
wrk -t2 -c"$CONNECTIONS" -d15s --latency -H "User-Agent: $UA" "http://127.0.0.1:$PORT/s/NCA1" > "$DATA.wrk" &
WRK=$!
sleep 3
START=$(date +%s.%N)
DOCENT_ADMIN_PASSWORD=bench-password-long "$BIN" backup --bind "127.0.0.1:$PORT" --out "$BACKUP_FILE" >&2
BACKUP_S=$(since "$START")
BACKUP_BYTES=$(stat -c %s "$BACKUP_FILE")
wait "$WRK"
BACKUP_P99=$(awk '$1 == "99%" {print $2}' "$DATA.wrk")
BACKUP_RPS=$(awk '/Requests\/sec/ {print $2}' "$DATA.wrk")
rm -f "$BACKUP_FILE" "$DATA.wrk"

RSS_KB=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status")
HWM_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
METRICS=$(curl -fs -u bench:bench-password-long "http://127.0.0.1:$PORT/admin/metrics")
BATCH=$(echo "$METRICS" | awk '
  /^docent_store_batch_seconds_sum/ {s = $2} /^docent_store_batch_seconds_count/ {n = $2}
  /^docent_store_batch_events_sum/ {e = $2}
  END { if (n > 0) printf "%.2f ms and %.1f events per durable batch (%d batches)", 1000 * s / n, e / n, n }')
UNCONFIRMED=$(echo "$METRICS" | awk '/^docent_scans_unconfirmed_total/ {print $2}')
FAILURES=$(echo "$METRICS" | awk '/^docent_log_failures_total/ {print $2}')
STORED=$(curl -fs -u bench:bench-password-long "http://127.0.0.1:$PORT/admin/api/stats/nature-covers" | sed 's/.*"totals":{"scans":\([0-9]*\).*/\1/')
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
SERVER=
DISK_AFTER=$(du -sb "$DATA" | cut -f1)
TOTAL_EVENTS=$("$BIN" backup --bind 127.0.0.1:1 --data "$DATA" --out "$DATA.count" 2>/dev/null | sed 's/.*(\([0-9]*\) events.*/\1/')
rm -f "$DATA.count"

{
  echo "## docent benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, \`bench/run.sh\`)"
  echo
  echo "wrk -t2 -c$CONNECTIONS -d$DURATION --latency, $RUNS run(s) each (median); client and servers share the machine."
  echo "The store held $EVENTS synthetic events before the runs (\`docent simulate --days 60 --per-day 14000 --future\`, $LOAD_S s)."
  echo "\"bare\" is examples/bare_page.rs: actix-web with no middleware serving $SIZE static bytes (the landing page's size)."
  echo
  echo "| route | encoding | req/s | share of bare | p50 | p99 | non-2xx |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for enc in identity compressed; do
    for name in "${ROWS[@]}"; do
      key="$name/$enc"
      share=$(awk -v a="${RPS[$key]}" -v b="${RPS[bare/$enc]}" 'BEGIN { printf "%.2f", a / b }')
      echo "| $name | $enc | ${RPS[$key]} | $share | ${P50[$key]} ms | ${P99[$key]} ms | ${BAD[$key]} |"
    done
  done
  echo
  echo "- Serving (first /healthz answer) $READY_S s after start, with $EVENTS events stored."
  echo "- Disk: $DISK_BEFORE bytes for $EVENTS events after the preload ($(awk -v a="$DISK_BEFORE" -v b="$EVENTS" 'BEGIN { printf "%.0f", a / b }') bytes/event);"
  echo "  $DISK_AFTER bytes for $TOTAL_EVENTS events after the load ($(awk -v a="$DISK_AFTER" -v b="$TOTAL_EVENTS" 'BEGIN { printf "%.0f", a / b }') bytes/event)."
  echo "- Backup of the whole store under load: ${BACKUP_S} s, $BACKUP_BYTES bytes; the landing page meanwhile: $BACKUP_RPS req/s, p99 $BACKUP_P99."
  echo "- Server memory after everything: RSS $((RSS_KB / 1024)) MB, peak $((HWM_KB / 1024)) MB (sled cache 16 MB)."
  echo "- Group commit: $BATCH. Unconfirmed scans: ${UNCONFIRMED:-?}; logging failures: ${FAILURES:-?}; human scans counted: $STORED."
} > "$OUT"
cat "$OUT"
