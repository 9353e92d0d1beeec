//! The LSP request and notification handlers. Text has already been applied to the documents
//! by [`super::text_sync`] when a notification gets here; what is left is analysing, publishing
//! and answering.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::notification::{Notification, PublishDiagnostics};
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    CodeActionResponse, ConfigurationItem, Diagnostic, DidChangeConfigurationParams,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    InitializeParams, InitializeResult, InitializedParams, ResourceOperationKind,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, Uri,
};
use tower_lsp_server::ls_types::{
    CodeLens, CodeLensOptions, CodeLensParams, CompletionOptions, CompletionParams,
    CompletionResponse, Hover, HoverParams, HoverProviderCapability, InlayHint, InlayHintParams,
    MarkupKind, OneOf, PublishDiagnosticsParams,
};
use tower_lsp_server::{Client, LanguageServer};

use super::actions::code_actions;
use super::config::{self, effective, problem_diagnostic};
use super::diagnostics::diagnostic;
use super::documents::OpenDocument;
use super::outbox::Outbox;
use super::session::{Negotiated, Session};
use super::size_handlers;
use super::{convert, fix_all, work};

pub struct Backend {
    client: Client,
    session: Arc<Session>,
    publisher: Publisher,
}

/// Publishes diagnostics; shared with the task that refreshes what a registry look-up changed.
#[derive(Clone)]
struct Publisher {
    client: Client,
    /// Where diagnostics go: every one of them, so that they reach the client in order.
    outbox: Outbox,
    session: Arc<Session>,
    /// Held from the "is this still the document's current version?" check through the send,
    /// so that no other publish (an older analysis finishing late, or the clearing on close)
    /// can slip in between and leave stale diagnostics on screen.
    publishing: Arc<tokio::sync::Mutex<()>>,
}

impl Publisher {
    /// Analyses `version` of `uri` and publishes its diagnostics, unless the document has moved
    /// on meanwhile: the analysis scheduled for the newer version publishes instead.
    async fn analyze_and_publish(&self, uri: Uri, version: i32) {
        let Some(document) = self.session.documents.get(&uri) else {
            return;
        };
        let session = self.session.clone();
        let (task_document, task_uri) = (document.clone(), uri.clone());
        let analysed = work::run(work::quick(&document), move || {
            diagnostics(&session, &task_document, &task_uri, version)
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
            self.publish(uri, diagnostics, Some(version));
        }
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams::new(uri, diagnostics, version);
        self.outbox.notify(PublishDiagnostics::METHOD, params);
    }

    /// Settings changed: every open document is analysed and published again.
    async fn republish_all(&self) {
        for (uri, version) in self.session.documents.versions() {
            self.analyze_and_publish(uri, version).await;
        }
    }

    /// A registry look-up ended: the lenses and hints the client shows are asked for again
    /// (when it takes such requests) and the diagnostics republished (DKL302 states sizes).
    async fn sizes_changed(&self) {
        let negotiated = self.session.negotiated();
        // Not awaited in line: a client slow to answer must not hold up the diagnostics.
        if negotiated.code_lens_refresh {
            let client = self.client.clone();
            tokio::spawn(async move {
                if let Err(err) = client.code_lens_refresh().await {
                    eprintln!("dockerlean: workspace/codeLens/refresh failed: {err}");
                }
            });
        }
        if negotiated.inlay_hint_refresh {
            let client = self.client.clone();
            tokio::spawn(async move {
                if let Err(err) = client.inlay_hint_refresh().await {
                    eprintln!("dockerlean: workspace/inlayHint/refresh failed: {err}");
                }
            });
        }
        self.republish_all().await;
    }
}

/// The diagnostics of `version` of `document`, or `None` when it has moved past that version.
fn diagnostics(
    session: &Session,
    document: &OpenDocument,
    uri: &Uri,
    version: i32,
) -> Option<Vec<Diagnostic>> {
    super::test_hooks::delay_analysis();
    let surroundings = session.surroundings_of(uri);
    let (config, problems) = effective(surroundings.as_deref(), &session.editor_settings);
    let registry = session.registry.sizes();
    let analysed = document.analysed(version, &registry, surroundings.as_ref())?;
    let rope = &analysed.snapshot.rope;
    Some(
        problems
            .into_iter()
            .map(problem_diagnostic)
            .chain(analysed.findings.iter().filter_map(|f| {
                let severity = config.severity_of(f)?;
                Some(diagnostic(f, severity, rope, version, uri, session))
            }))
            .collect(),
    )
}

impl Backend {
    pub fn new(client: Client, outbox: Outbox, session: Arc<Session>) -> Backend {
        let publisher = Publisher {
            client: client.clone(),
            outbox,
            session: session.clone(),
            publishing: Arc::default(),
        };
        Backend {
            client,
            session,
            publisher,
        }
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Asks the client for the `dockerlean` settings, when it answers such requests.
    async fn pull_settings(&self) {
        if !self.session.pulls_configuration.load(Ordering::SeqCst) {
            return;
        }
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some(config::SECTION.to_owned()),
        };
        match self.client.configuration(vec![item]).await {
            Ok(values) => {
                let value = values.into_iter().next().unwrap_or_default();
                self.session.editor_settings.set(&value);
                self.session.update_editor_only(&value);
            }
            Err(err) => eprintln!("dockerlean: workspace/configuration failed: {err}"),
        }
    }

    async fn analyze_and_publish(&self, uri: Uri, version: i32) {
        self.publisher.analyze_and_publish(uri, version).await;
    }

    async fn republish_all(&self) {
        self.publisher.republish_all().await;
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
        let pulls = capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.configuration)
            .unwrap_or(false);
        self.session
            .pulls_configuration
            .store(pulls, Ordering::SeqCst);
        if let Some(options) = &params.initialization_options {
            self.session.editor_settings.set(config::section(options));
        }
        let encoding = convert::negotiate_encoding(capabilities);
        let workspace_edit = capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref());
        let workspace = capabilities.workspace.as_ref();
        let code_lens_refresh = workspace
            .and_then(|w| w.code_lens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false);
        let inlay_hint_refresh = workspace
            .and_then(|w| w.inlay_hint.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false);
        let create_files = workspace_edit.is_some_and(|e| {
            e.document_changes == Some(true)
                && e.resource_operations
                    .as_ref()
                    .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create))
        });
        let resolves_edits = capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.code_action.as_ref())
            .and_then(|c| c.resolve_support.as_ref())
            .is_some_and(|r| r.properties.iter().any(|p| p == "edit"));
        let markdown = capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.hover.as_ref())
            .and_then(|h| h.content_format.as_ref())
            .is_some_and(|formats| formats.contains(&MarkupKind::Markdown));
        self.session.sizes.set_markdown(markdown);
        if let Some(options) = &params.initialization_options {
            self.session.update_editor_only(options);
        }
        self.session.negotiate(Negotiated {
            encoding,
            related_information,
            create_files,
            code_lens_refresh,
            inlay_hint_refresh,
            resolves_edits,
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
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::REFACTOR_REWRITE,
                            fix_all::kind(),
                        ]),
                        resolve_provider: Some(true),
                        ..CodeActionOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![":".to_owned(), "=".to_owned(), " ".to_owned()]),
                    ..CompletionOptions::default()
                }),
                inlay_hint_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "dockerlean".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Look-ups end on threads of their own; one task turns their ends into refreshes, a
        // burst of them into one.
        let changed = Arc::new(tokio::sync::Notify::new());
        let notify = changed.clone();
        self.session.registry.on_update(move || notify.notify_one());
        let publisher = self.publisher.clone();
        tokio::spawn(async move {
            loop {
                changed.notified().await;
                publisher.sizes_changed().await;
            }
        });
        self.pull_settings().await;
        self.republish_all().await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.session.surroundings.forget();
        // Push-style clients send the settings; pull-style ones send null and expect a request.
        match params.settings.get(config::SECTION) {
            Some(section) => self.session.editor_settings.set(section),
            None => self.pull_settings().await,
        }
        self.republish_all().await;
    }

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
        let _publishing = self.publisher.publishing.lock().await;
        self.publisher
            .publish(params.text_document.uri, Vec::new(), None);
    }

    /// Fills in the edit of a fix-all offered without one.
    async fn code_action_resolve(&self, action: CodeAction) -> Result<CodeAction> {
        let Some(uri) = fix_all::pending_document(&action) else {
            return Ok(action);
        };
        let Some(document) = self.session.documents.get(&uri) else {
            return Ok(action);
        };
        let session = self.session.clone();
        // Fixing all analyses the text pass after pass: never on the message loop.
        work::run(false, move || {
            let surroundings = session.surroundings_of(&uri);
            let (config, _) = effective(surroundings.as_deref(), &session.editor_settings);
            let (rope, version) = {
                let doc = document.lock();
                (doc.file.rope().clone(), doc.version)
            };
            fix_all::resolve(action, &rope, version, &uri, &config, &session)
        })
        .await
        .map_err(|err| {
            eprintln!("dockerlean: resolving a code action failed: {err}");
            Error::internal_error()
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let Some(document) = self.session.documents.get(&uri) else {
            return Ok(None);
        };
        let session = self.session.clone();
        let actions = work::run(work::quick(&document), move || {
            let surroundings = session.surroundings_of(&uri);
            let (config, _) = effective(surroundings.as_deref(), &session.editor_settings);
            let registry = session.registry.sizes();
            let analysed = document.analysed_current(&registry, surroundings.as_ref());
            code_actions(&document, &analysed, &params, &config, &session)
        })
        .await
        .map_err(|err| {
            eprintln!("dockerlean: code actions failed: {err}");
            Error::internal_error()
        })?;
        Ok(Some(actions))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        size_handlers::hover(&self.session, at.text_document.uri, at.position).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        size_handlers::completion(&self.session, at.text_document.uri, at.position).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        size_handlers::inlay_hints(&self.session, params.text_document.uri, params.range).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        size_handlers::code_lenses(&self.session, params.text_document.uri).await
    }
}
