fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        let Ok(text) = std::fs::read_to_string(&p) else {
            println!("{}\tNOT-UTF8", p.display());
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        for f in dockerlean_core::analyze_str(text)
            .findings
            .iter()
            .filter(|f| f.severity == dockerlean_core::Severity::Error)
        {
            let line = text[..f.range.start].matches('\n').count() + 1;
            println!(
                "{}\t{}\t{}:{}",
                p.file_name().unwrap().to_string_lossy(),
                f.code(),
                line,
                f.message
            );
        }
    }
}
