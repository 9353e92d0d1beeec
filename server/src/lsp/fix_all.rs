//! `source.fixAll.dockerlean`: every safe fix at once, until nothing is left to fix, as one
//! workspace edit (what editors run on save).

use dockerlean_core::config::Config;
use dockerlean_core::fix_all::{fix_all, line_edits, FixAll};
use dockerlean_core::source::text_of;
use ropey::Rope;
use tower_lsp_server::ls_types::{CodeAction, CodeActionKind, Uri};

use super::code_actions::workspace_edit;
use super::session::Session;

pub fn kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.dockerlean")
}

/// Offered without its edit, for a client that resolves edits: fixing all runs the analysis
/// pass after pass, which a large file should not pay for on every cursor move.
pub fn unresolved(uri: &Uri, version: i32) -> CodeAction {
    CodeAction {
        title: TITLE.to_owned(),
        kind: Some(kind()),
        data: Some(serde_json::json!({ "fixAll": uri.as_str(), "version": version })),
        ..CodeAction::default()
    }
}

/// The document a fix-all offered by [`unresolved`] is for.
pub fn pending_document(action: &CodeAction) -> Option<Uri> {
    let data = action.data.as_ref()?;
    (action.edit.is_none() && action.kind.as_ref() == Some(&kind()))
        .then(|| data["fixAll"].as_str()?.parse().ok())
        .flatten()
}

/// Adds the edit to a fix-all offered for this `version` of the document; for an older one,
/// the action comes back without an edit (the client then does nothing).
pub fn resolve(
    mut action: CodeAction,
    rope: &Rope,
    version: i32,
    uri: &Uri,
    config: &Config,
    session: &Session,
) -> CodeAction {
    let offered = action.data.as_ref().and_then(|d| d["version"].as_i64());
    if offered == Some(i64::from(version)) {
        action.edit = self::action(rope, uri, config, session).and_then(|a| a.edit);
    }
    action
}

const TITLE: &str = "Fix all dockerlean findings";

/// None when there is nothing to fix or the builder rejects the file.
pub fn action(rope: &Rope, uri: &Uri, config: &Config, session: &Session) -> Option<CodeAction> {
    let text = text_of(rope);
    let FixAll::Fixed {
        text: fixed,
        applied,
    } = fix_all(&text, config)
    else {
        return None;
    };
    if applied == 0 {
        return None;
    }
    let edits = line_edits(&text, &fixed);
    Some(CodeAction {
        title: TITLE.to_owned(),
        kind: Some(kind()),
        edit: Some(workspace_edit(uri, rope, &edits, session.encoding())),
        ..CodeAction::default()
    })
}
