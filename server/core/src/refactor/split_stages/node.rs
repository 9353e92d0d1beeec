//! Node: `npm ci` and the build run in the builder, which then drops its dev dependencies; the
//! runtime stage, on the slim image, copies the working directory.

use super::python::slim_tag;
use super::{copy_from_builder, Context, Recipe};

pub(super) fn recipe(cx: &Context) -> Option<Recipe> {
    let (repo, tag) = cx.repo_tag();
    if repo != "node" {
        return None;
    }
    let (at, _) = cx.commands().find(|(_, c)| {
        c.program() == "npm"
            && c.args()
                .first()
                .is_some_and(|w| w.text == "ci" || w.text == "install")
    })?;
    let workdir = cx.workdir_at(at);
    // Without a WORKDIR the project sits in `/`, which cannot be copied on its own.
    if workdir == "/" {
        return None;
    }
    Some(Recipe {
        runtime_base: format!("node:{}", slim_tag(tag)),
        builder_setup: Vec::new(),
        builder_finish: vec!["RUN npm prune --omit=dev".to_owned()],
        runtime_setup: vec![copy_from_builder(&workdir)],
        keep_sources: false,
    })
}
