//! What the size features (hover, completion, inlay hints, code lens) read from a document:
//! its model and the size estimate, with the build context taken from the document's directory.

use dockerlean_core::size::estimate::{estimate, ImageEstimate};
use dockerlean_core::Model;
use tower_lsp_server::ls_types::Uri;

use super::documents::Document;

/// Runs `f` over the document's model and its estimate (the context is only listed when
/// `with_estimate` asks for it, since that walks the disk).
pub fn with_model<T>(
    doc: &Document,
    uri: &Uri,
    with_estimate: bool,
    f: impl FnOnce(&Model, Option<&ImageEstimate>) -> T,
) -> T {
    let text = doc.file.text();
    let model = Model::build(&text, doc.file.tree());
    if !with_estimate {
        return f(&model, None);
    }
    let listing = uri
        .to_file_path()
        .and_then(|path| path.parent().map(crate::build_context::list))
        .flatten();
    let estimate = estimate(
        &model,
        listing
            .as_ref()
            .map(|l| l as &dyn dockerlean_core::size::context::ContextFiles),
    );
    f(&model, Some(&estimate))
}
