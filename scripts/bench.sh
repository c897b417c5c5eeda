#!/usr/bin/env bash
# The performance sitting of docs/performance.md: policylog-bench at each N, then the
# shared peers (../shared/bench) at the same N, one after the other (never in parallel:
# this is a 2-core machine), raw JSON kept in bench-results/.
#
#   bash scripts/bench.sh                              # N = 10k, 100k, 1M, then the peers
#   SIZES="10000 100000" bash scripts/bench.sh         # a quicker sitting
#   PEERS=0 bash scripts/bench.sh                      # policylog-bench only
#
# Knobs: SIZES (default "10000 100000 1000000"), SEED (42), PEERS (1), PEER_RUNS (1),
# PEER_SWEEP_N (100000: the peers' batch-size sweep; their script always runs one), PEER_SINGLE_MAX_N (100000).
# Output: bench-results/policylog-DATE.jsonl (one JSON object per N), policylog-DATE.txt
# (the tables), policylog-DATE.env (commit, toolchain, machine), and the peers' peers-DATE-run1.jsonl, peers-DATE-tables.md, peers-DATE-time.log.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
SIZES="${SIZES:-10000 100000 1000000}"
SEED="${SEED:-42}"
PEERS="${PEERS:-1}"
PEER_RUNS="${PEER_RUNS:-1}"
PEER_SWEEP_N="${PEER_SWEEP_N:-100000}"
PEER_SINGLE_MAX_N="${PEER_SINGLE_MAX_N:-100000}"
DATE="${DATE:-$(date +%F)}"
out="$root/bench-results"
mkdir -p "$out"

echo "== machine: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== building policylog-bench (release)"
cargo build --release --bin policylog-bench
bin="$root/target/release/policylog-bench"
{
    echo "date: $(date -Is)"
    echo "commit: $(git rev-parse HEAD)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo ' (+ uncommitted changes under src/)')"
    echo "rustc: $(rustc --version)"
    echo "machine: $(nproc) CPUs, $(uname -r), $(free -g | awk '/Mem:/{print $2}') GiB"
    echo "sizes: $SIZES  seed: $SEED"
} > "$out/policylog-$DATE.env"

json="$out/policylog-$DATE.jsonl"
tables="$out/policylog-$DATE.txt"
: > "$json"
: > "$tables"
status=0
for n in $SIZES; do
    echo "== policylog-bench --events $n --seed $SEED --json   ($(date +%T), load $(cut -d' ' -f1 /proc/loadavg))"
    # The table goes to stderr with --json; keep both. A failed sanity check (exit 1) is
    # reported but does not stop the sitting.
    if ! "$bin" --events "$n" --seed "$SEED" --json 2>&1 >> "$json" | tee -a "$tables" >&2; then
        status=1
        echo "!! policylog-bench reported a problem at N = $n (see above)" >&2
    fi
done
echo "== policylog-bench: wrote $json and $tables"

if [ "$PEERS" = 1 ]; then
    peers_src="$root/../shared/bench"
    [ -d "$peers_src" ] || { echo "no $peers_src: skipping the peers" >&2; exit "$status"; }
    # ../shared is read-only here: run a copy.
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    cp -r "$peers_src" "$work/bench"
    chmod -R u+w "$work/bench"
    echo "== peers: $work/bench  (setup.sh, then run_all.sh SIZES=\"$SIZES\" RUNS=$PEER_RUNS)"
    (cd "$work/bench" && bash setup.sh)
    (cd "$work/bench" && DATE="$DATE" SIZES="$SIZES" RUNS="$PEER_RUNS" SWEEP_N="$PEER_SWEEP_N" \
        SINGLE_MAX_N="$PEER_SINGLE_MAX_N" bash run_all.sh)
    for i in $(seq 1 "$PEER_RUNS"); do
        cp "$work/bench/results/run-$DATE-$i.jsonl" "$out/peers-$DATE-run$i.jsonl"
    done
    cp "$work/bench/results/tables-$DATE.md" "$out/peers-$DATE-tables.md"
    cp "$work/bench/results/time-$DATE.log" "$out/peers-$DATE-time.log"
    echo
    echo "== policylog-bench tables"
    cat "$tables"
    echo
    echo "== peers (same sitting)"
    cat "$out/peers-$DATE-tables.md"
fi
exit "$status"
