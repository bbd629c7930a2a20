#!/usr/bin/env bash
# Benchmark: release build, docent on the demo with a fresh store preloaded with about a million
# synthetic scans, then wrk against a static baseline page of the same size (the ceiling), the
# landing page with durable logging, and the open redirect; 3 runs each, medians; peak RSS;
# then the organizer statistics at 1,000 and 1,000,000 stored scans.
#
#   bench/run.sh            # writes bench/results.md and prints it
#
# Needs wrk (Debian package wrk). Sends traffic to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet
cargo build --release --quiet --example stats_bench
BIN="$TARGET/release/docent"
DATA=$(mktemp -d)
PORT=${PORT:-18080}
UA="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI Language/zh_CN"
OUT=bench/results.md
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$DATA"' EXIT

echo "preloading about 1,000,000 scans..." >&2
"$BIN" simulate --data "$DATA" --days 60 --per-day 14000 --exhibits exhibits >&2
du -sh "$DATA" >&2

DOCENT_ADMIN_PASSWORD=bench "$BIN" serve --bind "127.0.0.1:$PORT" --data "$DATA" --bench-baseline --cache-mb 16 >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

# Prints "req/s p50_ms p99_ms" for one wrk run.
run() {
  wrk -t2 -c64 -d10s --latency -H "User-Agent: $UA" "http://127.0.0.1:$PORT$1" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%d %.2f %.2f %s\n", rps, p50, p99, (bad == "" ? 0 : bad) }'
}

median() { sort -n | sed -n '2p'; }

declare -A RPS P50 P99 BAD
for name in baseline landing open; do
  case $name in
    baseline) path=/_baseline ;;
    landing) path=/s/NCA1 ;;
    open) path=/go/NCA1 ;;
  esac
  runs=()
  for i in 1 2 3; do runs+=("$(run "$path")"); echo "$name run $i: ${runs[-1]}" >&2; done
  RPS[$name]=$(printf '%s\n' "${runs[@]}" | awk '{print $1}' | median)
  P50[$name]=$(printf '%s\n' "${runs[@]}" | awk '{print $2}' | median)
  P99[$name]=$(printf '%s\n' "${runs[@]}" | awk '{print $3}' | median)
  BAD[$name]=$(printf '%s\n' "${runs[@]}" | awk '{s += $4} END {print s}')
done
RSS_KB=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status")
HWM_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
BATCH=$(curl -fs "http://127.0.0.1:$PORT/metrics" | awk '
  /^docent_store_batch_seconds_sum/ {s = $2} /^docent_store_batch_seconds_count/ {n = $2}
  /^docent_store_batch_events_sum/ {e = $2}
  END { if (n > 0) printf "%.2f ms and %.1f events per durable batch (%d batches)", 1000 * s / n, e / n, n }')
SCANS=$(curl -fs -u bench:bench "http://127.0.0.1:$PORT/admin/api/stats/nature-covers" | sed 's/.*"totals":{"scans":\([0-9]*\).*/\1/')
HEALTH=$(curl -fs "http://127.0.0.1:$PORT/metrics" | awk '/^docent_log_failures_total/ {print $2}')
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true

{
  echo "## docent benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, \`bench/run.sh\`)"
  echo
  echo "wrk -t2 -c64 -d10s --latency, 3 runs each, medians; client and server share the machine."
  echo "The store held about a million synthetic scans before the runs (\`docent simulate\`)."
  echo
  echo "| route | req/s | share of baseline | p50 | p99 | non-2xx |"
  echo "|---|---:|---:|---:|---:|---:|"
  for name in baseline landing open; do
    share=$(awk -v a="${RPS[$name]}" -v b="${RPS[baseline]}" 'BEGIN { printf "%.0f %%", 100 * a / b }')
    echo "| $name | ${RPS[$name]} | $share | ${P50[$name]} ms | ${P99[$name]} ms | ${BAD[$name]} |"
  done
  echo
  echo "Server memory after the runs: RSS $((RSS_KB / 1024)) MB, peak $((HWM_KB / 1024)) MB (sled cache 16 MB), with $SCANS human scans counted (bots excluded)."
  echo "Group commit during the runs: $BATCH. Logging failures: ${HEALTH:-?}."
  echo
  echo "Statistics call (\`cargo run --release --example stats_bench\`):"
  echo
  "$TARGET/release/examples/stats_bench"
} > "$OUT"
cat "$OUT"
