//! Python: dependencies go into a virtualenv in the builder, and the runtime stage, on the
//! slim image, copies the virtualenv and the sources.

use super::{copy_from_builder, is_python_module, Context, Recipe};

const VENV: &str = "/opt/venv";

pub(super) fn recipe(cx: &Context) -> Option<Recipe> {
    let (repo, tag) = cx.repo_tag();
    if repo != "python" {
        return None;
    }
    let installs = cx.commands().any(|(_, c)| {
        let pip = matches!(c.program(), "pip" | "pip3")
            || (c.program().starts_with("python") && is_python_module(c, &["pip"]));
        pip && c.args().iter().any(|w| w.text == "install")
    });
    if !installs {
        return None;
    }
    let path = format!("ENV PATH={VENV}/bin:$PATH");
    Some(Recipe {
        runtime_base: format!("python:{}", slim_tag(tag)),
        builder_setup: vec![format!("RUN python -m venv {VENV}"), path.clone()],
        builder_finish: Vec::new(),
        runtime_setup: vec![copy_from_builder(VENV), path],
        keep_sources: true,
    })
}

/// The slim variant of an official image's tag: `3.12` and `3.12-bookworm` → `3.12-slim…`; an
/// alpine or slim tag stays (a virtualenv only runs on the C library it was built with).
pub(super) fn slim_tag(tag: &str) -> String {
    if tag.contains("alpine") || tag.contains("slim") {
        return tag.to_owned();
    }
    match tag.split_once('-') {
        _ if tag == "latest" => "slim".to_owned(),
        Some((version, distro)) => format!("{version}-slim-{distro}"),
        None => format!("{tag}-slim"),
    }
}
