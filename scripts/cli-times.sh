#!/usr/bin/env bash
# Whole-command figures (issue #5): the policylog command-line tool as a user runs it, one
# process per run — start, open, query, rendering to stdout — on the landscape
# policylog-bench generates. Wall clock by hyperfine (no shell, output discarded), peak
# RSS by /usr/bin/time -v (one more run). policylog-bench's own figures are in process;
# these add what a command costs around them.
#
#   bash scripts/cli-times.sh                    # N = 1M, 5 runs of each query command
#   N=100000 RUNS=10 bash scripts/cli-times.sh
#   KEEP=/tmp/cli bash scripts/cli-times.sh      # keep (and reuse) the events and the log
#
# Needs hyperfine and /usr/bin/time (installed from Debian's packages when missing).
# Output: a Markdown table on stdout, also in bench-results/cli-DATE.md (or OUT).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
N="${N:-1000000}"
RUNS="${RUNS:-5}"
SEED="${SEED:-42}"
DATE="${DATE:-$(date +%F)}"
AS_OF="${AS_OF:-2015-06-30}"
GROUP="${GROUP:-org:grp-0001}"

if ! command -v hyperfine > /dev/null || [ ! -x /usr/bin/time ]; then
    echo "== installing hyperfine and time (Debian)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq hyperfine time > /dev/null
fi
for tool in hyperfine /usr/bin/time python3; do
    command -v "$tool" > /dev/null || { echo "cli-times: needs $tool" >&2; exit 1; }
done
cargo build --release --bins >&2
bin="$root/target/release/policylog"

if [ -n "${KEEP:-}" ]; then
    work="$KEEP"
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
events="$work/n$N/events"
if [ ! -d "$events" ]; then
    echo "== generating $N events under $work (seed $SEED)" >&2
    "$root/target/release/policylog-bench" --generate "$work" --events "$N" --seed "$SEED" >&2
fi
log="$work/n$N/cli.db"
scratch="$work/scratch"
mkdir -p "$scratch"
rows=()

# timed [RUNS] LABEL COMMAND...: RUNS runs of COMMAND under hyperfine (after one warm-up
# run unless RUNS is 1), "{run}" in an argument becoming the run's number (a new event id
# each run), then one under /usr/bin/time -v for its peak RSS; adds a table row.
timed() {
    local runs=$RUNS
    if [[ $1 =~ ^[0-9]+$ ]]; then runs=$1; shift; fi
    local label=$1; shift
    # Each argument single-quoted (hyperfine splits the line as a shell would), which
    # leaves "{run}" for hyperfine to fill in.
    local command="" arg
    for arg in "$@"; do
        command+="'${arg//\'/\'\\\'\'}' "
    done
    local options=(-N --style none --export-json "$scratch/runs.json")
    if [[ $command == *"{run}"* ]]; then
        # One benchmark per run number, one run each.
        options+=(--runs 1 --parameter-scan run 1 "$runs")
    elif (( runs > 1 )); then
        options+=(--runs "$runs" --warmup 1)
    else
        options+=(--runs 1)
    fi
    if ! hyperfine "${options[@]}" ${PREPARE:+--prepare "$PREPARE"} "$command" > /dev/null 2> "$scratch/stderr"; then
        echo "cli-times: failed: $label" >&2
        cat "$scratch/stderr" >&2
        exit 1
    fi
    [ -n "${PREPARE:-}" ] && $PREPARE
    /usr/bin/time -v -o "$scratch/time" "${@//\{run\}/rss}" > /dev/null 2> "$scratch/stderr" || {
        echo "cli-times: failed (RSS run): $label" >&2; cat "$scratch/stderr" >&2; exit 1; }
    local rss_kb
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$scratch/time")
    local row
    row=$(python3 - "$scratch/runs.json" "$label" "$rss_kb" <<'EOF'
import json, statistics, sys
path, label, rss_kb = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = sorted(t * 1e3 for r in json.load(open(path))["results"] for t in r["times"])
def ms(t):
    return f"{t:,.0f} ms" if t >= 100 else f"{t:.1f} ms"
print(f"| `{label}` | {len(times)} | {ms(statistics.median(times))} ({ms(times[0])} – {ms(times[-1])}) | {rss_kb // 1024} |")
EOF
)
    echo "$row" >&2
    rows+=("$row")
}

# One appended event per run: the landscape's first membership line under a new id, with
# the source of its file's header (the quote is that document's).
append_line() {
    python3 - "$events/doc-00.jsonl" "$1" <<'EOF'
import json, sys
path, event_id = sys.argv[1], sys.argv[2]
with open(path) as f:
    header = json.loads(next(f))
    for line in f:
        event = json.loads(line)
        if event["kind"] == "membership.joined":
            break
event["id"] = event_id
event["source"] = header["document"]["sha256"]
print(json.dumps(event))
EOF
}

echo "== $N events ($(du -sh "$events" | cut -f1) of events files); $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)" >&2
# Each ingest starts from an empty log; the last one's is the log queried below.
PREPARE="rm -f $log $log-wal $log-shm" timed 1 "policylog ingest EVENTS (empty log)" "$bin" --db "$log" -q ingest "$events"
timed "policylog head" "$bin" --db "$log" head
timed "policylog state --as-of $AS_OF" "$bin" --db "$log" state --as-of "$AS_OF"
timed "policylog state --as-of $AS_OF --format json" "$bin" --db "$log" state --as-of "$AS_OF" --format json
timed "policylog state --as-of $AS_OF --group $GROUP" "$bin" --db "$log" state --as-of "$AS_OF" --group "$GROUP"
timed "policylog diff 2012 2013" "$bin" --db "$log" diff 2012 2013
timed "policylog diff 2001 2013" "$bin" --db "$log" diff 2001 2013
timed "policylog verify" "$bin" --db "$log" verify
timed 1 "policylog verify --derived" env TMPDIR="$scratch" "$bin" --db "$log" verify --derived
timed 1 "policylog rebuild" "$bin" --db "$log" -q rebuild
timed "policylog append --json LINE (one event)" "$bin" --db "$log" -q append --json "$(append_line "cli-append-{run}")"

out="${OUT:-$root/bench-results/cli-$DATE.md}"
mkdir -p "$(dirname "$out")"
{
    echo "Whole commands at N = $N (seed $SEED), $(date -Is), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + changes'), $(nproc) CPUs, $(hyperfine --version)."
    echo "One process per run, output discarded; the log warm in the OS page cache. Wall: median (min – max) over the runs; peak RSS of one more run (\`/usr/bin/time -v\`). Reproduce: \`N=$N RUNS=$RUNS bash scripts/cli-times.sh\`."
    echo
    echo "| command | runs | wall p50 (min – max) | peak RSS MB |"
    echo "|---|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
} | tee "$out"
