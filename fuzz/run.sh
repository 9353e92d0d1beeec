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
RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none "$target" "$corpus" -- \
    -max_total_time="$seconds" -workers=1 -jobs=1 -max_len=65536 \
    -artifact_prefix=artifacts/"$target"/ -print_final_stats=1
