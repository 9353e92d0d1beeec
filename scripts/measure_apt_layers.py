#!/usr/bin/env python3
"""Measures real `apt-get install` layers in a Debian bookworm chroot and reports how far the
estimator is off (slow: downloads and installs every set; not run in CI). Needs root,
debootstrap (`apt-get install debootstrap`) and network access to deb.debian.org.

    sudo python3 scripts/measure_apt_layers.py --work /var/tmp/aptlayers --out measured.tsv \
        --breakdown breakdown.tsv
    cargo run -p dockerlean-core --example apt_accuracy -- measured.tsv

The chroot is set up the way ../shared/data/layer-truth was measured and the official
debian:bookworm-slim image is built: `debootstrap --variant=minbase bookworm`, apt configured
like the official images (docker-clean: no .deb files or binary caches kept; gzip-compressed
indexes, no translations) and the slim image's dpkg path excludes (docs, man pages, translations). Each set is
installed in a fresh copy of that chroot after `apt-get update`; the layer is the bytes of the
regular files (and symlink targets' lengths) added or changed by the RUN, as an overlay layer
stores them (a hard link's content once), measured with the lists kept and removed.

The chroot has bookworm's updates and security suites and is upgraded first, so that an install
only adds packages (a newer perl needing a newer perl-base would otherwise rewrite perl-base in
the layer). /proc is mounted during the install: Java's maintainer scripts need it.

--breakdown writes, per set, what wrote the layer's bytes (lists removed): the new packages'
files, dpkg's info files and status (with status-old), debconf's databases, Python byte code,
bookkeeping (logs, ld.so.cache, apt's and dpkg's other state), and files no package owns, by
the deepest directory a package owns: the directories with 100 kB or more of them (`generated`,
listed: what maintainer scripts build, e.g. /etc/ssl/certs), the rest (`other`). The
estimator's constants come from these (server/core/src/size/estimate.rs).
"""

import argparse
import collections
import os
import shutil
import subprocess
import sys

SETS = [
    ("curl", False), ("curl", True), ("ca-certificates curl", False),
    ("ca-certificates curl", True), ("git", False), ("git", True), ("wget unzip", False),
    ("wget unzip", True), ("build-essential", False), ("build-essential", True),
    ("python3 python3-pip", False), ("python3 python3-pip", True), ("python3-dev gcc", False),
    ("python3-dev gcc", True), ("nginx", False), ("nginx", True), ("nodejs npm", False),
    ("nodejs npm", True), ("openjdk-17-jre-headless", False), ("openjdk-17-jre-headless", True),
    ("default-jdk-headless", False), ("default-jdk-headless", True), ("ffmpeg", False),
    ("ffmpeg", True),
]

DOCKER_CLEAN = """DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
"""
GZIP_INDEXES = 'Acquire::GzipIndexes "true";\nAcquire::CompressionTypes::Order:: "gz";\n'
NO_LANGUAGES = 'Acquire::Languages "none";\n'
SLIM_EXCLUDES = """path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
"""


def run(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kw)


def snapshot(root):
    files = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            size = len(os.readlink(path)) if os.path.islink(path) else st.st_size
            files[os.path.relpath(path, root)] = (size, st.st_mtime_ns, st.st_ino)
    return files


def changed(before, after, skip_prefix=None):
    """The files the RUN added or changed: path -> (size, inode), a hard link's content once."""
    out, inodes = {}, set()
    for path, meta in sorted(after.items()):
        if skip_prefix and path.startswith(skip_prefix):
            continue
        if before.get(path) != meta and meta[2] not in inodes:
            inodes.add(meta[2])
            out[path] = (meta[0], meta[2])
    return out


def layer_bytes(before, after, skip_prefix=None):
    return sum(size for size, _ in changed(before, after, skip_prefix).values())


BOOKKEEPING = ("var/log/", "var/lib/apt/", "var/cache/apt/", "var/cache/ldconfig/",
               "etc/ld.so.cache", "var/lib/dpkg/", "etc/alternatives/")
# Directories of merged-/usr systems that dpkg's file lists name without /usr.
MERGED = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
GENERATED_DIRECTORY = 100_000


def owned_paths(root):
    owned = set()
    info = os.path.join(root, "var/lib/dpkg/info")
    for name in os.listdir(info):
        if name.endswith(".list"):
            with open(os.path.join(info, name), errors="replace") as f:
                for line in f:
                    path = line.rstrip("\n").lstrip("/")
                    owned.add(path)
                    if path.split("/")[0] in MERGED:
                        owned.add("usr/" + path)
    return owned


def breakdown(files, owned):
    """Bytes of `files` (see `changed`) by what wrote them, and the unowned ones by the
    deepest directory a package owns."""
    parts = collections.Counter()
    unowned = collections.Counter()
    for path, (size, _) in files.items():
        if path in owned:
            part = "packages"
        elif path.startswith("var/lib/dpkg/info/"):
            part = "dpkg_info"
        elif path in ("var/lib/dpkg/status", "var/lib/dpkg/status-old"):
            part = "dpkg_status"
        elif path.startswith("var/cache/debconf/"):
            part = "debconf"
        elif "/__pycache__/" in path:
            part = "byte_code"
        elif path.startswith(BOOKKEEPING):
            part = "bookkeeping"
        else:
            directory = os.path.dirname(path)
            while directory and directory not in owned:
                directory = os.path.dirname(directory)
            unowned[directory or "/"] += size
            continue
        parts[part] += size
    # A directory's unowned files are `generated` or `other` by their total, not file by file.
    generated = {d: b for d, b in unowned.items() if b >= GENERATED_DIRECTORY}
    parts["generated"] = sum(generated.values())
    parts["other"] = sum(unowned.values()) - parts["generated"]
    return parts, generated


PARTS = ("packages", "dpkg_info", "dpkg_status", "debconf", "byte_code", "bookkeeping",
         "generated", "other")


def chroot(root, script):
    return run(["chroot", root, "sh", "-c", script], capture_output=True, text=True)


SOURCES = """deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
"""


def base(work):
    root = os.path.join(work, "base")
    if not os.path.exists(os.path.join(root, "etc/debian_version")):
        run(["debootstrap", "--variant=minbase", "bookworm", root,
             "http://deb.debian.org/debian"])
    # The official images' apt and dpkg configuration (rewritten on every run, so a chroot
    # left by an older version of this script is brought up to date).
    for path, text in [("etc/apt/sources.list", SOURCES),
                       ("etc/apt/apt.conf.d/docker-clean", DOCKER_CLEAN),
                       ("etc/apt/apt.conf.d/docker-gzip-indexes", GZIP_INDEXES),
                       ("etc/apt/apt.conf.d/docker-no-languages", NO_LANGUAGES),
                       ("etc/dpkg/dpkg.cfg.d/docker", SLIM_EXCLUDES)]:
        with open(os.path.join(root, path), "w") as f:
            f.write(text)
    chroot(root, "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get upgrade -y -qq")
    # openjdk's postinst links its man pages' alternatives into /usr/share/man/man1 and fails
    # when the directory is missing.
    chroot(root, "find /usr/share/doc -mindepth 2 ! -name copyright -delete; "
                 "rm -rf /usr/share/man/* /usr/share/info/* /usr/share/locale/*; "
                 "mkdir -p /usr/share/man/man1; rm -rf /var/lib/apt/lists/*")
    return root


def measure(work, base_root, packages, recommends):
    root = os.path.join(work, "run")
    shutil.rmtree(root, ignore_errors=True)
    run(["cp", "-a", base_root, root])
    before = snapshot(root)
    flag = "" if recommends else "--no-install-recommends"
    run(["mount", "-t", "proc", "proc", os.path.join(root, "proc")])
    try:
        chroot(root, f"apt-get update -qq && DEBIAN_FRONTEND=noninteractive "
                     f"apt-get install -y -qq {flag} {packages}")
    finally:
        run(["umount", os.path.join(root, "proc")])
    after = snapshot(root)
    parts = breakdown(changed(before, after, skip_prefix="var/lib/apt/lists"), owned_paths(root))
    lists = layer_bytes({}, {p: m for p, m in after.items() if p.startswith("var/lib/apt/lists")})
    kept = layer_bytes(before, after)
    removed = layer_bytes(before, after, skip_prefix="var/lib/apt/lists")
    base_count = sum(1 for p in before if p.startswith("var/lib/dpkg/info/") and p.endswith(".list"))
    after_count = sum(1 for p in after if p.startswith("var/lib/dpkg/info/") and p.endswith(".list"))
    shutil.rmtree(root, ignore_errors=True)
    return after_count - base_count, kept, removed, lists, parts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/var/tmp/dockerlean-apt-layers")
    ap.add_argument("--out", default="measured.tsv")
    ap.add_argument("--only", nargs="*", help="measure only these package sets (e.g. curl)")
    ap.add_argument("--breakdown", help="also write what wrote each layer's bytes here")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    base_root = base(args.work)
    split = open(args.breakdown, "w") if args.breakdown else None
    if split:
        split.write("\t".join(("run", "newly_installed") + PARTS + ("generated_by_directory",)))
        split.write("\n")
    with open(args.out, "w") as out:
        out.write("packages\trecommends\tapt_docker_clean\tgzip_indexes\tnewly_installed\t"
                  "layer_bytes_lists_kept\tlayer_bytes_lists_removed\tapt_lists_bytes\trun\n")
        for packages, recommends in SETS:
            if args.only and packages not in args.only:
                continue
            new, kept, removed, lists, (parts, generated) = measure(
                args.work, base_root, packages, recommends)
            rec = "yes" if recommends else "no"
            name = packages.replace(" ", "+") + ("__rec" if recommends else "__norec")
            out.write(f"{packages}\t{rec}\tyes\tyes\t{new}\t{kept}\t{removed}\t{lists}\t{name}\n")
            out.flush()
            if split:
                where = " ".join(f"/{d}={b}" for d, b in sorted(generated.items()))
                split.write("\t".join([name, str(new)] + [str(parts[p]) for p in PARTS] + [where]))
                split.write("\n")
                split.flush()
    print(f"wrote {args.out}; now: cargo run -p dockerlean-core --example apt_accuracy -- {args.out}")


if __name__ == "__main__":
    main()
