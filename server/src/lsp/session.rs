//! State shared by the message-order layer and the request handlers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use dockerlean_core::position::Encoding;

use super::docs_link::DocsLinks;
use super::documents::Documents;

/// What `initialize` settled with the client.
#[derive(Clone, Copy, Debug)]
pub struct Negotiated {
    pub encoding: Encoding,
    pub related_information: bool,
}

#[derive(Default)]
pub struct Session {
    pub documents: Documents,
    pub docs_links: DocsLinks,
    negotiated: OnceLock<Negotiated>,
    shutdown_requested: AtomicBool,
}

impl Session {
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
