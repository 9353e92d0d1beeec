//! What the size features (hover, completion, inlay hints, code lens) read from a document:
//! its model and the size estimate, with the build context taken from the document's directory
//! and the base-image sizes registry look-ups found.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dockerlean_core::size::context::{ContextFiles, Listing};
use dockerlean_core::size::estimate::{estimate, ImageEstimate};
use dockerlean_core::size::registry_sizes::{self, RegistrySizes};
use dockerlean_core::Model;
use tower_lsp_server::ls_types::Uri;

use super::documents::{OpenDocument, Snapshot};
use super::session::Session;

/// Build-context listings by directory, reused for a few seconds: hints, lenses and hovers
/// arrive in bursts after each edit, and walking a large context for each would stall them.
#[derive(Default)]
pub struct ContextCache {
    listings: Mutex<HashMap<PathBuf, Listed>>,
}

/// When a directory was listed, and the listing (`None`: not a directory, or too large).
type Listed = (Instant, Option<Arc<Listing>>);

const FRESH_FOR: Duration = Duration::from_secs(5);

impl ContextCache {
    fn get(&self, dir: &Path) -> Option<Arc<Listing>> {
        let mut listings = self
            .listings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((at, listing)) = listings.get(dir) {
            if at.elapsed() < FRESH_FOR {
                return listing.clone();
            }
        }
        let listing = crate::build_context::list(dir).map(Arc::new);
        listings.insert(dir.to_path_buf(), (Instant::now(), listing.clone()));
        listing
    }
}

/// Runs `f` over the model of the document's `snapshot`, its estimate and the registry sizes
/// known (the context is only listed when `with_estimate` asks for it, since that walks the
/// disk; before the model is built, which holds up the document's next analysis). With
/// registry look-ups on, base images the table lacks are looked up in the background.
pub fn with_model<T>(
    document: &OpenDocument,
    snapshot: &Snapshot,
    uri: &Uri,
    session: &Session,
    with_estimate: bool,
    f: impl FnOnce(&Model, Option<&ImageEstimate>, &RegistrySizes) -> T,
) -> T {
    if !with_estimate {
        return document.with_model(&snapshot.rope, &snapshot.trees, |model| {
            f(model, None, &RegistrySizes::default())
        });
    }
    let listing = uri
        .to_file_path()
        .and_then(|path| path.parent().and_then(|dir| session.contexts.get(dir)));
    document.with_model(&snapshot.rope, &snapshot.trees, |model| {
        let wanted = if session.registry.settings().lookups {
            registry_sizes::wanted(model)
        } else {
            Vec::new()
        };
        let registry = session.registry.request(&wanted);
        let estimate = estimate(
            model,
            listing.as_deref().map(|l| l as &dyn ContextFiles),
            &registry,
        );
        f(model, Some(&estimate), &registry)
    })
}
