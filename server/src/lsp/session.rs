//! State shared by the message-order layer and the request handlers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use dockerlean_core::position::Encoding;

use super::config::EditorSettings;
use super::docs_link::DocsLinks;
use super::documents::Documents;
use super::size_settings::SizeSettings;
use super::size_view::ContextCache;

/// What `initialize` settled with the client.
#[derive(Clone, Copy, Debug)]
pub struct Negotiated {
    pub encoding: Encoding,
    pub related_information: bool,
    /// The client applies workspace edits that create files (`documentChanges` with
    /// `CreateFile`), which fixes adding a `.dockerignore` need.
    pub create_files: bool,
}

pub struct Session {
    pub documents: Documents,
    pub docs_links: DocsLinks,
    pub editor_settings: EditorSettings,
    /// Whether the client answers `workspace/configuration`.
    pub pulls_configuration: AtomicBool,
    pub sizes: SizeSettings,
    pub contexts: ContextCache,
    negotiated: OnceLock<Negotiated>,
    shutdown_requested: AtomicBool,
}

impl Session {
    pub fn new(docs_links: DocsLinks) -> Session {
        Session {
            documents: Documents::default(),
            docs_links,
            editor_settings: EditorSettings::default(),
            pulls_configuration: AtomicBool::new(false),
            sizes: SizeSettings::default(),
            contexts: ContextCache::default(),
            negotiated: OnceLock::new(),
            shutdown_requested: AtomicBool::new(false),
        }
    }

    pub fn negotiate(&self, negotiated: Negotiated) {
        // `initialize` runs once (the transport rejects a second one), so a refusal here only
        // means a value is already in place.
        let _ = self.negotiated.set(negotiated);
    }

    /// Before `initialize`, the protocol's defaults.
    pub fn negotiated(&self) -> Negotiated {
        self.negotiated.get().copied().unwrap_or(Negotiated {
            encoding: Encoding::Utf16,
            related_information: false,
            create_files: false,
        })
    }

    pub fn encoding(&self) -> Encoding {
        self.negotiated().encoding
    }

    pub fn request_shutdown(&self) {
        self.shutdown_requested.store(true, Ordering::SeqCst);
    }

    pub fn shutdown_requested(&self) -> bool {
        self.shutdown_requested.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
pub mod test_support {
    use dockerlean_core::rules::RuleMeta;
    use dockerlean_core::{Edit, Finding, Fix, Related, Severity};

    use super::*;

    pub static META: RuleMeta = RuleMeta {
        code: "DKL999",
        name: "test-rule",
        hadolint: None,
        severity: Severity::Warning,
        fixable: true,
        summary: "A rule for tests.",
        docs: "## What it does",
    };

    /// A session whose docs pages go to a scratch directory, negotiated as given.
    pub fn session(encoding: Encoding, related_information: bool) -> Session {
        let dir = std::env::temp_dir().join(format!("dockerlean-test-{}", std::process::id()));
        let session = Session::new(DocsLinks::in_dir(dir));
        session.negotiate(Negotiated {
            encoding,
            related_information,
            create_files: true,
        });
        session
    }

    /// A finding on `range` whose fix inserts `!` at its end, explained by the text's start.
    pub fn finding(range: std::ops::Range<usize>) -> Finding {
        Finding {
            rule: &META,
            severity: Severity::Warning,
            message: "test finding".to_owned(),
            fix: Some(Fix::safe(
                "Add !".to_owned(),
                vec![Edit::insert(range.end, "!")],
            )),
            related: vec![Related {
                range: 0..1,
                message: "because".to_owned(),
            }],
            range,
        }
    }
}
