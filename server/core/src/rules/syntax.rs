//! What the Docker builder rejects before it builds anything: the parser's and the instruction
//! checker's errors, reported all at once instead of the first one only. Nothing the builder
//! accepts is reported here (warnings of its own, such as empty continuation lines, are not).

use std::ops::Range;

use crate::finding::{Finding, Severity};
use crate::model::{Instruction, Kind, Model};
use crate::rules::RuleMeta;

macro_rules! syntax_meta {
    ($ident:ident, $code:literal, $name:literal, $summary:literal, $docs:literal) => {
        pub static $ident: RuleMeta = RuleMeta {
            code: $code,
            name: $name,
            hadolint: None,
            severity: Severity::Error,
            fixable: false,
            summary: $summary,
            docs: $docs,
        };
    };
}

syntax_meta!(UNKNOWN_INSTRUCTION, "DKL001", "unknown-instruction", "An instruction the builder does not know",
    "## What it does\nReports a line whose first word is not a Dockerfile instruction (`FROM`, `RUN`, `COPY`, …). The builder stops with `unknown instruction`.\n\n## Fix\nCorrect the spelling, or join the line to the previous instruction with the escape character if it was meant to continue it.");
syntax_meta!(MISSING_ARGUMENTS, "DKL002", "invalid-arguments", "An instruction without the arguments it requires",
    "## What it does\nReports instructions whose arguments the builder rejects: `FROM` without an image (or with a malformed `AS name`), `COPY`/`ADD` without a destination, `ENV`/`LABEL` without a value, an empty `WORKDIR`, `USER`, `EXPOSE`, `VOLUME`, `ARG`, `STOPSIGNAL`, `MAINTAINER`, `ONBUILD` or `HEALTHCHECK`, and similar.\n\n## Fix\nAdd the missing arguments.");
syntax_meta!(UNTERMINATED_HEREDOC, "DKL003", "unterminated-heredoc", "A heredoc whose terminator never comes",
    "## What it does\nReports a `<<NAME` heredoc in RUN, COPY or ADD with no line consisting of exactly `NAME` after it (with `<<-`, leading tabs are allowed). The builder stops with `unterminated heredoc`.\n\n## Fix\nAdd the terminator line; check for trailing spaces after it.");
syntax_meta!(INVALID_DIRECTIVE, "DKL004", "invalid-directive", "A parser directive the builder rejects",
    "## What it does\nReports an `# escape=` directive whose value is not `\\` or `` ` ``, and a directive given twice.\n\n## Fix\nUse `# escape=\\` or `` # escape=` ``, once, at the top of the file.");
syntax_meta!(NO_STAGE, "DKL005", "instruction-before-from", "An instruction before the first FROM",
    "## What it does\nReports instructions other than `ARG` before the first `FROM`. The builder stops with `no build stage in current context`. The same error is given for a file without instructions.\n\n## Fix\nMove the instruction after `FROM`, or add a `FROM`.");
syntax_meta!(INVALID_FLAG, "DKL006", "invalid-flag", "A `--flag` the instruction does not accept",
    "## What it does\nReports flags the builder rejects: unknown for that instruction (`COPY --form=…`), given twice, or without the value they need.\n\n## Fix\nCorrect the flag's name or add `=value`.");
syntax_meta!(INVALID_JSON, "DKL007", "invalid-exec-form", "An exec-form (JSON) argument list the builder rejects",
    "## What it does\nReports `SHELL` not written as a JSON array of strings, and JSON arrays whose elements are not all strings.\n\n## Fix\nWrite the arguments as `[\"executable\", \"arg\", …]` with double quotes.");
syntax_meta!(INVALID_STAGE_NAME, "DKL008", "invalid-stage-name", "A build stage name the builder rejects",
    "## What it does\nReports `FROM … AS name` where the name does not start with a letter or contains characters other than letters, digits, `-`, `_` and `.`.\n\n## Fix\nRename the stage.");

pub static METAS: &[&RuleMeta] = &[
    &UNKNOWN_INSTRUCTION,
    &MISSING_ARGUMENTS,
    &UNTERMINATED_HEREDOC,
    &INVALID_DIRECTIVE,
    &NO_STAGE,
    &INVALID_FLAG,
    &INVALID_JSON,
    &INVALID_STAGE_NAME,
];

struct Report<'m> {
    model: &'m Model<'m>,
    out: Vec<Finding>,
}

impl Report<'_> {
    fn add(&mut self, meta: &'static RuleMeta, range: Range<usize>, message: impl Into<String>) {
        self.out.push(Finding {
            rule: meta,
            severity: meta.severity,
            range,
            message: message.into(),
            fix: None,
            related: Vec::new(),
        });
    }

    fn on_keyword(
        &mut self,
        meta: &'static RuleMeta,
        instr: &Instruction,
        message: impl Into<String>,
    ) {
        self.add(meta, instr.line.keyword.clone(), message);
    }
}

pub fn check(model: &Model) -> Vec<Finding> {
    let mut r = Report {
        model,
        out: Vec::new(),
    };
    for (range, message) in &model.directives.errors {
        r.add(&INVALID_DIRECTIVE, range.clone(), message.clone());
    }
    if model.instructions.is_empty() {
        let message = if model.text.is_empty() {
            "the Dockerfile is empty"
        } else {
            "file with no instructions"
        };
        r.add(&NO_STAGE, 0..0, message);
    }
    for instr in &model.instructions {
        check_instruction(&mut r, instr);
        for h in instr
            .line
            .heredocs
            .iter()
            .filter(|h| h.terminator.is_none())
        {
            r.add(
                &UNTERMINATED_HEREDOC,
                h.marker.clone(),
                format!("unterminated heredoc: no line `{}` follows", h.name),
            );
        }
    }
    r.out
}

fn check_instruction(r: &mut Report, instr: &Instruction) {
    let text = r.model.text;
    let keyword = instr.keyword(text);
    if instr.kind == Kind::Unknown {
        r.on_keyword(
            &UNKNOWN_INSTRUCTION,
            instr,
            format!("unknown instruction: {keyword}"),
        );
        return;
    }
    if instr.stage.is_none() && !matches!(instr.kind, Kind::Arg | Kind::From) {
        r.on_keyword(
            &NO_STAGE,
            instr,
            format!(
                "{} before the first FROM: no build stage in current context",
                keyword.to_ascii_uppercase()
            ),
        );
    }
    check_flags(r, instr);
    check_json(r, instr);
    // Only messages name the keyword, upper-cased: made when one is.
    let upper = || keyword.to_ascii_uppercase();
    let args = &instr.args;
    let body_empty = instr.line.body.is_empty();
    let problem: Option<String> = match instr.kind {
        Kind::From => match args.as_slice() {
            [_] => None,
            [_, as_kw, name] if as_kw.text.eq_ignore_ascii_case("as") => {
                if !valid_stage_name(&name.text) {
                    r.add(&INVALID_STAGE_NAME, name.range.clone(), format!("invalid name for build stage: \"{}\", name can't start with a number or contain symbols", name.text));
                }
                None
            }
            _ => {
                Some("FROM requires either one or three arguments (`FROM image [AS name]`)".into())
            }
        },
        Kind::Copy | Kind::Add if args.len() < 2 => Some(format!(
            "{} requires at least two arguments: source(s) and destination",
            upper()
        )),
        Kind::Copy | Kind::Add
            if instr
                .line
                .heredocs
                .iter()
                .any(|h| args.last().is_some_and(|a| a.range == h.marker)) =>
        {
            Some(format!(
                "{} cannot accept a heredoc as a destination",
                upper()
            ))
        }
        Kind::Env | Kind::Label => key_value_problem(upper, instr),
        Kind::Arg if args.is_empty() => Some("ARG requires at least one argument".into()),
        Kind::Arg if args.iter().any(|w| w.text.starts_with('=')) => {
            Some("ARG names can not be blank".into())
        }
        Kind::Expose | Kind::Volume if args.is_empty() => {
            Some(format!("{} requires at least one argument", upper()))
        }
        Kind::Volume if args.iter().any(|w| w.text.trim().is_empty()) => {
            Some("VOLUME specified can not be an empty string".into())
        }
        Kind::Workdir | Kind::User | Kind::Maintainer | Kind::Stopsignal if body_empty => {
            Some(format!("{} requires exactly one argument", upper()))
        }
        Kind::Shell if args.is_empty() && instr.exec_form => {
            Some("SHELL requires at least one argument".into())
        }
        Kind::Healthcheck => healthcheck_problem(instr),
        Kind::Onbuild => onbuild_problem(instr, text),
        _ => None,
    };
    if let Some(message) = problem {
        r.on_keyword(&MISSING_ARGUMENTS, instr, message);
    }
}

fn valid_stage_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

fn key_value_problem(upper: impl Fn() -> String, instr: &Instruction) -> Option<String> {
    let args = &instr.args;
    let first = args.first()?;
    if !first.text.contains('=') {
        return (args.len() < 2).then(|| {
            let upper = upper();
            format!("{upper} must have two arguments (`{upper} name=value`)")
        });
    }
    if let Some(w) = args.iter().find(|w| !w.text.contains('=')) {
        return Some(format!(
            "can't find = in \"{}\": {} arguments must be of the form name=value",
            w.text,
            upper()
        ));
    }
    args.iter()
        .any(|w| w.text.starts_with('='))
        .then(|| format!("{} names can not be blank", upper()))
}

fn healthcheck_problem(instr: &Instruction) -> Option<String> {
    let Some(kind) = instr.args.first() else {
        return Some("HEALTHCHECK requires at least one argument".into());
    };
    match kind.text.to_ascii_uppercase().as_str() {
        "NONE" => (instr.args.len() > 1).then(|| "HEALTHCHECK NONE takes no arguments".into()),
        "CMD" => (instr.args.len() == 1).then(|| "missing command after HEALTHCHECK CMD".into()),
        other => Some(format!("unknown type \"{other}\" in HEALTHCHECK (try CMD)")),
    }
}

fn onbuild_problem(instr: &Instruction, text: &str) -> Option<String> {
    let Some(first) = text[instr.line.body.clone()].split_whitespace().next() else {
        return Some("ONBUILD requires at least one argument".into());
    };
    match first.to_ascii_uppercase().as_str() {
        "ONBUILD" => Some("chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".into()),
        t @ ("FROM" | "MAINTAINER") => Some(format!("{t} isn't allowed as an ONBUILD trigger")),
        _ => None,
    }
}

/// Flags each instruction accepts; `None`: the builder ignores flags there.
fn accepted_flags(kind: Kind) -> Option<&'static [&'static str]> {
    Some(match kind {
        Kind::From => &["platform"],
        Kind::Run => &["mount", "network", "security", "device"],
        Kind::Copy => &["from", "chown", "chmod", "link", "parents", "exclude"],
        Kind::Add => &[
            "chown",
            "chmod",
            "link",
            "keep-git-dir",
            "checksum",
            "unpack",
            "exclude",
        ],
        Kind::Healthcheck => &[
            "interval",
            "timeout",
            "start-period",
            "start-interval",
            "retries",
        ],
        Kind::Arg | Kind::Stopsignal | Kind::Onbuild | Kind::Unknown => return None,
        _ => &[],
    })
}

const BOOL_FLAGS: &[&str] = &["link", "parents", "keep-git-dir", "unpack"];
const REPEATABLE_FLAGS: &[&str] = &["mount", "exclude", "device"];

fn check_flags(r: &mut Report, instr: &Instruction) {
    let Some(accepted) = accepted_flags(instr.kind) else {
        return;
    };
    // HEALTHCHECK NONE ignores flags.
    if instr.kind == Kind::Healthcheck
        && instr
            .args
            .first()
            .is_some_and(|a| a.text.eq_ignore_ascii_case("none"))
    {
        return;
    }
    let named = |list: &[&str], name: &str| list.iter().any(|n| n.eq_ignore_ascii_case(name));
    for (i, flag) in instr.flags.iter().enumerate() {
        let name = &flag.name;
        if !named(accepted, name) {
            let keyword = instr.keyword(r.model.text).to_ascii_uppercase();
            r.add(
                &INVALID_FLAG,
                flag.range.clone(),
                format!("unknown flag for {keyword}: --{name}"),
            );
        } else if flag.value.is_none() && !named(BOOL_FLAGS, name) {
            let name = name.to_ascii_lowercase();
            r.add(
                &INVALID_FLAG,
                flag.range.clone(),
                format!("missing a value on flag: --{name} (write --{name}=value)"),
            );
        } else if !named(REPEATABLE_FLAGS, name)
            && instr.flags[..i]
                .iter()
                .any(|f| f.name.eq_ignore_ascii_case(name))
        {
            r.add(
                &INVALID_FLAG,
                flag.range.clone(),
                format!("duplicate flag specified: --{}", name.to_ascii_lowercase()),
            );
        }
    }
}

fn check_json(r: &mut Report, instr: &Instruction) {
    if instr.exec_form {
        return;
    }
    let start = instr
        .flags
        .last()
        .map_or(instr.line.body.start, |f| f.range.end);
    let rest = r.model.text[start..instr.line.body.end].trim();
    if instr.kind == Kind::Shell {
        r.on_keyword(
            &INVALID_JSON,
            instr,
            "SHELL requires the arguments to be in JSON form: [\"executable\", \"parameters\"]",
        );
        return;
    }
    if rest.starts_with('[') {
        if let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(rest)
        {
            if items.iter().any(|v| !v.is_string()) {
                r.on_keyword(
                    &INVALID_JSON,
                    instr,
                    "when using JSON array syntax, arrays must be comprised of strings only",
                );
            }
        }
    }
}
