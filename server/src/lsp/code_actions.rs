//! Quick fixes: each finding's fix, and an "ignore" action for it, as code actions with
//! workspace edits.

use std::collections::HashMap;
use std::ops::Range;

use dockerlean_core::position::Encoding;
use dockerlean_core::{Edit, Finding, Fix, Model, NewFile};
use ropey::Rope;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CreateFile, CreateFileOptions, Diagnostic,
    DocumentChangeOperation, DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier,
    ResourceOp, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use super::convert;
use super::diagnostics::{diagnostic, FindingKey};
use super::session::Session;

/// The findings that touch `requested` (bytes, ends included, so a cursor just after a finding
/// still offers its fix) or that the client names in `context`.
pub fn requested<'f>(
    findings: impl Iterator<Item = &'f Finding>,
    version: i32,
    requested: Range<usize>,
    context: &[Diagnostic],
) -> impl Iterator<Item = &'f Finding> {
    let named: Vec<FindingKey> = context
        .iter()
        .filter_map(FindingKey::from_diagnostic)
        .collect();
    findings.filter(move |f| {
        let touches = f.range.start <= requested.end && requested.start <= f.range.end;
        touches || named.contains(&FindingKey::of(f, version))
    })
}

/// The quick fixes for the fixable findings among `findings`. `rope` is the text at `version`,
/// the one `findings` were found in.
pub fn quick_fixes<'f>(
    findings: impl Iterator<Item = &'f Finding>,
    rope: &Rope,
    version: i32,
    uri: &Uri,
    session: &Session,
) -> Vec<CodeActionOrCommand> {
    findings
        .filter_map(|finding| {
            let fix = finding.fix.as_ref()?;
            finding_action(finding, fix, true, rope, version, uri, session)
        })
        .collect()
}

/// "Ignore CODE for this instruction" for each of `findings` (none for syntax errors).
pub fn ignore_actions<'f>(
    findings: impl Iterator<Item = &'f Finding>,
    model: &Model,
    rope: &Rope,
    version: i32,
    uri: &Uri,
    session: &Session,
) -> Vec<CodeActionOrCommand> {
    findings
        .filter_map(|finding| {
            let fix = dockerlean_core::suppress::ignore_fix(model, finding)?;
            finding_action(finding, &fix, false, rope, version, uri, session)
        })
        .collect()
}

/// The code action for `fix`; `None` when it creates files and the client cannot.
fn finding_action(
    finding: &Finding,
    fix: &Fix,
    preferred: bool,
    rope: &Rope,
    version: i32,
    uri: &Uri,
    session: &Session,
) -> Option<CodeActionOrCommand> {
    let edit = if fix.files.is_empty() {
        workspace_edit(uri, rope, &fix.edits, session.encoding())
    } else if session.negotiated().create_files {
        let edits = text_edits(rope, &fix.edits, session.encoding());
        creating_files(uri, version, edits, &fix.files)?
    } else {
        return None;
    };
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: fix.title.clone(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic(
            finding,
            finding.severity,
            rope,
            version,
            uri,
            session,
        )]),
        edit: Some(edit),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    }))
}

/// Byte edits of `rope`'s text as a workspace edit of `uri`.
pub fn workspace_edit(uri: &Uri, rope: &Rope, edits: &[Edit], encoding: Encoding) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(
            uri.clone(),
            text_edits(rope, edits, encoding),
        )])),
        ..WorkspaceEdit::default()
    }
}

fn text_edits(rope: &Rope, edits: &[Edit], encoding: Encoding) -> Vec<TextEdit> {
    edits
        .iter()
        .map(|e| TextEdit::new(convert::range(rope, &e.range, encoding), e.text.clone()))
        .collect()
}

/// Whether a client that asked `only` for these kinds wants an action of `kind` (kinds are
/// hierarchical: `source` covers `source.fixAll.dockerlean`).
pub fn wanted(only: Option<&[CodeActionKind]>, kind: &CodeActionKind) -> bool {
    only.is_none_or(|only| {
        only.iter().any(|o| {
            let (o, k) = (o.as_str(), kind.as_str());
            k == o || k.strip_prefix(o).is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

/// A workspace edit that creates `files` beside the document (leaving any that exist alone)
/// and then applies `edits` to it; `None` when the document is not a file on disk.
fn creating_files(
    uri: &Uri,
    version: i32,
    edits: Vec<TextEdit>,
    files: &[NewFile],
) -> Option<WorkspaceEdit> {
    let path = uri.to_file_path()?;
    let dir = path.parent()?;
    let mut operations = Vec::new();
    for file in files {
        let new = Uri::from_file_path(dir.join(&file.path))?;
        operations.push(DocumentChangeOperation::Op(ResourceOp::Create(
            CreateFile {
                uri: new.clone(),
                options: Some(CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(true),
                }),
                annotation_id: None,
            },
        )));
        operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: new,
                version: None,
            },
            edits: vec![OneOf::Left(TextEdit::new(
                Default::default(),
                file.text.clone(),
            ))],
        }));
    }
    if !edits.is_empty() {
        operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: uri.clone(),
                version: Some(version),
            },
            edits: edits.into_iter().map(OneOf::Left).collect(),
        }));
    }
    Some(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(operations)),
        ..WorkspaceEdit::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::session::test_support::{finding, session};

    const TEXT: &str = "FROM a\nRUN é b\n";

    fn fixes(range: Range<usize>, context: &[Diagnostic]) -> Vec<CodeActionOrCommand> {
        let rope = Rope::from_str(TEXT);
        let uri: Uri = "file:///Dockerfile".parse().unwrap();
        let session = session(Encoding::Utf16, false);
        let findings = [finding(7..13)];
        quick_fixes(
            requested(findings.iter(), 1, range, context),
            &rope,
            1,
            &uri,
            &session,
        )
    }

    #[test]
    fn kinds_are_hierarchical() {
        let fix_all = CodeActionKind::new("source.fixAll.dockerlean");
        assert!(wanted(None, &fix_all));
        assert!(wanted(Some(&[CodeActionKind::SOURCE]), &fix_all));
        assert!(wanted(Some(&[CodeActionKind::SOURCE_FIX_ALL]), &fix_all));
        assert!(!wanted(Some(&[CodeActionKind::QUICKFIX]), &fix_all));
        assert!(!wanted(
            Some(&[CodeActionKind::new("source.fix")]),
            &fix_all
        ));
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
        let named = finding(7..13);
        let named = diagnostic(
            &named,
            named.severity,
            &rope,
            1,
            &uri,
            &session(Encoding::Utf16, false),
        );
        assert_eq!(fixes(0..0, &[named]).len(), 1);
    }

    fn creating_finding() -> Finding {
        let mut f = finding(7..13);
        let fix = f.fix.as_mut().unwrap();
        fix.edits.clear();
        fix.files.push(NewFile {
            path: ".dockerignore".to_owned(),
            text: ".git\n".to_owned(),
        });
        f
    }

    #[test]
    fn a_fix_that_creates_a_file_is_a_create_then_an_edit() {
        let rope = Rope::from_str(TEXT);
        let uri: Uri = "file:///work/Dockerfile".parse().unwrap();
        let session = session(Encoding::Utf16, false);
        let findings = [creating_finding()];
        let actions = quick_fixes(
            requested(findings.iter(), 1, 13..13, &[]),
            &rope,
            1,
            &uri,
            &session,
        );
        let [CodeActionOrCommand::CodeAction(action)] = &actions[..] else {
            panic!("one code action, got {actions:?}")
        };
        let Some(DocumentChanges::Operations(ops)) =
            &action.edit.as_ref().unwrap().document_changes
        else {
            panic!("document changes with operations")
        };
        let new: Uri = "file:///work/.dockerignore".parse().unwrap();
        assert!(
            matches!(&ops[0], DocumentChangeOperation::Op(ResourceOp::Create(c)) if c.uri == new)
        );
        let DocumentChangeOperation::Edit(edit) = &ops[1] else {
            panic!("an edit of the new file")
        };
        assert_eq!(edit.text_document.uri, new);
        assert!(matches!(&edit.edits[0], OneOf::Left(e) if e.new_text == ".git\n"));
        assert_eq!(ops.len(), 2);
    }

    #[test]
    fn a_client_that_cannot_create_files_gets_no_such_fix() {
        let rope = Rope::from_str(TEXT);
        let uri: Uri = "file:///work/Dockerfile".parse().unwrap();
        let session = Session::new(crate::lsp::docs_link::DocsLinks::in_dir(
            std::env::temp_dir().join("dockerlean-test-no-create"),
        ));
        session.negotiate(crate::lsp::session::Negotiated {
            encoding: Encoding::Utf16,
            related_information: false,
            create_files: false,
            code_lens_refresh: false,
            inlay_hint_refresh: false,
            resolves_edits: false,
        });
        let findings = [creating_finding()];
        let actions = quick_fixes(
            requested(findings.iter(), 1, 13..13, &[]),
            &rope,
            1,
            &uri,
            &session,
        );
        assert!(actions.is_empty());
    }
}
