//! Edits that several rules' fixes share.

use crate::finding::{Edit, Fix};
use crate::model::shell::{Separator, Tail};
use crate::model::Command;
use crate::model::Script;
use crate::syntax::words::Word;

/// Appends `command` as the last thing the RUN does, in the RUN's own style: `&& cmd` or
/// `; cmd` after the last statement (on a new continuation line when the RUN spans several
/// lines), or a new line before a heredoc script's terminator.
/// `escape` is the file's line-continuation character.
pub fn append_command(script: &Script, command: &str, escape: u8) -> Option<Edit> {
    let escape = escape as char;
    match script.tail.as_ref()? {
        Tail::Chain {
            at,
            separator,
            indent,
        } => {
            let sep = match separator {
                Separator::And => "&& ",
                Separator::Semicolon => "; ",
            };
            let text = match indent {
                Some(indent) if *separator == Separator::And => {
                    format!(" {escape}\n{indent}{sep}{command}")
                }
                Some(indent) => format!("; {escape}\n{indent}{command}"),
                None => format!(" {sep}{command}"),
            };
            Some(Edit::insert(*at, text))
        }
        Tail::Line { at, indent } => Some(Edit::insert(*at, format!("{indent}{command}\n"))),
    }
}

/// Inserts `flag` as the argument right after `word` of `cmd` (` --flag` in shell form,
/// `, "--flag"` in exec form). `None` when the command's offsets are not exact.
pub fn insert_flag(cmd: &Command, word: &Word, flag: &str) -> Option<Fix> {
    if !cmd.exact {
        return None;
    }
    let text = if cmd.json {
        format!(", \"{flag}\"")
    } else {
        format!(" {flag}")
    };
    Some(Fix {
        title: format!("Add `{flag}`"),
        edits: vec![Edit::insert(word.range.end, text)],
    })
}
