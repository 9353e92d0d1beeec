//! The language server: LSP over stdio, a thin shell over `dockerlean-core`.

mod actions;
mod code_actions;
mod code_lens;
mod completion;
mod config;
mod convert;
mod diagnostics;
mod docs_link;
mod documents;
mod fix_all;
mod framing;
mod hover;
mod inlay;
mod outbox;
mod refactor;
mod server;
mod session;
mod size_handlers;
mod size_settings;
mod size_view;
mod stdio;
mod surroundings;
mod test_hooks;
mod text_sync;
mod transport;
mod work;

use std::sync::Arc;

use tower_lsp_server::LspService;

use self::docs_link::DocsLinks;
use self::server::Backend;
use self::session::Session;
use self::text_sync::InOrderTextSync;
use self::transport::Transport;

/// Serves LSP on stdin/stdout until the client sends `exit` or closes stdin, and returns the
/// process exit status: 0 after a `shutdown` request, 1 without one, as the protocol asks.
pub fn run_stdio() -> std::io::Result<u8> {
    // One thread reads a message, applies it, analyses a small document and writes the answer:
    // handing each step to another thread cost more than the analysis of a keystroke. Larger
    // analyses and the other requests' work go to the blocking pool.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let session = Arc::new(Session::new(DocsLinks::default()));
    runtime.block_on(async {
        let (outbox, frames) = outbox::channel();
        let builder = LspService::build(|client| Backend::new(client, outbox, session.clone()));
        let (service, socket) = test_hooks::register(builder).finish();
        let service = InOrderTextSync::new(service, session.clone());
        Transport::serve(stdio::input(), stdio::output(), socket, frames, service).await;
    });
    // The input reader may still be blocked reading stdin, which a client need not close
    // after `exit`: do not wait for it.
    runtime.shutdown_background();
    if session.shutdown_requested() {
        Ok(0)
    } else {
        eprintln!("dockerlean: the client ended the session without a shutdown request");
        Ok(1)
    }
}
