//! The tree-sitter queries the analysis runs, kept as `.scm` files in the repository's
//! `queries/` folder and compiled once.

use std::sync::OnceLock;

use tree_sitter::{Language, Query};

pub fn dockerfile_statements() -> &'static Query {
    static QUERY: OnceLock<Query> = OnceLock::new();
    QUERY.get_or_init(|| {
        compile(
            tree_sitter_containerfile::LANGUAGE.into(),
            include_str!("../../../queries/dockerfile/statements.scm"),
        )
    })
}

fn compile(language: Language, source: &str) -> Query {
    Query::new(&language, source).unwrap_or_else(|e| panic!("bundled query does not compile: {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn bundled_queries_compile() {
        super::dockerfile_statements();
    }
}
