#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ one after the other (not part of CI: it needs the
# nightly toolchain and cargo-fuzz, and is meant to run for minutes per target).
#
#   scripts/fuzz.sh            # each target for 600 s
#   scripts/fuzz.sh 60 date    # one target for 60 s
#
# New inputs go to a scratch corpus outside the repository; fuzz/corpus/<target>/ holds
# the seeds. A crash leaves its input in fuzz/artifacts/<target>/ and stops the run.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(event_line date)

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
rustup toolchain list | grep -q nightly || { echo "needs the nightly toolchain (rustup toolchain install nightly)"; exit 2; }

scratch=${FUZZ_SCRATCH:-/tmp/policylog-fuzz}
for target in "${targets[@]}"; do
  mkdir -p "$scratch/$target"
  echo "== fuzz $target for $seconds s"
  log="$scratch/$target.log"
  status=0
  cargo +nightly fuzz run -O "$target" "$scratch/$target" "corpus/$target" -- \
    -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^(#[0-9]+ +DONE|stat::|Done [0-9]+ runs|SUMMARY|INFO: seed)' "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -40 "$log"
    exit "$status"
  fi
done
