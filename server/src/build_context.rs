//! The build context on disk, listed for the core's COPY / ADD estimates: the regular files
//! under the Dockerfile's directory and the `.dockerignore` there.

use std::path::Path;

use dockerlean_core::size::context::Listing;

/// Past this many files the listing is given up (the estimate then says "unknown") rather than
/// stalling an editor on a huge directory.
const MAX_FILES: usize = 200_000;

pub fn list(dir: &Path) -> Option<Listing> {
    if !dir.is_dir() {
        return None;
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        let path = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        files.push((path, size));
        if files.len() > MAX_FILES {
            return None;
        }
    }
    Some(Listing {
        files,
        dockerignore: std::fs::read_to_string(dir.join(".dockerignore")).ok(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockerlean_core::size::context::{sources_size, ContextFiles};

    #[test]
    fn lists_files_with_sizes_and_the_ignore_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/app.py"), "x".repeat(300)).unwrap();
        std::fs::write(dir.path().join("notes.md"), "y".repeat(50)).unwrap();
        std::fs::write(dir.path().join(".dockerignore"), "*.md\n").unwrap();
        let listing = list(dir.path()).unwrap();
        assert_eq!(listing.dockerignore(), Some("*.md\n"));
        assert!(listing.files().contains(&("src/app.py".to_string(), 300)));
        // .dockerignore itself (5 bytes) is sent too; notes.md is not.
        assert_eq!(sources_size(&listing, &["."]), (305, 2));
    }
}
