//! Micro benchmarks of the analysis core on generated files of every size: a full parse, a
//! one-character edit with its incremental reparse, a full analysis, and what the language
//! server does per keystroke (edit, reparse, incremental analysis).
//! Run with `cargo bench -p dockerlean-bench` (or `bench/run.sh`, which runs everything).

use divan::Bencher;
use dockerlean_bench::{dockerfile, middle, SIZES};
use dockerlean_core::{analyze, Analyzer, SourceFile};

fn main() {
    divan::main();
}

const NAMES: [&str; 4] = [SIZES[0].0, SIZES[1].0, SIZES[2].0, SIZES[3].0];

fn text(name: &str) -> String {
    let lines = SIZES.iter().find(|(n, _)| *n == name).unwrap().1;
    dockerfile(lines)
}

#[divan::bench(args = NAMES, sample_count = 20)]
fn full_parse(bencher: Bencher, name: &str) {
    let text = text(name);
    bencher.bench(|| SourceFile::new(divan::black_box(&text)));
}

#[divan::bench(args = NAMES, sample_count = 20)]
fn edit_and_reparse(bencher: Bencher, name: &str) {
    let text = text(name);
    let at = middle(&text);
    let mut file = SourceFile::new(&text);
    // Typing and deleting one character keeps the text the same between iterations.
    bencher.bench_local(|| {
        file.edit(at..at, "R");
        file.edit(at..at + 1, "");
    });
}

#[divan::bench(args = NAMES, sample_count = 20)]
fn analysis(bencher: Bencher, name: &str) {
    let file = SourceFile::new(&text(name));
    bencher.bench(|| analyze(divan::black_box(&file)));
}

#[divan::bench(args = NAMES, sample_count = 20)]
fn keystroke(bencher: Bencher, name: &str) {
    let text = text(name);
    let at = middle(&text);
    let mut file = SourceFile::new(&text);
    let mut analyzer = Analyzer::default();
    analyzer.analyze(&file);
    bencher.bench_local(|| {
        file.edit(at..at, "R");
        analyzer.analyze(&file);
        file.edit(at..at + 1, "");
        analyzer.analyze(&file)
    });
}
