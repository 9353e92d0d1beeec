//! Reads an input into text: the bytes must be UTF-8, and a leading byte order mark is dropped.

use std::io::Read;
use std::path::Path;

use dockerlean_core::Environment;

use super::discover::Input;
use super::CliError;
use crate::context::Folders;

/// The text of one input and the names it goes by in reports.
pub struct Source {
    /// What a person sees: the path as given or found, or the stdin name.
    pub name: String,
    /// Without its byte order mark. Editors hide the mark, so columns counted in this text are
    /// the ones a person sees.
    pub text: String,
    /// Whether the bytes began with a byte order mark, which a rewrite keeps.
    pub bom: bool,
    /// The files beside it, for the build-context rules (unknown for stdin).
    pub environment: Environment,
}

pub const BOM: &str = "\u{feff}";

/// `folders` remembers the folders already listed for the build-context rules.
pub fn read(
    input: &Input,
    stdin_name: Option<&str>,
    folders: &mut Folders,
) -> Result<Source, CliError> {
    let (name, bytes, environment) = match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| CliError::new(format!("reading stdin: {e}")))?;
            (
                stdin_name.unwrap_or("-").to_owned(),
                bytes,
                Environment::default(),
            )
        }
        Input::File(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| CliError::new(format!("{}: {e}", display(path))))?;
            (display(path), bytes, folders.beside(path))
        }
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        CliError::new(format!(
            "{name}: not valid UTF-8 (bad byte at offset {offset})"
        ))
    })?;
    let (text, bom) = match text.strip_prefix(BOM) {
        Some(rest) => (rest.to_owned(), true),
        None => (text, false),
    };
    Ok(Source {
        name,
        text,
        bom,
        environment,
    })
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_bytes(bytes: &[u8]) -> Result<Source, CliError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        std::fs::write(&path, bytes).unwrap();
        read(&Input::File(path), None, &mut Folders::default())
    }

    #[test]
    fn the_byte_order_mark_is_not_part_of_the_text() {
        // So the first visible character of the file is column 1, as in an editor.
        let source = read_bytes("\u{feff}FROM alpine\n".as_bytes()).unwrap();
        assert_eq!(source.text, "FROM alpine\n");
    }

    #[test]
    fn the_offset_of_bad_utf8_counts_the_mark() {
        let err = read_bytes(b"\xef\xbb\xbfFROM \xff\n").err().unwrap();
        assert!(
            err.0.ends_with("not valid UTF-8 (bad byte at offset 8)"),
            "{}",
            err.0
        );
    }
}
