//! Any other compiled program: the RUNs that compile with `-o` (and the toolchain installs before
//! them) stay in the builder; the runtime stage copies the outputs onto a slimmer base.

use super::{copy_from_builder, join, option_value, Context, Recipe};

const COMPILERS: &[&str] = &["gcc", "g++", "cc", "c++", "clang", "clang++", "go"];

pub(super) fn recipe(cx: &Context) -> Option<Recipe> {
    let outputs: Vec<String> = cx
        .commands()
        .filter(|(_, c)| COMPILERS.contains(&c.program()))
        .filter_map(|(i, c)| Some(join(&cx.workdir_at(i), option_value(c, "-o")?)))
        .collect();
    if outputs.is_empty() {
        return None;
    }
    Some(Recipe {
        runtime_base: runtime_base(cx),
        builder_setup: Vec::new(),
        builder_finish: Vec::new(),
        runtime_setup: outputs.iter().map(|o| copy_from_builder(o)).collect(),
        keep_sources: false,
    })
}

/// Compiler images are Debian with a toolchain; Debian has a slim variant; other bases stay
/// (the toolchain they installed is left behind in the builder).
fn runtime_base(cx: &Context) -> String {
    match cx.repo_tag() {
        ("gcc" | "buildpack-deps", _) => "debian:bookworm-slim".to_owned(),
        ("debian", tag) if !tag.contains("slim") && tag != "latest" => format!("debian:{tag}-slim"),
        _ => cx.image.clone(),
    }
}
