//! Per-rule finding counts over a folder of Dockerfiles, and each finding with its line, for
//! checking rules by hand: `cargo run -p dockerlean-core --example corpus_rules DIR [CODE]`.

use std::collections::BTreeMap;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: corpus_rules DIR [CODE]");
    let only = args.next();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("readable folder")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    let mut counts: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for p in entries {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let findings = dockerlean_core::analyze_str(text).findings;
        let mut seen = Vec::new();
        for f in &findings {
            let entry = counts.entry(f.code()).or_default();
            entry.0 += 1;
            entry.2 += usize::from(f.fix.is_some());
            if !seen.contains(&f.code()) {
                seen.push(f.code());
                entry.1 += 1;
            }
            if only.as_deref() == Some(f.code()) {
                let line = text[..f.range.start].matches('\n').count() + 1;
                println!(
                    "{}:{line}\t{}\t{}",
                    p.file_name().unwrap_or_default().to_string_lossy(),
                    &text[f.range.clone()].lines().next().unwrap_or(""),
                    f.message
                );
            }
        }
    }
    println!("code\tfindings\tfiles\tfixable");
    for (code, (n, files, fixable)) in counts {
        println!("{code}\t{n}\t{files}\t{fixable}");
    }
}
