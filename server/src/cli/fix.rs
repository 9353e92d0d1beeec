//! `dockerlean fix`: applies every safe fix (see `dockerlean_core::fix_all`) and writes the files
//! back, or prints what would change as a unified diff.

use std::io::Write;

use dockerlean_core::fix_all::{fix_all, FixAll};
use dockerlean_core::Finding;

use super::config::Configs;
use super::discover::{self, Input};
use super::input::{self, Source, BOM};
use super::{CliError, FixArgs, EXIT_ERROR, EXIT_FINDINGS};

/// Returns the exit code: 2 when a file was left alone for its syntax errors, otherwise what
/// `check` would return on the files as they now are.
pub fn run(args: &FixArgs) -> Result<u8, CliError> {
    let inputs = discover::inputs(&args.paths)?;
    let mut configs = Configs::default();
    let mut folders = crate::context::Folders::default();
    let mut code = 0;
    for input in &inputs {
        let source = input::read(input, None, &mut folders)?;
        let config = configs.for_input(input);
        let text = match fix_all(&source.text, &config) {
            FixAll::SyntaxErrors(lines) => {
                let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
                eprintln!(
                    "dockerlean: {}: not fixed: the builder rejects line {} (run `dockerlean check` for details)",
                    source.name,
                    lines.join(", ")
                );
                code = EXIT_ERROR;
                continue;
            }
            FixAll::Fixed { text, applied } => {
                if applied > 0 && !args.diff {
                    eprintln!("dockerlean: {}: applied {applied} fixes", source.name);
                }
                text
            }
        };
        let text = if args.split_stages {
            split(&source.name, text)
        } else {
            text
        };
        write_result(args, input, &source, &text)?;
        // What `check` would now say of the file: with `--diff` it is still as it was.
        let now = if args.diff { &source.text } else { &text };
        let left = config.apply(dockerlean_core::analyze_str(now).findings);
        if code == 0 && fails(args, &left) {
            code = EXIT_FINDINGS;
        }
    }
    Ok(code)
}

/// `text` split into stages, or as it is (with a note) when no split applies.
fn split(name: &str, text: String) -> String {
    let tree = dockerlean_core::syntax::parse(&text);
    let model = dockerlean_core::Model::build(&text, &tree);
    match dockerlean_core::refactor::split_stages(&model) {
        Some(fix) => dockerlean_core::apply_edits(&text, &fix.edits),
        None => {
            eprintln!("dockerlean: {name}: not split: it has several stages already or builds nothing recognised");
            text
        }
    }
}

fn fails(args: &FixArgs, left: &[Finding]) -> bool {
    args.fail_level
        .threshold()
        .is_some_and(|threshold| left.iter().any(|f| f.severity >= threshold))
}

fn write_result(
    args: &FixArgs,
    input: &Input,
    source: &Source,
    fixed: &str,
) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    let written = if args.diff {
        if fixed == source.text {
            return Ok(());
        }
        let diff = similar::TextDiff::from_lines(source.text.as_str(), fixed);
        let a = format!("a/{}", source.name);
        let b = format!("b/{}", source.name);
        write!(stdout, "{}", diff.unified_diff().header(&a, &b))
    } else {
        match input {
            // Stdin has nowhere to go back to: the result goes to stdout, as a filter would.
            Input::Stdin => write!(stdout, "{fixed}"),
            Input::File(path) if fixed != source.text => {
                let bom = if source.bom { BOM } else { "" };
                return std::fs::write(path, format!("{bom}{fixed}"))
                    .map_err(|e| CliError::new(format!("{}: {e}", source.name)));
            }
            Input::File(_) => return Ok(()),
        }
    };
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        written => Ok(written?),
    }
}
