//! The analysis over the real Dockerfiles in `../shared/corpus/files`: no panics, every
//! instruction seen even where the grammar fails, and no syntax error except on the files the
//! builder itself rejects (listed with the reason in `tests/fixtures/corpus-rejected.tsv`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use dockerlean_core::syntax::{directives::Directives, logical, parse};
use dockerlean_core::{analyze_str, Analyzer, Model, Severity, SourceFile};

fn corpus_files() -> Option<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/files");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!(
            "NOTICE: {} is absent; skipping the corpus test",
            dir.display()
        );
        return None;
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable corpus entry").path())
        .collect();
    files.sort();
    Some(files)
}

fn read(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("readable corpus file");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    text.strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text)
}

fn expected_rejections() -> BTreeMap<String, BTreeSet<String>> {
    let fixture = include_str!("fixtures/corpus-rejected.tsv");
    fixture
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut cols = l.split('\t');
            let file = cols.next().expect("file column").to_string();
            let codes = cols
                .next()
                .expect("codes column")
                .split(',')
                .map(str::to_string)
                .collect();
            assert!(
                cols.next().is_some_and(|r| !r.trim().is_empty()),
                "{file}: every entry gives the reason"
            );
            (file, codes)
        })
        .collect()
}

#[test]
fn corpus_has_no_panics_and_no_syntax_errors_the_builder_accepts() {
    let Some(files) = corpus_files() else { return };
    let expected = expected_rejections();
    let mut actual: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let (mut instructions, mut recovered_files, mut findings) = (0, 0, 0);
    for path in &files {
        let name = path
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let text = read(path);
        let result = std::panic::catch_unwind(|| analyze_str(&text).findings);
        let found = result.unwrap_or_else(|_| panic!("analysis panicked on {name}"));
        findings += found.len();
        let tree = parse(&text);
        let model = Model::build(&text, &tree);
        instructions += model.instructions.len();
        recovered_files += usize::from(!model.recovered.is_empty());
        for f in found.iter().filter(|f| f.severity == Severity::Error) {
            actual
                .entry(name.clone())
                .or_default()
                .insert(f.code().to_string());
        }
    }
    println!(
        "corpus: {} files, {instructions} instructions, {recovered_files} files read partly with the builder's line rules, {findings} findings, syntax errors in {} files",
        files.len(),
        actual.len()
    );
    assert_eq!(
        actual, expected,
        "syntax errors differ from tests/fixtures/corpus-rejected.tsv"
    );
}

/// Where the grammar parses a file cleanly, its instruction boundaries are the builder's; where
/// it does not, recovery gives the builder's boundaries anyway. Either way the model's
/// instructions are exactly those of the builder's line rules.
#[test]
fn corpus_instructions_match_the_builder_line_rules() {
    let Some(files) = corpus_files() else { return };
    for path in &files {
        let text = read(path);
        let escape = Directives::parse(&text).escape;
        let (builder, _) = logical::scan(&text, 0..text.len(), escape);
        let tree = parse(&text);
        let model = Model::build(&text, &tree);
        let ours: Vec<_> = model.instructions.iter().map(|i| i.range()).collect();
        let theirs: Vec<_> = builder.iter().map(|l| l.range.clone()).collect();
        assert_eq!(
            ours,
            theirs,
            "instruction boundaries differ in {}",
            path.display()
        );
    }
}

/// The language server's incremental analysis gives what a fresh analysis gives, on every real
/// file and after edits at its start, middle and end: a line removed, a line doubled, an
/// install typed into a line. Most files have several stages, so this exercises which stages'
/// findings are kept and which are made again.
#[test]
fn corpus_incremental_analysis_equals_fresh_analysis() {
    let Some(files) = corpus_files() else { return };
    let (mut edits, mut reused) = (0, 0);
    for path in &files {
        let text = read(path);
        let mut file = SourceFile::new(&text);
        let mut analyzer = Analyzer::default();
        analyzer.analyze(&file);
        let lines: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&i| i < text.len())
            .collect();
        for &k in &[lines.len() / 4, lines.len() / 2, lines.len() * 3 / 4] {
            let Some(&start) = lines.get(k) else { continue };
            let now = file.text();
            let end = now[start..].find('\n').map_or(now.len(), |e| start + e + 1);
            let line = now[start..end].to_string();
            for (range, insert) in [
                (start..end, String::new()),
                (start..start, line.clone()),
                (start..start, "RUN apt-get install -y curl\n".to_string()),
            ] {
                let range =
                    file.floor_char_boundary(range.start)..file.floor_char_boundary(range.end);
                file.edit(range, &insert);
                let cached = analyzer.analyze(&file).findings;
                let fresh = analyze_str(&file.text()).findings;
                assert_eq!(
                    cached,
                    fresh,
                    "after an edit at line {k} of {}",
                    path.display()
                );
                edits += 1;
                reused += usize::from(
                    analyzer.stages_analysed()
                        < Model::build(&file.text(), file.trees()).stages.len(),
                );
            }
        }
    }
    println!(
        "{edits} edits over {} files; {reused} analyses reused some stages",
        files.len()
    );
}
