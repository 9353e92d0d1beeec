//! What the server reads from the disk around a document: its project config files, the
//! listing and `.dockerignore` of its build context for the rules, and the files of the build
//! context with their sizes for the size features. Read afresh for every keystroke, that was a
//! folder listing, file reads and parses and a `stat` per config name and parent folder; it is
//! kept instead while the document's folder looks unchanged, which costs a few `stat`s.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use dockerlean_core::config::Config;
use dockerlean_core::size::context::Listing;
use dockerlean_core::Environment;

use crate::project_config::{self, Problem};

pub struct Surroundings {
    /// The project config for the document's folder, or why it could not be used.
    pub config: (Config, Option<Problem>),
    /// The build context, without registry sizes (those change apart from the disk).
    pub environment: Environment,
    /// Every file of the build context with its size, walked on first use: only the size
    /// features need it, and a large context takes long to walk.
    files: OnceLock<Option<Arc<Listing>>>,
    folder: PathBuf,
}

impl Surroundings {
    /// The build context's files (`None`: not a directory, or too large to list).
    pub fn files(&self) -> Option<Arc<Listing>> {
        self.files
            .get_or_init(|| crate::build_context::list(&self.folder).map(Arc::new))
            .clone()
    }

    /// Whether [`Surroundings::files`] has been listed already.
    pub fn files_listed(&self) -> bool {
        self.files.get().is_some()
    }
}

#[derive(Default)]
pub struct SurroundingsCache {
    read: Mutex<HashMap<PathBuf, Read>>,
}

struct Read {
    at: Instant,
    folder: Fingerprint,
    surroundings: Arc<Surroundings>,
}

/// How long a config file in a parent folder may have changed unseen (those folders are not
/// watched): longer than the gap between keystrokes, shorter than it takes to switch to
/// another window, change a file and come back. The build context's files deeper down are not
/// fingerprinted either: their sizes are at most this old.
const FRESH_FOR: Duration = Duration::from_secs(2);

/// The modification times (and sizes) of the document's folder, which change when an entry is
/// added, removed or renamed, and of the files in it an analysis reads, which change when one
/// is edited in place: the config files and `.dockerignore`s, all dotfiles or `*.dockerignore`.
/// Sizes too, since a timestamp only moves once per clock tick (a few milliseconds).
#[derive(PartialEq)]
struct Fingerprint(Vec<Option<(SystemTime, u64)>>);

impl Fingerprint {
    fn of(folder: &Path, listing: Option<&[String]>) -> Fingerprint {
        let modified = |path: &Path| {
            let metadata = std::fs::metadata(path).ok()?;
            Some((metadata.modified().ok()?, metadata.len()))
        };
        let read = listing
            .into_iter()
            .flatten()
            .filter(|name| name.starts_with('.') || name.ends_with(".dockerignore"));
        Fingerprint(
            std::iter::once(modified(folder))
                .chain(read.map(|name| modified(&folder.join(name))))
                .collect(),
        )
    }
}

impl SurroundingsCache {
    /// The surroundings of the document at `path`: as last read when that was less than
    /// [`FRESH_FOR`] ago and its folder looks the same, else read again.
    pub fn of(&self, path: &Path) -> Arc<Surroundings> {
        // Documents come from `file:` URIs: absolute paths, with a parent unless the root.
        let folder = path.parent().unwrap_or(path);
        let mut read = self
            .read
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(last) = read.get(path) {
            let listing = last.surroundings.environment.context.as_deref();
            if last.at.elapsed() < FRESH_FOR && Fingerprint::of(folder, listing) == last.folder {
                return last.surroundings.clone();
            }
        }
        let at = Instant::now();
        let surroundings = Arc::new(Surroundings {
            config: path.parent().map(project_config::load).unwrap_or_default(),
            environment: crate::context::beside(path),
            files: OnceLock::new(),
            folder: folder.to_owned(),
        });
        // Taken after reading: a file changed while it was read is seen [`FRESH_FOR`] later.
        let folder = Fingerprint::of(folder, surroundings.environment.context.as_deref());
        // Closed documents' entries go here too, not to pile up over a long session.
        read.retain(|_, last| last.at.elapsed() < FRESH_FOR);
        let entry = Read {
            at,
            folder,
            surroundings: surroundings.clone(),
        };
        read.insert(path.to_owned(), entry);
        surroundings
    }

    /// Everything is read again on next use: the user changed settings, and may well have
    /// changed the config files too.
    pub fn forget(&self) {
        self.read
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_added_or_edited_beside_the_document_are_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let dockerfile = dir.path().join("Dockerfile");
        std::fs::write(&dockerfile, "FROM alpine\n").unwrap();
        let cache = SurroundingsCache::default();
        let first = cache.of(&dockerfile);
        assert_eq!(first.environment.dockerignore, None);
        assert!(Arc::ptr_eq(&first, &cache.of(&dockerfile)), "kept");

        // Past the file system's timestamp granularity, each time.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(dir.path().join(".dockerignore"), "node_modules\n").unwrap();
        let added = cache.of(&dockerfile).environment.clone();
        assert_eq!(added.dockerignore.as_deref(), Some("node_modules\n"));
        assert!(added
            .context
            .is_some_and(|c| c.contains(&".dockerignore".to_owned())));

        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(dir.path().join(".dockerignore"), "target/\n").unwrap();
        let edited = cache.of(&dockerfile).environment.clone();
        assert_eq!(edited.dockerignore.as_deref(), Some("target/\n"));
    }
}
