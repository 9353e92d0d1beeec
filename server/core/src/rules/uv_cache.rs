//! DKL114: `uv pip install` / `uv sync` without `--no-cache`.

use crate::finding::Severity;
use crate::model::{Command, Model};
use crate::rules::caches::{env_value, Cache};
use crate::rules::fixes::insert_flag;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};
use crate::syntax::words::Word;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL114",
        name: "uv-cache-kept",
        hadolint: None,
        severity: Severity::Warning,
        fixable: true,
        summary: "`uv pip install` / `uv sync` without `--no-cache` leaves uv's cache in the image",
        docs: r#"
## What it does
Finds `uv pip install`, `uv pip sync` and `uv sync` in a stage whose layers ship in the final
image, when nothing keeps uv's cache out of the layer.

## Why it costs size
uv keeps what it downloads and builds in its cache (`~/.cache/uv`, or where `UV_CACHE_DIR`
points): unpacked wheels, wheels it built from source distributions, and registry metadata.
Installed files are hard-linked from the cache where uv can, but built wheels, metadata and
anything resolved but not installed take room of their own, and with `UV_LINK_MODE=copy`
(common in Dockerfiles) every installed file is in the layer twice. uv's own Docker guide
recommends `--no-cache` or `UV_NO_CACHE` when the cache is not a mount. Removing the cache in a
*later* RUN does not help: the files stay in this RUN's layer.

## Not reported when
- the command has `--no-cache` (or `-n`);
- `UV_NO_CACHE` is set (`ENV`, `ARG` default, `export` or `UV_NO_CACHE=1 uv …`);
- a `RUN --mount=type=cache` or `type=tmpfs` mount holds the cache (`/root/.cache/uv`, any
  `…/.cache/uv`, or where `UV_CACHE_DIR` / `--cache-dir` point);
- the same RUN later runs `uv cache clean` or removes the cache folder;
- the stage's layers do not ship (a build stage that is only copied from).

## Example
```dockerfile
FROM python:3.12-slim
COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/uv
RUN uv pip install --system -r requirements.txt
```

## Fix
```dockerfile
FROM python:3.12-slim
COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/uv
RUN uv pip install --no-cache --system -r requirements.txt
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM python:3.12\nRUN uv pip install --system flask\n",
            "FROM python:3.12\nRUN uv sync --frozen\n",
            "FROM python:3.12 AS base\nWORKDIR /app\nFROM base\nRUN set -eux; \\\n    uv sync \\\n      --frozen --no-dev\n",
            "FROM python:3.12\nRUN <<EOF\nuv pip install --system flask\nEOF\n",
            "FROM python:3.12\nRUN sh -c 'uv pip sync requirements.txt'\n",
            "FROM python:3.12\nRUN [\"uv\", \"sync\", \"--frozen\"]\n",
            "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip uv sync\n",
        ],
        clean: &[
            "FROM python:3.12\nRUN uv pip install --no-cache --system flask\n",
            "FROM python:3.12\nENV UV_NO_CACHE=1\nRUN uv sync --frozen\n",
            "FROM python:3.12\nRUN UV_NO_CACHE=1 uv sync --frozen\n",
            "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen\n",
            "FROM python:3.12\nENV UV_CACHE_DIR=/uvc\nRUN --mount=type=cache,target=/uvc uv sync --frozen\n",
            "FROM python:3.12\nRUN uv sync --frozen && uv cache clean\n",
            "FROM python:3.12\nRUN uv sync --frozen && rm -rf /root/.cache/uv\n",
            "FROM python:3.12 AS build\nRUN uv sync\nFROM python:3.12-slim\nCOPY --from=build /app/.venv /app/.venv\n",
            "FROM python:3.12\nRUN uv venv && uv pip list && uv pip compile x.in\n",
        ],
    },
};

const UV: Cache = Cache {
    name: "uv's cache",
    at: &["*/.cache/uv", "$UV_CACHE_DIR", "$XDG_CACHE_HOME/uv"],
    options: &["--cache-dir"],
};

/// For `uv pip install|sync` and `uv sync`: the word after which options go.
fn fills(cmd: &Command) -> Option<&Word> {
    if cmd.program() != "uv" {
        return None;
    }
    let words: Vec<&Word> = cmd
        .args()
        .iter()
        .filter(|w| !w.text.starts_with('-'))
        .collect();
    match words.as_slice() {
        [pip, op, ..] if pip.text == "pip" && matches!(op.text.as_str(), "install" | "sync") => {
            Some(op)
        }
        [sync, ..] if sync.text == "sync" => Some(sync),
        _ => None,
    }
}

fn cleans(cmd: &Command) -> bool {
    let mut words = cmd.args().iter().map(|w| w.text.as_str());
    cmd.program() == "uv"
        && words.next() == Some("cache")
        && matches!(words.next(), Some("clean" | "prune"))
}

fn check(model: &Model, sink: &mut Sink) {
    for (idx, _, script) in model.shipped_runs() {
        for (i, cmd) in script.commands.iter().enumerate() {
            let Some(op) = fills(cmd) else { continue };
            if cmd.has_flag("--no-cache")
                || cmd.has_short_flag('n')
                || env_value(model, idx, script, cmd, "UV_NO_CACHE").is_some()
                || !UV.kept(model, idx, i, cleans)
            {
                continue;
            }
            let fix = insert_flag(cmd, op, "--no-cache");
            sink.report(
                cmd.range.clone(),
                "uv keeps the wheels it downloads and builds in its cache in this layer: add `--no-cache`",
                fix,
            );
        }
    }
}
