//! Inlay hints: at the end of each RUN / COPY / ADD, what it adds (`+12 MB`, `+≈ 95 MB`,
//! `+? MB`), with where the number comes from as the tooltip.

use std::ops::Range;

use dockerlean_core::model::Model;
use dockerlean_core::size::estimate::ImageEstimate;

pub struct Hint {
    pub at: usize,
    pub label: String,
    pub tooltip: String,
}

pub fn hints(model: &Model, estimate: &ImageEstimate, within: Range<usize>) -> Vec<Hint> {
    estimate
        .instructions
        .iter()
        .filter_map(|e| {
            let instr = &model.instructions[e.index];
            let at = instr.range().end;
            (within.start <= at && at <= within.end).then(|| Hint {
                at,
                label: e.amount.delta(),
                tooltip: e.amount.notes.join("\n"),
            })
        })
        .collect()
}
