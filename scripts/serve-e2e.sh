#!/usr/bin/env bash
# End-to-end test of `policylog serve` (issue #7): installs Debian's chromium and
# chromedriver if they are missing, builds, serves the curated log on loopback, drives the
# page in headless Chromium (scripts/serve-e2e.py) on a desktop and as a phone, writes
# docs/screenshots/timeline.png and docs/screenshots/phone.png, and stops the server with
# SIGTERM, which must end it cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    echo "== installing chromium and chromium-driver (Debian)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver >/dev/null
fi

cargo build --locked --quiet
bin=target/debug/policylog

tmp=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -KILL "$server" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

"$bin" --db "$tmp/e2e.db" ingest events >/dev/null
"$bin" --db "$tmp/e2e.db" serve --addr 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
server=$!
for _ in $(seq 100); do
    grep -q '^listening on ' "$tmp/serve.out" 2>/dev/null && break
    sleep 0.1
done
url=$(sed -n '1s/^listening on //p' "$tmp/serve.out")
if [ -z "$url" ]; then
    echo "the server did not start:" >&2
    cat "$tmp/serve.err" >&2
    exit 1
fi
echo "== serving the curated log at $url"

status=0
python3 scripts/serve-e2e.py --url "$url" --db "$tmp/e2e.db" --bin "$bin" \
    --screenshot docs/screenshots/timeline.png --phone-screenshot docs/screenshots/phone.png || status=$?

kill -TERM "$server"
if ! timeout 10 tail --pid="$server" -f /dev/null; then
    echo "FAILED - the server did not stop within 10 s of SIGTERM" >&2
    status=1
fi
wait "$server" || { echo "FAILED - the server exited with $? on SIGTERM" >&2; status=1; }
server=""
exit "$status"
