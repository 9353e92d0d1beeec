//! Per-rule finding counts over a directory of Dockerfiles:
//! `cargo run -p dockerlean-core --example rule_counts DIR [CODE…]`.
//! With codes, also prints each of their findings as `file:line: CODE message` and the source
//! it points at, for checking them by hand. For every rule it also applies the rule's fixes to
//! each file and counts the fixed files where the rule still fires or another finding appears.

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
    let mut fixed: BTreeMap<&str, usize> = BTreeMap::new();
    let mut bad_fixes: BTreeMap<&str, usize> = BTreeMap::new();
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
            let edits: Vec<_> = found
                .iter()
                .filter(|f| f.code() == code)
                .filter_map(|f| f.fix.as_ref())
                .flat_map(|fix| fix.edits.clone())
                .collect();
            if edits.is_empty() {
                continue;
            }
            *fixed.entry(code).or_default() += 1;
            let after = dockerlean_core::analyze_str(&dockerlean_core::apply_edits(text, &edits));
            let mut expected: Vec<&str> = found
                .iter()
                .map(|f| f.code())
                .filter(|c| *c != code)
                .collect();
            let mut got: Vec<&str> = after.findings.iter().map(|f| f.code()).collect();
            expected.sort_unstable();
            got.sort_unstable();
            // Findings of the rule without a fix may stay; nothing else may change.
            got.retain(|c| *c != code);
            let unfixed = found
                .iter()
                .filter(|f| f.code() == code && f.fix.is_none())
                .count();
            let left = after.findings.iter().filter(|f| f.code() == code).count();
            if got != expected || left != unfixed {
                *bad_fixes.entry(code).or_default() += 1;
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                eprintln!("fix of {code} misbehaves on {name}");
            }
        }
    }
    println!("{} files", paths.len());
    println!("code\tfindings\tfiles\tfixed files\tbad fixes");
    for (code, n) in &findings {
        println!(
            "{code}\t{n}\t{}\t{}\t{}",
            files[code],
            fixed.get(code).unwrap_or(&0),
            bad_fixes.get(code).unwrap_or(&0)
        );
    }
}
