//! What a RUN executes, as simple commands with their words, read with tree-sitter-bash. Covers
//! the shell form across continuations, `&&`/`||`/`;`, pipes, subshells and `set -e` prefixes;
//! the exec form; heredoc scripts; and `sh -c '…'` / `bash -c "…"` nested scripts.

use std::ops::Range;
use std::sync::OnceLock;

use tree_sitter::{Language, Node, Tree};

use crate::model::bash;
use crate::model::instruction::Instruction;
use crate::syntax::json;
use crate::syntax::logical::physical_line;
use crate::syntax::words::Word;

#[derive(Clone, Debug, Default)]
pub struct Script {
    /// Every simple command, in the order it appears.
    pub commands: Vec<Command>,
    /// `export NAME=value` and `NAME=value` statements: (name, value, offset).
    pub assignments: Vec<(String, String, usize)>,
    /// Where a fix may add a command at the end of the script.
    pub tail: Option<Tail>,
}

/// How to append a command to a RUN so that it runs last, in the RUN's own style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tail {
    /// After the last statement of a shell-form RUN.
    Chain {
        at: usize,
        separator: Separator,
        indent: Option<String>,
    },
    /// As a new line of a heredoc script, before its terminator.
    Line { at: usize, indent: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Separator {
    And,
    Semicolon,
}

#[derive(Clone, Debug)]
pub struct Command {
    /// The program and its arguments, after wrappers such as `sudo` and `env` are peeled off.
    pub words: Vec<Word>,
    /// `NAME=value` prefixes (and `env NAME=value`).
    pub env: Vec<(String, String)>,
    pub range: Range<usize>,
    /// The words are JSON strings (exec form): insertions need quotes and commas.
    pub json: bool,
    /// Word offsets are exact (not inside an escaped string), so fixes may edit them.
    pub exact: bool,
}

impl Command {
    /// The program's name without its directory.
    pub fn program(&self) -> &str {
        program_of(self.words.first().map_or("", |w| w.text.as_str()))
    }

    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// Whether an argument is exactly `flag` or `flag=…`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.args().iter().any(|w| {
            w.text == flag
                || w.text
                    .strip_prefix(flag)
                    .is_some_and(|rest| rest.starts_with('='))
        })
    }

    /// Whether a short-option cluster such as `-qy` contains `letter`.
    pub fn has_short_flag(&self, letter: char) -> bool {
        self.args().iter().any(|w| {
            w.text.starts_with('-') && !w.text.starts_with("--") && w.text[1..].contains(letter)
        })
    }

    /// The first operand (an argument that is not an option nor the value of one of
    /// `value_options`), with its index in `args()`.
    pub fn operand(&self, value_options: &[&str]) -> Option<(usize, &Word)> {
        let mut skip_next = false;
        for (i, w) in self.args().iter().enumerate() {
            if std::mem::take(&mut skip_next) {
                continue;
            }
            if w.text.starts_with('-') && w.text.len() > 1 {
                skip_next = value_options.contains(&w.text.as_str());
                continue;
            }
            return Some((i, w));
        }
        None
    }
}

impl Script {
    /// The same script with every offset moved from `from` to `to` (its text moved in the file).
    pub(crate) fn moved(mut self, from: usize, to: usize) -> Script {
        self.move_offsets(from, to);
        self
    }

    /// Moves every offset from the text starting at `from` to the same text at `to`.
    pub(crate) fn move_offsets(&mut self, from: usize, to: usize) {
        let shift = |offset: &mut usize| *offset = *offset - from + to;
        let shift_range = |range: &mut Range<usize>| {
            shift(&mut range.start);
            shift(&mut range.end);
        };
        for command in &mut self.commands {
            shift_range(&mut command.range);
            for word in &mut command.words {
                shift_range(&mut word.range);
            }
        }
        for (_, _, offset) in &mut self.assignments {
            shift(offset);
        }
        if let Some(Tail::Chain { at, .. } | Tail::Line { at, .. }) = &mut self.tail {
            shift(at);
        }
    }
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"];

fn is_shell(program: &str) -> bool {
    SHELLS.contains(&program)
}

/// The script of a RUN instruction.
pub fn run_script(text: &str, instr: &Instruction) -> Script {
    let mut script = Script::default();
    if instr.exec_form {
        exec_form(text, &instr.args, &mut script);
        return script;
    }
    let body = instr.line.body.clone();
    let buffer = shell_buffer(text, instr);
    let body_commands_start = script.commands.len();
    let tree = parse_into(&buffer, body.start, true, &mut script);
    script.tail = tree.and_then(|tree| chain_tail(text, &tree, body.start, instr));
    // A heredoc is a script when the RUN runs it with a shell: `RUN <<EOF` or `RUN bash <<EOF`.
    let body_runs_shell = script.commands[body_commands_start..]
        .iter()
        .all(|c| is_shell(c.program()));
    if body_runs_shell {
        for heredoc in &instr.line.heredocs {
            let content = &text[heredoc.content.clone()];
            parse_into(content, heredoc.content.start, true, &mut script);
            if let Some(term) = &heredoc.terminator {
                let last_line = physical_line(
                    text,
                    heredoc
                        .content
                        .end
                        .saturating_sub(1)
                        .max(heredoc.content.start),
                );
                let indent_end = text[last_line.start..last_line.end].len()
                    - text[last_line.start..last_line.end].trim_start().len();
                script.tail = Some(Tail::Line {
                    at: term.start,
                    indent: text[last_line.start..last_line.start + indent_end].to_string(),
                });
            }
        }
    }
    script
}

fn exec_form(text: &str, argv: &[Word], script: &mut Script) {
    let Some(first) = argv.first() else { return };
    let program = program_of(&first.text);
    if is_shell(program) {
        if let Some(pos) = argv.iter().position(|w| is_dash_c(&w.text)) {
            if let Some(code) = argv.get(pos + 1) {
                let exact = json::is_verbatim(code, text);
                parse_into(&code.text, code.range.start + 1, exact, script);
                return;
            }
        }
    }
    let range = first.range.start..argv.last().map_or(first.range.end, |w| w.range.end);
    script.commands.push(Command {
        words: argv.to_vec(),
        env: Vec::new(),
        range,
        json: true,
        exact: true,
    });
}

/// `-c`, or a cluster of short options ending in `c` such as `-ec` / `-exc`.
fn is_dash_c(arg: &str) -> bool {
    arg.len() > 1 && arg.starts_with('-') && !arg.starts_with("--") && arg.ends_with('c')
}

/// The RUN body as bash should read it, byte for byte at the same offsets: the builder's
/// continuations become bash continuations; the RUN's own flags (`--mount=…`, which the
/// builder takes and the shell never sees), skipped comment / empty lines and heredoc markers
/// become blanks; and stray `\r`s before line breaks become blanks.
fn shell_buffer(text: &str, instr: &Instruction) -> String {
    let body = instr.line.body.clone();
    let mut bytes = text.as_bytes()[body.clone()].to_vec();
    let local = |r: &Range<usize>| {
        r.start.max(body.start) - body.start..r.end.min(body.end).max(body.start) - body.start
    };
    let blank = |bytes: &mut [u8], r: Range<usize>| {
        for b in &mut bytes[r] {
            if b.is_ascii() {
                *b = b' ';
            }
        }
    };
    for flag in &instr.flags {
        blank(&mut bytes, local(&flag.range));
    }
    for gap in &instr.line.skipped {
        blank(&mut bytes, local(gap));
    }
    for h in &instr.line.heredocs {
        blank(&mut bytes, local(&h.marker));
    }
    for cont in &instr.line.continuations {
        let r = local(cont);
        if !r.is_empty() {
            let last = r.end - 1;
            blank(&mut bytes, r);
            bytes[last] = b'\\';
        }
    }
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1).is_none_or(|&b| b == b'\n') {
            bytes[i] = b' ';
        }
    }
    String::from_utf8(bytes).expect("only ASCII bytes were replaced")
}

fn chain_tail(text: &str, tree: &Tree, base: usize, instr: &Instruction) -> Option<Tail> {
    let root = tree.root_node();
    let mut cursor = root.walk();
    let statements: Vec<Node> = root
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect();
    let last = statements.last()?;
    let separator = if statements.len() > 1 {
        Separator::Semicolon
    } else {
        Separator::And
    };
    let at = base + last.end_byte();
    let indent = (!instr.line.continuations.is_empty()).then(|| {
        let line = physical_line(text, at.saturating_sub(1));
        let content = &text[line.start..line.end];
        content[..content.len() - content.trim_start().len()].to_string()
    });
    Some(Tail::Chain {
        at,
        separator,
        indent,
    })
}

/// Parses `source` (whose byte `i` is at `base + i` in the Dockerfile when `exact`) and adds its
/// commands and assignments to `script`; returns its tree for callers that look further.
fn parse_into(source: &str, base: usize, exact: bool, script: &mut Script) -> Option<Tree> {
    let tree = bash::parse(source)?;
    let cx = Walk {
        source,
        base,
        exact,
    };
    cx.visit(tree.root_node(), script);
    Some(tree)
}

struct Walk<'s> {
    source: &'s str,
    base: usize,
    exact: bool,
}

impl Walk<'_> {
    /// Every `command` and `variable_assignment` in source order: a depth-first walk visits
    /// parents before their children and siblings left to right. (A tree-sitter query finds the
    /// same nodes, but its cursor costs several times the walk on every RUN of a file.)
    fn visit(&self, root: Node, script: &mut Script) {
        let kinds = BashKinds::get();
        let mut cursor = root.walk();
        // Whether each node from the root to the cursor's parent is a command.
        let mut in_command = vec![false];
        loop {
            let node = cursor.node();
            let kind = node.kind_id();
            if kind == kinds.command {
                self.command(node, script);
            // A prefix assignment belongs to its command.
            } else if kind == kinds.assignment && !in_command.last().copied().unwrap_or(false) {
                let (name, value) = assignment(node, self.source);
                script
                    .assignments
                    .push((name, value, self.base + node.start_byte()));
            }
            if (kind != kinds.command || self.may_hold_commands(node)) && cursor.goto_first_child()
            {
                in_command.push(kind == kinds.command);
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return;
                }
                in_command.pop();
            }
        }
    }

    /// Whether a command's words may hold other commands. Only a substitution does (`$(…)`,
    /// `<(…)`, backquotes), or whatever the parser made of text it could not read; the words of
    /// the other commands, most of the tree, are not walked.
    fn may_hold_commands(&self, command: Node) -> bool {
        command.has_error()
            || self.source.as_bytes()[command.byte_range()]
                .iter()
                .any(|&b| matches!(b, b'(' | b'`'))
    }

    fn range(&self, node: Node) -> Range<usize> {
        let len = self.source.len();
        if self.exact {
            self.base + node.start_byte()..self.base + node.end_byte()
        } else {
            // Offsets inside an escaped string drift: point at the whole string instead.
            self.base..self.base + len
        }
    }

    fn word(&self, node: Node) -> Word {
        Word {
            range: self.range(node),
            text: word_text(node, self.source),
        }
    }

    fn command(&self, node: Node, script: &mut Script) {
        let mut env = Vec::new();
        let mut words = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "variable_assignment" => env.push(assignment(child, self.source)),
                "command_name" => words.push(self.word(child)),
                k if k.ends_with("redirect") => {}
                _ if !words.is_empty() => words.push(self.word(child)),
                _ => {}
            }
        }
        peel_wrappers(&mut words, &mut env);
        if words.is_empty() {
            return;
        }
        let nested = (is_shell(program_of(&words[0].text)))
            .then(|| words.iter().position(|w| is_dash_c(&w.text)))
            .flatten()
            .and_then(|i| node.child_by_field_name("argument").and(Some(i)))
            .and_then(|i| self.nested_script_node(node, &words, i));
        script.commands.push(Command {
            words,
            env,
            range: self.range(node),
            json: false,
            exact: self.exact,
        });
        if let Some((code, start, exact)) = nested {
            parse_into(&code, start, exact && self.exact, script);
        }
    }

    /// For `sh -c 'CODE'`: the code, where it starts, and whether its offsets are exact.
    fn nested_script_node(
        &self,
        node: Node,
        words: &[Word],
        dash_c: usize,
    ) -> Option<(String, usize, bool)> {
        let code_word = words.get(dash_c + 1)?;
        let mut cursor = node.walk();
        let arg = node
            .named_children(&mut cursor)
            .find(|n| self.range(*n) == code_word.range)?;
        let raw = &self.source[arg.byte_range()];
        let (inner, quote_len) = match arg.kind() {
            // The quotes are one byte each; an unterminated string has no closing one.
            "raw_string" | "string" => {
                let (quote, body) = raw.split_at_checked(1).unwrap_or(("", raw));
                (body.strip_suffix(quote).unwrap_or(body), 1)
            }
            _ => (raw, 0),
        };
        let exact = inner == code_word.text;
        Some((
            code_word.text.clone(),
            self.base + arg.start_byte() + quote_len,
            exact,
        ))
    }
}

/// The node kinds the walk looks for, as ids: comparing ids is cheaper than comparing names.
struct BashKinds {
    command: u16,
    assignment: u16,
}

impl BashKinds {
    fn get() -> &'static BashKinds {
        static KINDS: OnceLock<BashKinds> = OnceLock::new();
        KINDS.get_or_init(|| {
            let language: Language = tree_sitter_bash::LANGUAGE.into();
            BashKinds {
                command: language.id_for_node_kind("command", true),
                assignment: language.id_for_node_kind("variable_assignment", true),
            }
        })
    }
}

/// The name without its directory. Rules ask for it hundreds of thousands of times on a corpus:
/// a byte search, where `rsplit('/')` sets up a char searcher on every call.
fn program_of(name: &str) -> &str {
    match name.bytes().rposition(|b| b == b'/') {
        Some(slash) => &name[slash + 1..],
        None => name,
    }
}

fn assignment(node: Node, source: &str) -> (String, String) {
    let name = node
        .child_by_field_name("name")
        .map(|n| source[n.byte_range()].to_string())
        .unwrap_or_default();
    let value = node
        .child_by_field_name("value")
        .map(|v| word_text(v, source))
        .unwrap_or_default();
    (name, value)
}

/// A word's value: quotes removed, backslash escapes resolved, expansions kept as written.
fn word_text(node: Node, source: &str) -> String {
    let raw = &source[node.byte_range()];
    match node.kind() {
        "raw_string" => raw.trim_matches('\'').to_string(),
        // An unterminated string (the parser recovered from an error) has no closing quote.
        "string" => {
            let inner = raw.strip_prefix('"').unwrap_or(raw);
            unescape(inner.strip_suffix('"').unwrap_or(inner), true)
        }
        "word" | "command_name" if node.named_child_count() == 0 => unescape(raw, false),
        "concatenation" | "command_name" => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor)
                .map(|c| word_text(c, source))
                .collect()
        }
        _ => raw.to_string(),
    }
}

fn unescape(s: &str, in_double_quotes: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    // What lies between backslashes is copied as it is.
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let mut after = rest[at + 1..].chars();
        match after.next() {
            Some(n) if !in_double_quotes || matches!(n, '"' | '\\' | '$' | '`') => out.push(n),
            Some('\n') => {}
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None => out.push('\\'),
        }
        rest = after.as_str();
    }
    out.push_str(rest);
    out
}

/// `sudo apt-get …`, `env A=b pip …`, `nice -n 5 make`: the command that really runs.
fn peel_wrappers(words: &mut Vec<Word>, env: &mut Vec<(String, String)>) {
    loop {
        let Some(first) = words.first() else { return };
        let takes_value: &[&str] = match program_of(&first.text) {
            "sudo" => &["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"],
            "env" => &["-u", "-C", "-S"],
            "nice" => &["-n"],
            "nohup" | "time" | "command" | "exec" | "stdbuf" => &[],
            _ => return,
        };
        let mut i = 1;
        while i < words.len() {
            let t = &words[i].text;
            if t.starts_with('-') {
                i += if takes_value.contains(&t.as_str()) {
                    2
                } else {
                    1
                };
            } else if t.contains('=') && !t.starts_with('=') {
                let (k, v) = t.split_once('=').expect("contains =");
                env.push((k.to_string(), v.to_string()));
                i += 1;
            } else {
                break;
            }
        }
        words.drain(..i.min(words.len()));
    }
}

#[cfg(test)]
mod tests {
    use crate::{syntax::parse, Model};

    /// The commands of the first RUN in `text`, as word lists.
    fn commands(text: &str) -> Vec<Vec<String>> {
        let tree = parse(text);
        let model = Model::build(text, &tree);
        let run = model
            .instructions
            .iter()
            .find_map(|i| i.script.as_ref())
            .expect("a RUN");
        run.commands
            .iter()
            .map(|c| c.words.iter().map(|w| w.text.clone()).collect())
            .collect()
    }

    fn names(text: &str) -> Vec<String> {
        commands(text).into_iter().map(|c| c[0].clone()).collect()
    }

    #[test]
    fn lists_pipes_subshells_and_set_prefix() {
        let text = "RUN set -eux; \\\n  (cd /x && make) | tee log || true; \\\n  # note\n  apt-get -y install \\\n    --no-install-recommends curl\n";
        assert_eq!(names(text), ["set", "cd", "make", "tee", "true", "apt-get"]);
        assert_eq!(
            commands(text)[5],
            [
                "apt-get",
                "-y",
                "install",
                "--no-install-recommends",
                "curl"
            ]
        );
    }

    #[test]
    fn commands_inside_substitutions_in_arguments() {
        assert_eq!(
            names("RUN echo \"$(uname -m)\" `id -u` > /x && diff <(ls a) b\n"),
            ["echo", "uname", "id", "diff", "ls"]
        );
        assert_eq!(
            names("RUN V=$(curl -s x) && tar -C \"${D:-$(pwd)}\" -xf f\n"),
            ["curl", "tar", "pwd"]
        );
    }

    #[test]
    fn escapes_are_resolved_as_bash_does_inside_and_outside_double_quotes() {
        use super::unescape;
        assert_eq!(unescape(r"a\ b\$c\\d\é", false), r"a b$c\dé");
        assert_eq!(unescape(r#"a\"b\$c\\d\x\é"#, true), r#"a"b$c\d\x\é"#);
        assert_eq!(unescape("x\\\ny", true), "xy");
        assert_eq!(unescape("ü\\", false), "ü\\");
        assert_eq!(unescape("plain", false), "plain");
    }

    #[test]
    fn wrappers_and_prefix_assignments_are_peeled() {
        let text = "RUN DEBIAN_FRONTEND=noninteractive sudo -E env A=1 apt-get install x\n";
        assert_eq!(commands(text), [["apt-get", "install", "x"]]);
    }

    #[test]
    fn nested_shells_and_exec_form() {
        assert_eq!(
            names("RUN bash -ec 'pip install a && apk add b'\n"),
            ["bash", "pip", "apk"]
        );
        assert_eq!(
            names("RUN [\"sh\", \"-c\", \"apt-get update\"]\n"),
            ["apt-get"]
        );
        assert_eq!(
            commands("RUN [\"pip\", \"install\", \"a b\"]\n"),
            [["pip", "install", "a b"]]
        );
    }

    #[test]
    fn heredocs_run_by_a_shell_are_scripts_and_others_are_not() {
        assert_eq!(
            names("RUN <<EOF\napt-get update\npip install x\nEOF\n"),
            ["apt-get", "pip"]
        );
        assert_eq!(
            names("RUN bash <<EOF\napt-get update\nEOF\n"),
            ["bash", "apt-get"]
        );
        assert_eq!(names("RUN python3 <<EOF\nimport os\nEOF\n"), ["python3"]);
        assert_eq!(
            names("RUN cat <<EOF > /etc/x\napt-get update\nEOF\n"),
            ["cat"]
        );
    }

    #[test]
    fn the_runs_own_flags_are_no_part_of_its_script() {
        // Without a blank before the continuation, bash read the second flag as the program.
        let text = "RUN --mount=type=cache,target=/root/.cache\\\n    --mount=type=bind,target=/s pip install -r /s/r.txt\n";
        assert_eq!(commands(text), [["pip", "install", "-r", "/s/r.txt"]]);
        let model = Model::build(text, &parse(text));
        let command = &model.instructions[0].script.as_ref().unwrap().commands[0];
        assert!(command.env.is_empty());
        assert_eq!(&text[command.range.clone()], "pip install -r /s/r.txt");
        assert_eq!(
            names("RUN --mount=type=secret,id=k <<EOF\napt-get update\nEOF\n"),
            ["apt-get"]
        );
    }

    #[test]
    fn continuation_with_trailing_blanks_and_crlf() {
        assert_eq!(
            names("RUN apk add \\  \r\n  curl && rm -rf /x\r\n"),
            ["apk", "rm"]
        );
        assert_eq!(
            commands("RUN apk add \\  \r\n  curl && rm -rf /x\r\n")[0],
            ["apk", "add", "curl"]
        );
    }
}
