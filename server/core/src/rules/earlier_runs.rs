//! "Does an earlier RUN of this stage chain configure X?" for every RUN of a file: the first
//! matching RUN of each stage is found once, so the question costs the length of the stage
//! chain, not the length of the file (asked per RUN, a scan would be quadratic).

use crate::model::{Base, Kind, Model};

pub struct EarlierRuns {
    /// Per stage: the index of its first RUN whose text matches.
    first: Vec<Option<usize>>,
}

impl EarlierRuns {
    pub fn new(model: &Model, matches: impl Fn(&str) -> bool) -> EarlierRuns {
        let mut first = vec![None; model.stages.len()];
        for (i, instr) in model.instructions.iter().enumerate() {
            if let Some(s) = instr.stage.filter(|&s| first[s].is_none()) {
                if instr.kind == Kind::Run && matches(&model.text[instr.range()]) {
                    first[s] = Some(i);
                }
            }
        }
        EarlierRuns { first }
    }

    /// Whether a matching RUN comes before instruction `at` in its stage or in a stage it is
    /// built FROM.
    pub fn before(&self, model: &Model, at: usize) -> bool {
        let mut stage = model.instructions[at].stage;
        while let Some(s) = stage {
            if self.first[s].is_some_and(|i| i < at) {
                return true;
            }
            stage = match model.stages[s].base {
                Base::Stage(b) => Some(b),
                _ => None,
            };
        }
        false
    }
}
