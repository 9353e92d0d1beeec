//! DKL101: `pip install` without `--no-cache-dir`.

use crate::finding::Severity;
use crate::model::Model;
use crate::rules::commands::pip_install;
use crate::rules::fixes::insert_flag;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL101",
        name: "pip-cache-kept",
        hadolint: Some("DL3042"),
        severity: Severity::Warning,
        fixable: true,
        summary: "`pip install` without `--no-cache-dir` leaves pip's download cache in the image",
        docs: r#"
## What it does
Finds `pip install` (also `pip3`, `pip3.12`, `python -m pip`) in a stage that reaches the final
image, when nothing stops pip from keeping its cache.

## Why it costs size
pip keeps every wheel and source archive it downloads in `~/.cache/pip`. In an image nobody runs
pip a second time, so the cache is dead weight: usually tens of megabytes, hundreds with large
wheels such as numpy or torch. The files stay in the layer even if a later RUN deletes them.

## Not reported when
- the command has `--no-cache-dir`;
- `PIP_NO_CACHE_DIR` is set (`ENV`, `ARG` default, `export` or `VAR=1 pip …`) for the RUN;
- a `RUN --mount=type=cache` or `type=tmpfs` mount holds the pip cache (then the cache speeds up
  rebuilds without entering the layer);
- the stage does not reach the final image.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install -r requirements.txt
```

## Fix
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir -r requirements.txt
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM python:3.12\nRUN pip install flask\n",
            "FROM python:3.12\nRUN set -eux; \\\n    python3 -m pip install --upgrade pip \\\n    && pip3 install -r requirements.txt\n",
            "FROM python:3.12\nRUN [\"pip\", \"install\", \"flask\"]\n",
            "FROM python:3.12\nRUN sh -c 'pip install flask'\n",
            "FROM python:3.12 AS build\nRUN echo\nFROM build\nRUN <<EOF\npip install flask\nEOF\n",
            "# escape=`\nFROM python:3.12\nRUN pip install `\n    flask\n",
            "FROM python:3.12\nRUN set -eux; \\\n    [ -z \"$X\" ] || exit 1; \\\n    pip install flask\n",
        ],
        clean: &[
            "FROM python:3.12\nRUN pip install --no-cache-dir flask\n",
            "FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n",
            "FROM python:3.12 AS base\nENV PIP_NO_CACHE_DIR=off\nFROM base\nRUN pip install flask\n",
            "FROM python:3.12\nRUN PIP_NO_CACHE_DIR=1 pip install flask\n",
            "FROM python:3.12\nRUN export PIP_NO_CACHE_DIR=1 && pip install flask\n",
            "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n",
            "FROM python:3.12 AS build\nRUN pip install flask\nFROM python:3.12-slim\nCOPY app /app\n",
            "FROM python:3.12\nRUN pip download flask && pipx install black && uv pip install x\n",
        ],
    },
};

fn check(model: &Model, sink: &mut Sink) {
    for (idx, instr, script) in model.shipped_runs() {
        let cache_dir = model.env_at(idx, "PIP_CACHE_DIR");
        if model.env_at(idx, "PIP_NO_CACHE_DIR").is_some()
            || model.mounts(instr).any(|m| {
                m.keeps_out("/root/.cache/pip")
                    || m.target
                        .as_deref()
                        .is_some_and(|t| t.trim_end_matches('/').ends_with(".cache/pip"))
                    || cache_dir.as_deref().is_some_and(|d| m.keeps_out(d))
            })
        {
            continue;
        }
        for cmd in &script.commands {
            let Some(install) = pip_install(cmd) else {
                continue;
            };
            let set_in_script = script
                .assignments
                .iter()
                .any(|(name, _, at)| name == "PIP_NO_CACHE_DIR" && *at < cmd.range.start);
            if cmd.has_flag("--no-cache-dir")
                || cmd.env.iter().any(|(k, _)| k == "PIP_NO_CACHE_DIR")
                || set_in_script
            {
                continue;
            }
            let fix = insert_flag(cmd, install, "--no-cache-dir");
            sink.report(
                cmd.range.clone(),
                "`pip install` keeps its download cache in this layer (often tens of MB, more with large wheels): add `--no-cache-dir`",
                fix,
            );
        }
    }
}
