//! A code lens on each FROM: what the stage weighs, split into its base and its own layers, and
//! whether it is the final image.

use std::ops::Range;

use dockerlean_core::model::Model;
use dockerlean_core::size::estimate::{ImageEstimate, StageEstimate};
use dockerlean_core::size::format::bytes;

pub fn lenses(model: &Model, estimate: &ImageEstimate) -> Vec<(Range<usize>, String)> {
    estimate
        .stages
        .iter()
        .map(|s| {
            let from = &model.instructions[model.stages[s.stage].from];
            (from.head(model.text), title(s))
        })
        .collect()
}

/// `stage ≈ 1.2 GB (base 1.1 GB + 95 MB) · final image`.
pub fn title(s: &StageEstimate) -> String {
    let layers = match s.layers.bytes {
        Some(b) if s.layers.incomplete => format!("{} + ?", bytes(b)),
        Some(b) => bytes(b),
        None => "?".to_string(),
    };
    let role = if s.is_final {
        "final image"
    } else if s.ships {
        "layers in the final image"
    } else {
        "not shipped"
    };
    format!(
        "stage {} (base {} + {layers}) · {role}",
        s.total.display(),
        s.base_amount.display()
    )
}
