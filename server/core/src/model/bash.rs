//! This thread's bash parser. A RUN being edited is parsed again on every keystroke, and its
//! new text differs from the one parsed just before by a few characters: tree-sitter then
//! reparses it from the last tree, told what changed, which costs a fraction of a fresh parse.
//! The tree is what a fresh parse gives; only the work differs (a script with errors, or after
//! one with errors, is parsed afresh, see [`syntax::reparse`]).

use std::cell::RefCell;

use tree_sitter::{InputEdit, Parser, Point, Tree};

use crate::syntax;

/// The parser, and the last text it parsed with its tree.
struct Bash {
    parser: Parser,
    last: String,
    tree: Option<Tree>,
}

thread_local! {
    static BASH: RefCell<Bash> = RefCell::new(Bash {
        parser: {
            let mut p = Parser::new();
            p.set_language(&tree_sitter_bash::LANGUAGE.into())
                .expect("the bundled bash grammar matches the tree-sitter ABI");
            p
        },
        last: String::new(),
        tree: None,
    });
}

/// Parses `source` as bash.
pub(crate) fn parse(source: &str) -> Option<Tree> {
    BASH.with(|bash| {
        let bash = &mut *bash.borrow_mut();
        let old = bash.tree.take().and_then(|mut tree| {
            tree.edit(&edit_between(&bash.last, source)?);
            Some(tree)
        });
        let tree = syntax::reparse(old.as_ref(), |old| bash.parser.parse(source, old))?;
        bash.last.clear();
        bash.last.push_str(source);
        bash.tree = Some(tree.clone());
        Some(tree)
    })
}

/// The edit that turns `old` into `new`: what lies between their common start and their common
/// end. `None` when they have less than half of `new` in common: the old tree would hardly help.
fn edit_between(old: &str, new: &str) -> Option<InputEdit> {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let most = a.len().min(b.len()) - start;
    let mut same_end = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(most)
        .take_while(|(x, y)| x == y)
        .count();
    if 2 * (start + same_end) < b.len() {
        return None;
    }
    // The edit covers whole characters.
    while !(old.is_char_boundary(start) && new.is_char_boundary(start)) {
        start -= 1;
    }
    while !(old.is_char_boundary(a.len() - same_end) && new.is_char_boundary(b.len() - same_end)) {
        same_end -= 1;
    }
    let (old_end, new_end) = (a.len() - same_end, b.len() - same_end);
    Some(InputEdit {
        start_byte: start,
        old_end_byte: old_end,
        new_end_byte: new_end,
        start_position: point(b, start),
        old_end_position: point(a, old_end),
        new_end_position: point(b, new_end),
    })
}

/// tree-sitter's point of `byte`: rows split at `\n`, columns in bytes.
fn point(text: &[u8], byte: usize) -> Point {
    let before = &text[..byte];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    Point::new(row, byte - line_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh(source: &str) -> String {
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_bash::LANGUAGE.into())
            .unwrap();
        parser.parse(source, None).unwrap().root_node().to_sexp()
    }

    #[test]
    fn a_script_typed_a_character_at_a_time_parses_as_it_would_afresh() {
        let typed = "apt-get update && apt-get install -y \\\n  curl 'ü x' \"$(cat <<EOF\nü\nEOF\n)\" | tee /l; echo done # é\n";
        let tail = " && rm -rf /var/lib/apt/lists/*";
        for end in (0..=typed.len()).filter(|&i| typed.is_char_boundary(i)) {
            let source = format!("{}{tail}", &typed[..end]);
            let tree = parse(&source).unwrap();
            assert_eq!(tree.root_node().to_sexp(), fresh(&source), "{source:?}");
        }
        // And deleted again, from the middle.
        let mut source = format!("{typed}{tail}");
        while let Some((at, _)) = source.char_indices().nth(source.chars().count() / 2) {
            source.remove(at);
            let tree = parse(&source).unwrap();
            assert_eq!(tree.root_node().to_sexp(), fresh(&source), "{source:?}");
        }
    }

    #[test]
    fn a_script_bash_cannot_parse_comes_out_as_afresh_whatever_was_parsed_before() {
        // A RUN's flags before a continuation, as the `edits` fuzz target found them: from
        // some earlier trees, tree-sitter recovered from the errors differently.
        let source =
            "--mount=target=/root/.cache,type=cache\\\n    --mount=target=/go/pkg/mod,type=cache      ";
        let earlier = (0..source.len()).flat_map(|at| {
            let mut removed = source.to_owned();
            removed.remove(at);
            [removed, format!("{}x{}", &source[..at], &source[at..])]
        });
        for before in earlier {
            parse(&before);
            let tree = parse(source).unwrap();
            assert_eq!(
                tree.root_node().to_sexp(),
                fresh(source),
                "after {before:?}"
            );
        }
    }

    #[test]
    fn a_script_parsed_after_one_with_errors_comes_out_as_afresh() {
        // Found by the `edits` fuzz target: reusing the nodes of a script whose quote was
        // left open, tree-sitter parsed this one without an error, but not as it does afresh.
        let before = "a;\nA=\"$X\"0\\\nB='x y";
        let source = "a;\nA=\"$X\"0\\\nB='x' \\\nc V}";
        parse(before);
        assert_eq!(parse(source).unwrap().root_node().to_sexp(), fresh(source));
    }

    #[test]
    fn an_edit_covers_what_differs_in_whole_characters() {
        let edit = edit_between("echo ü\nx", "echo ö\nx").unwrap();
        // `ü` and `ö` share their first byte: the edit starts before it.
        assert_eq!(
            (edit.start_byte, edit.old_end_byte, edit.new_end_byte),
            (5, 7, 7)
        );
        assert_eq!(edit.start_position, Point::new(0, 5));
        assert_eq!(edit.new_end_position, Point::new(0, 7));
        let edit = edit_between("a\nbc", "a\nbXc").unwrap();
        assert_eq!(
            (edit.start_byte, edit.old_end_byte, edit.new_end_byte),
            (3, 3, 4)
        );
        assert_eq!(edit.new_end_position, Point::new(1, 2));
        assert!(edit_between("echo one", "ls -la /tmp").is_none());
    }
}
