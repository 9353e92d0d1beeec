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

/// Whether `rm` (or `find … -delete`) in `cmd` removes something at or below `dir`.
pub fn removes(cmd: &Command, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    // The path itself, something below it, or a directory above it.
    let under = |w: &Word| {
        let p = w.text.trim_end_matches('*').trim_end_matches('/');
        !p.is_empty()
            && (p == dir || p.starts_with(&format!("{dir}/")) || dir.starts_with(&format!("{p}/")))
    };
    match cmd.program() {
        "rm" => cmd
            .args()
            .iter()
            .filter(|w| !w.text.starts_with('-'))
            .any(under),
        "find" => {
            cmd.args().first().is_some_and(under) && cmd.args().iter().any(|w| w.text == "-delete")
        }
        _ => false,
    }
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
