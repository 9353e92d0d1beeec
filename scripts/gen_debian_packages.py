#!/usr/bin/env python3
"""Generates server/core/data/debian-bookworm-amd64.tsv.gz, the Debian package table the
apt layer estimate reads, from the package metadata apt has on this (Debian bookworm) machine.

    apt-get update && python3 scripts/gen_debian_packages.py

Reads the Packages lists apt downloaded for the bookworm suites of deb.debian.org (main,
bookworm-updates, bookworm-security; other repositories and suites configured on the machine
are ignored, and so is what is installed), or the Packages files given with --packages. Where
several suites have a package, the highest version wins (as apt's candidate). Writes gzip with
a fixed mtime, so the same metadata gives the same bytes.

Format (tab-separated, one line each, after `#` header lines):
  P name installed_kib depends pre_depends recommends provides flags
    dependency fields: groups joined by `,`, alternatives by `|`, version constraints and
    architecture qualifiers dropped (one candidate version exists per package);
    flags: `r` Priority required (debootstrap's minbase set), `e` Essential,
           `y` a Python package whose modules are byte-compiled when installed.
  B base-name roots
    package sets of common base images: the image has the closure of `roots` (Depends and
    Pre-Depends only, as these images install with --no-install-recommends); `@required`
    stands for every Priority: required package (debootstrap --variant=minbase adds `apt`),
    `+other` for the set of an earlier B line.
"""

import argparse
import datetime
import gzip
import re
import subprocess
import sys

BASES = [
    # debootstrap --variant=minbase: Priority required + apt (the debian:bookworm images);
    # debootstrap merges /usr itself and installs usr-is-merged, which satisfies
    # init-system-helpers' `usrmerge | usr-is-merged`.
    ("debian:bookworm", ["usr-is-merged", "@required", "apt"]),
    # docker-library/buildpack-deps debian/bookworm/{curl,scm,}/Dockerfile.
    ("buildpack-deps:bookworm-curl", ["+debian:bookworm", "ca-certificates", "curl", "gnupg",
                                      "netbase", "sq", "wget"]),
    ("buildpack-deps:bookworm-scm", ["+buildpack-deps:bookworm-curl", "git", "git-lfs",
                                     "mercurial", "openssh-client", "subversion", "procps"]),
    ("buildpack-deps:bookworm", [
        "+buildpack-deps:bookworm-scm", "autoconf", "automake", "bzip2", "dpkg-dev", "file",
        "g++", "gcc", "imagemagick", "libbz2-dev", "libc6-dev", "libcurl4-openssl-dev",
        "libdb-dev", "libevent-dev", "libffi-dev", "libgdbm-dev", "libglib2.0-dev",
        "libgmp-dev", "libjpeg-dev", "libkrb5-dev", "liblzma-dev", "libmagickcore-dev",
        "libmagickwand-dev", "libmaxminddb-dev", "libncurses5-dev", "libncursesw5-dev",
        "libpng-dev", "libpq-dev", "libreadline-dev", "libsqlite3-dev", "libssl-dev",
        "libtool", "libwebp-dev", "libxml2-dev", "libxslt-dev", "libyaml-dev", "make",
        "patch", "unzip", "xz-utils", "zlib1g-dev", "default-libmysqlclient-dev"]),
]

FIELDS = ("Package", "Installed-Size", "Depends", "Pre-Depends", "Recommends", "Provides",
          "Priority", "Essential", "Architecture", "Section")


def stanzas(text):
    for block in text.split("\n\n"):
        fields = {}
        key = None
        for line in block.splitlines():
            if line.startswith((" ", "\t")):
                if key:
                    fields[key] += " " + line.strip()
                continue
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        if "Package" in fields:
            yield fields


def relations(value):
    groups = []
    for group in value.split(","):
        alts = []
        for alt in group.split("|"):
            name = re.sub(r"\(.*?\)|\[.*?\]|<.*?>", "", alt).strip().split(":")[0]
            if name:
                alts.append(name)
        if alts:
            groups.append("|".join(alts))
    return ",".join(groups)


def bookworm_lists():
    out = subprocess.run(["apt-get", "indextargets", "--format", "$(FILENAME)\t$(SITE)\t$(RELEASE)",
                          "Created-By: Packages", "Architecture: amd64"],
                         check=True, capture_output=True, text=True).stdout
    paths = []
    for line in out.splitlines():
        path, site, release = line.split("\t")
        if "deb.debian.org" in site and release.split("/")[0].startswith("bookworm"):
            paths.append(path)
    if not paths:
        sys.exit("no bookworm Packages lists: run apt-get update with bookworm sources")
    return paths


def newer(a, b):
    if a == b:
        return False
    return subprocess.run(["dpkg", "--compare-versions", a, "gt", b]).returncode == 0


def byte_compiled(name, section):
    return section.endswith("python") and (name.startswith("python3") or
                                            name.startswith("libpython3"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--packages", nargs="*", help="plain Packages files to read instead")
    ap.add_argument("--out", default="server/core/data/debian-bookworm-amd64.tsv.gz")
    args = ap.parse_args()
    if args.packages:
        texts = [open(p, encoding="utf-8").read() for p in args.packages]
    else:
        texts = [subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", path], check=True,
                                capture_output=True, text=True).stdout
                 for path in bookworm_lists()]
    chosen = {}
    for text in texts:
        for f in stanzas(text):
            if f.get("Architecture") not in ("amd64", "all"):
                continue
            old = chosen.get(f["Package"])
            if old is None or newer(f["Version"], old["Version"]):
                chosen[f["Package"]] = f
    rows = {}
    for f in chosen.values():
        flags = ""
        if f.get("Priority") == "required":
            flags += "r"
        if f.get("Essential") == "yes":
            flags += "e"
        if byte_compiled(f["Package"], f.get("Section", "")):
            flags += "y"
        rows[f["Package"]] = [
            f["Package"], f.get("Installed-Size", "0"), relations(f.get("Depends", "")),
            relations(f.get("Pre-Depends", "")), relations(f.get("Recommends", "")),
            relations(f.get("Provides", "")), flags]
    for name, roots in BASES:
        provided = {v for r in rows.values() for v in r[5].split(",")}
        missing = [r for r in roots if r[0] not in "@+" and r not in rows and r not in provided]
        if missing:
            sys.exit(f"{name}: unknown packages {missing}")
    today = datetime.date.today().isoformat()
    lines = [
        "# Debian bookworm amd64 package metadata (main, bookworm-updates, bookworm-security)",
        f"# source: deb.debian.org Packages lists fetched by apt-get update, {today}; "
        "generated by scripts/gen_debian_packages.py",
        f"# date: {today}",
    ]
    lines += ["\t".join(["P"] + r) for _, r in sorted(rows.items())]
    lines += ["\t".join(["B", name] + roots) for name, roots in BASES]
    data = ("\n".join(lines) + "\n").encode()
    with open(args.out, "wb") as out:
        out.write(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{args.out}: {len(rows)} packages, {len(data)} bytes raw", file=sys.stderr)


if __name__ == "__main__":
    main()
