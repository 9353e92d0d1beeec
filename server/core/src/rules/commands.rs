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
    programs
        .contains(&cmd.program())
        .then(|| cmd.operand(VALUE_OPTIONS).map(|(_, w)| w))
        .flatten()
        .filter(|w| RPM_FILLING.contains(&w.text.as_str()))
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

/// The paths `rm` (or `find PATH … -delete` / `-exec rm`) in `cmd` removes.
pub fn removed_paths(cmd: &Command) -> impl Iterator<Item = &Word> {
    let args = cmd.args();
    let paths: &[Word] = match cmd.program() {
        "rm" => args,
        "find"
            if args
                .iter()
                .any(|w| w.text == "-delete" || w.text == "rm" || w.text.ends_with("/rm")) =>
        {
            &args[..args.len().min(1)]
        }
        _ => &[],
    };
    paths.iter().filter(|w| !w.text.starts_with('-'))
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
