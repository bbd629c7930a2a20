#!/usr/bin/env bash
# Before and after in one sitting (issue 25): two or more docent builds served side by side on
# empty stores, and a bare actix page of the landing page's size, loaded in interleaved rounds
# (each round: the bare page, then every build on every path) so that a change in the
# machine's load hits all of them alike. wrk -t2 -cC for DURATION each. Prints, per path and
# build, the mean req/s, its share of the bare page in the same rounds, and the worst p99.
#
#   bench/ab.sh /tmp/docent-before /tmp/docent-after
#   ROUNDS=5 DURATION=5s PATHS="/s/NCA1 /go/NCA1" C=256 bench/ab.sh A B
#
# Needs wrk (Debian package wrk). Sends traffic to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ $# -ge 1 ] || { echo "usage: bench/ab.sh DOCENT_BIN..." >&2; exit 2; }
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
CONNECTIONS=${C:-256}
PATHS=${PATHS:-/s/NCA1 /go/NCA1}
PORT=${PORT:-18200}
TARGET=${CARGO_TARGET_DIR:-target}
BARE_BIN=${BARE_BIN:-$TARGET/release/examples/bare_page}
[ -x "$BARE_BIN" ] || { cargo build --release --quiet --example bare_page; BARE_BIN=$TARGET/release/examples/bare_page; }
UA="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI Language/zh_CN"
PIDS=() DIRS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "${DIRS[@]}"' EXIT

BINS=("$@")
for i in "${!BINS[@]}"; do
  data=$(mktemp -d)
  DIRS+=("$data")
  DOCENT_ADMIN_PASSWORD=bench-password-long "${BINS[$i]}" serve --bind "127.0.0.1:$((PORT + i))" \
    --data "$data" --cache-mb 16 >/dev/null 2>&1 &
  PIDS+=($!)
done
for i in "${!BINS[@]}"; do
  until curl -fs "http://127.0.0.1:$((PORT + i))/healthz" >/dev/null 2>&1; do sleep 0.02; done
done
SIZE=$(curl -fs -A "$UA" "http://127.0.0.1:$PORT/s/NCA1" | wc -c)
BARE_PORT=$((PORT + 100))
"$BARE_BIN" "127.0.0.1:$BARE_PORT" "$SIZE" &
PIDS+=($!)
sleep 0.5

. bench/wrk.sh
declare -A SUM WORST
for round in $(seq "$ROUNDS"); do
  read -r rps _ p99 _ < <(run "http://127.0.0.1:$BARE_PORT/")
  echo "round $round bare: $rps req/s, p99 $p99 ms" >&2
  SUM[bare]=$(( ${SUM[bare]:-0} + rps ))
  for path in $PATHS; do
    for i in "${!BINS[@]}"; do
      read -r rps _ p99 bad < <(run "http://127.0.0.1:$((PORT + i))$path")
      echo "round $round $path ${BINS[$i]}: $rps req/s, p99 $p99 ms, non-2xx $bad" >&2
      key="$path $i"
      SUM[$key]=$(( ${SUM[$key]:-0} + rps ))
      WORST[$key]=$(awk -v a="${WORST[$key]:-0}" -v b="$p99" 'BEGIN { print (b > a ? b : a) }')
    done
  done
done
bare=$(( SUM[bare] / ROUNDS ))
echo "bare page ($SIZE bytes): $bare req/s, mean of $ROUNDS rounds of $DURATION, wrk -t2 -c$CONNECTIONS"
echo "| path | build | req/s | of the bare page | worst p99 ms |"
echo "|---|---|---:|---:|---:|"
for path in $PATHS; do
  for i in "${!BINS[@]}"; do
    key="$path $i"
    awk -v p="$path" -v b="${BINS[$i]}" -v s="${SUM[$key]}" -v r="$ROUNDS" -v bare="$bare" -v w="${WORST[$key]}" \
      'BEGIN { printf "| `%s` | %s | %d | %.2f | %s |\n", p, b, s / r, s / r / bare, w }'
  done
done
