#!/usr/bin/env python3
"""Generates server/core/data/base-images.tsv, the base-image size table embedded in the
binary, from ../shared/data/base-images (sizes.tsv, aliases.tsv; see that README for how those
were built from docker-library/repo-info and docker-library/official-images).

    python3 scripts/gen_base_images.py [--src ../shared/data/base-images]

Output (tab-separated, after `#` header lines):
  S image tag platform compressed_bytes uncompressed_bytes uncompressed_err_bytes layers
    last_updated distro
      uncompressed fields empty when unknown; layers empty when not transcribed;
      distro: the OS the tag is built on when its official-images aliases or its own name say
      so (`bookworm`, `trixie`, `alpine`, `noble`, …), else empty.
  A image alias canonical_tag
"""

import argparse
import csv
import os
import re

CODENAMES = ["bookworm", "trixie", "bullseye", "noble", "jammy", "alpine"]


def read(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def distro(image, tag, aliases):
    names = [tag] + aliases
    for code in CODENAMES:
        if any(re.search(rf"(^|-){code}", n) for n in names):
            return code
    if image == "debian":
        return "trixie" if tag == "latest" else ""
    if image == "ubuntu":
        return {"24.04": "noble", "latest": "noble", "22.04": "jammy"}.get(tag, "")
    if image == "alpine":
        return "alpine"
    return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default=os.path.join("..", "shared", "data", "base-images"))
    ap.add_argument("--out", default="server/core/data/base-images.tsv")
    args = ap.parse_args()
    sizes = read(os.path.join(args.src, "sizes.tsv"))
    aliases = read(os.path.join(args.src, "aliases.tsv"))
    by_canonical = {}
    for a in aliases:
        by_canonical.setdefault((a["image"], a["canonical_tag"]), []).append(a["alias"])
    newest = max(r["last_updated"] for r in sizes)[:10]
    lines = [
        "# Official Docker image sizes per platform: compressed = registry layer blobs (what a",
        "# pull downloads), uncompressed = docker's on-disk size (amd64, where recorded; decimal",
        "# units rounded to 0.01, error in the next column).",
        "# source: docker-library/repo-info (per-row commits) and docker-library/official-images",
        "# 37079fb336f5 (aliases), via ../shared/data/base-images; scripts/gen_base_images.py",
        f"# snapshot: builds up to {newest}",
    ]
    for r in sizes:
        d = distro(r["image"], r["tag"], by_canonical.get((r["image"], r["tag"]), []))
        lines.append("\t".join(["S", r["image"], r["tag"], r["arch"], r["compressed_bytes"],
                                r["uncompressed_bytes"], r["uncompressed_err_bytes"],
                                r["layers"], r["last_updated"][:10], d]))
    for a in aliases:
        if a["alias"] != a["canonical_tag"]:
            lines.append("\t".join(["A", a["image"], a["alias"], a["canonical_tag"]]))
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.write("\n".join(lines) + "\n")
    print(f"{args.out}: {len(sizes)} size rows, {len(aliases)} aliases")


if __name__ == "__main__":
    main()
