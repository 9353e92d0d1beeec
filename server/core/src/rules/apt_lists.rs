//! DKL103: apt package lists left in the layer that downloaded them.

use crate::finding::{Fix, Severity};
use crate::model::Model;
use crate::rules::commands::{is_apt, removes};
use crate::rules::fixes::append_command;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

const LISTS: &str = "/var/lib/apt/lists";

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL103",
        name: "apt-lists-kept",
        hadolint: Some("DL3009"),
        severity: Severity::Warning,
        fixable: true,
        summary: "`apt-get update` without removing /var/lib/apt/lists in the same RUN",
        docs: r#"
## What it does
Finds a RUN, in a stage that reaches the final image, that runs `apt-get update` (or
`apt update`) and does not remove `/var/lib/apt/lists` afterwards in the same RUN.

## Why it costs size
`apt-get update` downloads the package indexes of every configured repository into
`/var/lib/apt/lists`: typically 20–50 MB (measured: 19.9 MB on Debian bookworm amd64 with the
official images' gzip-compressed indexes, 52.9 MB without). Nothing needs them at run time.
Removing them in a *later* RUN does not help: the bytes stay in this RUN's layer.

## Not reported when
- the same RUN later runs `rm -rf /var/lib/apt/lists/*` (or removes the folder, or a parent),
  `find /var/lib/apt/lists … -delete`, or `apt-get dist-clean`;
- a `RUN --mount=type=cache` or `type=tmpfs` mount holds `/var/lib/apt` or its lists;
- the stage does not reach the final image.

## Example
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

## Fix
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n",
            "FROM debian:bookworm\nRUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y --no-install-recommends curl\n",
            "FROM debian:bookworm\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl\n",
            "FROM debian:bookworm\nRUN <<EOF\nset -e\napt-get update\napt-get install -y --no-install-recommends curl\nEOF\n",
            "FROM debian:bookworm\nRUN apt-get update\nRUN rm -rf /var/lib/apt/lists/*\n",
            "# escape=`\nFROM debian:bookworm\nRUN apt-get update `\n    && apt-get install -y --no-install-recommends curl\n",
            "FROM debian:bookworm\nRUN set -eux; \\\n    [ -f /etc/x ] || touch /etc/x; \\\n    apt-get update\n",
        ],
        clean: &[
            "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
            "FROM debian:bookworm\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y --no-install-recommends curl\n",
            "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get dist-clean\n",
            "FROM debian:bookworm AS build\nRUN apt-get update\nFROM scratch\n",
            "FROM debian:bookworm\nRUN apt-get install -y --no-install-recommends ./local.deb\n",
        ],
    },
};

fn check(model: &Model, sink: &mut Sink) {
    for (_, instr, script) in model.shipped_runs() {
        if model.mounts(instr).any(|m| m.keeps_out(LISTS)) {
            continue;
        }
        let Some(update) = script.commands.iter().position(|c| is_apt(c, "update")) else {
            continue;
        };
        let cleaned = script.commands[update + 1..]
            .iter()
            .any(|c| removes(c, LISTS) || is_apt(c, "dist-clean"));
        if cleaned {
            continue;
        }
        let fix = append_command(
            script,
            "rm -rf /var/lib/apt/lists/*",
            model.directives.escape,
        )
        .filter(|_| script.commands.iter().all(|c| c.exact))
        .map(|edit| {
            Fix::safe(
                "Remove the apt lists at the end of this RUN".to_string(),
                vec![edit],
            )
        });
        sink.report(
            script.commands[update].range.clone(),
            "apt package lists stay in this layer (typically 20–50 MB; 19.9 MB on Debian bookworm): remove /var/lib/apt/lists/* in the same RUN",
            fix,
        );
    }
}
