#!/usr/bin/env bash
# Load test of `policylog serve` on loopback (issue #7): wrk for 10 s against
# /api/state?as_of=2023-12-31 on the curated log, then 10 s against /api/state with a
# different date on almost every request (so the response cache rarely helps), and
# reports requests/s and p99 latency. Target on a 2-core machine: at least 5,000
# requests/s for /api/state with p99 under 20 ms. Traffic goes to 127.0.0.1 only, and
# every run is bounded in time.
#
#   scripts/serve-load.sh            report
#   SERVE_LOAD_CHECK=1 scripts/...   also fail when the cached figure misses the target
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${SERVE_LOAD_SECONDS:-10}
connections=${SERVE_LOAD_CONNECTIONS:-32}

if ! command -v wrk >/dev/null; then
    echo "== installing wrk (Debian)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq wrk >/dev/null
fi

cargo build --locked --release --quiet
bin=target/release/policylog

tmp=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

"$bin" --db "$tmp/load.db" ingest events >/dev/null
"$bin" --db "$tmp/load.db" serve --addr 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
server=$!
for _ in $(seq 100); do
    grep -q '^listening on ' "$tmp/serve.out" 2>/dev/null && break
    sleep 0.1
done
url=$(sed -n '1s/^listening on //p' "$tmp/serve.out")
[ -n "$url" ] || { cat "$tmp/serve.err" >&2; exit 1; }

cat >"$tmp/days.lua" <<'LUA'
-- A different as_of on almost every request: 2,000 days from 2019-01-01.
local n = 0
request = function()
  n = n + 1
  local day = os.date("!%Y-%m-%d", 1546300800 + ((n * 7919) % 2000) * 86400)
  return wrk.format("GET", "/api/state?as_of=" .. day)
end
LUA

# "Requests/sec" and the 99% line of wrk --latency, as "<req/s> <p99 in ms>".
figures() {
    awk '
        /Requests\/sec:/ { rps = $2 }
        $1 == "99%" {
            v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
            if (unit == "us") v = v / 1000; else if (unit == "s") v = v * 1000; else if (unit == "m") v = v * 60000
            p99 = v
        }
        END { printf "%.0f %.2f\n", rps, p99 }' "$1"
}

echo "== machine: $(nproc) cores; wrk -t2 -c$connections -d${duration}s against $url"
# Warm up: the first request folds the log and fills the cache.
wrk -t1 -c1 -d1s "$url/api/state?as_of=2023-12-31" >/dev/null

wrk -t2 -c"$connections" -d"${duration}s" --timeout 5s --latency \
    "$url/api/state?as_of=2023-12-31" >"$tmp/cached.txt"
read -r cached_rps cached_p99 < <(figures "$tmp/cached.txt")

wrk -t2 -c"$connections" -d"${duration}s" --timeout 5s --latency -s "$tmp/days.lua" \
    "$url" >"$tmp/uncached.txt"
read -r uncached_rps uncached_p99 < <(figures "$tmp/uncached.txt")

errors=$(grep -h -E 'Non-2xx|Socket errors' "$tmp/cached.txt" "$tmp/uncached.txt" || true)

echo
echo "| request | requests/s | p99 latency |"
echo "|---|---:|---:|"
echo "| /api/state?as_of=2023-12-31 (same date: cached) | $cached_rps | $cached_p99 ms |"
echo "| /api/state?as_of=<2,000 dates> (mostly folded anew) | $uncached_rps | $uncached_p99 ms |"
if [ -n "$errors" ]; then
    echo
    echo "errors during the runs:"
    echo "$errors"
fi

kill -TERM "$server"
wait "$server"
server=""

if [ "${SERVE_LOAD_CHECK:-0}" = 1 ]; then
    awk -v r="$cached_rps" -v p="$cached_p99" 'BEGIN { exit !(r >= 5000 && p < 20) }' || {
        echo "FAILED - /api/state: $cached_rps requests/s, p99 $cached_p99 ms; the target is >= 5000 and < 20 ms" >&2
        exit 1
    }
    [ -z "$errors" ] || { echo "FAILED - errors during the load" >&2; exit 1; }
    echo "ok - /api/state meets the target (>= 5000 requests/s, p99 < 20 ms)"
fi
