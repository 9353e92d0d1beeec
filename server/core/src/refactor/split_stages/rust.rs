//! Rust: `cargo build --release` in the builder; the runtime stage copies the binary, which
//! keeps its path so CMD and ENTRYPOINT still find it.

use super::{copy_from_builder, join, option_value, Context, Recipe};
use crate::model::Kind;

pub(super) fn recipe(cx: &Context) -> Option<Recipe> {
    let (repo, tag) = cx.repo_tag();
    if repo != "rust" {
        return None;
    }
    let (at, build) = cx.commands().find(|(_, c)| {
        c.program() == "cargo"
            && c.args().first().is_some_and(|w| w.text == "build")
            && c.has_flag("--release")
    })?;
    let workdir = cx.workdir_at(at);
    let binary = option_value(build, "--bin")
        .map(str::to_owned)
        .or_else(|| binary_run_by_the_image(cx))?;
    let output = join(&workdir, &format!("target/release/{binary}"));
    let runtime_base = if tag.contains("alpine") {
        "alpine:3"
    } else {
        "debian:bookworm-slim"
    };
    Some(Recipe {
        runtime_base: runtime_base.to_owned(),
        builder_setup: Vec::new(),
        builder_finish: Vec::new(),
        runtime_setup: vec![copy_from_builder(&output)],
        keep_sources: false,
    })
}

/// The binary's name when ENTRYPOINT or CMD runs it from `target/release/`.
fn binary_run_by_the_image(cx: &Context) -> Option<String> {
    [Kind::Entrypoint, Kind::Cmd]
        .into_iter()
        .filter_map(|k| cx.instruction(k))
        .flat_map(|i| i.args.iter())
        .find_map(|w| {
            let (_, name) = w.text.split_once("target/release/")?;
            (!name.is_empty() && !name.contains('/')).then(|| name.to_owned())
        })
}
