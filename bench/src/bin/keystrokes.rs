//! Types characters into the middle of a generated file the way the language server handles
//! them (edit, incremental reparse, incremental analysis) and prints the time per keystroke.
//! A steady loop to run under `perf record`: `keystrokes SIZE [COUNT]`, SIZE one of the
//! benchmark sizes (small, medium, large, huge).

use std::time::Instant;

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
    let typed = b"RUN apt-get install -y curl\n";
    let mut times = Vec::with_capacity(count);
    for i in 0..count {
        let start = Instant::now();
        let pos = at + i % typed.len();
        if i % typed.len() == 0 && i > 0 {
            file.edit(at..at + typed.len(), "");
        }
        let ch = &typed[i % typed.len()..=i % typed.len()];
        file.edit(pos..pos, std::str::from_utf8(ch).unwrap());
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
