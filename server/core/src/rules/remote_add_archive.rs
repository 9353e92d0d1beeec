//! DKL205: a remote archive fetched by ADD and extracted by a later RUN.

use crate::finding::{Related, Severity};
use crate::model::{Kind, Model};
use crate::rules::commands::{extracted_archive, is_archive_name};
use crate::rules::paths::{resolve_in, same_file, workdir_at};
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL205",
        name: "remote-archive-added",
        hadolint: None,
        severity: Severity::Warning,
        fixable: false,
        summary: "`ADD https://…` of an archive that a later RUN extracts: the archive stays in its own layer",
        docs: r#"
## What it does
Finds `ADD` of a URL that names an archive (`.tar.gz`, `.tgz`, `.zip`, …), in a stage whose
layers ship, when a later RUN of the stage extracts that file.

## Why it costs size
ADD does not unpack a remote archive by default: it stores the downloaded file in the ADD's
own layer. The RUN that extracts it adds the contents in another layer, and deleting the
archive there cannot take it out of the ADD's layer. The image carries the content twice,
once compressed.

## Not reported when
- ADD has `--unpack` (it unpacks the archive itself);
- no later RUN of the stage extracts the file;
- the stage's layers do not ship (a download stage only copied from is fine).

## Example
```dockerfile
ADD https://example.com/tool-1.2.tar.gz /tmp/
RUN tar -xzf /tmp/tool-1.2.tar.gz -C /opt && rm /tmp/tool-1.2.tar.gz
```

## Fix
Download and extract in one RUN, streaming the archive:
```dockerfile
RUN curl -fsSL https://example.com/tool-1.2.tar.gz | tar -xz -C /opt
```
or let ADD unpack it (a recent Dockerfile frontend, `# syntax=docker/dockerfile:1`):
```dockerfile
ADD --unpack=true https://example.com/tool-1.2.tar.gz /opt/
```
There is no quick fix: the right command depends on the tools the image has.
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM debian:bookworm\nADD https://example.com/tool-1.2.tar.gz /tmp/\nRUN tar -xzf /tmp/tool-1.2.tar.gz -C /opt && rm /tmp/tool-1.2.tar.gz\n",
            "FROM alpine\nWORKDIR /opt\nADD https://example.com/dl/app.zip?raw=1 app.zip\nRUN unzip app.zip\n",
        ],
        clean: &[
            "FROM debian:bookworm\nADD --unpack=true https://example.com/tool-1.2.tar.gz /opt/\n",
            "FROM debian:bookworm\nADD https://example.com/tool-1.2.tar.gz /tmp/\n",
            "FROM debian:bookworm AS get\nADD https://example.com/t.tgz /tmp/\nRUN tar -xzf /tmp/t.tgz -C /opt\nFROM scratch\nCOPY --from=get /opt /opt\n",
            "FROM debian:bookworm\nADD https://example.com/tool /usr/local/bin/tool\nRUN tar -xzf /tmp/other.tgz\n",
        ],
    },
};

fn check(model: &Model, sink: &mut Sink) {
    for stage in model.stages.iter().filter(|s| s.ships_layers) {
        for at in stage.body.clone() {
            let instr = &model.instructions[at];
            if instr.kind != Kind::Add || instr.flag("unpack").is_some() {
                continue;
            }
            let Some((dest, sources)) = instr.args.split_last() else {
                continue;
            };
            let into_dir = dest.text.ends_with('/') || sources.len() > 1;
            let dir = workdir_at(model, at);
            for source in sources.iter().filter(|s| s.text.contains("://")) {
                let name = source.text.split(['?', '#']).next().unwrap_or("");
                let name = name.rsplit('/').next().unwrap_or("");
                let file = if into_dir {
                    format!("{}/{name}", dest.text.trim_end_matches('/'))
                } else {
                    dest.text.clone()
                };
                if !is_archive_name(&file) {
                    continue;
                }
                let file = resolve_in(dir.as_deref(), &file).unwrap_or(file);
                let extraction = model.instructions[at + 1..stage.body.end]
                    .iter()
                    .filter_map(|i| i.script.as_ref())
                    .flat_map(|s| &s.commands)
                    .find(|c| extracted_archive(c).is_some_and(|(_, f)| same_file(f, &file)));
                let Some(extraction) = extraction else {
                    continue;
                };
                let finding = sink.report(
                    instr.head(model.text),
                    format!("ADD stores the downloaded archive {file} in its own layer; extracting it later adds the contents again. Stream it in the RUN (`curl … | tar -x`) or use ADD --unpack=true"),
                    None,
                );
                finding.related.push(Related {
                    range: extraction.range.clone(),
                    message: "extracted here".to_string(),
                });
            }
        }
    }
}
