//! dockerlean's analysis core: Dockerfile text in, a stage / instruction / shell model and size
//! findings out. Pure and synchronous: no I/O runtime and no editor-protocol types, so the
//! language server and the CLI are thin shells over the same code.
//!
//! Data flows one way: text → tree-sitter tree → [`model::Model`] → [`Finding`]s.

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
    analyze_text(&file.text(), file.tree(), environment)
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

/// Analyses successive versions of one document, reusing what an edit did not touch (see
/// [`ScriptCache`]). The findings are exactly those of [`analyze_str_with`] on the same text.
#[derive(Default)]
pub struct Analyzer {
    scripts: ScriptCache,
}

impl Analyzer {
    pub fn analyze(&mut self, file: &SourceFile) -> Analysis {
        self.analyze_text(&file.text(), file.tree(), &Environment::default())
    }

    /// `tree` must be the parse of `text` (as [`SourceFile`] keeps it).
    pub fn analyze_text(
        &mut self,
        text: &str,
        tree: &tree_sitter::Tree,
        environment: &Environment,
    ) -> Analysis {
        findings(
            Model::build_cached(text, tree, &mut self.scripts),
            environment,
        )
    }

    /// How many RUN scripts the last analysis read; the others were reused.
    pub fn scripts_read(&self) -> usize {
        self.scripts.last_read()
    }
}

fn analyze_text(text: &str, tree: &tree_sitter::Tree, environment: &Environment) -> Analysis {
    findings(Model::build(text, tree), environment)
}

fn findings(model: Model, environment: &Environment) -> Analysis {
    let mut findings = rules::syntax::check(&model);
    findings.extend(rules::run_all(&model, environment));
    let mut findings = suppress::apply(&model, findings);
    findings.sort_by_key(|f| (f.range.start, f.range.end, f.rule.code));
    Analysis { findings }
}
