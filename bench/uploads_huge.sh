#!/usr/bin/env bash
# The landing page while 8 loops upload 12000x12000 PNG covers (issue 19, bounded uploads): the
# goal is a landing p99 under 50 ms. `bench/uploads.sh` with HUGE=1 and 8 uploaders; it builds
# and runs a release binary (or DOCENT_BIN), and prints the same table.
#
#   bench/uploads_huge.sh
set -euo pipefail
cd "$(dirname "$0")/.."
HUGE=1 UPLOADERS=${UPLOADERS:-8} exec bench/uploads.sh
