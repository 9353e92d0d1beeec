//! The driver's numbers as a Markdown table.

use std::time::Duration;

#[derive(Clone)]
pub struct Stats {
    pub samples: usize,
    pub p50: Duration,
    pub p95: Duration,
    pub max: Duration,
}

impl Stats {
    pub fn of(mut samples: Vec<Duration>) -> Stats {
        samples.sort();
        let n = samples.len();
        Stats {
            samples: n,
            p50: samples[n / 2],
            p95: samples[(n * 95 / 100).min(n - 1)],
            max: samples[n - 1],
        }
    }
}

/// What a cell says when the server gave no answer within the client's timeout.
const TIMED_OUT: &str = "no answer in 20 s";

pub struct Row {
    metric: String,
    size: String,
    cells: Vec<String>,
    ratio: String,
}

impl Row {
    /// A latency row showing p50, ratio of the other servers' p50 over the first's.
    pub fn new(metric: &str, size: &str, stats: Vec<Option<Stats>>) -> Row {
        let cells = stats
            .iter()
            .map(|s| s.as_ref().map_or(TIMED_OUT.to_owned(), |s| ms(s.p50)))
            .collect();
        Row::with_ratio(
            metric,
            size,
            cells,
            stats.iter().map(|s| s.as_ref().map(|s| s.p50)),
        )
    }

    pub fn keystrokes(size: &str, stats: Vec<Option<Stats>>) -> Row {
        let cells = stats
            .iter()
            .map(|s| match s {
                Some(s) => format!(
                    "{} / {} / {} (n={})",
                    ms(s.p50),
                    ms(s.p95),
                    ms(s.max),
                    s.samples
                ),
                None => TIMED_OUT.to_owned(),
            })
            .collect();
        let p50 = stats.iter().map(|s| s.as_ref().map(|s| s.p50));
        Row::with_ratio(
            "keystroke → diagnostics (p50 / p95 / max)",
            size,
            cells,
            p50,
        )
    }

    pub fn memory(size: &str, kib: Vec<u64>) -> Row {
        let cells = kib
            .iter()
            .map(|k| format!("{:.1} MiB", *k as f64 / 1024.0))
            .collect();
        let ratio = ratios(kib.iter().map(|&k| Some(k as f64)));
        Row {
            metric: "peak RSS (VmHWM)".to_owned(),
            size: size.to_owned(),
            cells,
            ratio,
        }
    }

    fn with_ratio(
        metric: &str,
        size: &str,
        cells: Vec<String>,
        values: impl Iterator<Item = Option<Duration>>,
    ) -> Row {
        Row {
            metric: metric.to_owned(),
            size: size.to_owned(),
            cells,
            ratio: ratios(values.map(|d| d.map(|d| d.as_secs_f64()))),
        }
    }
}

/// Each other server's value over the first's ("20×": the first is 20 times lower).
fn ratios(mut values: impl Iterator<Item = Option<f64>>) -> String {
    let first = values.next().flatten();
    values
        .map(|v| match (first, v) {
            (Some(a), Some(b)) if a > 0.0 && b / a < 10.0 => format!("{:.1}×", b / a),
            (Some(a), Some(b)) if a > 0.0 => format!("{:.0}×", b / a),
            _ => "n/a".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

pub fn print_lsp(servers: &[&str], rows: &[Row], keystrokes: usize) {
    println!(
        "Language servers over stdio (up to {keystrokes} keystrokes typed into the middle of each \
         file, at most 60 s of typing per server and file, n = how many; ratio = {} ÷ {}):\n",
        servers[1..].join(", "),
        servers[0]
    );
    println!("| metric | file | {} | ratio |", servers.join(" | "));
    println!("|---|---|{}---|", "---|".repeat(servers.len()));
    for row in rows {
        println!(
            "| {} | {} | {} | {} |",
            row.metric,
            row.size,
            row.cells.join(" | "),
            row.ratio
        );
    }
    println!();
}

/// The best run of each tool sets the ratio; every run is listed, in the order they ran.
pub fn print_batch(files: usize, check: &[Duration], hadolint: &[Duration]) {
    let best = |runs: &[Duration]| runs.iter().copied().min().expect("at least one run");
    let (check_best, hadolint_best) = (best(check), best(hadolint));
    let rate = |d: Duration| files as f64 / d.as_secs_f64();
    let runs = |runs: &[Duration]| runs.iter().map(|&d| ms(d)).collect::<Vec<_>>().join(", ");
    println!(
        "Batch lint of {files} corpus files ({} runs each, the two tools in turns; best run):\n",
        check.len()
    );
    println!("| tool | time | files/s | runs |");
    println!("|---|---|---|---|");
    println!(
        "| dockerlean check | {} | {:.0} | {} |",
        ms(check_best),
        rate(check_best),
        runs(check)
    );
    println!(
        "| hadolint | {} | {:.0} | {} |",
        ms(hadolint_best),
        rate(hadolint_best),
        runs(hadolint)
    );
    println!(
        "\ndockerlean check is {:.0}× hadolint's throughput.",
        hadolint_best.as_secs_f64() / check_best.as_secs_f64()
    );
}
