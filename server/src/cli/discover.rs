//! Turns the `check` arguments into the list of inputs to lint.

use std::path::{Path, PathBuf};

use super::CliError;

/// One thing to lint.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Input {
    Stdin,
    File(PathBuf),
}

/// Directories that hold dependencies or build output, never a project's own Dockerfiles, and
/// can be huge.
const SKIPPED_DIRS: &[&str] = &[".git", "node_modules", "target"];

/// Files are taken as given, whatever their name; directories are searched for Dockerfiles in
/// sorted order, so runs are reproducible. Inputs keep the order of the arguments.
pub fn inputs(paths: &[PathBuf]) -> Result<Vec<Input>, CliError> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            let found = dockerfiles_under(path)?;
            if found.is_empty() {
                return Err(CliError::new(format!(
                    "{}: no Dockerfile or Containerfile found in this directory",
                    path.display()
                )));
            }
            inputs.extend(found.into_iter().map(Input::File));
        } else {
            // Existence is checked when the file is read, which names the I/O error.
            inputs.push(Input::File(path.clone()));
        }
    }
    // A file named twice, or found again under a directory also given, is reported once; so is
    // stdin, which can only be read once.
    let mut seen = std::collections::HashSet::new();
    inputs.retain(|input| seen.insert(input.clone()));
    Ok(inputs)
}

fn dockerfiles_under(root: &Path) -> Result<Vec<PathBuf>, CliError> {
    let walk = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            !(e.depth() > 0 && e.file_type().is_dir() && is_skipped_dir(e.file_name()))
        });
    let mut found = Vec::new();
    for entry in walk {
        let entry = entry.map_err(|e| CliError::new(e.to_string()))?;
        if entry.file_type().is_file() && is_dockerfile_name(&entry.file_name().to_string_lossy()) {
            found.push(tidy(root, entry.into_path()));
        }
    }
    Ok(found)
}

fn is_skipped_dir(name: &std::ffi::OsStr) -> bool {
    SKIPPED_DIRS.iter().any(|s| name == *s)
}

/// `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile`, `Containerfile.*`, in any case;
/// not the per-Dockerfile ignore files (`Dockerfile.dockerignore`) that BuildKit reads.
pub fn is_dockerfile_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    if name.ends_with(".dockerignore") || name.ends_with(".containerignore") {
        return false;
    }
    ["dockerfile", "containerfile"]
        .iter()
        .any(|base| name == *base || name.starts_with(&format!("{base}.")))
        || name.ends_with(".dockerfile")
}

/// Found under `.`, `./api/Dockerfile` reads better as `api/Dockerfile`.
fn tidy(root: &Path, path: PathBuf) -> PathBuf {
    if root == Path::new(".") {
        if let Ok(rest) = path.strip_prefix(".") {
            return rest.to_path_buf();
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::is_dockerfile_name;

    #[test]
    fn dockerfile_names() {
        for name in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "Containerfile",
            "containerfile.ci",
        ] {
            assert!(is_dockerfile_name(name), "{name}");
        }
        for name in [
            "Dockerfile.dockerignore",
            ".dockerignore",
            "Dockerfiles",
            "README.md",
            "dockerfile-notes.txt",
        ] {
            assert!(!is_dockerfile_name(name), "{name}");
        }
    }
}
