//! The size requests (hover, completion, inlay hints, code lens) answered off the message loop,
//! converting between the core's byte offsets and LSP positions.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{
    CodeLens, Command, CompletionItem, CompletionItemKind, CompletionResponse, CompletionTextEdit,
    Hover, HoverContents, InlayHint, InlayHintLabel, InlayHintTooltip, MarkupContent, MarkupKind,
    Position, Range as LspRange, TextEdit, Uri,
};

use super::completion::{self, ItemKind};
use super::convert;
use super::documents::{OpenDocument, Snapshot};
use super::session::Session;
use super::size_view::with_sizes;
use super::surroundings::Surroundings;
use super::{code_lens, hover, inlay, work};

/// Runs `f` on a snapshot of the document at `uri`, the document unlocked (edits apply
/// meanwhile), with what surrounds it on the disk when `sizes` asks for it; `None` for an
/// unknown document. The estimate lists the build context's files: that walk, when not done
/// yet, is never done on the message loop.
async fn on_document<T: Send + 'static>(
    session: &Arc<Session>,
    uri: Uri,
    sizes: bool,
    f: impl FnOnce(&OpenDocument, &Snapshot, &Session, Option<&Surroundings>) -> T + Send + 'static,
) -> Result<Option<T>> {
    let Some(document) = session.documents.get(&uri) else {
        return Ok(None);
    };
    let around = sizes.then(|| session.surroundings_of(&uri)).flatten();
    let inline =
        work::quick(&document) && around.as_ref().is_none_or(|around| around.files_listed());
    let session = session.clone();
    work::run(inline, move || {
        let snapshot = document.snapshot();
        Some(f(&document, &snapshot, &session, around.as_deref()))
    })
    .await
    .map_err(|err| {
        eprintln!("dockerlean: size request failed: {err}");
        Error::internal_error()
    })
}

fn offset(snapshot: &Snapshot, pos: Position, session: &Session) -> usize {
    convert::byte_range_clamped(&snapshot.rope, LspRange::new(pos, pos), session.encoding()).start
}

pub async fn hover(session: &Arc<Session>, uri: Uri, pos: Position) -> Result<Option<Hover>> {
    let answer = on_document(session, uri, true, move |document, doc, session, around| {
        let at = offset(doc, pos, session);
        let markdown = session.sizes.markdown();
        with_sizes(
            document,
            doc,
            session,
            around,
            |model, estimate, registry| {
                hover::hover(model, Some(estimate), registry, at, markdown).map(|(range, text)| {
                    Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: if markdown {
                                MarkupKind::Markdown
                            } else {
                                MarkupKind::PlainText
                            },
                            value: text,
                        }),
                        range: Some(convert::range(&doc.rope, &range, session.encoding())),
                    }
                })
            },
        )
    })
    .await?;
    Ok(answer.flatten())
}

pub async fn completion(
    session: &Arc<Session>,
    uri: Uri,
    pos: Position,
) -> Result<Option<CompletionResponse>> {
    let items = on_document(session, uri, false, move |document, doc, session, _| {
        let at = offset(doc, pos, session);
        document.with_model(doc, |model| {
            let table = dockerlean_core::size::base_images::table();
            completion::complete(model, table, at)
                .into_iter()
                .map(|item| CompletionItem {
                    kind: Some(match item.kind {
                        ItemKind::Image => CompletionItemKind::MODULE,
                        ItemKind::Tag => CompletionItemKind::VALUE,
                        ItemKind::Stage => CompletionItemKind::REFERENCE,
                    }),
                    detail: Some(item.detail),
                    sort_text: Some(item.sort),
                    filter_text: Some(item.label.clone()),
                    text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                        range: convert::range(&doc.rope, &item.replace, session.encoding()),
                        new_text: item.label.clone(),
                    })),
                    label: item.label,
                    ..CompletionItem::default()
                })
                .collect::<Vec<_>>()
        })
    })
    .await?;
    Ok(items.map(CompletionResponse::Array))
}

pub async fn inlay_hints(
    session: &Arc<Session>,
    uri: Uri,
    range: LspRange,
) -> Result<Option<Vec<InlayHint>>> {
    if !session.sizes.inlay_hints() {
        return Ok(Some(Vec::new()));
    }
    on_document(session, uri, true, move |document, doc, session, around| {
        let rope = &doc.rope;
        let within = convert::byte_range_clamped(rope, range, session.encoding());
        with_sizes(document, doc, session, around, |model, estimate, _| {
            inlay::hints(model, estimate, within)
                .into_iter()
                .map(|h| InlayHint {
                    position: convert::position(rope, h.at, session.encoding()),
                    label: InlayHintLabel::String(h.label),
                    kind: None,
                    text_edits: None,
                    tooltip: (!h.tooltip.is_empty()).then_some(InlayHintTooltip::String(h.tooltip)),
                    padding_left: Some(true),
                    padding_right: None,
                    data: None,
                })
                .collect()
        })
    })
    .await
}

pub async fn code_lenses(session: &Arc<Session>, uri: Uri) -> Result<Option<Vec<CodeLens>>> {
    if !session.sizes.code_lens() {
        return Ok(Some(Vec::new()));
    }
    on_document(session, uri, true, move |document, doc, session, around| {
        let rope = &doc.rope;
        with_sizes(document, doc, session, around, |model, estimate, _| {
            code_lens::lenses(model, estimate)
                .into_iter()
                .map(|(range, title)| CodeLens {
                    range: convert::range(rope, &range, session.encoding()),
                    // Informational: a title with no command to run.
                    command: Some(Command {
                        title,
                        command: String::new(),
                        arguments: None,
                    }),
                    data: None,
                })
                .collect()
        })
    })
    .await
}
