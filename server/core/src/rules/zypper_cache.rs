//! DKL107: `zypper install` without `zypper clean` in the same RUN.

use crate::finding::Severity;
use crate::model::{Command, Model};
use crate::rules::caches::{report_kept, Cache, Tool};
use crate::rules::commands::operation;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL107",
        name: "zypper-cache-kept",
        hadolint: Some("DL3036"),
        severity: Severity::Warning,
        fixable: true,
        summary: "`zypper install` without `zypper clean` leaves zypper's cache in the image",
        docs: r#"
## What it does
Finds a RUN, in a stage whose layers ship in the final image, that runs `zypper install` (or
`in`, `update`, `dist-upgrade`, `refresh`, …) with no `zypper clean` after it in the same RUN.

## Why it costs size
zypper keeps the repository metadata it downloaded, and the solver caches it builds from it,
under `/var/cache/zypp` (and downloaded packages there too when a repository keeps them).
Nothing needs them at run time. Cleaning in a *later* RUN does not help: the files stay in this
RUN's layer.

## Not reported when
- the same RUN later runs `zypper clean` / `zypper cc` (with any options), or removes
  `/var/cache/zypp`;
- a `RUN --mount=type=cache` or `type=tmpfs` mount holds `/var/cache/zypp`;
- the stage's layers do not ship (a build stage that is only copied from).

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive install curl
```

## Fix
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive install curl && zypper clean -a
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM opensuse/leap:15.6\nRUN zypper --non-interactive install curl\n",
            "FROM opensuse/leap:15.6\nRUN zypper ref && \\\n    zypper -n in curl\n",
            "FROM opensuse/leap:15.6\nRUN <<EOF\nzypper -n in curl\nEOF\n",
            "FROM opensuse/leap:15.6\nRUN bash -c 'zypper -n in curl'\n",
            "FROM opensuse/leap:15.6\nRUN --mount=type=cache,target=/var/cache/apt zypper -n in curl\n",
        ],
        clean: &[
            "FROM opensuse/leap:15.6\nRUN zypper -n in curl && zypper clean -a\n",
            "FROM opensuse/leap:15.6\nRUN zypper -n in curl; zypper cc\n",
            "FROM opensuse/leap:15.6\nRUN zypper -n in curl && rm -rf /var/cache/zypp/*\n",
            "FROM opensuse/leap:15.6\nRUN --mount=type=cache,target=/var/cache/zypp zypper -n in curl\n",
            "FROM opensuse/leap:15.6 AS build\nRUN zypper -n in gcc\nFROM scratch\nCOPY --from=build /x /x\n",
            "FROM opensuse/leap:15.6\nRUN zypper -n rm curl\n",
        ],
    },
};

const ZYPP: Cache = Cache {
    name: "its metadata cache (/var/cache/zypp)",
    at: &["/var/cache/zypp"],
    options: &["--cache-dir", "-C"],
};

const VALUE_OPTIONS: &[&str] = &[
    "-c",
    "--config",
    "-R",
    "--root",
    "-D",
    "--reposd-dir",
    "-C",
    "--cache-dir",
    "--raw-cache-dir",
    "--solv-cache-dir",
    "--pkg-cache-dir",
];

static TOOL: Tool = Tool {
    fills,
    cleans: |cmd| {
        operation(cmd, &["zypper"], VALUE_OPTIONS)
            .is_some_and(|w| matches!(w.text.as_str(), "clean" | "cc"))
    },
    fix: Some(|cmd| format!("{} clean -a", cmd.words[0].text)),
    message: |_, cache| {
        format!("`zypper` leaves {cache} in this layer: run `zypper clean -a` in the same RUN")
    },
};

fn fills(cmd: &Command) -> &'static [&'static Cache] {
    const FILLING: &[&str] = &[
        "install",
        "in",
        "update",
        "up",
        "dist-upgrade",
        "dup",
        "patch",
        "refresh",
        "ref",
        "source-install",
        "si",
        "install-new-recommends",
        "inr",
    ];
    match operation(cmd, &["zypper"], VALUE_OPTIONS) {
        Some(w) if FILLING.contains(&w.text.as_str()) => &[&ZYPP],
        _ => &[],
    }
}

fn check(model: &Model, sink: &mut Sink) {
    report_kept(model, sink, &TOOL);
}
