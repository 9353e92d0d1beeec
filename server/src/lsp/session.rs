//! State shared by the message-order layer and the request handlers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use dockerlean_core::position::Encoding;
use serde_json::Value;
use tower_lsp_server::ls_types::Uri;

use super::config::{self, EditorSettings};
use super::docs_link::DocsLinks;
use super::documents::Documents;
use super::size_settings::SizeSettings;
use super::surroundings::{Surroundings, SurroundingsCache};
use crate::registry::{Cache, Lookups};

/// What `initialize` settled with the client.
#[derive(Clone, Copy, Debug)]
pub struct Negotiated {
    pub encoding: Encoding,
    pub related_information: bool,
    /// The client applies workspace edits that create files (`documentChanges` with
    /// `CreateFile`), which fixes adding a `.dockerignore` need.
    pub create_files: bool,
    /// The client takes `workspace/codeLens/refresh` and `workspace/inlayHint/refresh`, sent
    /// when a registry look-up brings a size.
    pub code_lens_refresh: bool,
    pub inlay_hint_refresh: bool,
    /// The client fills in a code action's `edit` through `codeAction/resolve`, so costly
    /// edits (fix all) are computed only when chosen.
    pub resolves_edits: bool,
}

pub struct Session {
    pub documents: Documents,
    pub docs_links: DocsLinks,
    pub editor_settings: EditorSettings,
    /// Whether the client answers `workspace/configuration`.
    pub pulls_configuration: AtomicBool,
    pub sizes: SizeSettings,
    pub surroundings: SurroundingsCache,
    pub registry: Arc<Lookups>,
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
            surroundings: SurroundingsCache::default(),
            registry: Arc::new(Lookups::new(Cache::user())),
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
            code_lens_refresh: false,
            resolves_edits: false,
            inlay_hint_refresh: false,
        })
    }

    /// Takes the settings of a `dockerlean` section that only the language server reads: the
    /// size features' switches and the registry look-ups.
    pub fn update_editor_only(&self, settings: &Value) {
        self.sizes.update(settings);
        let mut registry = self.registry.settings();
        registry.update(config::section(settings));
        self.registry.set_settings(registry);
    }

    /// What the document at `uri` reads from its folder (an unsaved buffer has none).
    pub fn surroundings_of(&self, uri: &Uri) -> Option<Arc<Surroundings>> {
        uri.to_file_path().map(|path| self.surroundings.of(&path))
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
            code_lens_refresh: false,
            inlay_hint_refresh: false,
            resolves_edits: false,
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
