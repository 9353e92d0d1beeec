//! `source.fixAll.dockerlean`: every safe fix at once, until nothing is left to fix, as one
//! workspace edit (what editors run on save).

use dockerlean_core::config::Config;
use dockerlean_core::fix_all::{fix_all, line_edits, FixAll};
use ropey::Rope;
use tower_lsp_server::ls_types::{CodeAction, CodeActionKind, Uri};

use super::code_actions::workspace_edit;
use super::session::Session;

pub fn kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.dockerlean")
}

/// None when there is nothing to fix or the builder rejects the file.
pub fn action(rope: &Rope, uri: &Uri, config: &Config, session: &Session) -> Option<CodeAction> {
    let text = rope.to_string();
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
        title: "Fix all dockerlean findings".to_owned(),
        kind: Some(kind()),
        edit: Some(workspace_edit(uri, rope, &edits, session.encoding())),
        ..CodeAction::default()
    })
}
