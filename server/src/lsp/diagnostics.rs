//! Findings as LSP diagnostics.

use std::ops::Range;

use dockerlean_core::{Finding, Severity};
use ropey::Rope;
use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, Location, NumberOrString, Uri,
};

use super::convert;
use super::session::Session;

/// Carried in a diagnostic's `data` so that a code action request naming the diagnostic finds
/// its finding again without comparing converted ranges.
#[derive(Serialize, Deserialize, PartialEq, Eq)]
pub struct FindingKey {
    pub version: i32,
    pub code: String,
    pub bytes: Range<usize>,
}

impl FindingKey {
    pub fn of(finding: &Finding, version: i32) -> FindingKey {
        FindingKey {
            version,
            code: finding.code().to_owned(),
            bytes: finding.range.clone(),
        }
    }

    pub fn from_diagnostic(diagnostic: &Diagnostic) -> Option<FindingKey> {
        serde_json::from_value(diagnostic.data.clone()?).ok()
    }
}

/// `rope` must be the text at `version`, the one `finding` was found in; `severity` is the
/// finding's as the configuration has it.
pub fn diagnostic(
    finding: &Finding,
    severity: Severity,
    rope: &Rope,
    version: i32,
    uri: &Uri,
    session: &Session,
) -> Diagnostic {
    let negotiated = session.negotiated();
    let range = |bytes: &Range<usize>| convert::range(rope, bytes, negotiated.encoding);
    let related = negotiated.related_information && !finding.related.is_empty();
    Diagnostic {
        range: range(&finding.range),
        severity: Some(convert::severity(severity)),
        code: Some(NumberOrString::String(finding.code().to_owned())),
        code_description: session
            .docs_links
            .link(finding.rule)
            .map(|href| CodeDescription { href }),
        source: Some("dockerlean".to_owned()),
        message: finding.message.clone(),
        related_information: related.then(|| {
            finding
                .related
                .iter()
                .map(|r| DiagnosticRelatedInformation {
                    location: Location::new(uri.clone(), range(&r.range)),
                    message: r.message.clone(),
                })
                .collect()
        }),
        tags: None,
        data: serde_json::to_value(FindingKey::of(finding, version)).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::session::test_support::{finding, session};
    use dockerlean_core::position::Encoding;
    use tower_lsp_server::ls_types::{DiagnosticSeverity, Position};

    #[test]
    fn a_finding_becomes_a_diagnostic_that_names_it() {
        let rope = Rope::from_str("FROM a\nRUN 😀 b\n");
        let uri: Uri = "file:///Dockerfile".parse().unwrap();
        let f = finding(16..17);
        let d = diagnostic(
            &f,
            f.severity,
            &rope,
            3,
            &uri,
            &session(Encoding::Utf16, true),
        );
        assert_eq!(d.range.start, Position::new(1, 7));
        assert_eq!(d.severity, Some(DiagnosticSeverity::WARNING));
        assert_eq!(d.code, Some(NumberOrString::String("DKL999".to_owned())));
        assert_eq!(d.source.as_deref(), Some("dockerlean"));
        assert!(d.code_description.is_some());
        assert!(FindingKey::from_diagnostic(&d) == Some(FindingKey::of(&f, 3)));
        let related = d.related_information.expect("related information");
        assert_eq!(related[0].location.uri, uri);
        assert_eq!(related[0].message, "because");
    }

    #[test]
    fn related_information_only_goes_to_clients_that_support_it() {
        let rope = Rope::from_str("FROM a\n");
        let uri: Uri = "file:///Dockerfile".parse().unwrap();
        let f = finding(0..4);
        let d = diagnostic(
            &f,
            f.severity,
            &rope,
            1,
            &uri,
            &session(Encoding::Utf16, false),
        );
        assert!(d.related_information.is_none());
    }
}
