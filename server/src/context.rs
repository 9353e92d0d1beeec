//! Reads what the core's build-context rules need from disk: the entries beside a Dockerfile
//! and the `.dockerignore` that applies to it. The Dockerfile's folder stands for the build
//! context, as in `docker build -f dir/Dockerfile dir`.

use std::path::Path;

use dockerlean_core::Environment;

/// The environment of the Dockerfile at `path`; unknown parts stay `None` (an unreadable
/// folder is not an error: the rules that need it stay silent).
pub fn beside(path: &Path) -> Environment {
    let Some(dir) = path.parent() else {
        return Environment::default();
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let context = std::fs::read_dir(dir).ok().map(|entries| {
        entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect()
    });
    // BuildKit reads `<Dockerfile name>.dockerignore` beside the Dockerfile before the
    // context's `.dockerignore`.
    let own = path
        .file_name()
        .map(|name| dir.join(format!("{}.dockerignore", name.to_string_lossy())));
    let dockerignore = own
        .into_iter()
        .chain([dir.join(".dockerignore")])
        .find_map(|p| std::fs::read_to_string(p).ok());
    Environment {
        context,
        dockerignore,
        ..Environment::default()
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
