//! Arbitrary sequences of editor edits (LSP line/character ranges in any encoding, as the
//! language server receives them) against the differential oracle: after every edit the
//! incrementally reparsed text, each chunk's statements, the instructions read from the chunks
//! and the incremental analysis (per-stage reuse, cached scripts) must equal a fresh parse and
//! a fresh analysis of the same text, and the model given back for that version a fresh
//! build.
#![no_main]

use arbitrary::Arbitrary;
use dockerlean_core::position::{line_col_to_offset, Encoding, LineCol};
use dockerlean_core::source::AFRESH_ON_ERROR_UP_TO;
use dockerlean_core::syntax::{self, Chunk};
use dockerlean_core::{analyze_str, Analyzer, Model, SourceFile};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    seed: String,
    encoding: u8,
    edits: Vec<Edit>,
}

#[derive(Arbitrary, Debug)]
struct Edit {
    start: (u8, u8),
    end: (u8, u8),
    text: String,
}

fuzz_target!(|input: Input| {
    let encoding = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32][input.encoding as usize % 3];
    let mut file = SourceFile::new(&input.seed);
    let mut analyzer = Analyzer::default();
    analyzer.analyze(&file);
    for edit in input.edits.iter().take(16) {
        let offset = |(line, col): (u8, u8)| {
            let at = LineCol {
                line: line as usize,
                col: col as usize,
            };
            line_col_to_offset(file.rope(), at, encoding)
        };
        // A line past the end is skipped, as the server does.
        let (Ok(a), Ok(b)) = (offset(edit.start), offset(edit.end)) else {
            continue;
        };
        let mut expected = file.text();
        let range = a.min(b)..a.max(b);
        expected.replace_range(range.clone(), &edit.text);
        file.edit(range, &edit.text);
        let text = file.text();
        assert_eq!(text, expected);
        // A longer chunk is reparsed incrementally whatever its errors, and how tree-sitter
        // recovers depends on the tree it reuses; the builder's line rules, checked below,
        // read past the difference.
        let afresh = |c: &&Chunk| c.range.len() <= AFRESH_ON_ERROR_UP_TO;
        for chunk in file.trees().chunks().iter().filter(afresh) {
            let fresh = syntax::parse(&text[chunk.range.clone()]);
            assert_eq!(chunk.statements, fresh.chunks()[0].statements);
        }
        let instructions = |trees: &syntax::Trees| -> Vec<_> {
            Model::build(&text, trees)
                .instructions
                .iter()
                .map(|i| i.range())
                .collect()
        };
        assert_eq!(
            instructions(file.trees()),
            instructions(&syntax::parse(&text))
        );
        let cached = analyzer.analyze(&file).findings;
        assert_eq!(cached, analyze_str(&text).findings);
        // The model of the version just analysed, given back whole as the editor's requests
        // get it, is the model a fresh build reads from the same chunks.
        let model = |m: &Model| format!("{:?}\n{:?}", m.instructions, m.stages);
        let again = analyzer.with_model(|| text.clone(), file.trees(), model);
        assert_eq!(again, model(&Model::build(&text, file.trees())));
    }
});
