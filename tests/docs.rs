//! The rule pages in `docs/rules/` are generated from the registry. This test fails when they
//! are stale; `UPDATE_DOCS=1 cargo test --test docs` rewrites them.

use std::path::Path;

use dockerlean_core::{docs, rules};

#[test]
fn rule_docs_are_generated_from_the_registry() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let mut expected = vec![("README.md".to_string(), docs::index())];
    expected.extend(rules::all_metas().map(|m| (format!("{}.md", m.code), docs::page(m))));
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    if update {
        std::fs::create_dir_all(&dir).expect("create docs/rules");
    }
    for (name, content) in &expected {
        let path = dir.join(name);
        if update {
            std::fs::write(&path, content).expect("write a docs page");
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == *content,
            "{} is stale: run `UPDATE_DOCS=1 cargo test --test docs`",
            path.display()
        );
    }
    let pages = std::fs::read_dir(&dir).expect("docs/rules exists").count();
    assert_eq!(
        pages,
        expected.len(),
        "docs/rules holds pages of rules that no longer exist"
    );
}
