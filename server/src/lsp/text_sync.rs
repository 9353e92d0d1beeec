//! Applies text synchronisation notifications (and settings changes) in the order they arrive.
//!
//! The transport (transport.rs) runs several messages' futures at once, so nothing promises
//! that `didChange` handlers start in arrival order. It does call `Service::call` once per
//! message, in order, from its read loop (`call` takes `&mut self`), so this layer applies
//! `didOpen` / `didChange` / `didClose` to the documents right there, synchronously, and only
//! then passes the message on; the handlers behind it just schedule analysis of the version
//! they were told about.

use std::sync::Arc;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;
use tower_lsp_server::jsonrpc::Request;
use tower_lsp_server::ls_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
};
use tower_service::Service;

use super::session::Session;

pub struct InOrderTextSync<S> {
    inner: S,
    session: Arc<Session>,
}

impl<S> InOrderTextSync<S> {
    pub fn new(inner: S, session: Arc<Session>) -> Self {
        InOrderTextSync { inner, session }
    }

    fn apply(&self, request: &Request) {
        match request.method() {
            "textDocument/didOpen" => {
                if let Some(p) = params::<DidOpenTextDocumentParams>(request) {
                    let doc = p.text_document;
                    self.session.documents.open(doc.uri, &doc.text, doc.version);
                }
            }
            "textDocument/didChange" => {
                if let Some(p) = params::<DidChangeTextDocumentParams>(request) {
                    self.change(p);
                }
            }
            "textDocument/didClose" => {
                if let Some(p) = params::<DidCloseTextDocumentParams>(request) {
                    self.session.documents.close(&p.text_document.uri);
                }
            }
            // Settings too, so that the requests after the notification see them.
            "workspace/didChangeConfiguration" => {
                if let Some(settings) = request.params().and_then(|p| p.get("settings")) {
                    self.session.update_editor_only(settings);
                }
            }
            _ => {}
        }
    }

    fn change(&self, p: DidChangeTextDocumentParams) {
        let (uri, version) = (p.text_document.uri, p.text_document.version);
        let documents = &self.session.documents;
        match documents.change(&uri, p.content_changes, version, self.session.encoding()) {
            None => log(&format!(
                "didChange for a document that is not open: {}",
                uri.as_str()
            )),
            Some(skipped) => {
                for message in skipped {
                    log(&format!("{}: {message}", uri.as_str()));
                }
            }
        }
    }
}

impl<S: Service<Request>> Service<Request> for InOrderTextSync<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        self.apply(&request);
        self.inner.call(request)
    }
}

/// Malformed params are left for the inner service, which logs and drops them. Read from the
/// request's params in place: a clone of them (a `didOpen`'s whole text) would only be dropped.
fn params<P: DeserializeOwned>(request: &Request) -> Option<P> {
    P::deserialize(request.params()?).ok()
}

/// The server's log is its stderr; stdout carries the protocol.
fn log(message: &str) {
    eprintln!("dockerlean: {message}");
}
