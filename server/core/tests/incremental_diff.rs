//! Differential test of incremental reparsing: any sequence of edits applied through
//! `SourceFile::edit` must leave exactly the text, chunks cut where the builder's line rules
//! allow, each chunk's statements as a fresh parse of that chunk's text gives them, and the
//! model a fresh parse of the whole text gives. A mismatch means the language server would
//! analyse a parse that does not match what the user sees.

use dockerlean_core::source::{cut_points, AFRESH_ON_ERROR_UP_TO};
use dockerlean_core::syntax::directives::Directives;
use dockerlean_core::syntax::{self, Trees};
use dockerlean_core::{Model, SourceFile};
use proptest::prelude::*;
use proptest::sample::{select, Index};

const SEEDS: &[&str] = &[
    "FROM python:3.12-slim AS build\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n\nFROM python:3.12-slim\nCOPY --from=build /app /app\nCMD [\"python\", \"-m\", \"app\"]\n",
    "FROM debian:bookworm\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl ca-certificates \\\n    && rm -rf /var/lib/apt/lists/*\n",
    "# syntax=docker/dockerfile:1\nFROM alpine:3.20\nRUN apk add --no-cache git\nADD ./src /src\nENV NAME=\"é😀\" \\\n    OTHER=1\n",
    "FROM ubuntu:24.04\r\nARG VERSION=1.0\r\nRUN echo \"$VERSION\" \\\r\n  && apt-get install -y jq\r\nLABEL maintainer=\"ünï 😀\"\r\n",
    "FROM alpine\nRUN <<EOF\napk add curl\necho done\nEOF\nCOPY <<-CONF /etc/app.conf\n\tkey=value\n\tCONF\n",
    "ARG A=1\nFROM a AS one\nRUN x \\\n  y\nFROM b AS two\nRUN <<EOF\nz\nEOF\n\nfrom c\n# c\nCOPY --from=one / /\n",
    "",
];

/// A seed, or a seed with instructions after it: a text of over a kilobyte is more than one
/// chunk of the rope, which `SourceFile` queries where it reads a shorter one as one string.
fn seed() -> impl Strategy<Value = String> {
    (select(SEEDS), any::<bool>()).prop_map(|(seed, long)| {
        let after = if long {
            "RUN echo one more line\n".repeat(60)
        } else {
            String::new()
        };
        seed.to_owned() + &after
    })
}

/// Pieces that, spliced anywhere, exercise multi-byte characters, line endings, line
/// continuations, heredocs, quoting and instruction boundaries.
const FRAGMENTS: &[&str] = &[
    "é",
    "😀",
    "\r\n",
    "\n",
    "\\\n",
    "\\\r\n",
    " \\",
    "RUN ",
    "FROM ",
    "COPY . /app",
    "<<EOF\n",
    "EOF\n",
    "<<-'X'\n",
    "X\n",
    "pip install flask",
    "apt-get install -y curl",
    " && ",
    "#",
    "# ",
    "\"",
    "'",
    "$",
    "${A:-b}",
    "[\"a\", \"b\"]",
    " ",
    "\t",
    "--no-cache-dir",
    "=",
    "ARG X=1\n",
];

#[derive(Clone, Debug)]
struct Edit {
    at: Index,
    delete: usize,
    insert: String,
}

fn edit() -> impl Strategy<Value = Edit> {
    let insert = prop::collection::vec(select(FRAGMENTS), 0..4).prop_map(|parts| parts.concat());
    (
        any::<Index>(),
        prop_oneof![Just(0usize), 0..4usize, 0..40usize],
        insert,
    )
        .prop_map(|(at, delete, insert)| Edit { at, delete, insert })
}

/// The byte range an edit replaces in `text`, on character boundaries.
fn byte_range(text: &str, edit: &Edit) -> std::ops::Range<usize> {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(edit.at.index(text.len() + 1));
    start..floor(start + edit.delete)
}

/// What the analysis reads from a parse.
fn reading(
    text: &str,
    trees: &Trees,
) -> (
    Vec<std::ops::Range<usize>>,
    Vec<std::ops::Range<usize>>,
    bool,
) {
    let model = Model::build(text, trees);
    let instructions = model.instructions.iter().map(|i| i.range()).collect();
    (instructions, model.comments, model.recovered.is_empty())
}

/// Each chunk's statements must be those of a fresh parse of its text: a chunk whose old or
/// new tree has errors is parsed afresh, as tree-sitter's error recovery depends on the tree
/// it reuses (only a chunk longer than [`AFRESH_ON_ERROR_UP_TO`] is not, and there the
/// instructions the builder's line rules read must match).
fn check_matches_fresh_parse(file: &SourceFile, expected_text: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(file.text(), expected_text);
    let chunks = file.trees().chunks();
    let mut at = 0;
    for chunk in chunks {
        prop_assert_eq!(chunk.range.start, at);
        at = chunk.range.end;
    }
    prop_assert_eq!(at, expected_text.len());
    // Cut only where the builder's line rules allow, and only with their escape character.
    if chunks.len() > 1 {
        prop_assert_eq!(Directives::parse(expected_text).escape, b'\\');
    }
    let starts: Vec<usize> = cut_points(expected_text).collect();
    for chunk in &chunks[1..] {
        prop_assert!(
            starts.contains(&chunk.range.start),
            "a chunk at {:?}",
            chunk.range
        );
    }
    for chunk in chunks
        .iter()
        .filter(|c| c.range.len() <= AFRESH_ON_ERROR_UP_TO)
    {
        let fresh = syntax::parse(&expected_text[chunk.range.clone()]);
        prop_assert_eq!(&chunk.statements, &fresh.chunks()[0].statements);
    }
    prop_assert_eq!(
        reading(expected_text, file.trees()),
        reading(expected_text, &syntax::parse(expected_text))
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn edits_one_at_a_time_match_a_fresh_parse(
        seed in seed(),
        edits in prop::collection::vec(edit(), 1..12),
    ) {
        let mut file = SourceFile::new(&seed);
        let mut text = seed;
        for edit in &edits {
            let range = byte_range(&text, edit);
            text.replace_range(range.clone(), &edit.insert);
            file.edit(range, &edit.insert);
            check_matches_fresh_parse(&file, &text)?;
        }
    }

    #[test]
    fn a_batch_of_edits_matches_a_fresh_parse(
        seed in seed(),
        edits in prop::collection::vec(edit(), 1..12),
    ) {
        let mut file = SourceFile::new(&seed);
        let mut text = seed;
        let mut batch = Vec::new();
        for edit in &edits {
            let range = byte_range(&text, edit);
            text.replace_range(range.clone(), &edit.insert);
            batch.push((range, edit.insert.as_str()));
        }
        file.edit_many(batch);
        check_matches_fresh_parse(&file, &text)?;
    }
}

/// `text` opened, and reached by replacing `range` of `before` with `insert`, reads as a parse of
/// the whole text does, which recovers some region.
fn check_fresh_and_edited(text: &str, before: &str, range: std::ops::Range<usize>, insert: &str) {
    check_matches_fresh_parse(&SourceFile::new(text), text).unwrap();
    let mut file = SourceFile::new(before);
    file.edit(range, insert);
    check_matches_fresh_parse(&file, text).unwrap();
    assert!(!Model::build(text, &syntax::parse(text))
        .recovered
        .is_empty());
}

/// Tokens the parser skips to recover from an error are ERROR nodes marked extra. Here the
/// skipped `\` and `x` end the first stage; a parse of the whole text reads on from them over
/// the next FROM line, so the stages are not parsed apart.
#[test]
fn an_error_skipped_at_the_end_of_a_stage_reads_as_in_the_whole_file() {
    let text = "FROM a AS\\\nx\nFROM b c\n";
    assert_eq!(SourceFile::new(text).trees().chunks().len(), 1);
    check_fresh_and_edited(text, "FROM a AS one\nRUN x\nFROM b c\n", 9..18, "\\\n");
}

/// Parsed alone, the first stage's FROM ends before the `$`, skipped as an error; in the whole
/// file (an error further on) it takes the `$` and misses the variable's name. The line rules
/// read the same instruction either way, and either way the region counts as recovered.
#[test]
fn an_error_inside_an_instruction_is_recovered_however_the_parser_shaped_it() {
    let text = "FROM a AS on$\nRUN x\nFROM b\nRUN <<E \\\nOF\n";
    // The first FROM's error runs its chunk on over the RUN after it.
    assert_eq!(SourceFile::new(text).trees().chunks().len(), 3);
    let before = "FROM a AS one\nRUN x\nFROM b\nRUN <<E \\\nOF\n";
    check_fresh_and_edited(text, before, 12..13, "$");
}

/// Reparsed incrementally after a batch of two edits, the first chunk's errors came out shaped
/// differently from a fresh parse of the same text (`ARG A=F ["a", "b"]` one instruction with an
/// error, where a fresh parse ends a clean `ARG A=F` before the error). Found by the proptests
/// above once they compared the statements of chunks with errors too; a chunk whose reparse
/// has errors is now parsed afresh.
#[test]
fn a_chunk_with_errors_parses_as_afresh_whatever_it_was_before() {
    let mut text = SEEDS[5].to_owned();
    let mut file = SourceFile::new(&text);
    let edits = [(9..24, " [\"a\", \"b\"]\r\n"), (6..8, "")];
    for (range, insert) in edits.clone() {
        text.replace_range(range, insert);
    }
    file.edit_many(edits);
    check_matches_fresh_parse(&file, &text).unwrap();
}

/// Deleting everything before the first FROM leaves no empty chunk in front of it.
#[test]
fn deleting_the_text_before_the_first_stage_leaves_one_chunk_there() {
    let before = "ARG A=1\nFROM a\nRUN x\nFROM b\n";
    let mut file = SourceFile::new(before);
    file.edit(0..8, "");
    check_matches_fresh_parse(&file, &before[8..]).unwrap();
}
