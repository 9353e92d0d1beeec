//! `dockerlean check`: find the inputs, read them all, analyse them, report.

use super::report::{CheckedFile, Report};
use super::{config, discover, input, output, CheckArgs, CliError};
use crate::context::Folders;

/// Returns whether some finding is at or above the fail level. Every input is read before
/// anything is printed, so an unreadable file stops the run with nothing half-written on stdout.
pub fn run(args: &CheckArgs) -> Result<bool, CliError> {
    let inputs = discover::inputs(&args.paths)?;
    let mut folders = Folders::default();
    let sources = inputs
        .iter()
        .map(|i| input::read(i, args.stdin_filename.as_deref(), &mut folders))
        .collect::<Result<Vec<_>, _>>()?;
    let mut configs = config::Configs::default();
    let work: Vec<_> = sources
        .into_iter()
        .zip(&inputs)
        .map(|(source, i)| (source, configs.for_input(i)))
        .collect();
    let report = Report {
        files: parallel_map(work, |(source, config)| {
            CheckedFile::analyze(source, &config)
        }),
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

/// `f` of each item on every core, results in the items' order. Each thread takes the next
/// item when it is done with one, so that a few large files do not hold up one thread while
/// the others idle.
fn parallel_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len());
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let queue = std::sync::Mutex::new(items.into_iter().enumerate());
    let next = || queue.lock().unwrap_or_else(|e| e.into_inner()).next();
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let (f, next) = (&f, &next);
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    std::iter::from_fn(next)
                        .map(|(i, t)| (i, f(t)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_unstable_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::parallel_map;

    #[test]
    fn parallel_results_keep_the_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        let squares = parallel_map(items.clone(), |x| x * x);
        assert_eq!(squares, items.iter().map(|x| x * x).collect::<Vec<_>>());
        assert_eq!(parallel_map(Vec::<u8>::new(), |x| x), Vec::<u8>::new());
    }
}
