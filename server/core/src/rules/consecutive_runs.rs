//! DKL207: consecutive RUNs whose split costs size.

use crate::finding::{Edit, Fix, Related, Severity};
use crate::model::{Instruction, Kind, Model, Script};
use crate::rules::commands::{apk_operation, apt_operation, installed_packages};
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL207",
        name: "consecutive-runs",
        hadolint: Some("DL3059"),
        severity: Severity::Info,
        fixable: true,
        summary: "Consecutive RUNs where one layer would do: the package index or rewritten files are stored twice",
        docs: r#"
## What it does
Finds two RUN instructions in a row (comments between them do not count), in a stage whose
layers ship, with the same `--mount` / `--network` flags, when keeping them apart costs size:
- the first only refreshes the package index (`apt-get update`, `apk update`) and the second
  installs packages: the index stays in the first layer whatever the second cleans up;
- both only run small system commands (`mkdir`, `ln`, `chmod`, `useradd`, `groupadd`, `sed -i`,
  …), which rewrite the same files (`/etc/passwd`, `/etc/group`, …) in one layer after
  another.

## Why it costs size
Each layer stores every file it changes, whole. A file changed by two RUNs is stored twice,
and a package index downloaded in its own layer can never be removed from the image.

## Not reported when
- the RUNs have different flags (a cache mount for one and not the other), or one is in exec
  form or has a heredoc;
- the RUNs do anything heavier (merging unrelated build steps only hurts caching);
- the stage's layers do not ship.

## Example
```dockerfile
RUN groupadd -r app
RUN useradd -r -g app app
```

## Fix
```dockerfile
RUN groupadd -r app && \
    useradd -r -g app app
```
The quick fix is not offered when the RUN above holds a `#` (a shell comment would swallow
the merged commands).
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM debian:bookworm-slim\nRUN groupadd -r app\nRUN useradd -r -g app app\n",
            "FROM debian:bookworm-slim\nRUN apt-get update\n# the tools\nRUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
            "# escape=`\nFROM alpine\nRUN mkdir -p /app/data\nRUN ln -s /app/data /data\n",
            "FROM alpine\nRUN mkdir /a # the data\nRUN mkdir /b\n",
        ],
        clean: &[
            "FROM debian:bookworm-slim\nRUN groupadd -r app\nCOPY . /app\nRUN useradd -r -g app app\n",
            "FROM debian:bookworm-slim\nRUN make\nRUN make install\n",
            "FROM debian:bookworm-slim\nRUN --mount=type=cache,target=/var/cache/apt apt-get update\nRUN apt-get install -y --no-install-recommends curl\n",
            "FROM debian:bookworm-slim AS build\nRUN mkdir /a\nRUN mkdir /b\nFROM scratch\n",
            "FROM alpine\nRUN [\"mkdir\", \"/a\"]\nRUN mkdir /b\n",
        ],
    },
};

/// Commands that only touch a few small system files.
const SMALL: &[&str] = &[
    "mkdir", "ln", "chmod", "chown", "touch", "echo", "printf", "useradd", "groupadd", "adduser",
    "addgroup", "usermod", "sed", "mkfifo", "true", "set",
];

fn check(model: &Model, sink: &mut Sink) {
    for pair in model.instructions.windows(2) {
        let [a, b] = pair else { continue };
        if !(model.ships(b) && a.stage == b.stage) {
            continue;
        }
        let (Some(sa), Some(sb)) = (plain_script(a), plain_script(b)) else {
            continue;
        };
        let same_flags = a.flags.len() == b.flags.len()
            && a.flags
                .iter()
                .zip(&b.flags)
                .all(|(x, y)| x.name == y.name && x.value == y.value);
        if !same_flags {
            continue;
        }
        let index_then_install = only_index_update(sa)
            && sb
                .commands
                .iter()
                .any(|c| !installed_packages(c).is_empty());
        if !(index_then_install || (small(sa) && small(sb))) {
            continue;
        }
        let escape = model.directives.escape as char;
        // A shell comment at the end of the RUN above would swallow the merged commands.
        let fix = (!model.text[a.range()].contains('#')).then(|| {
            Fix::safe(
                "Merge into the RUN above".to_string(),
                vec![
                    Edit::insert(a.line.range.end, format!(" && {escape}")),
                    Edit::replace(b.line.keyword.start..b.line.body.start, "    "),
                ],
            )
        });
        let message = if index_then_install {
            "the package index downloaded by the RUN above stays in its layer: update and install in one RUN"
        } else {
            "consecutive small RUNs each store the files they change: merge them into one RUN"
        };
        let finding = sink.report(b.head(model.text), message, fix);
        finding.related.push(Related {
            range: a.head(model.text),
            message: "the RUN above".to_string(),
        });
    }
}

/// The script of a shell-form RUN without heredocs, whose offsets fixes may use.
fn plain_script(instr: &Instruction) -> Option<&Script> {
    let script = instr.script.as_ref()?;
    (instr.kind == Kind::Run
        && !instr.exec_form
        && instr.line.heredocs.is_empty()
        && !script.commands.is_empty()
        && script.commands.iter().all(|c| c.exact))
    .then_some(script)
}

fn only_index_update(script: &Script) -> bool {
    script.commands.iter().all(|c| {
        apt_operation(c).is_some_and(|w| w.text == "update")
            || apk_operation(c).is_some_and(|w| w.text == "update")
    })
}

fn small(script: &Script) -> bool {
    script.commands.len() <= 3
        && script.commands.iter().all(|c| {
            SMALL.contains(&c.program())
                && !(c.has_short_flag('R') && c.program().starts_with("ch"))
        })
}

#[cfg(test)]
mod tests {
    use crate::{analyze_str, apply_edits};

    fn fixed(text: &str) -> String {
        let edits: Vec<_> = analyze_str(text)
            .findings
            .iter()
            .filter(|f| f.code() == "DKL207")
            .flat_map(|f| f.fix.clone().unwrap().edits)
            .collect();
        apply_edits(text, &edits)
    }

    #[test]
    fn merges_keep_comments_and_the_escape_character() {
        assert_eq!(
            fixed("FROM debian:bookworm-slim\nRUN apt-get update\n# the tools\nRUN apt-get install -y curl\n"),
            "FROM debian:bookworm-slim\nRUN apt-get update && \\\n# the tools\n    apt-get install -y curl\n"
        );
        assert_eq!(
            fixed("# escape=`\nFROM alpine\nRUN mkdir /a\nRUN mkdir /b\nRUN mkdir /c\n"),
            "# escape=`\nFROM alpine\nRUN mkdir /a && `\n    mkdir /b && `\n    mkdir /c\n"
        );
    }
}
