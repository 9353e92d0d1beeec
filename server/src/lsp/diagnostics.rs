//! Findings as LSP diagnostics.

use std::ops::Range;

use dockerlean_core::Finding;
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

/// `rope` must be the text at `version`, the one `finding` was found in.
pub fn diagnostic(
    finding: &Finding,
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
        severity: Some(convert::severity(finding.severity)),
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
