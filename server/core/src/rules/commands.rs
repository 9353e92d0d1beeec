//! Recognising package-manager invocations in a script, shared by the rules about them.

use crate::model::shell::Command;
use crate::syntax::words::Word;

/// Options of apt-get / apt that take a separate value.
pub(crate) const APT_VALUE_OPTIONS: &[&str] = &[
    "-o",
    "-t",
    "-c",
    "--option",
    "--target-release",
    "--config-file",
    "-a",
    "--host-architecture",
];

/// For `apt-get …` / `apt …`, the operation word (`install`, `update`, …).
pub fn apt_operation(cmd: &Command) -> Option<&Word> {
    matches!(cmd.program(), "apt-get" | "apt")
        .then(|| cmd.operand(APT_VALUE_OPTIONS).map(|(_, w)| w))
        .flatten()
}

pub fn is_apt(cmd: &Command, operation: &str) -> bool {
    apt_operation(cmd).is_some_and(|w| w.text == operation)
}

/// For `apk …`, the operation word.
pub fn apk_operation(cmd: &Command) -> Option<&Word> {
    const VALUE_OPTIONS: &[&str] = &[
        "-X",
        "--repository",
        "-t",
        "--virtual",
        "-p",
        "--root",
        "--arch",
        "--cache-dir",
        "--keys-dir",
    ];
    (cmd.program() == "apk")
        .then(|| cmd.operand(VALUE_OPTIONS).map(|(_, w)| w))
        .flatten()
}

/// For `pip install`, `pip3.12 install`, `python3 -m pip install`, …: the `install` word.
pub fn pip_install(cmd: &Command) -> Option<&Word> {
    let program = cmd.program();
    let args = cmd.args();
    let rest = if is_versioned(program, "pip") {
        args
    } else if is_versioned(program, "python") {
        let m = args.iter().position(|w| w.text == "-m")?;
        match args.get(m + 1) {
            Some(module) if is_versioned(&module.text, "pip") => &args[m + 2..],
            _ => return None,
        }
    } else {
        return None;
    };
    // Global options that take a value may come before the subcommand.
    const VALUE_OPTIONS: &[&str] = &[
        "--python",
        "--log",
        "--proxy",
        "--retries",
        "--timeout",
        "--exists-action",
        "--trusted-host",
        "--cert",
        "--client-cert",
        "--cache-dir",
        "--src",
    ];
    let mut skip = false;
    for w in rest {
        if std::mem::take(&mut skip) {
            continue;
        }
        if w.text.starts_with('-') {
            skip = VALUE_OPTIONS.contains(&w.text.as_str());
            continue;
        }
        return (w.text == "install").then_some(w);
    }
    None
}

/// `name`, `name3`, `name3.12`.
fn is_versioned(program: &str, name: &str) -> bool {
    program
        .strip_prefix(name)
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Operations of yum / dnf / microdnf that download repository metadata or packages.
const RPM_FILLING: &[&str] = &[
    "install",
    "groupinstall",
    "localinstall",
    "reinstall",
    "update",
    "upgrade",
    "downgrade",
    "distro-sync",
    "makecache",
    "builddep",
    "group",
    "module",
];

/// For `yum …` / `dnf …` / `microdnf …` run by one of `programs`: the operation word, when it
/// fills the package cache.
pub fn rpm_filling<'c>(cmd: &'c Command, programs: &[&str]) -> Option<&'c Word> {
    const VALUE_OPTIONS: &[&str] = &[
        "-c",
        "--config",
        "--installroot",
        "--releasever",
        "-d",
        "--debuglevel",
        "-e",
        "--errorlevel",
        "-x",
        "--exclude",
        "--enablerepo",
        "--disablerepo",
        "--repo",
        "--setopt",
    ];
    operation(cmd, programs, VALUE_OPTIONS).filter(|w| RPM_FILLING.contains(&w.text.as_str()))
}

/// `yum clean all`, `dnf clean all`, `microdnf clean all`: on RHEL 8 and later yum is dnf, so
/// any of them empties the cache the others fill.
pub fn rpm_clean_all(cmd: &Command) -> bool {
    matches!(cmd.program(), "yum" | "dnf" | "dnf5" | "microdnf")
        && cmd.args().iter().any(|w| w.text == "clean")
        && cmd.args().iter().any(|w| w.text == "all")
}

/// The first operand of `cmd` when it runs one of `programs`.
pub fn operation<'c>(
    cmd: &'c Command,
    programs: &[&str],
    value_options: &[&str],
) -> Option<&'c Word> {
    programs
        .contains(&cmd.program())
        .then(|| cmd.operand(value_options).map(|(_, w)| w))
        .flatten()
}

/// The value of `--name VALUE` or `--name=VALUE` for the first of `names` that `cmd` has.
pub fn option_value<'c>(cmd: &'c Command, names: &[&str]) -> Option<&'c str> {
    let args = cmd.args();
    args.iter().enumerate().find_map(|(i, w)| {
        names.iter().find_map(|name| {
            if w.text == *name {
                args.get(i + 1).map(|v| v.text.as_str())
            } else {
                w.text.strip_prefix(name)?.strip_prefix('=')
            }
        })
    })
}

/// Whether `rm` (or `find … -delete`) in `cmd` removes something at or below `dir`.
pub fn removes(cmd: &Command, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    // The path itself, something below it, or a directory above it.
    removed_paths(cmd).any(|w| {
        let p = w.text.trim_end_matches('*').trim_end_matches('/');
        !p.is_empty()
            && (p == dir || p.starts_with(&format!("{dir}/")) || dir.starts_with(&format!("{p}/")))
    })
}

/// The paths `rm` (or `find PATH … -delete` / `-exec rm` without name tests) in `cmd` removes.
pub fn removed_paths(cmd: &Command) -> impl Iterator<Item = &Word> {
    let args = cmd.args();
    let paths: &[Word] = match cmd.program() {
        "rm" => args,
        "find" if find_deletes(cmd) && find_name(cmd).is_none() => &args[..args.len().min(1)],
        _ => &[],
    };
    paths.iter().filter(|w| !w.text.starts_with('-'))
}

/// For `find BASE … -name NAME … -delete` (or `-exec rm`): BASE and NAME, the entries it
/// removes being those named NAME below BASE.
pub fn find_named_removal(cmd: &Command) -> Option<(&str, &str)> {
    let base = cmd.args().first().filter(|w| !w.text.starts_with('-'))?;
    (cmd.program() == "find" && find_deletes(cmd))
        .then(|| Some((base.text.as_str(), find_name(cmd)?)))
        .flatten()
}

fn find_deletes(cmd: &Command) -> bool {
    cmd.args()
        .iter()
        .any(|w| w.text == "-delete" || w.text == "rm" || w.text.ends_with("/rm"))
}

fn find_name(cmd: &Command) -> Option<&str> {
    let args = cmd.args();
    let at = args
        .iter()
        .position(|w| matches!(w.text.as_str(), "-name" | "-iname" | "-path" | "-regex"))?;
    args.get(at + 1).map(|w| w.text.as_str())
}

/// File name endings of archives that ADD unpacks and that `tar` / `unzip` extract.
pub const ARCHIVE_SUFFIXES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".tzst",
    ".gz", ".bz2", ".xz", ".zst", ".zip", ".lz4",
];

pub fn is_archive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ARCHIVE_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

/// The file a `curl` / `wget` command writes, when it writes one (not to stdout): `curl -o F`,
/// `curl -O URL` (the URL's last segment), `wget -O F`, `wget URL` (likewise, under `-P DIR`).
pub fn download_target(cmd: &Command) -> Option<String> {
    let args = cmd.args();
    let url = || args.iter().find(|w| w.text.contains("://"));
    let last_segment = |u: &Word| {
        let path = u.text.split(['?', '#']).next().unwrap_or(&u.text);
        path.rsplit('/')
            .next()
            .filter(|s| !s.is_empty() && !s.contains(':'))
            .map(str::to_string)
    };
    let written = |out: String| (out != "-" && !out.starts_with("/dev/")).then_some(out);
    match cmd.program() {
        "curl" => match short_or_long_value(args, 'o', "--output") {
            Some(out) => written(out),
            None if cmd.has_flag("--remote-name") || has_cluster(cmd, 'O') => {
                url().and_then(last_segment)
            }
            None => None,
        },
        "wget" => match short_or_long_value(args, 'O', "--output-document") {
            Some(out) => written(out),
            None => {
                let name = url().and_then(last_segment)?;
                Some(match short_or_long_value(args, 'P', "--directory-prefix") {
                    Some(dir) => format!("{}/{name}", dir.trim_end_matches('/')),
                    None => name,
                })
            }
        },
        _ => None,
    }
}

/// The value of a short option `-L` (also in a cluster, `-fsSLo FILE`, or attached, `-OFILE`)
/// or of its long form (`--long FILE`, `--long=FILE`).
fn short_or_long_value(args: &[Word], short: char, long: &str) -> Option<String> {
    args.iter().enumerate().find_map(|(i, w)| {
        let next = || args.get(i + 1).map(|v| v.text.clone());
        if w.text == long {
            return next();
        }
        if let Some(v) = w.text.strip_prefix(long).and_then(|r| r.strip_prefix('=')) {
            return Some(v.to_string());
        }
        let cluster = w.text.strip_prefix('-').filter(|c| !c.starts_with('-'))?;
        let at = cluster.find(short)?;
        if !cluster[..at].chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let rest = &cluster[at + 1..];
        if rest.is_empty() {
            next()
        } else {
            Some(rest.to_string())
        }
    })
}

/// Whether a short-option cluster such as `-fsSLO` holds `letter` (case-sensitive, unlike
/// option values such as `-o file`).
fn has_cluster(cmd: &Command, letter: char) -> bool {
    cmd.args().iter().any(|w| {
        w.text.starts_with('-') && !w.text.starts_with("--") && w.text[1..].contains(letter)
    })
}

/// The archive a `tar` (extracting, from a file) or `unzip` command reads: its word and the
/// file name in it.
pub fn extracted_archive(cmd: &Command) -> Option<(&Word, &str)> {
    let args = cmd.args();
    match cmd.program() {
        "unzip" => args
            .iter()
            .find(|w| !w.text.starts_with('-'))
            .map(|w| (w, w.text.as_str())),
        "tar" | "bsdtar" => {
            let first = args.first()?;
            // `tar xzf FILE`: the old style, whose first word is a cluster without a dash.
            let old_style = !first.text.starts_with('-') && first.text.contains('x');
            let extracting = old_style
                || args.iter().any(|w| {
                    w.text == "--extract"
                        || w.text == "--get"
                        || (w.text.starts_with('-')
                            && !w.text.starts_with("--")
                            && w.text.contains('x'))
                });
            if !extracting {
                return None;
            }
            let file = args.iter().enumerate().find_map(|(i, w)| {
                if let Some(v) = w.text.strip_prefix("--file=") {
                    return (!v.is_empty()).then_some((w, v));
                }
                let cluster =
                    (w.text.starts_with('-') && !w.text.starts_with("--")) || (i == 0 && old_style);
                if (cluster && w.text.ends_with('f')) || w.text == "--file" {
                    return args.get(i + 1).map(|v| (v, v.text.as_str()));
                }
                None
            })?;
            (file.1 != "-").then_some(file)
        }
        _ => None,
    }
}

/// The package names an install command names: `apt-get install`, `apk add`, `yum` / `dnf` /
/// `microdnf install`. Options and their values are left out.
pub fn installed_packages(cmd: &Command) -> Vec<&Word> {
    let (op, skip_values): (Option<&Word>, &[&str]) = match cmd.program() {
        "apt-get" | "apt" => (
            apt_operation(cmd).filter(|w| w.text == "install"),
            APT_VALUE_OPTIONS,
        ),
        "apk" => (
            apk_operation(cmd).filter(|w| w.text == "add"),
            &["-t", "--virtual", "-X", "--repository"],
        ),
        "yum" | "dnf" | "microdnf" | "tdnf" => (
            cmd.args().iter().find(|w| w.text == "install"),
            &[
                "--setopt",
                "--enablerepo",
                "--disablerepo",
                "--installroot",
                "--releasever",
            ],
        ),
        _ => (None, &[]),
    };
    let Some(op) = op else {
        return Vec::new();
    };
    let Some(at) = cmd.args().iter().position(|w| std::ptr::eq(w, op)) else {
        return Vec::new();
    };
    let mut skip = false;
    cmd.args()[at + 1..]
        .iter()
        .filter(|w| {
            if std::mem::take(&mut skip) {
                return false;
            }
            if w.text.starts_with('-') {
                skip = skip_values.contains(&w.text.as_str());
                return false;
            }
            true
        })
        .collect()
}

/// The packages `apt-get purge` / `apt-get remove` / `apk del` removes.
pub fn removed_packages(cmd: &Command) -> Vec<&Word> {
    let op = apt_operation(cmd)
        .filter(|w| matches!(w.text.as_str(), "purge" | "remove"))
        .or_else(|| apk_operation(cmd).filter(|w| w.text == "del"));
    let Some(at) = op.and_then(|op| cmd.args().iter().position(|w| std::ptr::eq(w, op))) else {
        return Vec::new();
    };
    cmd.args()[at + 1..]
        .iter()
        .filter(|w| !w.text.starts_with('-'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(words: &[&str]) -> Command {
        Command {
            words: words
                .iter()
                .map(|w| Word {
                    range: 0..0,
                    text: w.to_string(),
                })
                .collect(),
            env: Vec::new(),
            range: 0..0,
            json: false,
            exact: true,
        }
    }

    #[test]
    fn pip_spellings() {
        assert!(pip_install(&cmd(&["pip", "install", "x"])).is_some());
        assert!(pip_install(&cmd(&["/usr/bin/pip3.12", "--no-input", "install", "x"])).is_some());
        assert!(pip_install(&cmd(&["python3", "-m", "pip", "install", "x"])).is_some());
        assert!(pip_install(&cmd(&["pip", "download", "x"])).is_none());
        assert!(pip_install(&cmd(&["pipx", "install", "x"])).is_none());
        assert!(pip_install(&cmd(&["python", "-m", "venv", "install"])).is_none());
    }

    #[test]
    fn apt_operations_skip_option_values() {
        assert!(is_apt(
            &cmd(&[
                "apt-get",
                "-o",
                "Dpkg::Options::=--force-confold",
                "-y",
                "install",
                "x"
            ]),
            "install"
        ));
        assert!(!is_apt(&cmd(&["apt-get", "update"]), "install"));
    }

    #[test]
    fn rpm_operations_and_option_values() {
        let install = cmd(&["dnf", "--setopt", "x=1", "-y", "install", "a"]);
        assert_eq!(
            rpm_filling(&install, &["dnf"]).map(|w| w.text.as_str()),
            Some("install")
        );
        assert!(rpm_filling(&install, &["yum"]).is_none());
        assert!(rpm_filling(&cmd(&["dnf", "remove", "a"]), &["dnf"]).is_none());
        assert!(rpm_clean_all(&cmd(&["microdnf", "clean", "all"])));
        assert!(!rpm_clean_all(&cmd(&["yum", "clean", "packages"])));
        let npm = cmd(&["npm", "ci", "--cache=/c", "--prefix", "/p"]);
        assert_eq!(option_value(&npm, &["--cache"]), Some("/c"));
        assert_eq!(option_value(&npm, &["--prefix"]), Some("/p"));
        assert_eq!(option_value(&npm, &["--registry"]), None);
    }

    #[test]
    fn find_removes_its_base_only_without_name_tests() {
        let all = cmd(&["find", "/var/lib/apt/lists", "-type", "f", "-delete"]);
        assert!(removes(&all, "/var/lib/apt/lists"));
        let named = cmd(&["find", "/usr/local", "-name", "*.pyc", "-delete"]);
        assert!(!removes(&named, "/usr/local/bundle/cache"));
        assert_eq!(find_named_removal(&named), Some(("/usr/local", "*.pyc")));
        let exec = cmd(&[
            "find", "/v", "-name", "cache", "-exec", "rm", "-rf", "{}", "+",
        ]);
        assert_eq!(find_named_removal(&exec), Some(("/v", "cache")));
        assert_eq!(
            find_named_removal(&cmd(&["find", "/v", "-name", "x"])),
            None
        );
    }

    #[test]
    fn removal_of_lists() {
        assert!(removes(
            &cmd(&["rm", "-rf", "/var/lib/apt/lists/*"]),
            "/var/lib/apt/lists"
        ));
        assert!(removes(
            &cmd(&["rm", "-rf", "/var/lib/apt/lists"]),
            "/var/lib/apt/lists"
        ));
        assert!(!removes(
            &cmd(&["rm", "-rf", "/var/lib/apt/listsx"]),
            "/var/lib/apt/lists"
        ));
    }

    #[test]
    fn downloads_and_extractions() {
        let t = |w: &[&str]| download_target(&cmd(w));
        assert_eq!(
            t(&["curl", "-fsSLo", "/tmp/x.tgz", "https://e/x"]).as_deref(),
            Some("/tmp/x.tgz")
        );
        assert_eq!(
            t(&["curl", "-fsSL", "-o", "/tmp/x.tgz", "https://e/x"]).as_deref(),
            Some("/tmp/x.tgz")
        );
        assert_eq!(
            t(&["curl", "-fsSLO", "https://e/a/x.tgz?raw=1"]).as_deref(),
            Some("x.tgz")
        );
        assert_eq!(t(&["curl", "-fsSL", "https://e/x.tgz"]), None);
        assert_eq!(
            t(&["wget", "-q", "https://e/x.zip"]).as_deref(),
            Some("x.zip")
        );
        assert_eq!(t(&["wget", "-qO-", "https://e/x.zip"]), None);
        assert_eq!(t(&["wget", "-O", "-", "https://e/x.zip"]), None);
        assert_eq!(
            t(&["wget", "-P", "/opt/", "https://e/x.zip"]).as_deref(),
            Some("/opt/x.zip")
        );
        let x = |w: &[&str]| extracted_archive(&cmd(w)).map(|(_, f)| f.to_string());
        assert_eq!(
            x(&["tar", "xzf", "x.tgz", "-C", "/opt"]).as_deref(),
            Some("x.tgz")
        );
        assert_eq!(x(&["tar", "-xzf", "x.tgz"]).as_deref(), Some("x.tgz"));
        assert_eq!(x(&["tar", "-x", "-f", "x.tgz"]).as_deref(), Some("x.tgz"));
        assert_eq!(
            x(&["tar", "--extract", "--file=x.tgz"]).as_deref(),
            Some("x.tgz")
        );
        assert_eq!(x(&["tar", "-czf", "x.tgz", "dir"]), None);
        assert_eq!(x(&["tar", "-xz"]), None);
        assert_eq!(
            x(&["unzip", "-q", "x.zip", "-d", "/opt"]).as_deref(),
            Some("x.zip")
        );
    }

    #[test]
    fn packages_of_install_commands() {
        let p = |w: &[&str]| {
            installed_packages(&cmd(w))
                .iter()
                .map(|w| w.text.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            p(&["apt-get", "install", "-y", "gcc", "make"]),
            ["gcc", "make"]
        );
        assert_eq!(
            p(&["apk", "add", "--no-cache", "-t", ".deps", "gcc"]),
            ["gcc"]
        );
        assert_eq!(p(&["dnf", "install", "-y", "gcc"]), ["gcc"]);
        assert!(p(&["apt-get", "update"]).is_empty());
    }
}
