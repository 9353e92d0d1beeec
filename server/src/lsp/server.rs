//! The LSP request and notification handlers. Text has already been applied to the documents
//! by [`super::text_sync`] when a notification gets here; what is left is analysing, publishing
//! and answering.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    CodeActionResponse, Diagnostic, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, InitializeParams, InitializeResult, InitializedParams,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, Uri,
};
use tower_lsp_server::{Client, LanguageServer};

use super::code_actions::quick_fixes;
use super::convert;
use super::diagnostics::diagnostic;
use super::session::{Negotiated, Session};

pub struct Backend {
    client: Client,
    session: Arc<Session>,
    /// Held from the "is this still the document's current version?" check through the send,
    /// so that no other publish (an older analysis finishing late, or the clearing on close)
    /// can slip in between and leave stale diagnostics on screen.
    publishing: tokio::sync::Mutex<()>,
}

impl Backend {
    pub fn new(client: Client, session: Arc<Session>) -> Backend {
        Backend {
            client,
            session,
            publishing: tokio::sync::Mutex::new(()),
        }
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Analyses `version` of `uri` off the message loop and publishes its diagnostics, unless
    /// the document has moved on meanwhile: the analysis scheduled for the newer version
    /// publishes instead.
    async fn analyze_and_publish(&self, uri: Uri, version: i32) {
        let Some(document) = self.session.documents.get(&uri) else {
            return;
        };
        let session = self.session.clone();
        let (task_document, task_uri) = (document.clone(), uri.clone());
        let analysed = tokio::task::spawn_blocking(move || {
            let analysed = task_document.analysed(version)?;
            let diagnostics: Vec<Diagnostic> = analysed
                .findings
                .iter()
                .map(|f| diagnostic(f, &analysed.rope, version, &task_uri, &session))
                .collect();
            Some(diagnostics)
        })
        .await;
        let diagnostics = match analysed {
            Ok(Some(diagnostics)) => diagnostics,
            Ok(None) => return,
            Err(err) => {
                eprintln!("dockerlean: analysis of {} failed: {err}", uri.as_str());
                return;
            }
        };
        let _publishing = self.publishing.lock().await;
        let still_current = self.session.documents.is_current(&uri, &document)
            && document.lock().version == version;
        if still_current {
            self.client
                .publish_diagnostics(uri, diagnostics, Some(version))
                .await;
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let capabilities = &params.capabilities;
        let related_information = capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.publish_diagnostics.as_ref())
            .and_then(|p| p.related_information)
            .unwrap_or(false);
        let encoding = convert::negotiate_encoding(capabilities);
        self.session.negotiate(Negotiated {
            encoding,
            related_information,
        });
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..CodeActionOptions::default()
                    },
                )),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "dockerlean".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {}

    async fn shutdown(&self) -> Result<()> {
        self.session.request_shutdown();
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.analyze_and_publish(doc.uri, doc.version).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let doc = params.text_document;
        self.analyze_and_publish(doc.uri, doc.version).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let _publishing = self.publishing.lock().await;
        self.client
            .publish_diagnostics(params.text_document.uri, Vec::new(), None)
            .await;
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(document) = self.session.documents.get(&uri) else {
            return Ok(None);
        };
        let session = self.session.clone();
        let actions = tokio::task::spawn_blocking(move || {
            let analysed = document.analysed_current();
            let rope = &analysed.rope;
            let requested = convert::byte_range_clamped(rope, params.range, session.encoding());
            let context = &params.context.diagnostics;
            quick_fixes(
                &analysed.findings,
                rope,
                analysed.version,
                &uri,
                requested,
                context,
                &session,
            )
        })
        .await
        .map_err(|err| {
            eprintln!("dockerlean: code actions failed: {err}");
            Error::internal_error()
        })?;
        Ok(Some(actions))
    }
}
