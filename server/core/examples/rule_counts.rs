//! Per-rule finding counts over a directory of Dockerfiles:
//! `cargo run -p dockerlean-core --example rule_counts DIR [CODE…]`.
//! With codes, also prints each of their findings as `file:line: CODE message` and the source
//! it points at, for checking them by hand.

use std::collections::BTreeMap;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: rule_counts DIR [CODE…]");
    let show: Vec<String> = args.collect();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("a readable directory")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let mut findings: BTreeMap<&str, usize> = BTreeMap::new();
    let mut files: BTreeMap<&str, usize> = BTreeMap::new();
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let found = dockerlean_core::analyze_str(text).findings;
        let mut codes: Vec<&str> = found.iter().map(|f| f.code()).collect();
        for f in &found {
            *findings.entry(f.code()).or_default() += 1;
            if show.iter().any(|c| c.eq_ignore_ascii_case(f.code())) {
                let line = text[..f.range.start].matches('\n').count() + 1;
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                let snippet: String = text[f.range.clone()].chars().take(160).collect();
                println!("{name}:{line}: {} {}\n    {snippet}", f.code(), f.message);
            }
        }
        codes.sort_unstable();
        codes.dedup();
        for code in codes {
            *files.entry(code).or_default() += 1;
        }
    }
    println!("{} files", paths.len());
    println!("code\tfindings\tfiles");
    for (code, n) in &findings {
        println!("{code}\t{n}\t{}", files[code]);
    }
}
