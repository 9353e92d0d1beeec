//! Everything `textDocument/codeAction` offers, filtered by the kinds the client asked for.

use dockerlean_core::config::Config;
use dockerlean_core::Model;
use tower_lsp_server::ls_types::{CodeActionKind, CodeActionOrCommand, CodeActionParams};

use super::code_actions::{ignore_actions, quick_fixes, requested, wanted};
use super::documents::Analysed;
use super::session::Session;
use super::{convert, fix_all, refactor};

pub fn code_actions(
    analysed: &Analysed,
    params: &CodeActionParams,
    config: &Config,
    session: &Session,
) -> Vec<CodeActionOrCommand> {
    let findings = config.apply(analysed.findings.to_vec());
    let version = analysed.version;
    let uri = &params.text_document.uri;
    let only = params.context.only.as_deref();
    let rope = &analysed.rope;
    let range = convert::byte_range_clamped(rope, params.range, session.encoding());
    let text = rope.to_string();
    let model = Model::build(&text, &analysed.trees);
    let mut actions = Vec::new();
    if wanted(only, &CodeActionKind::QUICKFIX) {
        let touched = || {
            requested(
                &findings,
                version,
                range.clone(),
                &params.context.diagnostics,
            )
        };
        actions.extend(quick_fixes(touched(), rope, version, uri, session));
        actions.extend(ignore_actions(
            touched(),
            &model,
            rope,
            version,
            uri,
            session,
        ));
    }
    // Fixing all runs the analysis pass after pass: only when there is something to fix,
    // and only once chosen when the client resolves edits.
    let fixable = findings
        .iter()
        .any(|f| f.fix.as_ref().is_some_and(|fix| fix.is_safe()));
    if wanted(only, &fix_all::kind()) && fixable {
        if session.negotiated().resolves_edits {
            actions.push(fix_all::unresolved(uri, version).into());
        } else {
            actions.extend(fix_all::action(rope, uri, config, session).map(Into::into));
        }
    }
    if wanted(only, &CodeActionKind::REFACTOR_REWRITE) {
        actions.extend(refactor::split_stages_action(&model, rope, uri, session).map(Into::into));
    }
    actions
}
