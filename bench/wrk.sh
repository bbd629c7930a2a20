# Sourced by the benchmark scripts: one wrk run, summarised.
# `run URL [wrk options...]` prints "req/s p50_ms p99_ms non2xx"; uses CONNECTIONS, DURATION, UA.
run() {
  local url=$1; shift
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "User-Agent: $UA" "$@" "$url" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%d %.2f %.2f %s\n", rps, p50, p99, (bad == "" ? 0 : bad) }'
}
