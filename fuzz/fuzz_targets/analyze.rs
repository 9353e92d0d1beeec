//! Arbitrary bytes through the whole analysis: parse, model, every rule, suppressions, every
//! quick fix applied (and the fixed text analysed again), and every reported range converted
//! to editor positions in each encoding.
#![no_main]

use dockerlean_core::position::{offset_to_line_col, Encoding};
use dockerlean_core::{analyze_str, apply_edits};
use libfuzzer_sys::fuzz_target;
use ropey::Rope;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let findings = analyze_str(&text).findings;
    let rope = Rope::from_str(&text);
    for finding in &findings {
        assert!(finding.range.start <= finding.range.end && finding.range.end <= text.len());
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            offset_to_line_col(&rope, finding.range.start, encoding);
            offset_to_line_col(&rope, finding.range.end, encoding);
        }
        if let Some(fix) = &finding.fix {
            let fixed = apply_edits(&text, &fix.edits);
            analyze_str(&fixed);
        }
    }
});
