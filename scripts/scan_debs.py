"""What installing a .deb writes, read from the .deb itself: the helper of
scripts/gen_debian_packages.py (see there for the command). Downloads with `apt-get download`
into a cache outside the repository (default /var/tmp/dockerlean-debs) and keeps each scan next
to its .deb (`<file>.scan.json`), so a rerun downloads and reads only new versions.

Per package, in bytes, as a layer stores them (regular files by size, a symlink by the length of
its target, a hard link's content once, directories 0):
  files       everything in the data archive
  excluded    of that, what the slim images' dpkg path-excludes drop (SLIM_EXCLUDES)
  info        what dpkg keeps in /var/lib/dpkg/info: the file list and the control members
              (md5sums, maintainer scripts, conffiles, templates, triggers, shlibs, …)
  status      its stanza in /var/lib/dpkg/status
  byte_code   the .pyc files its maintainer scripts write: the Python sources they compile
              (dist-packages and private directories named to py3compile, and the standard
              library, which the python3.11 packages' postinst compiles) compiled here the same
              way (a 16-byte header and the marshalled code; sources that do not compile, e.g.
              Python 2 files, get none, as there)
  templates   its debconf templates (the control member debconf copies into templates.dat)
"""

import fnmatch
import io
import json
import marshal
import multiprocessing
import os
import re
import subprocess
import sys
import tarfile

# debian:*-slim's /etc/dpkg/dpkg.cfg.d/docker (docker-library/debian and debuerreotype), the
# setup ../shared/data/layer-truth was measured with. The last matching rule wins; `*` matches
# `/` (dpkg matches with fnmatch(3) and no FNM_PATHNAME).
SLIM_EXCLUDES = [
    ("exclude", "/usr/share/doc/*"),
    ("include", "/usr/share/doc/*/copyright"),
    ("exclude", "/usr/share/man/*"),
    ("exclude", "/usr/share/groff/*"),
    ("exclude", "/usr/share/info/*"),
    ("exclude", "/usr/share/lintian/*"),
    ("exclude", "/usr/share/linda/*"),
    ("exclude", "/usr/share/locale/*"),
    ("include", "/usr/share/locale/locale.alias"),
]

STDLIB = re.compile(r"^/usr/lib/python3\.\d+/.*\.py$")
DIST_PACKAGES = "/usr/lib/python3/dist-packages/"

FIELDS = ("files", "excluded", "info", "status", "byte_code", "templates")
# Scans cached by another version of this scanner are made again.
SCANNER = 1


def byte_code(source, path):
    """The size of the .pyc py_compile writes for `source` at `path` (CPython 3.11, as bookworm)."""
    try:
        code = compile(source, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return 0
    return 16 + len(marshal.dumps(code))


def excluded(path):
    verdict = False
    for rule, pattern in SLIM_EXCLUDES:
        if fnmatch.fnmatchcase(path, pattern):
            verdict = rule == "exclude"
    return verdict


def dpkg_path(name):
    name = name[1:] if name.startswith(".") else name
    name = name.rstrip("/")
    return name or "/."


def status_stanza(control, conffiles):
    """The stanza dpkg writes: the control file with `Status` after `Package` and the
    conffiles with their md5sums (dpkg moves `Status` and `Conffiles` to those places)."""
    lines = control.rstrip("\n").split("\n")
    size = sum(len(line.encode()) + 1 for line in lines)
    size += len("Status: install ok installed\n")
    if conffiles:
        size += len("Conffiles:\n")
        size += sum(len(f" {path} {'0' * 32}\n".encode()) for path in conffiles)
    return size + 1  # the blank line between stanzas


def scan_deb(path):
    control_tar = subprocess.run(["dpkg-deb", "--ctrl-tarfile", path], check=True,
                                 capture_output=True).stdout
    control_members = {}
    with tarfile.open(fileobj=io.BytesIO(control_tar), mode="r:") as tar:
        for m in tar:
            if m.isfile():
                control_members[os.path.basename(m.name)] = tar.extractfile(m).read()
    control = control_members["control"].decode()
    postinst = control_members.get("postinst", b"").decode(errors="replace")
    compiled_dirs = [DIST_PACKAGES]
    for args in re.findall(r"py3compile\s+-p\s+\S+([^\n;|&]*)", postinst):
        compiled_dirs += [a.rstrip("/") + "/" for a in args.split() if a.startswith("/")]
    py3compile = "py3compile" in postinst

    totals = dict.fromkeys(FIELDS, 0)
    listed = 0
    # Streamed: some data archives are several hundred MB unpacked.
    with subprocess.Popen(["dpkg-deb", "--fsys-tarfile", path], stdout=subprocess.PIPE) as proc:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for m in tar:
                p = dpkg_path(m.name)
                listed += len(p.encode()) + 1
                if m.isfile():
                    size = m.size
                elif m.issym():
                    size = len(m.linkname.encode())
                else:
                    continue
                totals["files"] += size
                if excluded(p):
                    totals["excluded"] += size
                elif p.endswith(".py") and m.isfile() and (STDLIB.match(p) or (
                        py3compile and any(p.startswith(d) for d in compiled_dirs))):
                    totals["byte_code"] += byte_code(tar.extractfile(m).read(), p)
        proc.stdout.read()
    if proc.returncode:
        raise RuntimeError(f"dpkg-deb --fsys-tarfile {path} failed")
    info = listed + sum(len(v) for k, v in control_members.items() if k != "control")
    conffiles = control_members.get("conffiles", b"").decode().split()
    totals["info"] = info
    totals["templates"] = len(control_members.get("templates", b""))
    totals["status"] = status_stanza(control, [c for c in conffiles if c.startswith("/")])
    return totals


def deb_name(f):
    """The file name `apt-get download` gives a package's .deb."""
    return f"{f['Package']}_{f['Version'].replace(':', '%3a')}_{f['Architecture']}.deb"


def download(stanzas, cache):
    """Fetches the .debs of `stanzas` (Packages fields) that the cache lacks."""
    missing = [f for f in stanzas if not os.path.exists(os.path.join(cache, deb_name(f)))]
    for i in range(0, len(missing), 200):
        chunk = [f"{f['Package']}={f['Version']}" for f in missing[i:i + 200]]
        # As root, apt would warn for every file that its sandbox user cannot write the cache.
        subprocess.run(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root"] + chunk,
                       cwd=cache, check=True, stdout=subprocess.DEVNULL)


def cached_scan(deb):
    """The scan of `deb`, from the cache when this version of the scanner made it."""
    cached = deb + ".scan.json"
    if os.path.exists(cached):
        with open(cached) as c:
            result = json.load(c)
        if result.pop("scanner", None) == SCANNER:
            return result
    result = scan_deb(deb)
    with open(cached + ".tmp", "w") as c:
        json.dump({**result, "scanner": SCANNER}, c)
    os.replace(cached + ".tmp", cached)
    return result


def scan(stanzas, cache):
    """name -> {field: bytes} for every stanza, downloading and reading what is not cached."""
    if sys.version_info[:2] != (3, 11):
        sys.exit("byte code sizes need Python 3.11, bookworm's (e.g. /usr/bin/python3)")
    os.makedirs(cache, exist_ok=True)
    download(stanzas, cache)
    debs = [os.path.join(cache, deb_name(f)) for f in stanzas]
    with multiprocessing.Pool(min(4, os.cpu_count() or 1)) as pool:
        results = pool.map(cached_scan, debs, chunksize=8)
    return {f["Package"]: r for f, r in zip(stanzas, results)}
