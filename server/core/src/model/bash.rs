//! This thread's bash parser. Every script is parsed afresh. tree-sitter can reparse a script
//! incrementally from the tree of the one before, for a fraction of the work. But the bash
//! grammar is ambiguous around a line continuation right after a word (`A=1\⏎ B=2`,
//! `--mount=…\⏎ --mount=…`), and a reparse that reuses nodes can settle it otherwise than a
//! fresh parse does, without an error either way. The `edits` fuzz target found such RUNs
//! three times: their commands and assignments then depended on the script parsed before.
//! Parsing afresh costs about a quarter more per keystroke on a 24-line file
//! (`bench/instructions.sh`: 403k → 508k instructions) and 6 % on 210 lines.

use std::cell::RefCell;

use tree_sitter::{Parser, Tree};

thread_local! {
    static BASH: RefCell<Parser> = RefCell::new({
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_bash::LANGUAGE.into())
            .expect("the bundled bash grammar matches the tree-sitter ABI");
        parser
    });
}

/// Parses `source` as bash.
pub(crate) fn parse(source: &str) -> Option<Tree> {
    BASH.with(|parser| parser.borrow_mut().parse(source, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scripts the `edits` fuzz target found parsed otherwise after some scripts than afresh:
    /// with errors, after one with errors (a quote left open), and unchanged after itself.
    const FOUND: [&str; 3] = [
        "--mount=target=/root/.cache,type=cache\\\n    --mount=target=/go/pkg/mod,type=cache      ",
        "a;\nA=\"$X\"0\\\nB='x' \\\nc V}",
        "--mount=target=/root/.cache,type=cache\\\n    --mount=target=/go/pkg/mod,type=cache         binaries",
    ];

    fn fresh(source: &str) -> String {
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_bash::LANGUAGE.into())
            .unwrap();
        parser.parse(source, None).unwrap().root_node().to_sexp()
    }

    /// Each script after itself, after every one-character variant of itself (one
    /// character removed or `x` inserted) and after the one that misled the parser.
    #[test]
    fn a_script_parses_as_afresh_whatever_was_parsed_before() {
        let misleading = "a;\nA=\"$X\"0\\\nB='x y";
        for source in FOUND {
            let variants = (0..source.len()).flat_map(|at| {
                let mut removed = source.to_owned();
                removed.remove(at);
                [removed, format!("{}x{}", &source[..at], &source[at..])]
            });
            let before = variants.chain([source.to_owned(), misleading.to_owned()]);
            for before in before {
                parse(&before);
                let tree = parse(source).unwrap();
                assert_eq!(
                    tree.root_node().to_sexp(),
                    fresh(source),
                    "{source:?} after {before:?}"
                );
            }
        }
    }
}
