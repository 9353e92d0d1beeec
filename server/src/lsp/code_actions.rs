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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::session::test_support::{finding, session};
    use dockerlean_core::position::Encoding;

    const TEXT: &str = "FROM a\nRUN é b\n";

    fn fixes(requested: Range<usize>, context: &[Diagnostic]) -> Vec<CodeActionOrCommand> {
        let rope = Rope::from_str(TEXT);
        let uri: Uri = "file:///Dockerfile".parse().unwrap();
        let session = session(Encoding::Utf16, false);
        quick_fixes(
            &[finding(7..13)],
            &rope,
            1,
            &uri,
            requested,
            context,
            &session,
        )
    }

    #[test]
    fn a_request_touching_the_finding_gets_its_fix() {
        let actions = fixes(13..13, &[]);
        let [CodeActionOrCommand::CodeAction(action)] = &actions[..] else {
            panic!("one code action, got {actions:?}")
        };
        assert_eq!(action.kind, Some(CodeActionKind::QUICKFIX));
        assert_eq!(action.is_preferred, Some(true));
        let changes = action.edit.as_ref().unwrap().changes.as_ref().unwrap();
        let edits = &changes[&"file:///Dockerfile".parse::<Uri>().unwrap()];
        // Byte 13 is after "RUN é" (é is two bytes, one UTF-16 unit).
        assert_eq!(
            edits[0].range.start,
            tower_lsp_server::ls_types::Position::new(1, 5)
        );
        assert_eq!(edits[0].new_text, "!");
    }

    #[test]
    fn a_diagnostic_named_in_the_context_gets_its_fix_anywhere() {
        assert!(fixes(0..0, &[]).is_empty());
        let rope = Rope::from_str(TEXT);
        let uri: Uri = "file:///Dockerfile".parse().unwrap();
        let named = diagnostic(
            &finding(7..13),
            &rope,
            1,
            &uri,
            &session(Encoding::Utf16, false),
        );
        assert_eq!(fixes(0..0, &[named]).len(), 1);
    }
}
