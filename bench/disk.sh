#!/usr/bin/env bash
# Bytes on disk per event (issue 25): a fresh data folder filled by `docent simulate` with
# about a million events (60 days of 14,000 scans a day and what follows them), then `du -sb`
# of the folder once simulate has closed the store. RUNS times, each on a new folder with its
# own seed (the first run uses simulate's default, 7).
#
#   bench/disk.sh                            # builds release, prints one line per run
#   DOCENT_BIN=/tmp/docent-before bench/disk.sh
#   RUNS=3 DAYS=600 bench/disk.sh            # about 10 million events
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-2}
DAYS=${DAYS:-60}
PER_DAY=${PER_DAY:-14000}
if [ -z "${DOCENT_BIN:-}" ]; then
  cargo build --release --quiet --bin docent
  DOCENT_BIN=${CARGO_TARGET_DIR:-target}/release/docent
fi
for run in $(seq 1 "$RUNS"); do
  DATA=$(mktemp -d)
  START=$(date +%s.%N)
  OUT=$("$DOCENT_BIN" simulate --data "$DATA" --days "$DAYS" --per-day "$PER_DAY" --future \
    --exhibits exhibits --seed $((6 + run)))
  TOOK=$(awk -v a="$(date +%s.%N)" -v b="$START" 'BEGIN { printf "%.1f", a - b }')
  EVENTS=$(echo "$OUT" | sed 's/.*: \([0-9]*\) synthetic.*/\1/')
  BYTES=$(du -sb "$DATA" | cut -f1)
  awk -v r="$run" -v e="$EVENTS" -v b="$BYTES" -v t="$TOOK" \
    'BEGIN { printf "run %d: %d events, %d bytes on disk, %.1f bytes/event, written in %s s\n", r, e, b, b / e, t }'
  rm -rf "$DATA"
done
