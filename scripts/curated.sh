#!/usr/bin/env bash
# What follows from the curated events, kept beside them and checked against them:
#   events/HEAD         the head every machine reaches by ingesting events/ (`policylog head`)
#   snapshots/          the state at the end of every year the events touch (`snapshot --yearly`)
#   docs/timeline.svg   the picture of the whole history (`timeline --svg`)
#   docs/timeline.png   its raster (redrawn by the integration tests' resvg when the SVG changes)
#
#   scripts/curated.sh update   after adding or correcting events: rewrite what changed
#   scripts/curated.sh check    CI: events/ gives exactly what is kept; each failure names the fix
#
# `update` on unchanged data changes no file. The binary is POLICYLOG_BIN if set, else a
# release build of this checkout (built here), else `policylog` on the PATH. Exit codes:
# 0 ok, 1 a check failed, 2 usage, 3 no binary or events/ does not ingest.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

usage() {
    echo "usage: scripts/curated.sh update|check" >&2
    exit 2
}
[[ $# -eq 1 ]] || usage
mode=$1
[[ $mode == update || $mode == check ]] || usage

if [[ -n ${POLICYLOG_BIN:-} ]]; then
    bin=$POLICYLOG_BIN
elif [[ -f Cargo.toml ]]; then
    cargo build --locked --release --quiet --bin policylog
    bin=$root/target/release/policylog
elif ! bin=$(command -v policylog); then
    echo "curated: no policylog binary: set POLICYLOG_BIN or run from a checkout" >&2
    exit 3
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/curated.db
fix="run \`scripts/curated.sh update\`, review \`git diff events/HEAD snapshots/ docs/\` and commit it"

# The log every command below reads: events/ ingested into a scratch file.
if ! "$bin" --db "$db" --quiet ingest events; then
    echo "curated: events/ does not ingest: fix the line named above (README, \"Adding a document\")" >&2
    exit 3
fi
"$bin" --db "$db" head >"$tmp/HEAD"
"$bin" --db "$db" --quiet snapshot --yearly --out "$tmp/snapshots"
"$bin" --db "$db" --quiet timeline --svg "$tmp/timeline.svg"

if [[ $mode == update ]]; then
    changed=()
    # Copies $1 over $2 when they differ (so unchanged data leaves every file untouched).
    keep() {
        if ! cmp -s "$1" "$2"; then
            cp "$1" "$2"
            changed+=("$2")
        fi
    }
    "$bin" --db "$db" --quiet verify
    mkdir -p snapshots
    for file in "$tmp"/snapshots/*.json; do
        keep "$file" "snapshots/$(basename "$file")"
    done
    for file in snapshots/*.json; do
        if [[ ! -e $tmp/snapshots/$(basename "$file") ]]; then
            rm "$file"
            changed+=("$file (removed: the events no longer touch that year)")
        fi
    done
    keep "$tmp/HEAD" events/HEAD
    if ! cmp -s "$tmp/timeline.svg" docs/timeline.svg; then
        mkdir -p docs
        keep "$tmp/timeline.svg" docs/timeline.svg
        if [[ -f Cargo.toml ]]; then
            # resvg (a dev-dependency) rasterises it, as the test that checks it renders does.
            POLICYLOG_TIMELINE_PNG="$root/docs/timeline.png" \
                cargo test --locked --quiet --test integration \
                ecosystem::timeline::the_curated_picture_renders -- --exact >/dev/null
            changed+=(docs/timeline.png)
        else
            echo "curated: docs/timeline.png not redrawn (no Cargo.toml here; run update in a checkout)"
        fi
    fi
    if [[ ${#changed[@]} -eq 0 ]]; then
        echo "curated: nothing to update: events/HEAD, snapshots/ and docs/timeline.svg follow from events/ ($(cat events/HEAD))"
    else
        printf 'curated: wrote %s\n' "${changed[@]}"
        echo "curated: head $(cat events/HEAD); review \`git diff\` and commit"
    fi
    exit 0
fi

failed=0
# Reports one failed check and what fixes it (by default: `update`).
fail() {
    echo "curated: FAIL $1; ${2:-$fix}" >&2
    failed=1
}
if [[ ! -f events/HEAD ]]; then
    fail "events/HEAD is missing"
elif ! cmp -s "$tmp/HEAD" events/HEAD; then
    fail "events/HEAD says \"$(head -c 200 events/HEAD)\" but events/ gives \"$(cat "$tmp/HEAD")\""
fi
# Every year the events touch has its snapshot, and no other year has one.
if ! diff <(cd "$tmp/snapshots" && ls) <(cd snapshots 2>/dev/null && ls) >"$tmp/years"; then
    years=$(grep -E '^[<>]' "$tmp/years" | sed 's/^</missing/; s/^>/extra/' | paste -sd, -)
    fail "snapshots/ does not hold one file per year the events touch ($years)"
fi
# The last field: the anchor (events and documents), or the hash of an older HEAD.
expected=$(awk '{print $NF}' events/HEAD 2>/dev/null || true)
if ! "$bin" --db "$db" verify --snapshots snapshots --expect-head "${expected:-none}"; then
    fail "\`verify --snapshots snapshots --expect-head <events/HEAD>\` found the problems above"
fi
if ! python3 scripts/verify_chain.py "$db"; then
    fail "scripts/verify_chain.py does not re-verify the chain policylog built" \
        "the chain or the re-verifier is wrong: docs/hash-chain.md says how each hash is made"
fi
if ! cmp -s "$tmp/timeline.svg" docs/timeline.svg; then
    fail "docs/timeline.svg is not what \`policylog timeline --svg\` draws from events/"
fi
if [[ $failed -ne 0 ]]; then
    exit 1
fi
echo "curated: ok: events/ gives events/HEAD ($(cat events/HEAD)), snapshots/ and docs/timeline.svg"
