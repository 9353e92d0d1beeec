//! What the size features (hover, inlay hints, code lens) read from a document: its model
//! and the size estimate, with the build context taken from the document's directory and the
//! base-image sizes registry look-ups found.

use dockerlean_core::size::context::ContextFiles;
use dockerlean_core::size::estimate::{estimate, ImageEstimate};
use dockerlean_core::size::registry_sizes::{self, RegistrySizes};
use dockerlean_core::Model;

use super::documents::{OpenDocument, Snapshot};
use super::session::Session;
use super::surroundings::Surroundings;

/// Runs `f` over the model of the document's `snapshot`, its estimate and the registry sizes
/// known. The build context is `around`'s, listed before the model is built, which holds up
/// the document's next analysis. With registry look-ups on, base images the table lacks are
/// looked up in the background.
pub fn with_sizes<T>(
    document: &OpenDocument,
    snapshot: &Snapshot,
    session: &Session,
    around: Option<&Surroundings>,
    f: impl FnOnce(&Model, &ImageEstimate, &RegistrySizes) -> T,
) -> T {
    let listing = around.and_then(Surroundings::files);
    document.with_model(snapshot, |model| {
        let wanted = if session.registry.settings().lookups {
            registry_sizes::wanted(model)
        } else {
            Vec::new()
        };
        let registry = session.registry.request(&wanted);
        let estimate = document.estimate(snapshot.version, &registry, listing.as_ref(), || {
            estimate(
                model,
                listing.as_deref().map(|l| l as &dyn ContextFiles),
                &registry,
            )
        });
        f(model, &estimate, &registry)
    })
}
