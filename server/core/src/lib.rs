//! dockerlean's analysis core: Dockerfile text in, a stage / instruction / shell model and size
//! findings out. Pure and synchronous: no I/O runtime and no editor-protocol types, so the
//! language server and the CLI are thin shells over the same code.
//!
//! Data flows one way: text → tree-sitter tree → [`model::Model`] → [`Finding`]s.

mod analyzer;
pub mod config;
pub mod docs;
pub mod environment;
pub mod finding;
pub mod fix_all;
pub mod model;
pub mod position;
mod queries;
pub mod refactor;
pub mod rules;
pub mod size;
pub mod source;
pub mod suppress;
pub mod syntax;
pub mod wording;

pub use analyzer::Analyzer;
pub use environment::Environment;
pub use finding::{apply_edits, Applicability, Edit, Finding, Fix, NewFile, Related, Severity};
pub use model::{Model, ScriptCache};
pub use source::SourceFile;

/// Everything the analysis found in one file, in source order.
pub struct Analysis {
    pub findings: Vec<Finding>,
}

/// Analyses a file held as a [`SourceFile`] (the language server's incremental document).
pub fn analyze(file: &SourceFile) -> Analysis {
    analyze_with(file, &Environment::default())
}

/// Like [`analyze`], knowing the files of the build context.
pub fn analyze_with(file: &SourceFile, environment: &Environment) -> Analysis {
    analyze_text(&file.text(), file.trees(), environment)
}

/// Parses and analyses `text` from scratch (the CLI's path).
pub fn analyze_str(text: &str) -> Analysis {
    analyze_str_with(text, &Environment::default())
}

/// Like [`analyze_str`], knowing the files of the build context.
pub fn analyze_str_with(text: &str, environment: &Environment) -> Analysis {
    let tree = syntax::parse(text);
    analyze_text(text, &tree, environment)
}

fn analyze_text(text: &str, trees: &syntax::Trees, environment: &Environment) -> Analysis {
    findings(Model::build(text, trees), environment)
}

fn findings(model: Model, environment: &Environment) -> Analysis {
    let findings = raw_findings(&model, environment);
    finish(&model, findings)
}

/// What the syntax checks and the rules report, before suppression.
fn raw_findings(model: &Model, environment: &Environment) -> Vec<Finding> {
    let mut findings = rules::syntax::check(model);
    findings.extend(rules::run_all(model, environment));
    findings
}

/// Drops what pragmas suppress and puts the rest in source order.
fn finish(model: &Model, findings: Vec<Finding>) -> Analysis {
    let mut findings = suppress::apply(model, findings);
    findings.sort_by_key(|f| (f.range.start, f.range.end, f.rule.code));
    Analysis { findings }
}
