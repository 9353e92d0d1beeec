//! Refactors offered as code actions: "split into stages".

use dockerlean_core::refactor::split_stages;
use dockerlean_core::Model;
use ropey::Rope;
use tower_lsp_server::ls_types::{CodeAction, CodeActionKind, Uri};

use super::code_actions::workspace_edit;
use super::session::Session;

pub fn split_stages_action(
    model: &Model,
    rope: &Rope,
    uri: &Uri,
    session: &Session,
) -> Option<CodeAction> {
    let fix = split_stages(model)?;
    Some(CodeAction {
        title: fix.title.clone(),
        kind: Some(CodeActionKind::REFACTOR_REWRITE),
        edit: Some(workspace_edit(uri, rope, &fix.edits, session.encoding())),
        ..CodeAction::default()
    })
}
