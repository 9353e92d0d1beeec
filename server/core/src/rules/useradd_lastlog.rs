//! DKL119: `useradd` with a high UID and without `--no-log-init`.

use crate::finding::Severity;
use crate::model::{Command, Model};
use crate::rules::caches::env_value;
use crate::rules::fixes::insert_flag;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL119",
        name: "useradd-lastlog",
        hadolint: Some("DL3046"),
        severity: Severity::Warning,
        fixable: true,
        summary: "`useradd` with a UID above 65535 and without `-l` writes a huge /var/log/lastlog",
        docs: r#"
## What it does
Finds `useradd` with a UID above 65535 (`-u N`, `--uid N`, `--uid=N`, also through an `ARG`
or `ENV` default) and without `-l` / `--no-log-init`, in a stage whose layers ship in the final
image.

## Why it costs size
Unless told `-l`, `useradd` writes the new user's entry into `/var/log/lastlog` (and
`/var/log/faillog`) at the offset of its UID, where those files exist, as Debian, Ubuntu and
RHEL-family images have them. The files are sparse on disk, but image layers store them in
full: `lastlog` holds 292 bytes per UID on 64-bit glibc systems, so a UID of 1000000 makes it
about 292 MB of zeros in the layer.

## Not reported when
- the command has `-l` or `--no-log-init`;
- the UID is 65535 or below, or is not known when reading the Dockerfile;
- the stage's layers do not ship (a build stage that is only copied from).

## Example
```dockerfile
FROM debian:bookworm-slim
RUN useradd -u 1000000 app
```

## Fix
```dockerfile
FROM debian:bookworm-slim
RUN useradd -l -u 1000000 app
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM debian:bookworm\nRUN useradd -u 1000000 app\n",
            "FROM debian:bookworm\nRUN groupadd -g 70000 app && \\\n    useradd --uid=70000 -g app app\n",
            "FROM debian:bookworm\nARG UID=100000\nRUN <<EOF\nuseradd --uid \"$UID\" app\nEOF\n",
            "FROM debian:bookworm\nRUN sh -c 'useradd -mu 123456 app'\n",
            "FROM debian:bookworm AS base\nRUN echo\nFROM base\nRUN [\"useradd\", \"-u\", \"99999999\", \"app\"]\n",
        ],
        clean: &[
            "FROM debian:bookworm\nRUN useradd -l -u 1000000 app\n",
            "FROM debian:bookworm\nRUN useradd --no-log-init -u 1000000 app\n",
            "FROM debian:bookworm\nRUN useradd -lu 1000000 app\n",
            "FROM debian:bookworm\nRUN useradd -u 1000 app\n",
            "FROM debian:bookworm\nRUN useradd -u \"$UID\" app\n",
            "FROM debian:bookworm AS build\nRUN useradd -u 1000000 app\nFROM scratch\nCOPY --from=build /etc/passwd /etc/passwd\n",
            "FROM debian:bookworm\nRUN usermod -u 1000000 app\n",
        ],
    },
};

/// 64-bit glibc's `struct lastlog`: a 32-bit time, a 32-byte line and a 256-byte host.
const LASTLOG_ENTRY: u64 = 292;

fn check(model: &Model, sink: &mut Sink) {
    for (idx, _, script) in model.shipped_runs() {
        for cmd in &script.commands {
            if cmd.program() != "useradd"
                || cmd.has_flag("--no-log-init")
                || cmd.has_short_flag('l')
            {
                continue;
            }
            let Some(uid) = uid(cmd)
                .map(|u| crate::model::stage::expand(u, |n| env_value(model, idx, script, cmd, n)))
                .and_then(|u| u.trim().parse::<u64>().ok())
                .filter(|u| *u > 65535)
            else {
                continue;
            };
            let fix = insert_flag(cmd, &cmd.words[0], "-l");
            let megabytes = uid * LASTLOG_ENTRY / 1_000_000;
            sink.report(
                cmd.range.clone(),
                format!(
                    "`useradd` with UID {uid} and without `-l` writes /var/log/lastlog up to that UID: about {megabytes} MB of zeros in this layer; add `-l`"
                ),
                fix,
            );
        }
    }
}

/// The UID argument as written: `-u N`, `-uN`, `-mu N`, `--uid N`, `--uid=N`.
fn uid(cmd: &Command) -> Option<&str> {
    let args = cmd.args();
    args.iter().enumerate().find_map(|(i, w)| {
        let next = || args.get(i + 1).map(|v| v.text.as_str());
        let t = w.text.as_str();
        if t == "--uid" {
            next()
        } else if let Some(v) = t.strip_prefix("--uid=") {
            Some(v)
        } else if t.starts_with('-') && !t.starts_with("--") {
            let cluster = &t[1..];
            let at = cluster.find('u')?;
            // Letters before `u` are flags without values; what follows is the UID.
            match &cluster[at + 1..] {
                "" => next(),
                rest => Some(rest),
            }
        } else {
            None
        }
    })
}
