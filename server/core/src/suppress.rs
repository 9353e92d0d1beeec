//! Suppression pragmas: `# dockerlean ignore=CODE[,CODE]` or `# hadolint ignore=…` on the
//! comment lines directly above an instruction silence those rules for it; the `global ignore=`
//! forms anywhere in the file silence them everywhere. A code may be our code, the rule's name,
//! or its hadolint code. The builder's syntax errors cannot be silenced.

use std::ops::Range;

use crate::finding::{Edit, Finding, Fix};
use crate::model::{Instruction, Model};
use crate::rules::{self, syntax};

#[derive(Debug, PartialEq, Eq)]
struct Pragma {
    global: bool,
    codes: Vec<&'static str>,
}

/// Reads `# dockerlean [global] ignore=A,B` / `# hadolint [global] ignore=A,B`.
fn parse(comment: &str) -> Option<Pragma> {
    let rest = comment.trim_start_matches('#').trim_start();
    let rest = rest
        .strip_prefix("dockerlean")
        .or_else(|| rest.strip_prefix("hadolint"))?
        .trim_start();
    let (global, rest) = match rest.strip_prefix("global") {
        Some(r) => (true, r.trim_start()),
        None => (false, rest),
    };
    let list = rest
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('=')?;
    let codes = list
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .filter_map(|key| rules::find(key).map(|m| m.code))
        .collect();
    Some(Pragma { global, codes })
}

pub fn apply(model: &Model, mut findings: Vec<Finding>) -> Vec<Finding> {
    let text = model.text;
    let pragmas: Vec<(Range<usize>, Pragma)> = model
        .comments
        .iter()
        .filter_map(|c| Some((c.clone(), parse(&text[c.clone()])?)))
        .collect();
    if pragmas.is_empty() {
        return findings;
    }
    let global: Vec<&str> = pragmas
        .iter()
        .filter(|(_, p)| p.global)
        .flat_map(|(_, p)| p.codes.iter().copied())
        .collect();
    findings.retain(|f| {
        if is_syntax(f) {
            return true;
        }
        if global.contains(&f.code()) {
            return false;
        }
        let Some(instr) = instruction_of(model, f) else {
            return true;
        };
        !codes_above(text, instr.range().start, &pragmas).any(|c| c == f.code())
    });
    findings
}

fn is_syntax(f: &Finding) -> bool {
    syntax::METAS.iter().any(|m| std::ptr::eq(*m, f.rule))
}

/// The instruction a finding is about, whose pragmas silence it.
fn instruction_of<'m>(model: &'m Model, f: &Finding) -> Option<&'m Instruction> {
    Some(&model.instructions[model.instruction_at(f.range.start)?])
}

/// "Ignore CODE for this instruction": adds the code to a `# dockerlean ignore=` pragma directly
/// above the finding's instruction, or writes one there with the instruction's indentation.
/// Syntax errors cannot be ignored, so they get none.
pub fn ignore_fix(model: &Model, finding: &Finding) -> Option<Fix> {
    if is_syntax(finding) {
        return None;
    }
    let text = model.text;
    let code = finding.code();
    let start = instruction_of(model, finding)?.range().start;
    let title = format!("Ignore {code} for this instruction");
    let block = crate::syntax::logical::comment_block_above(text, start);
    let first = model.comments.partition_point(|c| c.start < block.start);
    let mut in_block = model.comments[first..]
        .iter()
        .take_while(|c| c.end <= block.end);
    let existing = in_block.find(|c| {
        let comment = &text[c.start..c.end];
        comment
            .trim_start_matches('#')
            .trim_start()
            .starts_with("dockerlean")
            && parse(comment).is_some_and(|p| !p.global)
    });
    let edit = match existing {
        Some(comment) => {
            let end = comment.start + text[comment.clone()].trim_end().len();
            Edit::insert(end, format!(",{code}"))
        }
        None => {
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let indent = &text[line_start..start];
            let line_end = text[start..].find('\n').map(|i| start + i);
            let newline = if line_end.is_some_and(|end| text[..end].ends_with('\r')) {
                "\r\n"
            } else {
                "\n"
            };
            Edit::insert(
                line_start,
                format!("{indent}# dockerlean ignore={code}{newline}"),
            )
        }
    };
    Some(Fix::safe(title, vec![edit]))
}

/// The codes of the pragmas on the comment lines directly above `start` (no blank line between).
fn codes_above<'p>(
    text: &str,
    start: usize,
    pragmas: &'p [(Range<usize>, Pragma)],
) -> impl Iterator<Item = &'static str> + 'p {
    let comments = crate::syntax::logical::comment_block_above(text, start);
    pragmas
        .iter()
        .filter(move |(r, p)| !p.global && comments.start <= r.start && r.end <= comments.end)
        .flat_map(|(_, p)| p.codes.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze_str;

    fn codes(text: &str) -> Vec<&'static str> {
        analyze_str(text)
            .findings
            .iter()
            .map(|f| f.code())
            .collect()
    }

    #[test]
    fn pragma_forms() {
        assert_eq!(
            parse("# hadolint ignore=DL3042,DL3015").unwrap().codes,
            ["DKL101", "DKL102"]
        );
        assert_eq!(
            parse("# dockerlean global ignore=pip-cache-kept").unwrap(),
            Pragma {
                global: true,
                codes: vec!["DKL101"]
            }
        );
        assert!(parse("# just a comment").is_none());
        assert!(parse("# check=skip=all").is_none());
    }

    #[test]
    fn instruction_pragmas_apply_to_the_next_instruction_only() {
        let text = "FROM python:3.12-slim\n# why: we need the cache\n# hadolint ignore=DL3042\nRUN pip install a\nRUN pip install b\n";
        assert_eq!(codes(text), ["DKL101"]);
        let separated = "FROM python:3.12-slim\n# dockerlean ignore=DKL101\n\nRUN pip install a\n";
        assert_eq!(codes(separated), ["DKL101"]);
    }

    #[test]
    fn global_pragmas_apply_everywhere() {
        let text = "# dockerlean global ignore=DKL101\nFROM python:3.12-slim\nRUN pip install a\nRUN pip install b\n";
        assert!(codes(text).is_empty());
    }

    fn ignored(text: &str) -> String {
        let analysis = analyze_str(text);
        let finding = &analysis.findings[0];
        let tree = crate::syntax::parse(text);
        let model = Model::build(text, &tree);
        let fix = ignore_fix(&model, finding).expect("an ignore action");
        assert_eq!(
            fix.title,
            format!("Ignore {} for this instruction", finding.code())
        );
        crate::apply_edits(text, &fix.edits)
    }

    #[test]
    fn the_ignore_action_writes_a_pragma_with_the_instruction_indentation() {
        let text = "FROM python:3.12-slim\n  RUN pip install a\n";
        let out = ignore_fix_round_trip(text);
        assert_eq!(
            out,
            "FROM python:3.12-slim\n  # dockerlean ignore=DKL101\n  RUN pip install a\n"
        );
    }

    #[test]
    fn the_ignore_action_extends_a_pragma_directly_above() {
        let text =
            "FROM debian:12-slim\n# dockerlean ignore=DKL103 \nRUN apt-get install -y curl\n";
        let out = ignored(text);
        assert_eq!(
            out,
            "FROM debian:12-slim\n# dockerlean ignore=DKL103,DKL102 \nRUN apt-get install -y curl\n"
        );
        assert!(codes(&out).is_empty());
        // A hadolint pragma is hadolint's: ours goes on a line of its own.
        let text = "FROM debian:12-slim\n# hadolint ignore=DL3009\nRUN apt-get install -y curl\n";
        assert!(ignored(text).contains("# hadolint ignore=DL3009\n# dockerlean ignore=DKL102\n"));
    }

    #[test]
    fn the_ignore_action_ends_its_line_as_the_instruction_line_ends() {
        let text = "FROM python:3.12-slim\r\nRUN pip install a\r\n";
        let out = ignore_fix_round_trip(text);
        assert_eq!(
            out,
            "FROM python:3.12-slim\r\n# dockerlean ignore=DKL101\r\nRUN pip install a\r\n"
        );
        // Only that line counts, not one further down.
        let text = "FROM python:3.12-slim\nRUN pip install a\nCMD x\r\n";
        assert!(ignore_fix_round_trip(text).contains("\n# dockerlean ignore=DKL101\nRUN"));
    }

    #[test]
    fn the_ignore_action_extends_the_pragma_of_its_own_comment_block() {
        let text =
            "# dockerlean ignore=DKL103\nFROM debian:12-slim\n# dockerlean ignore=DKL001\n\n\
                    # why\n# dockerlean ignore=DKL103\n# more\nRUN apt-get install -y curl\n";
        let out = ignored(text);
        assert!(
            out.ends_with(
                "# why\n# dockerlean ignore=DKL103,DKL102\n# more\nRUN apt-get install -y curl\n"
            ),
            "{out}"
        );
        assert!(out.starts_with(
            "# dockerlean ignore=DKL103\nFROM debian:12-slim\n# dockerlean ignore=DKL001\n\n"
        ));
    }

    fn ignore_fix_round_trip(text: &str) -> String {
        let out = ignored(text);
        assert!(codes(&out).is_empty(), "{out}");
        out
    }

    #[test]
    fn buildkit_check_skip_does_not_silence_our_rules() {
        let text = "# check=skip=all\nFROM python:3.12-slim\nRUN pip install a\n";
        assert_eq!(codes(text), ["DKL101"]);
        let text = "# check=skip=DKL101,pip-cache-kept\nFROM python:3.12-slim\nRUN pip install a\n";
        assert_eq!(codes(text), ["DKL101"]);
    }

    #[test]
    fn syntax_errors_cannot_be_silenced() {
        let text = "FROM a\n# dockerlean ignore=DKL001\nFOO bar\n";
        assert_eq!(codes(text), ["DKL001"]);
    }
}
