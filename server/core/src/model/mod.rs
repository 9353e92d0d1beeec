//! The stage / instruction / shell model the rules read.

mod bash;
pub mod instruction;
pub mod model_cache;
pub mod mounts;
pub mod script_cache;
pub mod shell;
pub mod stage;

use std::ops::Range;
use std::sync::Arc;

pub use instruction::{Flag, Instruction, Kind};
pub use model_cache::ModelCache;
pub use mounts::Mount;
pub use script_cache::ScriptCache;
pub use shell::{Command, Script};
pub use stage::{Base, Stage};

use crate::syntax::directives::Directives;
use crate::syntax::segment::{segment, Segments};
use crate::syntax::Trees;

pub struct Model<'a> {
    pub text: &'a str,
    pub directives: Directives,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    /// Top-level comment lines, in order.
    pub comments: Vec<Range<usize>>,
    /// Regions where the grammar failed and the builder's line rules were used instead.
    pub recovered: Vec<Range<usize>>,
}

impl<'a> Model<'a> {
    pub fn build(text: &'a str, trees: &Trees) -> Model<'a> {
        Model::build_with(text, trees, None)
    }

    /// [`Model::build`] for the next version of a document: the stages whose text did not
    /// change since the previous build with `cache` are reused, and RUN scripts whose text did
    /// not change are not read again. Give the model back with [`Model::keep`].
    pub fn build_cached(text: &'a Arc<String>, trees: &Trees, cache: &mut ModelCache) -> Model<'a> {
        let directives = Directives::parse(text);
        if directives.escape != model_cache::ESCAPE {
            let model = Model::build_with(text, trees, Some(&mut cache.scripts));
            cache.forget(model.instructions.len());
            return model;
        }
        let (read, stages) = match cache.again(text, trees) {
            Some((read, stages)) => (read, Some(stages)),
            None => (cache.read(text, trees), None),
        };
        Model::assemble(text, directives, read.instructions, read.segments, stages)
    }

    /// Ends a [`Model::build_cached`]: what the next build can reuse goes back to `cache`.
    pub fn keep(self, cache: &mut ModelCache) {
        cache.keep(
            self.instructions,
            self.stages,
            self.comments,
            self.recovered,
        );
    }

    fn build_with(text: &'a str, trees: &Trees, mut cache: Option<&mut ScriptCache>) -> Model<'a> {
        let directives = Directives::parse(text);
        let mut segments = segment(text, trees, directives.escape);
        let mut instructions: Vec<Instruction> = std::mem::take(&mut segments.lines)
            .into_iter()
            .map(|line| Instruction::parse(text, line, directives.escape))
            .collect();
        for instr in instructions.iter_mut().filter(|i| i.kind == Kind::Run) {
            instr.script = Some(match cache.as_deref_mut() {
                Some(cache) => cache.script(text, instr, directives.escape),
                None => shell::run_script(text, instr),
            });
        }
        Model::assemble(text, directives, instructions, segments, None)
    }

    /// The model of `instructions`, with their `stages` if they are known already.
    fn assemble(
        text: &'a str,
        directives: Directives,
        mut instructions: Vec<Instruction>,
        segments: Segments,
        stages: Option<Vec<Stage>>,
    ) -> Model<'a> {
        let stages = stages.unwrap_or_else(|| stage::build_stages(&mut instructions));
        Model {
            text,
            directives,
            instructions,
            stages,
            comments: segments.comments,
            recovered: segments.recovered,
        }
    }

    /// Runs `f` on the same file with only the bodies of the `needed` stages (every FROM and
    /// everything before the first stays, so stages keep their indices, names and bases, and
    /// instructions their stage). Which stages reach the final image is taken from this model:
    /// the dropped bodies may be what decides it. The instructions and stages are lent to that
    /// model and taken back, not copied: copying them cost more than running the rules on them.
    pub(crate) fn with_focus<T>(&mut self, needed: &[bool], f: impl FnOnce(&Model) -> T) -> T {
        let first = self
            .stages
            .first()
            .map_or(self.instructions.len(), |s| s.from);
        let mut picked: Vec<usize> = (0..first).collect();
        // The stages themselves, renumbered for that model and back: cloning them cost more.
        let mut stages = std::mem::take(&mut self.stages);
        let places: Vec<stage::Place> = stages
            .iter_mut()
            .map(|stage| {
                let (from, with_body) = (picked.len(), needed[stage.index]);
                picked.push(stage.from);
                if with_body {
                    picked.extend(stage.body.clone());
                }
                stage.focus(from, with_body)
            })
            .collect();
        let instructions = picked
            .iter()
            .map(|&i| std::mem::take(&mut self.instructions[i]))
            .collect();
        let mut focused = Model {
            text: self.text,
            directives: self.directives.clone(),
            instructions,
            stages,
            comments: std::mem::take(&mut self.comments),
            recovered: std::mem::take(&mut self.recovered),
        };
        let out = f(&focused);
        for (&i, instr) in picked.iter().zip(&mut focused.instructions) {
            self.instructions[i] = std::mem::take(instr);
        }
        for (stage, place) in focused.stages.iter_mut().zip(places) {
            stage.unfocus(place);
        }
        self.stages = focused.stages;
        self.comments = focused.comments;
        self.recovered = focused.recovered;
        out
    }

    /// The index of the instruction whose text holds `offset`, ends included (the first of two
    /// that touch there).
    pub fn instruction_at(&self, offset: usize) -> Option<usize> {
        let first = self
            .instructions
            .partition_point(|i| i.range().end < offset);
        let instr = self.instructions.get(first)?;
        (instr.range().start <= offset).then_some(first)
    }

    pub fn stage_of(&self, instr: &Instruction) -> Option<&Stage> {
        instr.stage.map(|s| &self.stages[s])
    }

    /// Whether the instruction's layer is a layer of the final image.
    pub fn ships(&self, instr: &Instruction) -> bool {
        self.stage_of(instr).is_some_and(|s| s.ships_layers)
    }

    /// RUN instructions with their scripts, in stages that reach the final image.
    pub fn shipped_runs(&self) -> impl Iterator<Item = (usize, &Instruction, &Script)> {
        self.instructions
            .iter()
            .enumerate()
            .filter(|(_, i)| self.ships(i))
            .filter_map(|(idx, i)| Some((idx, i, i.script.as_ref()?)))
    }

    /// The value of an environment variable as a RUN at instruction `at` sees it: ENV and ARG
    /// defaults of its stage before it, then those of the stages it is built from.
    pub fn env_at(&self, at: usize, name: &str) -> Option<String> {
        let mut stage = self.instructions.get(at)?.stage?;
        let mut end = at;
        loop {
            let s = &self.stages[stage];
            let before = s.declarations.partition_point(|&i| i < end);
            for &i in s.declarations[..before].iter().rev() {
                if let Some(v) = declared(&self.instructions[i], name) {
                    return Some(v);
                }
            }
            match s.base {
                Base::Stage(b) => {
                    stage = b;
                    end = self.stages[b].body.end;
                }
                _ => return None,
            }
        }
    }

    /// Mounts of a RUN instruction.
    pub fn mounts<'i>(&self, instr: &'i Instruction) -> impl Iterator<Item = Mount> + 'i {
        instr
            .flags_named("mount")
            .filter_map(|f| Mount::parse(f.value.as_deref()?))
    }
}

/// The value `instr` gives `name`, if it is an ENV or an ARG with a default that sets it.
fn declared(instr: &Instruction, name: &str) -> Option<String> {
    match instr.kind {
        Kind::Env => env_pairs(instr)
            .into_iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v),
        Kind::Arg => instr.args.iter().rev().find_map(|w| {
            let (k, v) = w.text.split_once('=')?;
            (k == name).then(|| v.to_string())
        }),
        _ => None,
    }
}

/// `ENV a=b c=d`, or the legacy `ENV a b c` (name, then the rest as its value).
pub fn env_pairs(instr: &Instruction) -> Vec<(String, String)> {
    match instr.args.first() {
        Some(first) if !first.text.contains('=') => {
            let value = instr.args[1..]
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            vec![(first.text.clone(), value)]
        }
        _ => instr
            .args
            .iter()
            .filter_map(|w| {
                w.text
                    .split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_focused_model_has_the_stages_its_instructions_build() {
        let text = "ARG V=1\nFROM a:$V AS one\nENV A=1\nWORKDIR /w\nRUN x\n\
                    FROM one AS two\nARG B\nRUN y\nFROM scratch\nCOPY --from=two / /\nENV C=2\n";
        let mut model = Model::build(text, &crate::syntax::parse(text));
        let whole = format!("{:?}\n{:?}", model.stages, model.instructions);
        for needed in [[true, false, true], [false, true, false], [false; 3]] {
            let (focused, rebuilt) = model.with_focus(&needed, |focused| {
                let mut instructions = focused.instructions.clone();
                let mut rebuilt = stage::build_stages(&mut instructions);
                for (r, f) in rebuilt.iter_mut().zip(&focused.stages) {
                    (r.reaches_final, r.ships_layers) = (f.reaches_final, f.ships_layers);
                }
                let stages_of = |i: &[Instruction]| i.iter().map(|i| i.stage).collect::<Vec<_>>();
                assert_eq!(stages_of(&focused.instructions), stages_of(&instructions));
                (format!("{:?}", focused.stages), format!("{rebuilt:?}"))
            });
            assert_eq!(focused, rebuilt, "{needed:?}");
            // and the model has its stages and instructions back, as they were.
            let after = format!("{:?}\n{:?}", model.stages, model.instructions);
            assert_eq!(after, whole, "{needed:?}");
        }
    }
}
