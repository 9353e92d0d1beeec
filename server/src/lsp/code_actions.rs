//! Quick fixes: each finding's fix as a code action with a workspace edit.

use std::collections::HashMap;
use std::ops::Range;

use dockerlean_core::Finding;
use ropey::Rope;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, TextEdit, Uri, WorkspaceEdit,
};

use super::convert;
use super::diagnostics::{diagnostic, FindingKey};
use super::session::Session;

/// The quick fixes for the fixable findings that touch `requested` (bytes, ends included, so a
/// cursor just after a finding still offers its fix) or that the client names in `context`.
/// `rope` is the text at `version`, the one `findings` were found in.
pub fn quick_fixes(
    findings: &[Finding],
    rope: &Rope,
    version: i32,
    uri: &Uri,
    requested: Range<usize>,
    context: &[Diagnostic],
    session: &Session,
) -> Vec<CodeActionOrCommand> {
    let named: Vec<FindingKey> = context
        .iter()
        .filter_map(FindingKey::from_diagnostic)
        .collect();
    let encoding = session.encoding();
    findings
        .iter()
        .filter(|f| {
            let touches = f.range.start <= requested.end && requested.start <= f.range.end;
            touches || named.contains(&FindingKey::of(f, version))
        })
        .filter_map(|finding| {
            let fix = finding.fix.as_ref()?;
            let edits = fix
                .edits
                .iter()
                .map(|e| TextEdit::new(convert::range(rope, &e.range, encoding), e.text.clone()))
                .collect();
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic(finding, rope, version, uri, session)]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), edits)])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            }))
        })
        .collect()
}
