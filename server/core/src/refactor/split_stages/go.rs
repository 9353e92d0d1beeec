//! Go: a static binary (`CGO_ENABLED=0`) built with `go build -o`, copied onto distroless when
//! the runtime stage runs no command of its own, else onto a small distribution.

use super::{copy_from_builder, join, option_value, Context, Recipe};
use crate::model::Kind;

pub(super) fn recipe(cx: &Context) -> Option<Recipe> {
    let (repo, tag) = cx.repo_tag();
    if repo != "golang" {
        return None;
    }
    let outputs: Vec<String> = cx
        .commands()
        .filter(|(_, c)| c.program() == "go" && c.args().first().is_some_and(|w| w.text == "build"))
        .map(|(i, c)| Some(join(&cx.workdir_at(i), option_value(c, "-o")?)))
        .collect::<Option<_>>()?;
    if outputs.is_empty() {
        return None;
    }
    let runtime_base = if tag.contains("alpine") {
        "alpine:3"
    } else if needs_a_shell(cx) {
        "debian:bookworm-slim"
    } else {
        "gcr.io/distroless/static-debian12"
    };
    let cgo_set = cx.model.text.contains("CGO_ENABLED=");
    Some(Recipe {
        runtime_base: runtime_base.to_owned(),
        builder_setup: if cgo_set {
            Vec::new()
        } else {
            vec!["ENV CGO_ENABLED=0".to_owned()]
        },
        builder_finish: Vec::new(),
        runtime_setup: outputs.iter().map(|o| copy_from_builder(o)).collect(),
        keep_sources: false,
    })
}

/// Distroless has no shell and only its own users: RUN, a shell-form CMD or ENTRYPOINT, or a
/// named USER need a distribution.
fn needs_a_shell(cx: &Context) -> bool {
    let shell_form = [Kind::Cmd, Kind::Entrypoint]
        .into_iter()
        .filter_map(|k| cx.instruction(k))
        .any(|i| !i.exec_form);
    let named_user = cx.instruction(Kind::User).is_some_and(|u| {
        u.args.first().is_some_and(|w| {
            !w.text.bytes().all(|b| b.is_ascii_digit() || b == b':') && w.text != "nonroot"
        })
    });
    cx.has_runtime_runs() || shell_form || named_user
}
