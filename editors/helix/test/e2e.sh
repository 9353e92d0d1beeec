#!/usr/bin/env bash
# End-to-end test in the real Helix, driven under tmux: the README's languages.toml snippet, our
# binary on PATH, a Dockerfile opened, our diagnostic on screen and its quick fix applied.
#   HX=<command that runs hx> DOCKERLEAN_BIN=<binary> editors/helix/test/e2e.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
editors="$(cd "$here/../.." && pwd)"
: "${HX:?HX must name the hx command}" "${DOCKERLEAN_BIN:?DOCKERLEAN_BIN must name the binary}"

work="$(mktemp -d)"
session="dockerlean-helix-$$"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/config/helix" "$work/bin" "$work/project"
cp "$editors/helix/languages.toml" "$work/config/helix/languages.toml"
ln -s "$DOCKERLEAN_BIN" "$work/bin/dockerlean"
cp "$editors/fixture/Dockerfile" "$work/project/Dockerfile"
export XDG_CONFIG_HOME="$work/config" PATH="$work/bin:$PATH"

fail() { echo "helix: FAILED: $*"; exit 1; }

# --health exits 0 even when the user's TOML does not parse, so read what it says.
health="$("$HX" --health dockerfile 2>&1 | sed 's/\x1b\[[0-9;]*m//g')"
if grep -q 'Error parsing user language config' <<<"$health"; then
  fail "the languages.toml snippet does not parse: $health"
fi
grep -q '✓ dockerlean' <<<"$health" || fail "hx --health dockerfile does not list dockerlean: $health"
echo "helix: ok: hx --health dockerfile reads the snippet and finds dockerlean"

screen() { tmux capture-pane -p -t "$session"; }
# Waits for the screen to show $1 (a grep -E pattern), for up to $2 tenths of a second (20 s).
wait_for() {
  for _ in $(seq "${2:-200}"); do
    if screen | grep -qE "$1"; then return 0; fi
    sleep 0.1
  done
  return 1
}

tmux new-session -d -s "$session" -x 200 -y 40 -c "$work/project" \
  "env XDG_CONFIG_HOME='$XDG_CONFIG_HOME' PATH='$PATH' $(printf '%q' "$HX") Dockerfile"
wait_for 'Dockerfile' || fail "hx did not open the Dockerfile: $(screen)"
# The document's diagnostics picker lists each diagnostic with its code and message.
wait_for 'NOR' || fail "hx did not reach normal mode: $(screen)"
found=no
for _ in $(seq 20); do
  tmux send-keys -t "$session" Space d
  if wait_for 'DKL101' 10; then found=yes; break; fi
  tmux send-keys -t "$session" Escape
done
[[ $found == yes ]] || fail "the DKL101 diagnostic did not show: $(screen)"
screen | grep -q 'keeps its download cache' || fail "the DKL101 message is not on screen: $(screen)"
echo "helix: ok: the DKL101 diagnostic shows in the diagnostics picker"

# Its quick fix, from the code action menu with the RUN line selected (`x`).
tmux send-keys -t "$session" Escape
wait_for ' NOR ' || fail "the picker did not close: $(screen)"
tmux send-keys -t "$session" ':4' Enter
wait_for ' 4:1 *$' || fail "hx did not go to line 4: $(screen)"
tmux send-keys -t "$session" x Space a
wait_for 'no-cache-dir' || fail "no code action offered on the RUN line: $(screen)"
tmux send-keys -t "$session" Enter
wait_for 'RUN pip install --no-cache-dir -r requirements.txt' || fail "the quick fix did not change the text: $(screen)"
echo "helix: ok: the DKL101 quick fix adds --no-cache-dir"
tmux send-keys -t "$session" Escape ':q!' Enter
