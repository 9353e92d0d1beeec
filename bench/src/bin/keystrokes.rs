//! Types what the end-to-end driver types into the middle of a generated file, the way the
//! language server handles it (edit, incremental reparse, incremental analysis), and prints
//! the time per keystroke.
//! A steady loop to run under `perf record`: `keystrokes SIZE [COUNT [PAUSE_US | evict]]`, SIZE
//! one of the benchmark sizes (small, medium, large, huge). With a pause between keystrokes
//! (5000 is a fast typist) the CPU's caches cool down as they do between an editor's
//! keystrokes: the same work then takes about twice as long as in a tight loop, which is what
//! the end-to-end driver sees on an idle machine. `evict` instead writes a buffer larger than
//! the core's caches between keystrokes: the same cold start, without the noise of sleeping, and
//! under `valgrind --tool=callgrind --cache-sim=yes --toggle-collect=keystrokes::keystroke` the
//! cache misses of a cold keystroke, counted alike on every run.

use std::time::{Duration, Instant};

use dockerlean_core::{Analyzer, SourceFile};

/// Larger than a core's L1 and L2 caches (not the shared L3).
const EVICT_BYTES: usize = 64 << 20;

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
    let between = args.next().unwrap_or_default();
    let pause = Duration::from_micros(between.parse().unwrap_or(0));
    let mut evict = (between == "evict").then(|| vec![0u8; EVICT_BYTES]);
    for i in 0..count {
        if let Some(buffer) = &mut evict {
            // One write per cache line.
            buffer
                .iter_mut()
                .step_by(64)
                .for_each(|b| *b = b.wrapping_add(1));
            std::hint::black_box(&buffer);
        } else if !pause.is_zero() {
            std::thread::sleep(pause);
        }
        let start = Instant::now();
        if i % session.len() == 0 && i > 0 {
            file.edit(at..at + typed, "");
            typed = 0;
        }
        let ch = session[i % session.len()];
        keystroke(&mut file, &mut analyzer, at + typed, ch);
        typed += ch.len_utf8();
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

/// One character typed at `at`: the edit, the reparse and the analysis. Not inlined, so that
/// callgrind can count it alone.
#[inline(never)]
fn keystroke(file: &mut SourceFile, analyzer: &mut Analyzer, at: usize, ch: char) {
    file.edit(at..at, ch.encode_utf8(&mut [0; 4]));
    analyzer.analyze(file);
}
