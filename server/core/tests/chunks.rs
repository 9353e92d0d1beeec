//! `SourceFile` parses a file in instruction-sized chunks. Edits that change where the builder's
//! line rules allow a cut (a continuation or a heredoc running over an instruction line, an
//! instruction keyword deleted, an escape directive) must merge or re-cut chunks so that what the analysis reads
//! stays what a fresh parse of the whole text gives; long editing sessions must not let merges
//! add up to one big chunk.

use dockerlean_core::source::cut_points;
use dockerlean_core::syntax::directives::Directives;
use dockerlean_core::syntax::{self, Trees};
use dockerlean_core::{analyze_str, Analyzer, Model, SourceFile};
use proptest::prelude::*;
use proptest::sample::{select, Index};

fn reading(
    text: &str,
    trees: &Trees,
) -> (Vec<std::ops::Range<usize>>, Vec<std::ops::Range<usize>>) {
    let model = Model::build(text, trees);
    (
        model.instructions.iter().map(|i| i.range()).collect(),
        model.comments,
    )
}

/// A document being edited, checked against a fresh analysis after every edit.
struct Session {
    file: SourceFile,
    analyzer: Analyzer,
    text: String,
}

impl Session {
    fn new(text: &str) -> Session {
        let mut session = Session {
            file: SourceFile::new(text),
            analyzer: Analyzer::default(),
            text: text.to_string(),
        };
        session.check();
        session
    }

    fn edit(&mut self, range: std::ops::Range<usize>, insert: &str) {
        self.text.replace_range(range.clone(), insert);
        self.file.edit(range, insert);
        self.check();
    }

    /// Replaces the first `old` with `new`.
    fn replace(&mut self, old: &str, new: &str) {
        let at = self
            .text
            .find(old)
            .unwrap_or_else(|| panic!("{old:?} in the text"));
        self.edit(at..at + old.len(), new);
    }

    fn starts(&self) -> Vec<usize> {
        let chunks = self.file.trees().chunks();
        chunks.iter().map(|c| c.range.start).collect()
    }

    fn check(&mut self) {
        let text = &self.text;
        assert_eq!(&self.file.text(), text);
        // Cut only where the builder's line rules allow, and only with their escape character.
        let cuts: Vec<usize> = cut_points(text).collect();
        for chunk in &self.file.trees().chunks()[1..] {
            assert_eq!(Directives::parse(text).escape, b'\\', "{text:?}");
            assert!(
                cuts.contains(&chunk.range.start),
                "{:?} in {text:?}",
                chunk.range
            );
        }
        for chunk in self.file.trees().chunks() {
            let fresh = syntax::parse(&text[chunk.range.clone()]);
            let fresh = &fresh.chunks()[0].statements;
            // Error recovery after an edit may shape ERROR nodes differently; the reading of
            // those regions is compared below.
            if !fresh.iter().any(|s| s.error) {
                assert_eq!(
                    &chunk.statements, fresh,
                    "chunk {:?} of {text:?}",
                    chunk.range
                );
            }
        }
        assert_eq!(
            reading(text, self.file.trees()),
            reading(text, &syntax::parse(text)),
            "{text:?}"
        );
        assert_eq!(
            self.analyzer.analyze(&self.file).findings,
            analyze_str(text).findings,
            "{text:?}"
        );
    }
}

const THREE: &str = "ARG V=1\nFROM a AS one\nRUN apt-get install -y curl\n\nFROM b AS two\nRUN echo two\nFROM c\nCOPY --from=one / /\n";

fn offsets(text: &str, lines: &[&str]) -> Vec<usize> {
    let mut out = vec![0];
    out.extend(lines.iter().map(|l| text.find(l).unwrap()));
    out
}

#[test]
fn a_file_is_cut_before_each_instruction() {
    let s = Session::new(THREE);
    assert_eq!(s.starts(), offsets(THREE, &ALL));
}

/// The instruction lines of [`THREE`] after the first.
const ALL: [&str; 6] = ["FROM a", "RUN apt", "FROM b", "RUN echo", "FROM c", "COPY"];

#[test]
fn a_trailing_backslash_merges_the_next_from_and_removing_it_keeps_results_equal() {
    let mut s = Session::new(THREE);
    s.replace("RUN echo two\n", "RUN echo two \\\n");
    // FROM c is now an argument of the RUN.
    assert_eq!(
        s.starts(),
        offsets(
            &s.text,
            &["FROM a", "RUN apt", "FROM b", "RUN echo", "COPY"]
        )
    );
    s.replace("RUN echo two \\\n", "RUN echo two\n");
    // A blank line between the backslash and the FROM line does not stop the continuation.
    s.replace("curl\n\n", "curl \\\n\n");
    assert_eq!(
        s.starts()[..4],
        offsets(&s.text, &["FROM a", "RUN apt", "RUN echo"])
    );
    s.replace("curl \\\n\n", "curl\n\n");
}

#[test]
fn a_heredoc_opened_over_the_next_from_merges_and_closing_it_keeps_results_equal() {
    let mut s = Session::new(THREE);
    s.replace("RUN apt-get install -y curl\n", "RUN <<EOF\n");
    // Unterminated: it runs to the end of the file.
    assert_eq!(s.starts(), offsets(&s.text, &["FROM a", "RUN <<EOF"]));
    s.replace("FROM c\n", "EOF\nFROM c\n");
    s.replace("RUN <<EOF\n", "RUN apt-get install -y curl\n");
    s.replace("EOF\n", "");
}

#[test]
fn deleting_a_from_keyword_merges_its_chunk_into_the_previous() {
    let mut s = Session::new(THREE);
    s.replace("FROM b AS two", "b AS two");
    // The line the grammar cannot parse ends a chunk in an error: the next joins it too.
    assert_eq!(
        s.starts(),
        offsets(&s.text, &["FROM a", "RUN apt", "FROM c", "COPY"])
    );
    // A line the grammar cannot parse at the end of a chunk.
    s.replace("RUN echo two\n", "RUN echo two\nno instruction\n");
    s.replace("no instruction\n", "");
    s.replace("b AS two", "USER b");
    s.replace("USER b", "FROM b AS two");
    // Typed at the start of an instruction line, before the keyword: it is no instruction the
    // grammar knows, so it ends that chunk in an error, and the next joins it too.
    let mut s = Session::new(THREE);
    s.replace("FROM c", "xFROM c");
    assert_eq!(
        s.starts(),
        offsets(&s.text, &["FROM a", "RUN apt", "FROM b", "RUN echo"])
    );
    // Another keyword: the line still starts an instruction.
    let mut s = Session::new(THREE);
    s.replace("FROM c", "RUN x FROM c");
    assert_eq!(
        s.starts(),
        offsets(
            &s.text,
            &["FROM a", "RUN apt", "FROM b", "RUN echo", "RUN x", "COPY"]
        )
    );
}

#[test]
fn a_comment_taking_the_last_line_break_merges_with_the_next_chunk() {
    let mut s = Session::new(THREE);
    s.replace("RUN echo two\n", "RUN echo two\nARG X#=1\n");
    // To the grammar, the FROM line after it is no statement of its own but an error, which
    // ends that chunk, so the COPY joins it too.
    assert_eq!(
        s.starts(),
        offsets(&s.text, &["FROM a", "RUN apt", "FROM b", "RUN echo"])
    );
    let s = Session::new("ARG A#=1\nFROM a\nRUN x\n");
    assert_eq!(s.starts(), vec![0]);
}

#[test]
fn an_edit_spanning_two_chunks_merges_them() {
    let mut s = Session::new(THREE);
    let (a, b) = (
        s.text.find("install").unwrap(),
        s.text.find("echo").unwrap(),
    );
    s.edit(a..b, "x\nFROM d\nRUN ");
    assert_eq!(
        s.starts(),
        offsets(&s.text, &["FROM a", "RUN apt", "FROM c", "COPY"])
    );
    // Everything but the first and last lines.
    let (a, b) = (
        s.text.find('\n').unwrap() + 1,
        s.text.rfind("COPY").unwrap(),
    );
    s.edit(a..b, "");
    assert_eq!(s.starts(), offsets(&s.text, &["COPY"]));
    s.edit(s.text.len()..s.text.len(), "FROM e\nRUN y\n");
}

#[test]
fn crlf_lines() {
    let text = "FROM a\r\nRUN x \\\r\n  y\r\n\r\nFROM b\r\nRUN z\r\nFROM c\r\n";
    let mut s = Session::new(text);
    assert_eq!(
        s.starts(),
        offsets(text, &["RUN x", "FROM b", "RUN z", "FROM c"])
    );
    s.replace("RUN z\r\n", "RUN z \\\r\n");
    assert_eq!(s.starts(), offsets(&s.text, &["RUN x", "FROM b", "RUN z"]));
    s.replace("  y\r\n\r\n", "  y\r\n");
    s.replace("y\r\n", "y");
    s.replace("RUN z \\\r\n", "RUN <<EOF\r\n");
}

#[test]
fn an_escape_directive_makes_the_file_one_chunk_and_removing_it_cuts_it_again() {
    let mut s = Session::new(THREE);
    s.edit(0..0, "# escape=`\n");
    assert_eq!(s.starts(), vec![0]);
    s.replace("RUN echo two\n", "RUN echo two `\n");
    s.edit(0.."# escape=`\n".len(), "");
    assert_eq!(s.starts(), offsets(&s.text, &ALL));
    s.edit(0..0, "# escape=\\\n");
    assert_eq!(s.starts().len(), 7);
}

#[test]
fn merges_in_a_long_session_do_not_add_up_to_one_chunk() {
    let stage = |i: usize| {
        format!("FROM debian AS s{i}\nRUN apt-get update && apt-get install -y curl{i} git jq\n")
    };
    let text: String = (0..200).map(stage).collect();
    let mut s = Session::new(&text);
    assert_eq!(s.starts().len(), 400);
    // Each stage in turn continues into the next, then stops doing so.
    for i in 0..199 {
        let line = format!("curl{i} git jq\n");
        s.replace(&line, &format!("curl{i} git jq \\\n"));
        s.replace(&format!("curl{i} git jq \\\n"), &line);
    }
    let largest = s
        .file
        .trees()
        .chunks()
        .iter()
        .map(|c| c.range.len())
        .max()
        .unwrap();
    assert!(largest < text.len() / 3, "a chunk of {largest} bytes");
}

const FRAGMENTS: &[&str] = &[
    "\n",
    "\r\n",
    "\\\n",
    " \\",
    "FROM x AS y\n",
    "from z\n",
    "FROM",
    "RUN ",
    "<<EOF\n",
    "EOF\n",
    "<<-X\n",
    "\tX\n",
    "# escape=`\n",
    "`\n",
    "#",
    "COPY --from=y / /\n",
    "apt-get install -y curl",
    " && ",
    "\"",
    "é",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn a_long_random_editing_session_matches_a_fresh_analysis(
        edits in prop::collection::vec(
            (any::<Index>(), 0..30usize, prop::collection::vec(select(FRAGMENTS), 0..3)),
            60..120,
        ),
    ) {
        let mut s = Session::new(THREE);
        for (at, delete, insert) in edits {
            let floor = |mut i: usize| {
                i = i.min(s.text.len());
                while !s.text.is_char_boundary(i) {
                    i -= 1;
                }
                i
            };
            let start = floor(at.index(s.text.len() + 1));
            s.edit(start..floor(start + delete), &insert.concat());
        }
    }
}

#[test]
fn a_backslash_before_a_hash_reads_the_same_in_a_chunk_as_in_the_whole_file() {
    // Parsed alone, the last chunk has the grammar take ` \#e` for a comment; in the whole
    // file an error before it had the builder's line rules read it, as an instruction.
    let mut s = Session::new("ARG V=1\nFROM a AS one\nRU`\n -y curM\tX\n \\#e=`\n");
    s.edit(17..29, "<<EOF\nFROM");
}
