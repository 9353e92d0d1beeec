//! The checks every rule must pass on its own fixtures.

use crate::finding::{apply_edits, NewFile};
use crate::rules::RULES;
use crate::{analyze_str_with, Environment, Finding};

/// The build context a fixture names in its leading comments: `# context: NAME…` lists the
/// folder's entries, `# dockerignore: LINE | LINE…` gives the `.dockerignore`. Without them the
/// context is unknown, as for text analysed on its own.
fn environment(fixture: &str) -> Environment {
    let mut env = Environment::default();
    for line in fixture.lines().take_while(|l| l.starts_with('#')) {
        if let Some(names) = line.strip_prefix("# context:") {
            env.context = Some(names.split_whitespace().map(str::to_string).collect());
        }
        if let Some(lines) = line.strip_prefix("# dockerignore:") {
            env.dockerignore = Some(
                lines
                    .split('|')
                    .map(|l| format!("{}\n", l.trim()))
                    .collect(),
            );
        }
    }
    env
}

fn analyze_str(fixture: &str) -> crate::Analysis {
    analyze_str_with(fixture, &environment(fixture))
}

/// The context after a fix created `files` in it.
fn with_files(mut env: Environment, files: &[NewFile]) -> Environment {
    for file in files {
        if file.path == ".dockerignore" {
            env.dockerignore = Some(file.text.clone());
        }
        let mut names = env.context.as_deref().unwrap_or_default().to_vec();
        names.push(file.path.clone());
        env.context = Some(names.into());
    }
    env
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    let mut codes: Vec<_> = findings.iter().map(|f| f.code()).collect();
    codes.sort();
    codes
}

/// The text of each instruction that `edits` do not delete or merge away, and whether they
/// touch it.
fn instructions(text: &str, edits: &[crate::Edit]) -> Vec<(String, bool)> {
    let tree = crate::syntax::parse(text);
    let model = crate::Model::build(text, &tree);
    model
        .instructions
        .iter()
        .filter(|i| {
            // Deleted, or merged into the instruction above (its keyword replaced).
            let (r, k) = (i.range(), i.line.keyword.clone());
            !edits.iter().any(|e| {
                let covers =
                    |x: &std::ops::Range<usize>| e.range.start <= x.start && e.range.end >= x.end;
                e.text.trim().is_empty() && (covers(&r) || covers(&k))
            })
        })
        .map(|i| {
            let r = i.range();
            let touched = edits
                .iter()
                .any(|e| e.range.start <= r.end && e.range.end >= r.start);
            (text[r].to_string(), touched)
        })
        .collect()
}

#[test]
fn every_rule_fires_on_its_fire_fixtures() {
    for rule in RULES {
        for fixture in rule.fixtures.fire {
            let found = analyze_str(fixture).findings;
            assert!(
                found.iter().any(|f| f.code() == rule.meta.code),
                "{} did not fire on:\n{fixture}\nfound: {:?}",
                rule.meta.code,
                codes(&found)
            );
        }
    }
}

#[test]
fn no_rule_fires_on_its_clean_fixtures() {
    for rule in RULES {
        for fixture in rule.fixtures.clean {
            let found = analyze_str(fixture).findings;
            assert!(
                !found.iter().any(|f| f.code() == rule.meta.code),
                "{} fired on its clean fixture:\n{fixture}",
                rule.meta.code
            );
        }
    }
}

/// A fixable rule fixes at least one of its fire fixtures (a rule may leave cases it cannot fix
/// safely without a fix). Applying a rule's fixes removes its findings, adds none (it may resolve another rule's
/// finding about the same bytes), and leaves the instructions it does not touch or delete as
/// they were.
#[test]
fn fixes_remove_the_finding_and_add_nothing() {
    for rule in RULES.iter().filter(|r| r.meta.fixable) {
        let mut fixed_any = false;
        for fixture in rule.fixtures.fire {
            let before = analyze_str(fixture).findings;
            let fixes: Option<Vec<_>> = before
                .iter()
                .filter(|f| f.code() == rule.meta.code)
                .map(|f| f.fix.as_ref())
                .collect();
            let Some(fixes) = fixes else { continue };
            let edits: Vec<_> = fixes.iter().flat_map(|fix| fix.edits.clone()).collect();
            let files: Vec<_> = fixes.iter().flat_map(|fix| fix.files.clone()).collect();
            fixed_any = true;
            let fixed = apply_edits(fixture, &edits);
            let after =
                analyze_str_with(&fixed, &with_files(environment(fixture), &files)).findings;
            let mut expected = codes(&before);
            expected.retain(|c| *c != rule.meta.code);
            let mut added = codes(&after);
            for code in &expected {
                if let Some(i) = added.iter().position(|c| c == code) {
                    added.remove(i);
                }
            }
            assert!(
                added.is_empty(),
                "{} fix added findings {added:?}:\n{fixture}\n→\n{fixed}",
                rule.meta.code
            );
            // Same instructions, and those the fix did not touch are unchanged.
            let before = instructions(fixture, &edits);
            let after = instructions(&fixed, &[]);
            assert_eq!(
                before.len(),
                after.len(),
                "{} fix changed the instruction count:\n{fixed}",
                rule.meta.code
            );
            for ((old, touched), (new, _)) in before.iter().zip(&after) {
                assert!(
                    *touched || old == new,
                    "{} fix changed an untouched instruction:\n{fixed}",
                    rule.meta.code
                );
            }
        }
        assert!(
            fixed_any,
            "{} is fixable but fixed no fire fixture",
            rule.meta.code
        );
    }
}

#[test]
fn codes_and_names_are_unique() {
    let metas: Vec<_> = crate::rules::all_metas().collect();
    for (i, a) in metas.iter().enumerate() {
        for b in &metas[i + 1..] {
            assert_ne!(a.code, b.code);
            assert_ne!(a.name, b.name);
        }
    }
}
