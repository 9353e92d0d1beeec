//! The open documents: each one's text and incrementally reparsed trees, its version, the
//! findings of its latest analysis, and the analyzer that carries unchanged work from one
//! version to the next.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use dockerlean_core::position::Encoding;
use dockerlean_core::size::context::Listing;
use dockerlean_core::size::estimate::ImageEstimate;
use dockerlean_core::size::registry_sizes::RegistrySizes;
use dockerlean_core::source::text_of;
use dockerlean_core::syntax::Trees;
use dockerlean_core::{Analyzer, Environment, Finding, Model, SourceFile};
use ropey::Rope;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::convert;
use super::surroundings::Surroundings;

pub struct Document {
    pub file: SourceFile,
    pub version: i32,
    /// The findings of a version, with what they were found with.
    analysis: Option<Findings>,
}

struct Findings {
    version: i32,
    registry: Arc<RegistrySizes>,
    surroundings: Option<Arc<Surroundings>>,
    findings: Arc<[Finding]>,
}

impl Findings {
    /// Whether these are the findings of `version` with `registry` and `surroundings`. Both are
    /// replaced rather than changed, so the same address means the same content.
    fn are_of(
        &self,
        version: i32,
        registry: &Arc<RegistrySizes>,
        surroundings: Option<&Arc<Surroundings>>,
    ) -> bool {
        self.version == version
            && Arc::ptr_eq(&self.registry, registry)
            && same(self.surroundings.as_ref(), surroundings)
    }
}

/// Whether both are absent or both the same allocation.
fn same<T>(was: Option<&Arc<T>>, is: Option<&Arc<T>>) -> bool {
    match (was, is) {
        (Some(was), Some(is)) => Arc::ptr_eq(was, is),
        (was, is) => was.is_none() && is.is_none(),
    }
}

impl Document {
    fn new(text: &str, version: i32) -> Document {
        Document {
            file: SourceFile::new(text),
            version,
            analysis: None,
        }
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            version: self.version,
            rope: self.file.rope().clone(),
            trees: self.file.shared_trees(),
        }
    }

    /// Applies one notification's changes in order. A change whose range names a line past the
    /// end is skipped rather than clamped, so that a client out of step never makes us delete
    /// text; the returned messages say what was skipped.
    fn apply(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: Encoding,
    ) -> Vec<String> {
        let mut skipped = Vec::new();
        for change in changes {
            match change.range {
                None => self.file.replace_all(&change.text),
                Some(range) => match convert::byte_range(self.file.rope(), range, encoding) {
                    Ok(bytes) => self.file.edit(bytes, &change.text),
                    Err(err) => skipped.push(format!(
                        "ignored a change to {range:?} at version {version}: {err}"
                    )),
                },
            }
        }
        self.version = version;
        skipped
    }
}

/// One version of a document's text and trees (clones share their chunks and nodes).
pub struct Snapshot {
    pub version: i32,
    pub rope: Rope,
    pub trees: Arc<Trees>,
}

/// One version of a document and its findings.
pub struct Analysed {
    pub version: i32,
    pub snapshot: Snapshot,
    pub findings: Arc<[Finding]>,
}

/// One open document. The text sits behind a plain mutex, held only for an edit or to take a
/// snapshot, never across an `.await` nor during analysis, so that edits apply at once while an
/// older version is being analysed. Lock order: `analyzer`, then `document`.
pub struct OpenDocument {
    document: Mutex<Document>,
    analyzer: Mutex<Analyzer>,
    /// The size estimate the size features last asked for. Lock order: after `analyzer`.
    estimate: Mutex<Option<KeptEstimate>>,
}

/// A version's size estimate with what it was made with: hovers, inlay hints and code lenses
/// ask for the same version again and again (each mouse move, each scroll), and estimating a
/// 20,000-line file takes milliseconds.
struct KeptEstimate {
    version: i32,
    registry: Arc<RegistrySizes>,
    listing: Option<Arc<Listing>>,
    estimate: Arc<ImageEstimate>,
}

impl OpenDocument {
    /// Analyses `version` knowing the base-image sizes `registry` looked up and what its folder
    /// holds, or returns `None` when the document has moved past it (the analysis of the newer
    /// version supersedes this one). The text is not locked while analysing.
    pub fn analysed(
        &self,
        version: i32,
        registry: &Arc<RegistrySizes>,
        surroundings: Option<&Arc<Surroundings>>,
    ) -> Option<Analysed> {
        let mut analyzer = self
            .analyzer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let snapshot = {
            let doc = self.lock();
            if doc.version != version {
                return None;
            }
            let snapshot = doc.snapshot();
            if let Some(done) = &doc.analysis {
                if done.are_of(version, registry, surroundings) {
                    return Some(Analysed {
                        version,
                        snapshot,
                        findings: done.findings.clone(),
                    });
                }
            }
            snapshot
        };
        let environment = Environment {
            registry: registry.clone(),
            ..surroundings
                .map(|around| around.environment.clone())
                .unwrap_or_default()
        };
        let findings: Arc<[Finding]> = analyzer
            .analyze_text(|| text_of(&snapshot.rope), &snapshot.trees, &environment)
            .findings
            .into();
        let mut doc = self.lock();
        if doc.version == version {
            doc.analysis = Some(Findings {
                version,
                registry: registry.clone(),
                surroundings: surroundings.cloned(),
                findings: findings.clone(),
            });
        }
        Some(Analysed {
            version,
            snapshot,
            findings,
        })
    }

    /// The document as it is now, to read without holding its lock.
    pub fn snapshot(&self) -> Snapshot {
        self.lock().snapshot()
    }

    /// Runs `f` on the model of a version's text and trees, reusing what the analyses kept (see
    /// [`Analyzer::with_model`]). Not to be called with the document locked (lock order).
    pub fn with_model<T>(&self, snapshot: &Snapshot, f: impl FnOnce(&Model) -> T) -> T {
        self.analyzer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .with_model(|| text_of(&snapshot.rope), &snapshot.trees, f)
    }

    /// The size estimate of `version` with `registry` and `listing`: the one kept when it was
    /// made with the same (the same addresses: both are replaced, never changed), else
    /// `make`'s, which is kept instead.
    pub fn estimate(
        &self,
        version: i32,
        registry: &Arc<RegistrySizes>,
        listing: Option<&Arc<Listing>>,
        make: impl FnOnce() -> ImageEstimate,
    ) -> Arc<ImageEstimate> {
        let mut kept = self
            .estimate
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match &*kept {
            Some(k)
                if k.version == version
                    && Arc::ptr_eq(&k.registry, registry)
                    && same(k.listing.as_ref(), listing) =>
            {
                k.estimate.clone()
            }
            _ => {
                let estimate = Arc::new(make());
                *kept = Some(KeptEstimate {
                    version,
                    registry: registry.clone(),
                    listing: listing.cloned(),
                    estimate: estimate.clone(),
                });
                estimate
            }
        }
    }

    /// The analysis of whatever version is current when it finishes.
    pub fn analysed_current(
        &self,
        registry: &Arc<RegistrySizes>,
        surroundings: Option<&Arc<Surroundings>>,
    ) -> Analysed {
        loop {
            let version = self.lock().version;
            if let Some(analysed) = self.analysed(version, registry, surroundings) {
                return analysed;
            }
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, Document> {
        // A panic while analysing leaves the text intact (edits are applied before analysis),
        // so a poisoned lock still guards a usable document.
        self.document
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[derive(Default)]
pub struct Documents {
    open: Mutex<HashMap<Uri, Arc<OpenDocument>>>,
}

impl Documents {
    pub fn open(&self, uri: Uri, text: &str, version: i32) {
        let document = Arc::new(OpenDocument {
            document: Mutex::new(Document::new(text, version)),
            analyzer: Mutex::new(Analyzer::default()),
            estimate: Mutex::default(),
        });
        self.map().insert(uri, document);
    }

    /// Applies a `didChange`; returns what was skipped, or `None` for an unknown document.
    pub fn change(
        &self,
        uri: &Uri,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: Encoding,
    ) -> Option<Vec<String>> {
        let document = self.get(uri)?;
        let skipped = document.lock().apply(changes, version, encoding);
        Some(skipped)
    }

    pub fn close(&self, uri: &Uri) {
        self.map().remove(uri);
    }

    pub fn get(&self, uri: &Uri) -> Option<Arc<OpenDocument>> {
        self.map().get(uri).cloned()
    }

    /// Every open document with its current version.
    pub fn versions(&self) -> Vec<(Uri, i32)> {
        self.map()
            .iter()
            .map(|(uri, doc)| (uri.clone(), doc.lock().version))
            .collect()
    }

    /// Whether `document` is still what is open at `uri` (not closed, nor closed and reopened).
    pub fn is_current(&self, uri: &Uri, document: &Arc<OpenDocument>) -> bool {
        self.map()
            .get(uri)
            .is_some_and(|open| Arc::ptr_eq(open, document))
    }

    fn map(&self) -> MutexGuard<'_, HashMap<Uri, Arc<OpenDocument>>> {
        self.open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::surroundings::SurroundingsCache;
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(range: Option<Range>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: text.to_owned(),
        }
    }

    fn at(line: u32, character: u32) -> Range {
        Range::new(
            Position::new(line, character),
            Position::new(line, character),
        )
    }

    #[test]
    fn changes_apply_in_order_against_the_previous_text() {
        let docs = Documents::default();
        let uri: Uri = "file:///Dockerfile".parse().unwrap();
        docs.open(uri.clone(), "FROM a\n", 1);
        let changes = vec![
            change(Some(at(1, 0)), "RUN b\n"),
            change(Some(at(2, 0)), "RUN c\n"),
        ];
        assert_eq!(docs.change(&uri, changes, 2, Encoding::Utf16), Some(vec![]));
        let doc = docs.get(&uri).unwrap();
        assert_eq!(doc.lock().file.text(), "FROM a\nRUN b\nRUN c\n");
        assert_eq!(doc.lock().version, 2);
    }

    #[test]
    fn a_change_past_the_end_is_skipped_and_the_rest_applied() {
        let docs = Documents::default();
        let uri: Uri = "file:///Dockerfile".parse().unwrap();
        docs.open(uri.clone(), "FROM a\n", 1);
        let changes = vec![change(Some(at(9, 0)), "lost"), change(None, "FROM b\n")];
        let skipped = docs.change(&uri, changes, 2, Encoding::Utf8).unwrap();
        assert_eq!(skipped.len(), 1);
        assert_eq!(docs.get(&uri).unwrap().lock().file.text(), "FROM b\n");
    }

    #[test]
    fn findings_are_reused_only_with_the_same_surroundings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        std::fs::write(&path, "FROM a\nADD . /app\n").unwrap();
        let docs = Documents::default();
        let uri: Uri = "file:///Dockerfile".parse().unwrap();
        docs.open(uri.clone(), "FROM a\nADD . /app\n", 1);
        let doc = docs.get(&uri).unwrap();
        let cache = SurroundingsCache::default();
        let registry = Arc::new(RegistrySizes::default());
        let around = Some(cache.of(&path));
        let first = doc.analysed(1, &registry, around.as_ref()).unwrap();
        let again = doc.analysed(1, &registry, around.as_ref()).unwrap();
        assert!(Arc::ptr_eq(&first.findings, &again.findings), "reused");

        cache.forget();
        let reread = Some(cache.of(&path));
        let fresh = doc.analysed(1, &registry, reread.as_ref()).unwrap();
        assert!(
            !Arc::ptr_eq(&first.findings, &fresh.findings),
            "analysed again"
        );
        assert!(
            doc.analysed(0, &registry, reread.as_ref()).is_none(),
            "moved past"
        );
    }

    #[test]
    fn an_estimate_is_reused_only_for_the_same_version_registry_and_listing() {
        let docs = Documents::default();
        let uri: Uri = "file:///Dockerfile".parse().unwrap();
        docs.open(uri.clone(), "FROM alpine:3.20\n", 1);
        let doc = docs.get(&uri).unwrap();
        let registry = Arc::new(RegistrySizes::default());
        let listing = Some(Arc::new(Listing {
            files: vec![],
            dockerignore: None,
        }));
        let mut made = 0;
        let mut estimate =
            |version, registry: &Arc<RegistrySizes>, listing: Option<&Arc<Listing>>| {
                doc.estimate(version, registry, listing, || {
                    made += 1;
                    ImageEstimate {
                        instructions: vec![],
                        stages: vec![],
                    }
                })
            };
        let first = estimate(1, &registry, listing.as_ref());
        assert!(Arc::ptr_eq(
            &first,
            &estimate(1, &registry, listing.as_ref())
        ));
        estimate(2, &registry, listing.as_ref());
        estimate(2, &Arc::new(RegistrySizes::default()), listing.as_ref());
        estimate(2, &registry, None);
        assert_eq!(
            made, 4,
            "made again for each other version, registry or listing"
        );
    }

    #[test]
    fn unknown_documents_are_not_an_error() {
        let docs = Documents::default();
        let uri: Uri = "file:///nowhere".parse().unwrap();
        assert!(docs
            .change(&uri, vec![change(None, "x")], 1, Encoding::Utf16)
            .is_none());
        docs.close(&uri);
    }
}
