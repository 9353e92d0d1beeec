//! DKL204: a downloaded archive extracted but left in the layer.

use crate::finding::{Fix, Related, Severity};
use crate::model::{Command, Model};
use crate::rules::commands::{download_target, extracted_archive, removed_paths};
use crate::rules::fixes::append_command;
use crate::rules::paths::{removal_target, resolve_in, same_file, script_dir, under};
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL204",
        name: "archive-kept-after-extract",
        hadolint: None,
        severity: Severity::Warning,
        fixable: true,
        summary: "A downloaded archive is extracted but not deleted in the same RUN",
        docs: r#"
## What it does
Finds a RUN, in a stage whose layers ship, that downloads a file (`curl -o` / `curl -O`,
`wget`), extracts it (`tar -x…f`, `unzip`) and does not delete it afterwards in the same RUN.

## Why it costs size
The archive stays in the layer next to what was extracted from it: the image carries the
same content twice, once compressed. Deleting it in a later RUN does not help, the bytes stay
in this RUN's layer.

## Not reported when
- the same RUN deletes the archive (or a folder holding it) after downloading it, or runs an
  `rm` whose operand the analysis cannot follow (a variable or a glob);
- the download is streamed into the extractor (`curl … | tar -x`), which writes no archive;
- a cache or tmpfs mount holds the archive;
- the stage's layers do not ship.

## Example
```dockerfile
RUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/dist/v22.0.0/node-v22.0.0-linux-x64.tar.xz \
    && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1
```

## Fix
```dockerfile
RUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/dist/v22.0.0/node-v22.0.0-linux-x64.tar.xz \
    && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1 \
    && rm -f /tmp/node.tar.xz
```
or stream it: `curl -fsSL URL | tar -xJ -C /usr/local --strip-components=1`.
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM debian:bookworm\nRUN curl -fsSLo /tmp/node.tar.xz https://example.com/node.tar.xz \\\n    && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1\n",
            "FROM debian:bookworm\nRUN wget -q https://example.com/tool.zip && unzip tool.zip -d /opt\n",
            "FROM debian:bookworm\nWORKDIR /tmp\nRUN curl -fsSLO https://example.com/a/tool.tgz; tar xzf tool.tgz -C /opt\n",
            "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && curl -fsSLo /tmp/n.tgz https://example.com/n.tgz && tar -xzf /tmp/n.tgz -C /opt \\\n    && rm -rf /var/lib/apt/lists/*\n",
        ],
        clean: &[
            "FROM debian:bookworm\nRUN curl -fsSLo /tmp/n.tgz https://example.com/n.tgz && tar -xzf /tmp/n.tgz -C /opt && rm /tmp/n.tgz\n",
            "FROM debian:bookworm\nRUN curl -fsSL https://example.com/n.tgz | tar -xz -C /opt\n",
            "FROM debian:bookworm\nRUN curl -fsSLo /tmp/n.tgz https://example.com/n.tgz && tar -xzf /tmp/n.tgz -C /opt && rm -rf /tmp/*\n",
            "FROM debian:bookworm\nRUN --mount=type=tmpfs,target=/tmp curl -fsSLo /tmp/n.tgz https://example.com/n.tgz && tar -xzf /tmp/n.tgz -C /opt\n",
            "FROM debian:bookworm AS get\nRUN curl -fsSLo /tmp/n.tgz https://example.com/n.tgz && tar -xzf /tmp/n.tgz -C /opt\nFROM scratch\nCOPY --from=get /opt /opt\n",
            "FROM debian:bookworm\nRUN wget -q https://example.com/tool.zip && unzip tool.zip -d /opt && rm \"$OLDPWD/tool.zip\"\n",
            "FROM debian:bookworm\nRUN mkdir /b && cd /b && curl -fsSLo t.tgz https://example.com/t.tgz && tar xzf t.tgz && cd / && rm -rf /b\n",
            "FROM debian:bookworm\nWORKDIR /tmp\nRUN curl -fsSLO https://example.com/t.tgz && tar xzf t.tgz -C /opt && rm -rf /tmp/*\n",
        ],
    },
};

fn check(model: &Model, sink: &mut Sink) {
    for (at, instr, script) in model.shipped_runs() {
        let commands = &script.commands;
        let dir = script_dir(model, at, script);
        for (i, cmd) in commands.iter().enumerate() {
            let Some(target) = download_target(cmd) else {
                continue;
            };
            if model.mounts(instr).any(|m| m.keeps_out(&target)) {
                continue;
            }
            let later = &commands[i + 1..];
            let Some(extract) = later
                .iter()
                .find(|c| extracted_archive(c).is_some_and(|(_, file)| same_file(file, &target)))
            else {
                continue;
            };
            if later.iter().any(|c| deletes(c, &target, dir.as_deref())) {
                continue;
            }
            // A relative name is only right at the end if the script stays in its folder.
            let stays = target.starts_with('/') || !later.iter().any(|c| c.program() == "cd");
            let fix = append_command(script, &format!("rm -f {target}"), model.directives.escape)
                .filter(|_| stays && commands.iter().all(|c| c.exact))
                .map(|edit| Fix::safe(format!("Delete {target} after extracting it"), vec![edit]));
            let finding = sink.report(
                cmd.range.clone(),
                format!("{target} is extracted but stays in this layer next to its contents: delete it in this RUN, or stream the download into the extractor"),
                fix,
            );
            finding.related.push(Related {
                range: extract.range.clone(),
                message: "extracted here".to_string(),
            });
        }
    }
}

/// Whether `cmd` deletes the archive at `target` (a path resolved against `dir` when `dir` is
/// known): by its path, a folder above it, its name, or an operand the analysis cannot follow.
fn deletes(cmd: &Command, target: &str, dir: Option<&str>) -> bool {
    let resolved = resolve_in(dir, target);
    removed_paths(cmd).any(|w| {
        let operand = w.text.trim_matches(['"', '\'']);
        if operand.contains(['$', '`']) || same_file(operand, target) {
            return true;
        }
        match &resolved {
            Some(path) => removal_target(dir, operand).is_some_and(|r| under(path, &r)),
            // Somewhere the analysis cannot place: any recursive or glob removal may hold it.
            None => {
                operand.contains(['*', '?'])
                    || cmd.has_short_flag('r')
                    || cmd.has_short_flag('R')
                    || cmd.has_flag("--recursive")
            }
        }
    })
}
