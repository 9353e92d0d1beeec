//! Recognising package-manager invocations in a script, shared by the rules about them.

use crate::model::shell::Command;
use crate::syntax::words::Word;

/// Options of apt-get / apt that take a separate value.
const APT_VALUE_OPTIONS: &[&str] = &[
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
}
