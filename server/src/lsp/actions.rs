//! Everything `textDocument/codeAction` offers, filtered by the kinds the client asked for.

use dockerlean_core::config::Config;
use dockerlean_core::Finding;
use tower_lsp_server::ls_types::{CodeActionKind, CodeActionOrCommand, CodeActionParams};

use super::code_actions::{ignore_actions, quick_fixes, requested, wanted};
use super::documents::{Analysed, OpenDocument};
use super::session::Session;
use super::{convert, fix_all, refactor};

pub fn code_actions(
    document: &OpenDocument,
    analysed: &Analysed,
    params: &CodeActionParams,
    config: &Config,
    session: &Session,
) -> Vec<CodeActionOrCommand> {
    let version = analysed.version;
    let uri = &params.text_document.uri;
    let only = params.context.only.as_deref();
    let rope = &analysed.snapshot.rope;
    let range = convert::byte_range_clamped(rope, params.range, session.encoding());
    let quick = wanted(only, &CodeActionKind::QUICKFIX);
    // The findings in the range or named by the request, as the configuration reports them.
    let touched: Vec<Finding> = if quick {
        requested(
            analysed.findings.iter(),
            version,
            range,
            &params.context.diagnostics,
        )
        .filter_map(|f| {
            let severity = config.severity_of(f)?;
            Some(Finding {
                severity,
                ..f.clone()
            })
        })
        .collect()
    } else {
        Vec::new()
    };
    // What needs the model, built from what the analysis kept.
    let (ignores, split) = document.with_model(&analysed.snapshot, |model| {
        let ignores = if quick {
            ignore_actions(touched.iter(), model, rope, version, uri, session)
        } else {
            Vec::new()
        };
        let split = wanted(only, &CodeActionKind::REFACTOR_REWRITE)
            .then(|| refactor::split_stages_action(model, rope, uri, session))
            .flatten();
        (ignores, split)
    });
    let mut actions = Vec::new();
    if quick {
        actions.extend(quick_fixes(touched.iter(), rope, version, uri, session));
        actions.extend(ignores);
    }
    // Fixing all runs the analysis pass after pass: only when there is something to fix,
    // and only once chosen when the client resolves edits.
    let fixable = analysed.findings.iter().any(|f| {
        f.fix.as_ref().is_some_and(|fix| fix.is_safe()) && config.severity_of(f).is_some()
    });
    if wanted(only, &fix_all::kind()) && fixable {
        if session.negotiated().resolves_edits {
            actions.push(fix_all::unresolved(uri, version).into());
        } else {
            actions.extend(fix_all::action(rope, uri, config, session).map(Into::into));
        }
    }
    actions.extend(split.map(Into::into));
    actions
}
