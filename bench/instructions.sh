#!/usr/bin/env bash
# Instructions per keystroke of the core (edit + reparse + incremental analysis), counted by
# callgrind: unlike times, the count is the same from run to run, so two builds compare
# exactly. It is the keystrokes loop of `target/release/keystrokes` over N keystrokes less one
# keystroke (the file's generation and first analysis). Needs valgrind.
# Usage: bench/instructions.sh [SIZE...] (default: small medium large), N=300 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p dockerlean-bench --bin keystrokes
n=${N:-300}
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/keystrokes "$1" "$2" 2>&1 \
        | awk '/Collected/ { print $4 }'
}
sizes=("$@")
(( ${#sizes[@]} )) || sizes=(small medium large)
for size in "${sizes[@]}"; do
    one=$(count "$size" 1)
    many=$(count "$size" "$n")
    echo "$size: $(( (many - one) / (n - 1) )) instructions per keystroke (callgrind, $n keystrokes)"
done
