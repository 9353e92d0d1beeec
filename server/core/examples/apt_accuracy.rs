//! The apt layer estimator against measured layers: prints, per measured install, the
//! estimate, the measurement and the error, then the median and worst error.
//!
//!     cargo run -p dockerlean-core --example apt_accuracy -- ../shared/data/layer-truth/measured.tsv
//!
//! `scripts/measure_apt_layers.py` writes new rows in the same format.

use dockerlean_core::size::accuracy::{evaluate, median_error};
use dockerlean_core::size::format::bytes;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/layer-truth/measured.tsv".into());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let cases = evaluate(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    println!("packages\trecommends\tmeasured\testimated\terror\tnew packages (measured/ours)");
    for c in &cases {
        println!(
            "{}\t{}\t{}\t{}\t{:+.1} %\t{}/{}",
            c.packages,
            if c.recommends { "yes" } else { "no" },
            bytes(c.measured),
            bytes(c.estimated),
            100.0 * c.error(),
            c.measured_new.map_or("?".into(), |n| n.to_string()),
            c.estimated_new
        );
    }
    let outside: Vec<&str> = cases
        .iter()
        .filter(|c| !c.within_target())
        .map(|c| c.packages.as_str())
        .collect();
    let max = cases.iter().map(|c| c.error().abs()).fold(0.0, f64::max);
    println!(
        "sets: {}  median |error|: {:.1} %  max |error|: {:.1} %  outside 15 % and 2 MB: {}",
        cases.len(),
        100.0 * median_error(&cases),
        100.0 * max,
        if outside.is_empty() {
            "none".to_string()
        } else {
            outside.join(", ")
        }
    );
}
