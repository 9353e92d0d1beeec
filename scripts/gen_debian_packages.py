#!/usr/bin/env python3
"""Generates server/core/data/debian-bookworm-amd64.tsv.gz, the Debian package table the
apt layer estimate reads, from the package metadata apt has on this (Debian bookworm) machine
and the .deb files of the packages Dockerfiles install most.

    apt-get update && python3 scripts/gen_debian_packages.py

Needs ../shared/corpus (--corpus) and ≈ 1.5 GB in the .deb cache (--debs, default
/var/tmp/dockerlean-debs, outside the repository; never commit .deb files). The first run
downloads and reads ≈ 2,000 .debs (minutes); later runs read only new versions.

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
  S name files excluded info status byte_code templates generated
    bytes read from the package's .deb (scripts/scan_debs.py says what each is), and
    `generated`, the files its maintainer scripts write (GENERATED), for the scanned
    packages: the dependency closure, Recommends included, of the measured sets
    (measure_apt_layers.SETS), of the names `apt-get install`ed in at least MIN_FILES corpus
    Dockerfiles and of the base sets' roots.
  F key=value…
    what the scanned packages have per Installed-Size or per package, for the others:
    files_per_installed, excluded_per_file, info_bytes, status_bytes, and
    byte_code_per_installed (over the scanned `y` packages).
  B base-name roots
    package sets of common base images: the image has the closure of `roots` (Depends and
    Pre-Depends only, as these images install with --no-install-recommends); `@required`
    stands for every Priority: required package (debootstrap --variant=minbase adds `apt`),
    `+other` for the set of an earlier B line.
"""

import argparse
import collections
import datetime
import gzip
import os
import re
import subprocess
import sys

import scan_debs
from measure_apt_layers import SETS

# Files maintainer scripts generate, over 100 kB (smaller ones are in the estimator's per-run
# overhead), measured with `scripts/measure_apt_layers.py --breakdown` on 2026-12-05: the bytes
# no package owns, by the package whose script writes them. Byte code is computed instead
# (scan_debs.byte_code).
GENERATED = {
    # update-ca-certificates: /etc/ssl/certs, the bundle and a link per certificate.
    "ca-certificates": 236_323,
    # its postinst trigger: the Java keystore /etc/ssl/certs/java/cacerts.
    "ca-certificates-java": 167_226,
    # update-mime-database: /usr/share/mime from freedesktop.org.xml.
    "shared-mime-info": 2_680_507,
}

# Corpus names `apt-get install`ed in fewer Dockerfiles than this are not scanned: 221 names
# and a closure of ≈ 1,900 packages (≈ 1.5 GB of .debs).
MIN_FILES = 2

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


def corpus_names(corpus, known):
    """Package names on `apt-get install` / `apt install` lines of the corpus, with how many
    Dockerfiles name each."""
    counts = collections.Counter()
    for name in sorted(os.listdir(corpus)):
        with open(os.path.join(corpus, name), errors="replace") as f:
            text = re.sub(r"\\\n", " ", f.read())
        names = set()
        for m in re.finditer(r"\bapt(?:-get)?\s+(?:-\S+\s+)*install\b([^&;|\n]*)", text):
            for word in m.group(1).split():
                word = word.split("=")[0]
                if not word.startswith("-") and word in known:
                    names.add(word)
        counts.update(names)
    return counts


def closure(roots, rows):
    """Every package `roots` can pull in with Recommends: each group's first alternative that
    is a package, else a virtual name's first provider (as the estimator's resolver picks)."""
    providers = collections.defaultdict(list)
    for name, r in sorted(rows.items()):
        for v in filter(None, r[5].split(",")):
            providers[v].append(name)
    seen, stack = set(), sorted(roots)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        r = rows[name]
        for field in (r[2], r[3], r[4]):
            for group in filter(None, field.split(",")):
                for alt in group.split("|"):
                    pick = alt if alt in rows else (providers.get(alt) or [None])[0]
                    if pick:
                        stack.append(pick)
                        break
    return seen


def fallback(rows, scanned):
    """Sums over the scanned packages, as ratios for the others."""
    kib = {n: int(rows[n][1] or 0) * 1024 for n in scanned}

    def total(field, names=scanned):
        return sum(scanned[n][field] for n in names)

    python = [n for n in scanned if "y" in rows[n][6]]
    return {
        "files_per_installed": round(total("files") / sum(kib.values()), 4),
        "excluded_per_file": round(total("excluded") / total("files"), 4),
        "info_bytes": round(total("info") / len(scanned)),
        "status_bytes": round(total("status") / len(scanned)),
        "byte_code_per_installed": round(total("byte_code", python) /
                                         sum(kib[n] for n in python), 4),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--packages", nargs="*", help="plain Packages files to read instead")
    ap.add_argument("--out", default="server/core/data/debian-bookworm-amd64.tsv.gz")
    ap.add_argument("--corpus", default="../shared/corpus/files")
    ap.add_argument("--debs", default="/var/tmp/dockerlean-debs", help=".deb cache")
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
    if not os.path.isdir(args.corpus):
        sys.exit(f"{args.corpus}: no corpus of Dockerfiles (see --corpus)")
    corpus = {n for n, c in corpus_names(args.corpus, rows).items() if c >= MIN_FILES}
    wanted = corpus | {n for packages, _ in SETS for n in packages.split()}
    wanted |= {r for _, roots in BASES for r in roots if r in rows}
    wanted |= {n for n, r in rows.items() if "r" in r[6]}
    wanted |= set(GENERATED)
    selection = sorted(closure(wanted, rows))
    scanned = scan_debs.scan([chosen[n] for n in selection], args.debs)
    ratios = fallback(rows, scanned)
    today = datetime.date.today().isoformat()
    lines = [
        "# Debian bookworm amd64 package metadata (main, bookworm-updates, bookworm-security)",
        f"# source: deb.debian.org Packages lists fetched by apt-get update, {today}; "
        "generated by scripts/gen_debian_packages.py",
        f"# date: {today}",
        f"# scanned: {len(scanned)} .deb files (dependency closure of the measured sets, of the "
        f"{len(corpus)} names installed in at least {MIN_FILES} corpus Dockerfiles and of the "
        "base sets)",
    ]
    lines += ["\t".join(["P"] + r) for _, r in sorted(rows.items())]
    lines += ["\t".join(["S", n] + [str(scanned[n][f]) for f in scan_debs.FIELDS] +
                        [str(GENERATED.get(n, 0))])
              for n in selection]
    lines.append("\t".join(["F"] + [f"{k}={v}" for k, v in ratios.items()]))
    lines += ["\t".join(["B", name] + roots) for name, roots in BASES]
    data = ("\n".join(lines) + "\n").encode()
    with open(args.out, "wb") as out:
        out.write(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{args.out}: {len(rows)} packages, {len(scanned)} scanned, {len(data)} bytes raw; "
          f"for the others: {ratios}", file=sys.stderr)


if __name__ == "__main__":
    main()
