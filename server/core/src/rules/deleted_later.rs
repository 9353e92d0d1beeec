//! DKL202: files deleted by a later RUN than the instruction that added them.

use std::ops::Range;

use crate::finding::{Fix, Severity};
use crate::model::{Instruction, Kind, Model};
use crate::rules::commands::{
    download_target, installed_packages, is_apt, removed_packages, removed_paths, removes,
};
use crate::rules::fixes::{append_command, delete_instruction};
use crate::rules::paths::{copy_destination, removal_target, resolve_in, script_dir, under};
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL202",
        name: "deleted-in-later-layer",
        hadolint: None,
        severity: Severity::Warning,
        fixable: true,
        summary: "A RUN deletes files an earlier instruction of the stage added: they stay in the image",
        docs: r#"
## What it does
Finds a RUN, in a stage whose layers ship, that removes files or packages an earlier
instruction of the same stage added:
- `rm` of a file an earlier RUN downloaded (`curl -o`, `curl -O`, `wget`), of a repository an
  earlier RUN cloned (`git clone`), or of `/var/lib/apt/lists` after an earlier `apt-get update`;
- `rm` of the destination of an earlier `COPY` / `ADD` (or of a folder above it);
- `apt-get purge` / `apt-get remove` / `apk del` of a package an earlier RUN installed.

## Why it costs size
Every instruction adds a layer on top of the previous ones. Deleting a file in a later layer
only hides it: the bytes are still in the earlier layer, are still pulled and still stored.
Only a deletion in the same RUN that created the files keeps them out of the image.

## Not reported when
- the earlier RUN already removes the files itself;
- a cache or tmpfs mount held the files, so they never reached a layer;
- the path holds variables or globs (other than a trailing `/*`), or is relative to a working
  directory the analysis cannot know (one set by a base image);
- `apt-get clean` (official Debian and Ubuntu images already drop downloaded packages);
- the stage's layers do not ship (a build stage only copied from).

## Example
```dockerfile
RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt
RUN rm -f /tmp/tool.tgz
```

## Fix
Delete in the RUN that created the files:
```dockerfile
RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt \
    && rm -f /tmp/tool.tgz
```
The quick fix does this when one earlier RUN created everything the later RUN deletes, the
later RUN does nothing else, and no instruction between them uses the files.
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM debian:bookworm\nRUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt\nRUN rm -f /tmp/tool.tgz\n",
            "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n# tidy up\nRUN rm -rf /var/lib/apt/lists/*\n",
            "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\nRUN make\nRUN apt-get purge -y gcc\n",
            "FROM alpine\nCOPY dist.tar.gz /tmp/\nRUN tar -xzf /tmp/dist.tar.gz -C /opt && rm /tmp/dist.tar.gz\n",
            "FROM alpine\nWORKDIR /src\nRUN git clone https://example.com/repo.git app\nRUN make -C app install\nRUN rm -rf /src/app\n",
            "FROM debian:bookworm\nRUN <<EOF\ncurl -fsSLo /tmp/a.zip https://example.com/a.zip\nEOF\nRUN rm /tmp/a.zip\n",
        ],
        clean: &[
            "FROM debian:bookworm\nRUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt && rm -f /tmp/tool.tgz\nRUN rm -rf /tmp/*\n",
            "FROM debian:bookworm AS build\nRUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz\nRUN rm -f /tmp/tool.tgz\nFROM scratch\nCOPY --from=build /opt /opt\n",
            "FROM debian:bookworm\nRUN --mount=type=cache,target=/var/lib/apt apt-get update\nRUN rm -rf /var/lib/apt/lists/*\n",
            "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nRUN apt-get clean\n",
            "FROM alpine\nCOPY . /app\nRUN rm -rf /app/node_modules/.cache\n",
            "FROM node\nRUN git clone https://example.com/repo.git app\nRUN rm -rf app/.git\n",
            "FROM alpine\nRUN rm -rf /tmp/$NAME\n",
        ],
    },
};

/// Something an instruction left in its layer.
struct Added {
    what: Addition,
    instr: usize,
    range: Range<usize>,
}

enum Addition {
    Path(String),
    Package(String),
}

fn check(model: &Model, sink: &mut Sink) {
    for stage in model.stages.iter().filter(|s| s.ships_layers) {
        let mut added: Vec<Added> = Vec::new();
        for at in stage.body.clone() {
            let instr = &model.instructions[at];
            let removals = removals(model, at, instr);
            let hits: Vec<(&Range<usize>, &Added)> = removals
                .iter()
                .flat_map(|(range, removed)| {
                    added
                        .iter()
                        .filter(move |a| matches_removal(&a.what, removed))
                        .map(move |a| (range, a))
                })
                .collect();
            if let Some(&(first, _)) = hits.first() {
                report(model, sink, at, first, &removals, &hits);
            }
            added.extend(additions(model, at, instr));
        }
    }
}

fn matches_removal(added: &Addition, removed: &Addition) -> bool {
    match (added, removed) {
        (Addition::Path(a), Addition::Path(r)) => under(a, r),
        (Addition::Package(a), Addition::Package(r)) => a == r,
        _ => false,
    }
}

fn report(
    model: &Model,
    sink: &mut Sink,
    at: usize,
    first: &Range<usize>,
    removals: &[(Range<usize>, Addition)],
    hits: &[(&Range<usize>, &Added)],
) {
    let instr = &model.instructions[at];
    let creators: Vec<usize> = {
        let mut c: Vec<usize> = hits.iter().map(|(_, a)| a.instr).collect();
        c.dedup();
        c
    };
    let fix = fix(model, at, instr, &creators, removals, hits);
    let where_ = if creators.len() == 1 {
        "an earlier instruction"
    } else {
        "earlier instructions"
    };
    let finding = sink.report(
        first.clone(),
        format!("this deletes what {where_} of the stage added: the bytes stay in the earlier layer; delete them in the RUN that creates them"),
        fix,
    );
    for (_, added) in hits {
        let message = match &added.what {
            Addition::Path(p) => format!("{p} is added here"),
            Addition::Package(p) => format!("{p} is installed here"),
        };
        if !finding.related.iter().any(|r| r.range == added.range) {
            finding.related.push(crate::finding::Related {
                range: added.range.clone(),
                message,
            });
        }
    }
}

/// Moves the cleanup into the one RUN that created everything, when the later RUN does only
/// the cleanup and nothing between the two uses the files.
fn fix(
    model: &Model,
    at: usize,
    instr: &Instruction,
    creators: &[usize],
    removals: &[(Range<usize>, Addition)],
    hits: &[(&Range<usize>, &Added)],
) -> Option<Fix> {
    let [creator] = creators else { return None };
    let target = &model.instructions[*creator];
    let target_script = target.script.as_ref()?;
    let script = instr.script.as_ref()?;
    let all_hit = removals
        .iter()
        .all(|(r, _)| hits.iter().any(|(h, _)| *h == r));
    let only_cleanup = script.commands.iter().all(|c| {
        c.exact
            && removals
                .iter()
                .any(|(r, _)| r.start >= c.range.start && r.end <= c.range.end)
    });
    if !all_hit || !only_cleanup || !target_script.commands.iter().all(|c| c.exact) {
        return None;
    }
    if model.mounts(instr).next().is_some() {
        return None;
    }
    let names: Vec<&str> = hits
        .iter()
        .map(|(_, a)| match &a.what {
            Addition::Path(p) | Addition::Package(p) => p.rsplit('/').next().unwrap_or(p),
        })
        .collect();
    // A package may be used by any RUN; a path by an instruction that names it.
    let packages = hits
        .iter()
        .any(|(_, a)| matches!(a.what, Addition::Package(_)));
    let used_between = model.instructions[creator + 1..at].iter().any(|i| {
        (packages && i.kind == Kind::Run) || names.iter().any(|n| model.text[i.range()].contains(n))
    });
    if used_between {
        return None;
    }
    let cleanup = script
        .commands
        .iter()
        .map(|c| &model.text[c.range.clone()])
        .collect::<Vec<_>>()
        .join(" && ");
    let append = append_command(target_script, &cleanup, model.directives.escape)?;
    Some(Fix::safe(
        "Delete the files in the RUN that creates them".to_string(),
        vec![append, delete_instruction(model.text, instr)],
    ))
}

/// What a RUN removes: paths by `rm` / `find -delete`, packages by purge / remove / del.
fn removals(model: &Model, at: usize, instr: &Instruction) -> Vec<(Range<usize>, Addition)> {
    let Some(script) = instr.script.as_ref().filter(|_| instr.kind == Kind::Run) else {
        return Vec::new();
    };
    let dir = script_dir(model, at, script);
    let mut out = Vec::new();
    for cmd in &script.commands {
        for w in removed_paths(cmd) {
            if let Some(p) = removal_target(dir.as_deref(), &w.text) {
                out.push((w.range.clone(), Addition::Path(p)));
            }
        }
        for w in removed_packages(cmd) {
            out.push((w.range.clone(), Addition::Package(w.text.clone())));
        }
    }
    out
}

/// What an instruction leaves in its layer that a later RUN may delete.
fn additions(model: &Model, at: usize, instr: &Instruction) -> Vec<Added> {
    let mut out = Vec::new();
    if let Some((sources, dest)) = copy_destination(model, at, instr) {
        let range = instr.head(model.text);
        let into_dir =
            instr.args.last().is_some_and(|d| d.text.ends_with('/')) || sources.len() > 1;
        for s in sources {
            let base = s
                .text
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("");
            // A file copied into a folder lands under its own name; a folder's contents land
            // in the destination itself.
            let path =
                if into_dir && !base.is_empty() && !base.contains(['*', '?', '$']) && base != "." {
                    format!("{}/{base}", dest.trim_end_matches('/'))
                } else {
                    dest.clone()
                };
            out.push(Added {
                what: Addition::Path(path),
                instr: at,
                range: range.clone(),
            });
        }
        return out;
    }
    let Some(script) = instr.script.as_ref() else {
        return out;
    };
    let dir = script_dir(model, at, script);
    let kept_out = |p: &str| model.mounts(instr).any(|m| m.keeps_out(p));
    for (i, cmd) in script.commands.iter().enumerate() {
        let later = &script.commands[i + 1..];
        let mut paths: Vec<String> = Vec::new();
        if let Some(target) = download_target(cmd) {
            paths.extend(resolve_in(dir.as_deref(), &target));
        }
        if cmd.program() == "git" && cmd.args().first().is_some_and(|w| w.text == "clone") {
            let operands: Vec<&str> = cmd.args()[1..]
                .iter()
                .filter(|w| !w.text.starts_with('-'))
                .map(|w| w.text.as_str())
                .collect();
            let name = match operands.as_slice() {
                [_, name, ..] => Some(name.to_string()),
                [url] => url
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .map(|n| n.trim_end_matches(".git").to_string()),
                _ => None,
            };
            paths.extend(name.and_then(|n| resolve_in(dir.as_deref(), &n)));
        }
        if is_apt(cmd, "update") {
            paths.push("/var/lib/apt/lists".to_string());
        }
        for p in paths {
            if !kept_out(&p) && !later.iter().any(|c| removes(c, &p)) {
                out.push(Added {
                    what: Addition::Path(p),
                    instr: at,
                    range: cmd.range.clone(),
                });
            }
        }
        for w in installed_packages(cmd) {
            let purged = later
                .iter()
                .any(|c| removed_packages(c).iter().any(|p| p.text == w.text));
            if !purged {
                out.push(Added {
                    what: Addition::Package(w.text.clone()),
                    instr: at,
                    range: cmd.range.clone(),
                });
            }
        }
    }
    out
}
