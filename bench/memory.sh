#!/usr/bin/env bash
# Server memory (VmRSS) on a store preloaded with about a million events: at start, after 20,
# 40 and 60 s of wrk -c256 on the landing page, after a whole-store backup, after healthz load.
# Extra arguments are environment settings for the server, e.g. MALLOC_ARENA_MAX=2.
#
#   bench/memory.sh                      # glibc's default
#   bench/memory.sh MALLOC_ARENA_MAX=2
#
# Needs wrk. Sends traffic to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin docent
BIN=${CARGO_TARGET_DIR:-target}/release/docent
PORT=${PORT:-18100}
PASSWORD=bench-password-long
DATA=$(mktemp -d)
SERVER=
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DATA" "$DATA.backup"' EXIT
"$BIN" simulate --data "$DATA" --days 60 --per-day 14000 --future --exhibits exhibits >/dev/null
env "$@" DOCENT_ADMIN_PASSWORD=$PASSWORD "$BIN" serve --bind 127.0.0.1:$PORT --data "$DATA" --cache-mb 16 >/dev/null 2>&1 &
SERVER=$!
until curl -fs http://127.0.0.1:$PORT/healthz >/dev/null 2>&1; do sleep 0.05; done
rss() { echo "$1: $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' /proc/$SERVER/status)"; }
UA="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI Language/zh_CN"
rss start
for s in 20 40 60; do
  wrk -t2 -c256 -d20s -H "User-Agent: $UA" http://127.0.0.1:$PORT/s/NCA1 >/dev/null
  rss "after ${s} s of load"
done
DOCENT_ADMIN_PASSWORD=$PASSWORD "$BIN" backup --bind 127.0.0.1:$PORT --out "$DATA.backup" >/dev/null
rss "after a backup"
wrk -t2 -c256 -d10s -H "User-Agent: $UA" http://127.0.0.1:$PORT/healthz >/dev/null
rss "after healthz load"
