//! Types what the end-to-end driver types into the middle of a generated file, the way the
//! language server handles it (edit, incremental reparse, incremental analysis), and prints
//! the time per keystroke.
//! A steady loop to run under `perf record`: `keystrokes SIZE [COUNT [PAUSE_US]]`, SIZE one of
//! the benchmark sizes (small, medium, large, huge). With a pause between keystrokes (5000 is a
//! fast typist) the CPU's caches cool down as they do between an editor's keystrokes: the same
//! work then takes about twice as long as in a tight loop, which is what the end-to-end driver
//! sees on an idle machine.

use std::time::{Duration, Instant};

use dockerlean_core::{Analyzer, SourceFile};

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "huge".into());
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(200);
    let Some(&(_, lines)) = dockerlean_bench::SIZES.iter().find(|(n, _)| *n == name) else {
        eprintln!("unknown size {name}");
        std::process::exit(2);
    };
    let text = dockerlean_bench::dockerfile(lines);
    let at = dockerlean_bench::middle(&text);
    let mut file = SourceFile::new(&text);
    let mut analyzer = Analyzer::default();
    analyzer.analyze(&file);
    // What the driver types in one session, from the start again after each session.
    let session: Vec<char> = dockerlean_bench::TYPED
        .chars()
        .cycle()
        .take(dockerlean_bench::KEYSTROKES)
        .collect();
    let mut times = Vec::with_capacity(count);
    let mut typed = 0;
    let pause = Duration::from_micros(args.next().and_then(|n| n.parse().ok()).unwrap_or(0));
    for i in 0..count {
        if !pause.is_zero() {
            std::thread::sleep(pause);
        }
        let start = Instant::now();
        if i % session.len() == 0 && i > 0 {
            file.edit(at..at + typed, "");
            typed = 0;
        }
        let ch = session[i % session.len()];
        file.edit(at + typed..at + typed, ch.encode_utf8(&mut [0; 4]));
        typed += ch.len_utf8();
        analyzer.analyze(&file);
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "{name}: {count} keystrokes, p50 {:?}, p95 {:?}, max {:?}",
        times[count / 2],
        times[count * 95 / 100],
        times[count - 1]
    );
}
