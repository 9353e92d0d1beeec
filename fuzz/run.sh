#!/usr/bin/env bash
# Runs one fuzz target for a number of seconds on one core, seeded from the shared corpus.
# Usage: fuzz/run.sh TARGET SECONDS
set -euo pipefail
cd "$(dirname "$0")"
target=$1 seconds=${2:-600}
corpus=corpus/$target
mkdir -p "$corpus" artifacts/$target
if [[ -d ../../shared/corpus/files && -z $(ls -A "$corpus") ]]; then
    cp ../../shared/corpus/files/* "$corpus"/
fi
# In process (no -jobs): with -jobs libFuzzer logs to ./fuzz-0.log, which two targets run at
# once would share.
RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none "$target" "$corpus" -- \
    -max_total_time="$seconds" -max_len=65536 \
    -artifact_prefix=artifacts/"$target"/ -print_final_stats=1
