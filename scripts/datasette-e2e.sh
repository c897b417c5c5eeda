#!/usr/bin/env bash
# End-to-end test of the log in Datasette (issue 23): installs a pinned Datasette into a
# Python venv (target/datasette-venv, kept between runs; DATASETTE_VENV=DIR for another),
# builds the curated log, writes its metadata with `policylog datasette-metadata`, serves
# it with `datasette serve -i` on a free loopback port, and checks through Datasette's
# JSON API that a view answers, that a call's issuers facet as a JSON array, and that
# every table of the log is hidden while the views are listed. The server is stopped on
# exit, whatever happens. About 20 s once pip's cache holds Datasette.
set -euo pipefail
cd "$(dirname "$0")/.."

DATASETTE_VERSION=0.65.5
venv=${DATASETTE_VENV:-target/datasette-venv}

fail() {
    echo "FAILED - $*" >&2
    exit 1
}

if ! "$venv/bin/datasette" --version 2>/dev/null | grep -qx "datasette, version $DATASETTE_VERSION"; then
    echo "== installing datasette $DATASETTE_VERSION into $venv"
    python3 -m venv "$venv" || fail "python3 -m venv $venv (Debian: apt-get install python3-venv)"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "datasette==$DATASETTE_VERSION" ||
        fail "pip install datasette==$DATASETTE_VERSION"
fi

cargo build --locked --quiet
bin=${POLICYLOG_BIN:-target/debug/policylog}

tmp=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        timeout 5 tail --pid="$server" -f /dev/null 2>/dev/null || kill -KILL "$server" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# Datasette names the database after the file's stem: policylog.db is `policylog`.
db="$tmp/policylog.db"
"$bin" --db "$db" --quiet ingest events
"$bin" --db "$db" datasette-metadata --out "$tmp/meta.json"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
"$venv/bin/datasette" serve -i "$db" --metadata "$tmp/meta.json" --host 127.0.0.1 --port "$port" \
    >"$tmp/datasette.out" 2>"$tmp/datasette.err" &
server=$!
for _ in $(seq 150); do
    curl -fsS --max-time 2 "$url/-/versions.json" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.2
done
if ! curl -fsS --max-time 2 "$url/-/versions.json" >/dev/null 2>&1; then
    cat "$tmp/datasette.err" >&2
    fail "Datasette did not start on $url within 30 s"
fi
echo "== Datasette $DATASETTE_VERSION serving the curated log at $url"

get() {
    curl -fsS --max-time 20 "$url$1" -o "$tmp/$2" || fail "GET $1"
}
get "/policylog/memberships.json?_shape=array" memberships.json
get "/policylog/calls.json?_facet_array=issuers" calls.json
get "/policylog/calls.json" calls-suggested.json
get "/policylog.json" database.json
get "/policylog/calls" calls.html

python3 - "$tmp" <<'PY'
import json, sqlite3, sys

tmp = sys.argv[1]
problems = []
def load(name):
    with open(f"{tmp}/{name}") as f:
        return json.load(f)

db = sqlite3.connect(f"file:{tmp}/policylog.db?mode=ro", uri=True)

rows = load("memberships.json")
if not isinstance(rows, list) or not rows or "group_id" not in rows[0]:
    problems.append(f"/policylog/memberships.json?_shape=array gave no membership rows: {str(rows)[:200]}")
else:
    (count,) = db.execute("SELECT count(*) FROM memberships").fetchone()
    if len(rows) != min(count, 100):
        problems.append(f"memberships: Datasette gave {len(rows)} rows, the view has {count}")

# The issuers facet counts each issuer of a call on its own, as json_each does.
facet = load("calls.json").get("facet_results", {}).get("issuers")
expected = dict(db.execute(
    "SELECT value, count(*) FROM calls, json_each(calls.issuers) GROUP BY value").fetchall())
if not facet or facet.get("type") != "array" or not facet.get("results"):
    problems.append(f"_facet_array=issuers gave no array facet: {facet}")
else:
    got = {r["value"]: r["count"] for r in facet["results"]}
    if got != expected:
        problems.append(f"issuers facet {got}, json_each says {expected}")

# The metadata's suggested facets apply without asking.
suggested = load("calls-suggested.json").get("facet_results", {})
if "issuers" not in suggested:
    problems.append(f"the metadata's facets were not applied to calls: {sorted(suggested)}")

listing = load("database.json")
tables = {t["name"]: t["hidden"] for t in listing["tables"]}
views = {v["name"] for v in listing["views"]}
log_tables = {n for (n,) in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
log_views = {n for (n,) in db.execute("SELECT name FROM sqlite_schema WHERE type = 'view'")}
shown = sorted(t for t in log_tables if not tables.get(t, False))
if shown:
    problems.append(f"/policylog.json lists tables not hidden: {shown}")
if views != log_views:
    problems.append(f"/policylog.json views {sorted(views)}, the log has {sorted(log_views)}")

with open(f"{tmp}/calls.html") as f:
    page = f.read()
if "Calls and joint statements" not in page:
    problems.append("the calls page does not show the view's title from the metadata")

for p in problems:
    print("FAILED -", p, file=sys.stderr)
if problems:
    sys.exit(1)
print(f"ok: {len(rows)} membership row(s); issuers faceted as an array ({len(expected)} issuers); "
      f"{len(log_tables)} tables hidden, {len(views)} views listed")
PY
