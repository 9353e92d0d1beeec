//! Reads what the core's build-context rules need from disk: the entries beside a Dockerfile
//! and the `.dockerignore` that applies to it. The Dockerfile's folder stands for the build
//! context, as in `docker build -f dir/Dockerfile dir`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dockerlean_core::Environment;

/// The environment of the Dockerfile at `path`; unknown parts stay `None` (an unreadable
/// folder is not an error: the rules that need it stay silent).
pub fn beside(path: &Path) -> Environment {
    Folders::default().beside(path)
}

/// Folders already listed: a `check` of many Dockerfiles in one folder lists it once (listing
/// a big folder once per file was a fifth of a corpus run).
#[derive(Default)]
pub struct Folders {
    entries: HashMap<PathBuf, Option<Arc<[String]>>>,
}

impl Folders {
    pub fn beside(&mut self, path: &Path) -> Environment {
        let Some(dir) = path.parent() else {
            return Environment::default();
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let context = self
            .entries
            .entry(dir.to_owned())
            .or_insert_with(|| {
                std::fs::read_dir(dir).ok().map(|entries| {
                    entries
                        .filter_map(|e| e.ok()?.file_name().into_string().ok())
                        .collect()
                })
            })
            .clone();
        // BuildKit reads `<Dockerfile name>.dockerignore` beside the Dockerfile before the
        // context's `.dockerignore`.
        let own = path
            .file_name()
            .map(|name| format!("{}.dockerignore", name.to_string_lossy()));
        let dockerignore = own
            .into_iter()
            .chain([".dockerignore".to_string()])
            .filter(|name| context.as_ref().is_none_or(|c| c.contains(name)))
            .find_map(|name| std::fs::read_to_string(dir.join(name)).ok());
        Environment {
            context,
            dockerignore,
            ..Environment::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_folder_and_the_dockerfile_own_ignore_first() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM a\n").unwrap();
        let env = beside(&dir.path().join("Dockerfile"));
        assert!(env.has(".git") && env.has("Dockerfile"));
        assert_eq!(env.dockerignore, None);
        std::fs::write(dir.path().join(".dockerignore"), "a\n").unwrap();
        std::fs::write(dir.path().join("Dockerfile.dockerignore"), "b\n").unwrap();
        assert_eq!(
            beside(&dir.path().join("Dockerfile"))
                .dockerignore
                .as_deref(),
            Some("b\n")
        );
        assert_eq!(
            beside(&dir.path().join("Other")).dockerignore.as_deref(),
            Some("a\n")
        );
    }
}
