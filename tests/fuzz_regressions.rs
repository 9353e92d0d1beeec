//! Every input the fuzzers (fuzz/) found a crash with, replayed through what the `analyze`
//! target checks: the analysis, every quick fix and the analysis of the fixed text.

use std::path::Path;

use dockerlean_core::{analyze_str, apply_edits};

fn replay(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    for finding in analyze_str(&text).findings {
        assert!(finding.range.end <= text.len(), "{}", path.display());
        if let Some(fix) = &finding.fix {
            analyze_str(&apply_edits(&text, &fix.edits));
        }
    }
}

#[test]
fn fuzz_crashes_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "dockerfile"))
        .collect();
    inputs.sort();
    for input in &inputs {
        replay(input);
    }
}
