//! Requests that only tests may use, registered when `DOCKERLEAN_TEST_HOOKS` is set: they let
//! a test compare the server's copy of a document with its own after a burst of edits. And,
//! with `DOCKERLEAN_TEST_ANALYSIS_DELAY_MS`, a pause before each analysis starts, so that a test
//! can be sure newer edits arrive while an older analysis is pending.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::TextDocumentIdentifier;
use tower_lsp_server::LspServiceBuilder;

use super::server::Backend;

pub const ENV: &str = "DOCKERLEAN_TEST_HOOKS";
const DELAY_ENV: &str = "DOCKERLEAN_TEST_ANALYSIS_DELAY_MS";

/// Sleeps as long as the tests asked (only with the hooks on); called before each analysis.
pub fn delay_analysis() {
    if let Some(delay) = analysis_delay() {
        std::thread::sleep(delay);
    }
}

/// Whether analyses are held back: a held-back analysis stands for a slow one, which must not
/// run on the message loop.
pub fn delays_analysis() -> bool {
    analysis_delay().is_some()
}

fn analysis_delay() -> Option<std::time::Duration> {
    static DELAY: std::sync::OnceLock<Option<std::time::Duration>> = std::sync::OnceLock::new();
    *DELAY.get_or_init(|| {
        std::env::var_os(ENV)?;
        let ms = std::env::var(DELAY_ENV).ok()?.parse().ok()?;
        Some(std::time::Duration::from_millis(ms))
    })
}

pub fn register(builder: LspServiceBuilder<Backend>) -> LspServiceBuilder<Backend> {
    if std::env::var_os(ENV).is_none() {
        return builder;
    }
    builder.custom_method("dockerlean/documentText", document_text)
}

/// The text and version the server holds for a document, or null when it is not open.
async fn document_text(
    backend: &Backend,
    params: TextDocumentIdentifier,
) -> Result<Option<(String, i32)>> {
    Ok(backend.session().documents.get(&params.uri).map(|doc| {
        let doc = doc.lock();
        (doc.file.text(), doc.version)
    }))
}
