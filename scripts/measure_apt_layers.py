#!/usr/bin/env python3
"""Measures real `apt-get install` layers in a Debian bookworm chroot and reports how far the
estimator is off (slow: downloads and installs every set; not run in CI). Needs root,
debootstrap (`apt-get install debootstrap`) and network access to deb.debian.org.

    sudo python3 scripts/measure_apt_layers.py --work /var/tmp/aptlayers --out measured.tsv
    cargo run -p dockerlean-core --example apt_accuracy -- measured.tsv

The chroot is set up the way ../shared/data/layer-truth was measured and the official
debian:bookworm-slim image is built: `debootstrap --variant=minbase bookworm`, apt configured
like the official images (docker-clean: no .deb files or binary caches kept; gzip-compressed
indexes, no translations) and the slim image's dpkg path excludes (docs, man pages, translations). Each set is
installed in a fresh copy of that chroot after `apt-get update`; the layer is the bytes of the
regular files (and symlink targets' lengths) added or changed by the RUN, as an overlay layer
stores them, measured with the lists kept and removed.
"""

import argparse
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


def layer_bytes(before, after, skip_prefix=None):
    total = 0
    for path, meta in after.items():
        if skip_prefix and path.startswith(skip_prefix):
            continue
        if before.get(path) != meta:
            total += meta[0]
    return total


def chroot(root, script):
    return run(["chroot", root, "sh", "-c", script], capture_output=True, text=True)


def base(work):
    root = os.path.join(work, "base")
    if not os.path.exists(os.path.join(root, "etc/debian_version")):
        run(["debootstrap", "--variant=minbase", "bookworm", root,
             "http://deb.debian.org/debian"])
    # The official images' apt and dpkg configuration (rewritten on every run, so a chroot
    # left by an older version of this script is brought up to date).
    for path, text in [("etc/apt/apt.conf.d/docker-clean", DOCKER_CLEAN),
                       ("etc/apt/apt.conf.d/docker-gzip-indexes", GZIP_INDEXES),
                       ("etc/apt/apt.conf.d/docker-no-languages", NO_LANGUAGES),
                       ("etc/dpkg/dpkg.cfg.d/docker", SLIM_EXCLUDES)]:
        with open(os.path.join(root, path), "w") as f:
            f.write(text)
    chroot(root, "find /usr/share/doc -mindepth 2 ! -name copyright -delete; "
                 "rm -rf /usr/share/man/* /usr/share/info/* /usr/share/locale/*; "
                 "rm -rf /var/lib/apt/lists/*")
    return root


def measure(work, base_root, packages, recommends):
    root = os.path.join(work, "run")
    shutil.rmtree(root, ignore_errors=True)
    run(["cp", "-a", base_root, root])
    before = snapshot(root)
    flag = "" if recommends else "--no-install-recommends"
    chroot(root, f"apt-get update -qq && DEBIAN_FRONTEND=noninteractive "
                 f"apt-get install -y -qq {flag} {packages}")
    after = snapshot(root)
    lists = layer_bytes({}, {p: m for p, m in after.items() if p.startswith("var/lib/apt/lists")})
    kept = layer_bytes(before, after)
    removed = layer_bytes(before, after, skip_prefix="var/lib/apt/lists")
    base_count = sum(1 for p in before if p.startswith("var/lib/dpkg/info/") and p.endswith(".list"))
    after_count = sum(1 for p in after if p.startswith("var/lib/dpkg/info/") and p.endswith(".list"))
    shutil.rmtree(root, ignore_errors=True)
    return after_count - base_count, kept, removed, lists


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/var/tmp/dockerlean-apt-layers")
    ap.add_argument("--out", default="measured.tsv")
    ap.add_argument("--only", nargs="*", help="measure only these package sets (e.g. curl)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    base_root = base(args.work)
    with open(args.out, "w") as out:
        out.write("packages\trecommends\tapt_docker_clean\tgzip_indexes\tnewly_installed\t"
                  "layer_bytes_lists_kept\tlayer_bytes_lists_removed\tapt_lists_bytes\trun\n")
        for packages, recommends in SETS:
            if args.only and packages not in args.only:
                continue
            new, kept, removed, lists = measure(args.work, base_root, packages, recommends)
            rec = "yes" if recommends else "no"
            name = packages.replace(" ", "+") + ("__rec" if recommends else "__norec")
            out.write(f"{packages}\t{rec}\tyes\tyes\t{new}\t{kept}\t{removed}\t{lists}\t{name}\n")
            out.flush()
    print(f"wrote {args.out}; now: cargo run -p dockerlean-core --example apt_accuracy -- {args.out}")


if __name__ == "__main__":
    main()
