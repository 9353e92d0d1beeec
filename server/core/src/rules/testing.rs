//! The checks every rule must pass on its own fixtures.

use crate::finding::apply_edits;
use crate::rules::RULES;
use crate::{analyze_str, Finding};

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    let mut codes: Vec<_> = findings.iter().map(|f| f.code()).collect();
    codes.sort();
    codes
}

/// The text of each instruction, and whether `edits` touch it.
fn instructions(text: &str, edits: &[crate::Edit]) -> Vec<(String, bool)> {
    let tree = crate::syntax::parse(text);
    let model = crate::Model::build(text, &tree);
    model
        .instructions
        .iter()
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

/// Applying a rule's fixes removes its findings, adds none, and leaves the instructions as
/// they were.
#[test]
fn fixes_remove_the_finding_and_add_nothing() {
    for rule in RULES.iter().filter(|r| r.meta.fixable) {
        for fixture in rule.fixtures.fire {
            let before = analyze_str(fixture).findings;
            let edits: Vec<_> = before
                .iter()
                .filter(|f| f.code() == rule.meta.code)
                .map(|f| {
                    f.fix
                        .as_ref()
                        .unwrap_or_else(|| panic!("{} has no fix on:\n{fixture}", rule.meta.code))
                })
                .flat_map(|fix| fix.edits.clone())
                .collect();
            let fixed = apply_edits(fixture, &edits);
            let after = analyze_str(&fixed).findings;
            let mut expected = codes(&before);
            expected.retain(|c| *c != rule.meta.code);
            assert_eq!(
                codes(&after),
                expected,
                "{} fix changed the findings:\n{fixture}\n→\n{fixed}",
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
