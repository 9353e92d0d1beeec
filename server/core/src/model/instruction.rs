//! One instruction: its keyword, flags and arguments, in source offsets.

use std::ops::Range;

use crate::model::shell::Script;
use crate::syntax::json;
use crate::syntax::logical::{physical_line, LogicalLine};
use crate::syntax::words::{self, Split, Word};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Kind {
    From,
    Run,
    Cmd,
    Entrypoint,
    Copy,
    Add,
    Env,
    Arg,
    Label,
    Expose,
    Volume,
    Workdir,
    User,
    Shell,
    Stopsignal,
    Healthcheck,
    Onbuild,
    Maintainer,
    #[default]
    Unknown,
}

impl Kind {
    pub fn from_keyword(keyword: &str) -> Kind {
        const KINDS: &[(&str, Kind)] = &[
            ("FROM", Kind::From),
            ("RUN", Kind::Run),
            ("CMD", Kind::Cmd),
            ("ENTRYPOINT", Kind::Entrypoint),
            ("COPY", Kind::Copy),
            ("ADD", Kind::Add),
            ("ENV", Kind::Env),
            ("ARG", Kind::Arg),
            ("LABEL", Kind::Label),
            ("EXPOSE", Kind::Expose),
            ("VOLUME", Kind::Volume),
            ("WORKDIR", Kind::Workdir),
            ("USER", Kind::User),
            ("SHELL", Kind::Shell),
            ("STOPSIGNAL", Kind::Stopsignal),
            ("HEALTHCHECK", Kind::Healthcheck),
            ("ONBUILD", Kind::Onbuild),
            ("MAINTAINER", Kind::Maintainer),
        ];
        KINDS
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(keyword))
            .map_or(Kind::Unknown, |(_, kind)| *kind)
    }

    /// Instructions whose arguments may be a JSON array.
    fn has_exec_form(self) -> bool {
        matches!(
            self,
            Kind::Run
                | Kind::Cmd
                | Kind::Entrypoint
                | Kind::Copy
                | Kind::Add
                | Kind::Volume
                | Kind::Shell
        )
    }
}

/// `--name=value` (or `--name`) before the arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    pub range: Range<usize>,
}

/// The default is an empty `Unknown`: what stands in for an instruction lent out for a moment.
#[derive(Clone, Debug, Default)]
pub struct Instruction {
    pub kind: Kind,
    pub line: LogicalLine,
    pub flags: Vec<Flag>,
    /// The words after the flags (for the exec form, the JSON array's elements).
    pub args: Vec<Word>,
    /// Whether the arguments are a JSON array (exec form).
    pub exec_form: bool,
    /// The stage this instruction belongs to; `None` before the first FROM.
    pub stage: Option<usize>,
    /// For RUN: the commands it runs.
    pub script: Option<Script>,
}

impl Instruction {
    pub fn parse(text: &str, line: LogicalLine, escape: u8) -> Instruction {
        let kind = Kind::from_keyword(&text[line.keyword.clone()]);
        let mode = match kind {
            Kind::Env | Kind::Label | Kind::Arg => Split::Quoted { escape },
            _ => Split::Blanks { escape },
        };
        let mut words = words::split(text, &line, mode).into_iter().peekable();
        let mut flags = Vec::new();
        while let Some(w) = words.next_if(|w| w.text.starts_with("--") && w.text.len() > 2) {
            let (name, value) = match w.text[2..].split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (w.text[2..].to_string(), None),
            };
            flags.push(Flag {
                name,
                value,
                range: w.range,
            });
        }
        let mut args: Vec<Word> = words.collect();
        let mut exec_form = false;
        if kind.has_exec_form() {
            let start = flags.last().map_or(line.body.start, |f| f.range.end);
            let flat = flatten(text, start..line.body.end, &line);
            if flat.trim_start().starts_with('[') {
                if let Some(elements) = json::parse_string_array(&flat, start) {
                    args = elements;
                    exec_form = true;
                }
            }
        }
        Instruction {
            kind,
            line,
            flags,
            args,
            exec_form,
            stage: None,
            script: None,
        }
    }

    /// What the instruction (and its script) is read from besides the escape character: its
    /// text from the start of its first line (the indentation a fix copies is part of it), with
    /// where that starts. Two instructions with the same key read the same, but for offsets.
    pub(crate) fn key<'t>(text: &'t str, line: &LogicalLine) -> (usize, &'t str) {
        let start = physical_line(text, line.range.start).start;
        (start, &text[start..line.range.end])
    }

    /// Moves the instruction from `from` to `to`: its text is the same there (see
    /// [`crate::model::ModelCache`]), so only the offsets change.
    pub(crate) fn move_offsets(&mut self, from: usize, to: usize) {
        let at = |offset: &mut usize| *offset = *offset - from + to;
        let range = |r: &mut Range<usize>| {
            at(&mut r.start);
            at(&mut r.end);
        };
        let line = &mut self.line;
        range(&mut line.range);
        range(&mut line.keyword);
        range(&mut line.body);
        line.skipped.iter_mut().for_each(range);
        line.continuations.iter_mut().for_each(range);
        for h in &mut line.heredocs {
            range(&mut h.marker);
            range(&mut h.content);
            h.terminator.iter_mut().for_each(range);
        }
        self.flags.iter_mut().for_each(|f| range(&mut f.range));
        self.args.iter_mut().for_each(|w| range(&mut w.range));
        if let Some(script) = &mut self.script {
            script.move_offsets(from, to);
        }
    }

    pub fn keyword<'t>(&self, text: &'t str) -> &'t str {
        &text[self.line.keyword.clone()]
    }

    pub fn range(&self) -> Range<usize> {
        self.line.range.clone()
    }

    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    pub fn flags_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags
            .iter()
            .filter(move |f| f.name.eq_ignore_ascii_case(name))
    }

    /// The range a finding about the whole instruction points at: its first line.
    pub fn head(&self, text: &str) -> Range<usize> {
        let first_line_end = text[self.line.range.clone()]
            .find(['\n', '\r'])
            .map_or(self.line.range.end, |i| self.line.range.start + i);
        self.line.range.start..first_line_end
    }
}

/// `text[range]` with the instruction's continuations and skipped lines turned into blanks, so
/// that offsets stay those of the source.
fn flatten(text: &str, range: Range<usize>, line: &LogicalLine) -> String {
    let mut bytes = text.as_bytes()[range.clone()].to_vec();
    for gap in words::gaps(line) {
        let (s, e) = (gap.start.max(range.start), gap.end.min(range.end));
        for b in bytes
            .iter_mut()
            .take(e.saturating_sub(range.start))
            .skip(s.saturating_sub(range.start))
        {
            // Keep multi-byte characters intact: only ASCII is blanked (comments may hold UTF-8).
            if b.is_ascii() {
                *b = b' ';
            }
        }
    }
    String::from_utf8(bytes).expect("only ASCII bytes were replaced")
}
