#!/usr/bin/env bash
# QR images from the public route against a bare actix page (issue 25: `/qr/` at >= 0.50 of
# the bare page once the image is cached). wrk -t2 -c256 in interleaved rounds: the bare page
# of the SVG's size, /qr/NCA1.svg and /qr/NCA1.png?size=40, on an empty store.
#
#   bench/qr.sh                                   # this checkout's release build
#   DOCENT_BIN=/elsewhere/docent bench/qr.sh      # another build (before/after in one sitting)
#   ROUNDS=3 DURATION=5s bench/qr.sh
#
# Needs wrk (Debian package wrk). Sends traffic to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --example bare_page
[ -n "${DOCENT_BIN:-}" ] || cargo build --release --quiet --bin docent
BIN=${DOCENT_BIN:-$TARGET/release/docent}
DATA=$(mktemp -d)
PORT=${PORT:-18180}
BARE_PORT=$((PORT + 1))
SERVER= BARE=
trap 'kill $SERVER $BARE 2>/dev/null || true; rm -rf "$DATA"' EXIT
DOCENT_ADMIN_PASSWORD=bench-password-long "$BIN" serve --bind "127.0.0.1:$PORT" --data "$DATA" \
  --base-url https://docent.example.edu >/dev/null 2>&1 &
SERVER=$!
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.02; done
SIZE=$(curl -fs "http://127.0.0.1:$PORT/qr/NCA1.svg" | wc -c)
"$TARGET/release/examples/bare_page" "127.0.0.1:$BARE_PORT" "$SIZE" &
BARE=$!
sleep 0.5
curl -fs "http://127.0.0.1:$PORT/qr/NCA1.png?size=40" >/dev/null
rps() { wrk -t2 -c256 -d"$DURATION" "$1" | awk '/Requests\/sec/ { printf "%d", $2 }'; }
declare -A sum
for round in $(seq "$ROUNDS"); do
  for name in bare svg png; do
    case $name in
      bare) url="http://127.0.0.1:$BARE_PORT/" ;;
      svg) url="http://127.0.0.1:$PORT/qr/NCA1.svg" ;;
      png) url="http://127.0.0.1:$PORT/qr/NCA1.png?size=40" ;;
    esac
    r=$(rps "$url")
    echo "round $round $name: $r req/s" >&2
    sum[$name]=$(( ${sum[$name]:-0} + r ))
  done
done
bare=$(( sum[bare] / ROUNDS ))
printf '| what | req/s (mean of %s) | of the bare page |\n|---|---:|---:|\n' "$ROUNDS"
for name in bare svg png; do
  mean=$(( sum[$name] / ROUNDS ))
  awk -v n="$name" -v m="$mean" -v b="$bare" 'BEGIN { printf "| %s | %d | %.2f |\n", n, m, m / b }'
done
