//! Fix-all and the split refactor over the real Dockerfiles in `../shared/corpus/files`: fixing
//! is idempotent and never produces a file the builder rejects; a split yields two stages and no
//! finding the original did not have.

use std::path::Path;

use dockerlean_core::config::Config;
use dockerlean_core::fix_all::{fix_all, FixAll};
use dockerlean_core::refactor::split_stages;
use dockerlean_core::syntax::parse;
use dockerlean_core::{analyze_str, apply_edits, Model};

fn corpus() -> Option<Vec<(String, String)>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/files");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("NOTICE: {} is absent; skipping", dir.display());
        return None;
    };
    let mut files: Vec<(String, String)> = entries
        .map(|e| {
            let path = e.expect("readable corpus entry").path();
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                text,
            )
        })
        .collect();
    files.sort();
    Some(files)
}

fn codes(text: &str) -> Vec<&'static str> {
    analyze_str(text)
        .findings
        .iter()
        .map(|f| f.code())
        .collect()
}

#[test]
fn fix_all_is_idempotent_on_the_corpus() {
    let Some(files) = corpus() else { return };
    let config = Config::default();
    let (mut fixed, mut refused) = (0, 0);
    for (name, text) in &files {
        match fix_all(text, &config) {
            FixAll::SyntaxErrors(_) => refused += 1,
            FixAll::Fixed { text: out, applied } => {
                if applied > 0 {
                    fixed += 1;
                }
                assert!(
                    !codes(&out).iter().any(|c| c.starts_with("DKL0")),
                    "{name}: fixing made a syntax error"
                );
                assert_eq!(
                    fix_all(&out, &config),
                    FixAll::Fixed {
                        text: out.clone(),
                        applied: 0
                    },
                    "{name}: a second fix-all changed the file"
                );
            }
        }
    }
    println!(
        "fix-all: {fixed} of {} files fixed, {refused} refused for syntax errors",
        files.len()
    );
}

#[test]
fn splits_of_the_corpus_are_two_stages_without_new_findings() {
    let Some(files) = corpus() else { return };
    let mut offered = 0;
    for (name, text) in &files {
        let tree = parse(text);
        let model = Model::build(text, &tree);
        let Some(fix) = split_stages(&model) else {
            continue;
        };
        offered += 1;
        let out = apply_edits(text, &fix.edits);
        let tree = parse(&out);
        assert_eq!(Model::build(&out, &tree).stages.len(), 2, "{name}:\n{out}");
        let before = codes(text);
        for code in codes(&out) {
            assert!(before.contains(&code), "{name}: new {code} in\n{out}");
        }
    }
    println!(
        "split into stages: offered on {offered} of {} files",
        files.len()
    );
}
