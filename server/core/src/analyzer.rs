//! Analysis of successive versions of one document (the language server's case), reusing what
//! an edit did not touch: the model of every stage whose text did not change and RUN scripts by
//! their text ([`ModelCache`]), and the findings of every stage whose inputs did not change. The findings are exactly those of a fresh analysis of the
//! same text; `tests/incremental_analysis.rs` and the `edits` fuzz target hold it to that.
//!
//! A stage's findings depend on its own text, on the stages it reads (its base and the sources
//! of `--from=`), on the text before the first FROM (directives, global ARGs), on whether it
//! reaches the final image, on its index (stage references by number) and, for stages whose
//! layers ship, on every other shipped stage (rules that look at the final image as a whole).
//! That is the stage's key. After an edit, the stages whose key changed are re-analysed in a
//! model holding only them and what they read; the others keep their findings, moved to where
//! their text now is.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

use rustc_hash::FxHasher;

use crate::environment::Environment;
use crate::finding::Finding;
use crate::model::{stage, Model, ModelCache};
use crate::syntax::logical::physical_line;
use crate::Analysis;

#[derive(Default)]
pub struct Analyzer {
    model: ModelCache,
    /// The environment the cached findings were made in; another one invalidates them all.
    environment: Option<Environment>,
    /// Findings of the last analysis by stage key, with where that stage's text was.
    stages: HashMap<u64, Analysed>,
    reanalysed: usize,
}

/// One stage's findings as of the last analysis (before suppression pragmas are applied).
struct Analysed {
    span: Range<usize>,
    findings: Vec<Finding>,
}

impl Analyzer {
    pub fn analyze(&mut self, file: &crate::SourceFile) -> Analysis {
        self.analyze_text(|| file.text(), file.trees(), &Environment::default())
    }

    /// Analyses the text `trees` is the parse of (as [`crate::SourceFile`] keeps it). `text`
    /// gives it, called only when it is not the text of the last analysis or model.
    pub fn analyze_text(
        &mut self,
        text: impl FnOnce() -> String,
        trees: &crate::syntax::Trees,
        environment: &Environment,
    ) -> Analysis {
        let text = self.text(text, trees);
        let mut model = Model::build_cached(&text, trees, &mut self.model);
        if self.environment.as_ref() != Some(environment) {
            self.stages.clear();
            self.environment = Some(environment.clone());
        }
        let spans = stage_spans(&model);
        let keys = stage_keys(&model, &spans);
        let mut reused: Vec<Option<Vec<Finding>>> = keys
            .iter()
            .zip(&spans)
            .map(|(key, span)| self.reuse(*key, span))
            .collect();
        let findings = if reused.iter().all(Option::is_none) {
            self.reanalysed = model.stages.len();
            crate::raw_findings(&model, environment)
        } else {
            let needed = needed_stages(&model, &reused);
            self.reanalysed = reused.iter().filter(|r| r.is_none()).count();
            let focused =
                model.with_focus(&needed, |focused| crate::raw_findings(focused, environment));
            let mut findings = Vec::new();
            for f in focused {
                match stage_at(&spans, f.range.start) {
                    Some(s) if reused[s].is_some() => {}
                    _ => findings.push(f),
                }
            }
            findings.extend(reused.iter_mut().flat_map(|r| r.take().unwrap_or_default()));
            findings
        };
        self.remember(&keys, &spans, &findings);
        let analysis = crate::finish(&model, findings);
        model.keep(&mut self.model);
        analysis
    }

    /// Runs `f` on the model of the text `trees` is the parse of (`text` gives it, as for
    /// [`Analyzer::analyze_text`]), built from what the last analysis or model kept: the
    /// editor's requests ask about the version just analysed, whose model and text are then
    /// given back whole.
    pub fn with_model<T>(
        &mut self,
        text: impl FnOnce() -> String,
        trees: &crate::syntax::Trees,
        f: impl FnOnce(&Model) -> T,
    ) -> T {
        let text = self.text(text, trees);
        let model = Model::build_cached(&text, trees, &mut self.model);
        let out = f(&model);
        model.keep(&mut self.model);
        out
    }

    fn text(&self, text: impl FnOnce() -> String, trees: &crate::syntax::Trees) -> Arc<String> {
        self.model
            .text_of(trees)
            .unwrap_or_else(|| Arc::new(text()))
    }

    /// How many RUN scripts the last analysis read; the others were reused.
    pub fn scripts_read(&self) -> usize {
        self.model.scripts_read()
    }

    /// How many stage-sized spans of the text the last analysis read; the others were reused.
    pub fn spans_read(&self) -> usize {
        self.model.spans_read()
    }

    /// How many stages the last analysis ran the rules on; the others kept their findings.
    pub fn stages_analysed(&self) -> usize {
        self.reanalysed
    }

    /// The last findings of the stage with `key`, moved to `span`; `None` when there are none
    /// or they cannot be moved (an offset outside the stage and its text's prefix).
    fn reuse(&self, key: u64, span: &Range<usize>) -> Option<Vec<Finding>> {
        let old = self.stages.get(&key)?;
        let mut findings = old.findings.clone();
        // A finding may point into a stage it reads (a related location, a fix's edit), which
        // may have moved by another amount: only offsets in the stage's own text are moved,
        // and a stage with any other is analysed again.
        let to = |offset: usize| {
            (old.span.start <= offset && offset <= old.span.end)
                .then(|| offset - old.span.start + span.start)
        };
        findings
            .iter_mut()
            .all(|f| f.move_offsets(to))
            .then_some(findings)
    }

    fn remember(&mut self, keys: &[u64], spans: &[Range<usize>], findings: &[Finding]) {
        let mut stages: HashMap<u64, Analysed> = keys
            .iter()
            .zip(spans)
            .map(|(key, span)| {
                let analysed = Analysed {
                    span: span.clone(),
                    findings: Vec::new(),
                };
                (*key, analysed)
            })
            .collect();
        for f in findings {
            if let Some(s) = stage_at(spans, f.range.start) {
                if let Some(analysed) = stages.get_mut(&keys[s]) {
                    analysed.findings.push(f.clone());
                }
            }
        }
        self.stages = stages;
    }
}

/// Where each stage's text is: from the start of its FROM line to the start of the next FROM
/// line (comments between stages belong to the stage before), the last one to the end.
fn stage_spans(model: &Model) -> Vec<Range<usize>> {
    let starts: Vec<usize> = model
        .stages
        .iter()
        .map(|s| physical_line(model.text, model.instructions[s.from].line.range.start).start)
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, &start)| start..starts.get(i + 1).copied().unwrap_or(model.text.len()))
        .collect()
}

fn stage_at(spans: &[Range<usize>], offset: usize) -> Option<usize> {
    let s = spans
        .partition_point(|span| span.start <= offset)
        .checked_sub(1)?;
    // The last stage's span ends at the end of the text, where a finding may start.
    (offset < spans[s].end || s + 1 == spans.len()).then_some(s)
}

/// Each stage's key (see the module documentation).
fn stage_keys(model: &Model, spans: &[Range<usize>]) -> Vec<u64> {
    // Keys hash the whole text on every keystroke: a fast hash, as for the model's spans.
    let hash = |write: &dyn Fn(&mut FxHasher)| {
        let mut h = FxHasher::default();
        write(&mut h);
        h.finish()
    };
    let prelude = hash(&|h| model.text[..spans.first().map_or(0, |s| s.start)].hash(h));
    let own: Vec<u64> = spans
        .iter()
        .map(|s| hash(&|h| model.text[s.clone()].hash(h)))
        .collect();
    let shipped = hash(&|h| {
        for s in model.stages.iter().filter(|s| s.ships_layers) {
            own[s.index].hash(h);
        }
    });
    let mut keys: Vec<u64> = Vec::with_capacity(spans.len());
    for s in &model.stages {
        let deps = stage::dependencies(&model.stages, &model.instructions, s.index);
        let key = hash(&|h| {
            (
                prelude,
                s.index,
                own[s.index],
                s.reaches_final,
                s.ships_layers,
            )
                .hash(h);
            if s.ships_layers {
                shipped.hash(h);
            }
            for &d in &deps {
                keys[d].hash(h);
            }
        });
        keys.push(key);
    }
    keys
}

/// The stages a focused model must hold: those analysed again and everything they read.
fn needed_stages(model: &Model, reused: &[Option<Vec<Finding>>]) -> Vec<bool> {
    let mut needed = vec![false; model.stages.len()];
    let mut todo: Vec<usize> = (0..reused.len()).filter(|&s| reused[s].is_none()).collect();
    if todo.iter().any(|&s| model.stages[s].ships_layers) {
        todo.extend(
            model
                .stages
                .iter()
                .filter(|s| s.ships_layers)
                .map(|s| s.index),
        );
    }
    while let Some(s) = todo.pop() {
        if !std::mem::replace(&mut needed[s], true) {
            todo.extend(stage::dependencies(&model.stages, &model.instructions, s));
        }
    }
    needed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;

    #[test]
    fn the_model_of_the_version_just_analysed_is_not_read_again() {
        let text = "FROM debian AS build\nRUN make\nFROM alpine\nCOPY --from=build /a /a\n";
        let mut file = SourceFile::new(text);
        let mut analyzer = Analyzer::default();
        analyzer.analyze(&file);
        let stages = analyzer.with_model(
            || unreachable!("the text just analysed is kept"),
            file.trees(),
            |model| model.stages.len(),
        );
        assert_eq!(stages, 2);
        assert_eq!(analyzer.spans_read(), 0);
        // A newer version reads only what changed, and the next analysis builds on it.
        file.edit(text.len()..text.len(), "RUN true\n");
        let instructions = analyzer.with_model(
            || file.text(),
            file.trees(),
            |model| model.instructions.len(),
        );
        assert_eq!((instructions, analyzer.spans_read()), (5, 1));
        let analysis = analyzer.analyze(&file);
        assert_eq!(analyzer.spans_read(), 0);
        let codes = |findings: &[Finding]| -> Vec<_> {
            findings
                .iter()
                .map(|f| (f.code(), f.range.clone()))
                .collect()
        };
        assert_eq!(
            codes(&analysis.findings),
            codes(&crate::analyze_str(&file.text()).findings)
        );
    }
}
