//! DKL104: `apk add` without `--no-cache`.

use crate::finding::Severity;
use crate::model::Model;
use crate::rules::commands::{apk_operation, removes};
use crate::rules::fixes::insert_flag;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL104",
        name: "apk-cache-kept",
        hadolint: Some("DL3019"),
        severity: Severity::Warning,
        fixable: true,
        summary: "`apk add` without `--no-cache` leaves the package index in the image",
        docs: r#"
## What it does
Finds `apk add` in a stage that reaches the final image without `--no-cache`.

## Why it costs size
Without `--no-cache`, apk stores the repository indexes it fetched under `/var/cache/apk`
(and, where a cache directory is configured, the downloaded packages too). The index is only
needed to install packages, not to run them. With `--no-cache` apk fetches the index into a
temporary place and leaves nothing behind.

## Not reported when
- the command has `--no-cache`;
- the same RUN later removes `/var/cache/apk` or its contents;
- a `RUN --mount=type=cache` or `type=tmpfs` mount holds `/var/cache/apk` or `/etc/apk/cache`;
- the stage does not reach the final image.

## Example
```dockerfile
FROM alpine:3.20
RUN apk add curl
```

## Fix
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM alpine:3.20\nRUN apk add curl\n",
            "FROM alpine:3.20\nRUN apk update && apk add --virtual .build-deps gcc\n",
            "FROM alpine:3.20\nRUN set -ex \\\n  && apk -U add \\\n     curl\n",
        ],
        clean: &[
            "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
            "FROM alpine:3.20\nRUN apk add curl && rm -rf /var/cache/apk/*\n",
            "FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n",
            "FROM alpine:3.20 AS build\nRUN apk add gcc\nFROM alpine:3.20\nRUN echo hi\n",
            "FROM alpine:3.20\nRUN apk del curl\n",
        ],
    },
};

const CACHE_DIRS: &[&str] = &["/var/cache/apk", "/etc/apk/cache"];

fn check(model: &Model, sink: &mut Sink) {
    for (_, instr, script) in model.shipped_runs() {
        if model
            .mounts(instr)
            .any(|m| CACHE_DIRS.iter().any(|d| m.keeps_out(d)))
        {
            continue;
        }
        for (i, cmd) in script.commands.iter().enumerate() {
            let Some(add) = apk_operation(cmd).filter(|w| w.text == "add") else {
                continue;
            };
            if cmd.has_flag("--no-cache") {
                continue;
            }
            if script.commands[i + 1..]
                .iter()
                .any(|c| CACHE_DIRS.iter().any(|d| removes(c, d)))
            {
                continue;
            }
            let fix = insert_flag(cmd, add, "--no-cache");
            sink.report(
                cmd.range.clone(),
                "`apk add` without `--no-cache` leaves the package index in /var/cache/apk in this layer",
                fix,
            );
        }
    }
}
