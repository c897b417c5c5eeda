#!/usr/bin/env bash
# Reliability harness for CI (issue #6): crash safety (SIGKILL mid-ingest and mid-append),
# concurrent writers and readers, tamper evidence (random flips, truncation), hostile
# input, a hostile environment (read-only, full disk, newer schema), read-only queries;
# then `serve`'s memory under a burst of heavy requests (scripts/serve-burst.sh).
#
# Builds the release binary and runs the `reliability::` tests of the integration crate
# (tests/reliability/) at full scale against it, then prints the figures
# (docs/reliability.md records them). `cargo test` alone runs the same tests at a quick
# scale against the debug binary.
#
#   scripts/reliability.sh              # full scale, about 3 minutes on 2 cores
#   RELIABILITY_SEED=123 scripts/...    # replay the random choices of an earlier run
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

started=$(date +%s)
echo "== reliability: release build"
cargo build --locked --release --bin policylog
built=$(date +%s)

figures=$(mktemp)
trap 'rm -f "$figures"' EXIT
echo "== reliability: reliability:: tests at full scale against target/release/policylog"
# A hard bound, so that a hang cannot eat CI's time: the full run takes about 2 minutes.
POLICYLOG_BIN="$PWD/target/release/policylog" \
RELIABILITY_SCALE=full \
RELIABILITY_FIGURES="$figures" \
  timeout --signal=KILL 900 \
  cargo test --locked --test integration reliability:: -- --test-threads=2
echo "== reliability: serve under a burst of heavy requests (scripts/serve-burst.sh)"
# TERM first, so that the script stops the server it started.
RELIABILITY_FIGURES="$figures" timeout --kill-after=30 600 scripts/serve-burst.sh
finished=$(date +%s)

echo "== reliability: figures"
sort "$figures"
echo "release build $((built - started)) s, tests $((finished - built)) s, total $((finished - started)) s"
