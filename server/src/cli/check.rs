//! `dockerlean check`: find the inputs, read them all, analyse them, report.

use super::report::{CheckedFile, Report};
use super::{config, discover, input, output, CheckArgs, CliError};

/// Returns whether some finding is at or above the fail level. Every input is read before
/// anything is printed, so an unreadable file stops the run with nothing half-written on stdout.
pub fn run(args: &CheckArgs) -> Result<bool, CliError> {
    let inputs = discover::inputs(&args.paths)?;
    let sources = inputs
        .iter()
        .map(|i| input::read(i, args.stdin_filename.as_deref()))
        .collect::<Result<Vec<_>, _>>()?;
    let mut configs = config::Configs::default();
    let report = Report {
        files: inputs
            .iter()
            .zip(sources)
            .map(|(i, source)| CheckedFile::analyze(source, &configs.for_input(i)))
            .collect(),
    };
    match output::write(args.format, &report) {
        // A reader that stops early (`| head`) has seen what it wanted: not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written?,
    }
    let failed = args
        .fail_level
        .threshold()
        .is_some_and(|threshold| report.findings().any(|(_, f)| f.severity >= threshold));
    Ok(failed)
}
