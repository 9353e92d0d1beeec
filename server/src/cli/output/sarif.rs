//! SARIF 2.1.0: one run whose tool lists every rule, results with their regions, and the fixes
//! as replacements, so code scanning services can show and apply them.

use std::io::Write;

use dockerlean_core::rules::{all_metas, RuleMeta};
use dockerlean_core::{Finding, Severity};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactChange, ArtifactContent, ArtifactLocation, Fix, Location, Message,
    MultiformatMessageString, PhysicalLocation, Region, Replacement, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
    SCHEMA_URL,
};

use crate::cli::report::{CheckedFile, Position, Report, Span};

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let driver = ToolComponent::builder()
        .name("dockerlean")
        .version(env!("CARGO_PKG_VERSION"))
        .rules(all_metas().map(rule).collect::<Vec<_>>())
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(
            report
                .findings()
                .map(|(file, f)| result(file, f))
                .collect::<Vec<_>>(),
        )
        // Our columns count Unicode scalar values; SARIF assumes UTF-16 code units unless told.
        .column_kind(json!("unicodeCodePoints"))
        .build();
    let log = Sarif::builder()
        .schema(SCHEMA_URL)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn rule(meta: &RuleMeta) -> ReportingDescriptor {
    let page = dockerlean_core::docs::page(meta);
    ReportingDescriptor::builder()
        .id(meta.code)
        .name(meta.name)
        .short_description(
            MultiformatMessageString::builder()
                .text(meta.summary)
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(meta.docs.trim())
                .markdown(meta.docs.trim())
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(page.clone())
                .markdown(page)
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level(meta.severity)))
                .build(),
        )
        .build()
}

fn result(file: &CheckedFile, finding: &Finding) -> SarifResult {
    let mut result = SarifResult::builder()
        .rule_id(finding.code())
        .level(level(finding.severity))
        .message(text(&finding.message))
        .locations(vec![location(file, file.span(&finding.range), None)])
        .build();
    if !finding.related.is_empty() {
        let related = finding
            .related
            .iter()
            .map(|r| location(file, file.span(&r.range), Some(text(&r.message))));
        result.related_locations = Some(related.collect());
    }
    if let Some(fix) = &finding.fix {
        let replacements = fix.edits.iter().map(|edit| {
            Replacement::builder()
                .deleted_region(region(file.span(&edit.range)))
                .inserted_content(ArtifactContent::builder().text(edit.text.clone()).build())
                .build()
        });
        let replacements: Vec<_> = replacements.collect();
        let mut changes = Vec::new();
        if !replacements.is_empty() {
            changes.push(
                ArtifactChange::builder()
                    .artifact_location(artifact(file))
                    .replacements(replacements)
                    .build(),
            );
        }
        // A file the fix creates: its whole text inserted at the start of an empty file.
        for new in &fix.files {
            let path = std::path::Path::new(&file.name).with_file_name(&new.path);
            let start = Position { line: 1, column: 1 };
            changes.push(
                ArtifactChange::builder()
                    .artifact_location(
                        ArtifactLocation::builder()
                            .uri(uri(&path.to_string_lossy()))
                            .build(),
                    )
                    .replacements(vec![Replacement::builder()
                        .deleted_region(region(Span { start, end: start }))
                        .inserted_content(ArtifactContent::builder().text(new.text.clone()).build())
                        .build()])
                    .build(),
            );
        }
        result.fixes = Some(vec![Fix::builder()
            .description(text(&fix.title))
            .artifact_changes(changes)
            .build()]);
    }
    result
}

/// Hints map to `note` too: `none` would say the result is not a problem at all.
fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info | Severity::Hint => ResultLevel::Note,
    }
}

fn text(s: &str) -> Message {
    Message::builder().text(s).build()
}

fn location(file: &CheckedFile, span: Span, message: Option<Message>) -> Location {
    let physical = PhysicalLocation::builder()
        .artifact_location(artifact(file))
        .region(region(span))
        .build();
    let mut location = Location::builder().physical_location(physical).build();
    location.message = message;
    location
}

fn region(span: Span) -> Region {
    let int = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    Region::builder()
        .start_line(int(span.start.line))
        .start_column(int(span.start.column))
        .end_line(int(span.end.line))
        .end_column(int(span.end.column))
        .build()
}

fn artifact(file: &CheckedFile) -> ArtifactLocation {
    ArtifactLocation::builder().uri(uri(&file.name)).build()
}

/// Characters that cannot stand in a URI path as they are.
const NOT_IN_PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    // A colon in the first segment would read as a URI scheme.
    .add(b':');

/// A relative path stays a relative reference (code scanning resolves it against the checkout);
/// an absolute one becomes a `file:` URI.
fn uri(name: &str) -> String {
    let path = name.replace(std::path::MAIN_SEPARATOR, "/");
    let encoded = utf8_percent_encode(&path, NOT_IN_PATH).to_string();
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uris() {
        assert_eq!(uri("api/Dockerfile"), "api/Dockerfile");
        assert_eq!(uri("my app/Dockerfile#1"), "my%20app/Dockerfile%231");
        assert_eq!(uri("/srv/Dockerfile"), "file:///srv/Dockerfile");
    }
}
