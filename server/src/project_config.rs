//! Finding and reading a Dockerfile's project config (`.dockerlean.toml`, `.hadolint.yaml` /
//! `.hadolint.yml`): the I/O half of configuration, shared by the CLI and the language server.
//! Parsing and applying are the core's.

use std::fmt;
use std::path::{Path, PathBuf};

use dockerlean_core::config::Config;

use crate::registry::Settings;

const DOCKERLEAN: &[&str] = &[".dockerlean.toml"];
const HADOLINT: &[&str] = &[".hadolint.yaml", ".hadolint.yml"];

/// A config file that could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    /// `path:line: message`, what editors and terminals turn into a link.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The settings for Dockerfiles in `dir`. When a config file is malformed, the defaults apply
/// and the problem says why.
pub fn load(dir: &Path) -> (Config, Option<Problem>) {
    let hadolint = find(dir, HADOLINT).map(|p| read(&p, Config::from_hadolint_yaml));
    let dockerlean = find(dir, DOCKERLEAN).map(|p| read(&p, Config::from_toml));
    let mut config = Config::default();
    for loaded in [hadolint, dockerlean].into_iter().flatten() {
        match loaded {
            Ok(c) => config = config.merged(&c),
            Err(problem) => return (Config::default(), Some(problem)),
        }
    }
    (config, None)
}

/// The registry look-up settings (`[registry]` of the nearest `.dockerlean.toml`) for
/// Dockerfiles in `dir`, for the CLI. When the table is malformed, look-ups stay off and the
/// problem says why.
pub fn registry(dir: &Path) -> (Settings, Option<Problem>) {
    match find(dir, DOCKERLEAN).map(|p| read(&p, Settings::from_toml)) {
        None => (Settings::default(), None),
        Some(Ok(settings)) => (settings, None),
        Some(Err(problem)) => (Settings::default(), Some(problem)),
    }
}

/// The nearest of `names` in `dir` or above it, stopping at a repository's root (the folder
/// holding `.git`) or the filesystem's.
fn find(dir: &Path, names: &[&str]) -> Option<PathBuf> {
    for ancestor in dir.ancestors() {
        if let Some(found) = names.iter().map(|n| ancestor.join(n)).find(|p| p.is_file()) {
            return Some(found);
        }
        if ancestor.join(".git").exists() {
            return None;
        }
    }
    None
}

fn read<T>(
    path: &Path,
    parse: fn(&str) -> Result<T, dockerlean_core::config::ConfigError>,
) -> Result<T, Problem> {
    let problem = |line, message| Problem {
        path: path.to_owned(),
        line,
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| problem(None, e.to_string()))?;
    parse(&text).map_err(|e| problem(e.line, e.message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockerlean_core::config::Setting;

    #[test]
    fn found_upward_and_stopped_at_the_repository_root() {
        let root = tempfile::tempdir().unwrap();
        let repo = root.path().join("repo");
        let deep = repo.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir(repo.join(".git")).unwrap();
        std::fs::write(
            root.path().join(".dockerlean.toml"),
            "ignore = [\"DKL101\"]\n",
        )
        .unwrap();
        assert_eq!(load(&deep), (Config::default(), None));
        std::fs::write(repo.join(".hadolint.yml"), "ignored: [DL3042]\n").unwrap();
        std::fs::write(
            repo.join("a/.dockerlean.toml"),
            "[rules]\nDKL102 = \"error\"\n",
        )
        .unwrap();
        let (config, problem) = load(&deep);
        assert_eq!(problem, None);
        assert_eq!(config.setting("DKL101"), Some(Setting::Off));
        assert!(config.setting("DKL102").is_some());
    }

    #[test]
    fn a_malformed_file_is_named_with_its_line_and_defaults_apply() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".hadolint.yaml"), "ignored: [DL3042]\n").unwrap();
        std::fs::write(
            dir.path().join(".dockerlean.toml"),
            "[rules]\nDKL101 = \"loud\"\n",
        )
        .unwrap();
        let (config, problem) = load(dir.path());
        assert_eq!(config, Config::default());
        let shown = problem.unwrap().to_string();
        assert!(shown.contains(".dockerlean.toml:2: "), "{shown}");
    }

    #[test]
    fn registry_settings_come_from_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(registry(dir.path()), (Settings::default(), None));
        let file = dir.path().join(".dockerlean.toml");
        std::fs::write(&file, "ignore = [\"DKL101\"]\n[registry]\nlookups = true\n").unwrap();
        assert!(registry(dir.path()).0.lookups);
        assert_eq!(
            load(dir.path()).1,
            None,
            "the rules' reader accepts the table"
        );
        std::fs::write(&file, "[registry]\nlookups = true\nttl = 3\n").unwrap();
        let (settings, problem) = registry(dir.path());
        assert!(!settings.lookups);
        assert_eq!(problem.unwrap().line, Some(3));
    }
}
