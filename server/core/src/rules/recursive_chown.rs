//! DKL203: `chown -R` / `chmod -R` over files an earlier COPY / ADD brought in.

use crate::finding::{Edit, Fix, Severity};
use crate::model::{Command, Instruction, Kind, Model};
use crate::rules::fixes::delete_instruction;
use crate::rules::paths::{copy_destination, resolve_in, script_dir, under, workdir_at};
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL203",
        name: "recursive-chown-after-copy",
        hadolint: None,
        severity: Severity::Warning,
        fixable: true,
        summary: "`chown -R` / `chmod -R` over copied files stores every file twice: use COPY --chown / --chmod",
        docs: r#"
## What it does
Finds `chown -R` / `chmod -R` (or `--recursive`) in a RUN, in a stage whose layers ship, over a
path that holds the destination of an earlier `COPY` / `ADD` of the same stage.

## Why it costs size
Changing a file's owner or mode changes its metadata, and a layer stores a changed file whole:
every copied file is stored once by the COPY layer and once more by the RUN layer. For a
copied application folder, that doubles its size in the image.

## Not reported when
- every COPY / ADD under the path already sets that owner (or mode);
- the path does not hold an earlier COPY / ADD destination of the same stage (files the RUN
  itself or an earlier RUN created are stored once anyway);
- the path holds variables, or is relative to a working directory a base image sets;
- the stage's layers do not ship.

## Example
```dockerfile
COPY . /app
RUN chown -R app:app /app
```

## Fix
```dockerfile
COPY --chown=app:app . /app
```
The quick fix does this when the RUN does only this, over exactly one COPY's destination,
with a literal owner (or an octal mode for `chmod`), nothing runs in between, and the folder
was not made by WORKDIR (COPY --chown sets the copied files' owner, not that of a folder that
existed before).
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM node:22-slim\nCOPY . /app\nRUN chown -R node:node /app\n",
            "FROM alpine\nCOPY bin/ /opt/tool/bin/\nRUN chmod -R 755 /opt/tool/bin\n",
            "FROM alpine\nWORKDIR /srv\nCOPY . .\nRUN chown -R 1000:1000 /srv && chmod -R g+w /srv\n",
            "FROM alpine\nCOPY app.jar /app/app.jar\nRUN apk add --no-cache openjdk17-jre && chown -R nobody /app\n",
        ],
        clean: &[
            "FROM alpine\nCOPY --chown=app . /app\nRUN chown -R app /data\n",
            "FROM alpine\nRUN mkdir /data && chown -R nobody /data\n",
            "FROM alpine AS build\nCOPY . /src\nRUN chown -R nobody /src\nFROM scratch\nCOPY --from=build /src/app /app\n",
            "FROM alpine\nCOPY . /app\nRUN chown nobody /app\n",
            "FROM alpine\nCOPY . /app\nRUN chown -R $USER /app/$DIR\n",
            "FROM alpine\nCOPY --chown=nginx:nginx start.sh /app/start.sh\nRUN chown -R nginx:nginx /app\n",
        ],
    },
};

fn check(model: &Model, sink: &mut Sink) {
    for stage in model.stages.iter().filter(|s| s.ships_layers) {
        let mut copies: Vec<(usize, String)> = Vec::new();
        for at in stage.body.clone() {
            let instr = &model.instructions[at];
            if let Some((_, dest)) = copy_destination(model, at, instr) {
                copies.push((at, dest));
                continue;
            }
            let Some(script) = instr.script.as_ref() else {
                continue;
            };
            let dir = script_dir(model, at, script);
            for cmd in &script.commands {
                let Some((value, paths)) = recursive_change(cmd) else {
                    continue;
                };
                let resolved: Vec<String> = paths
                    .iter()
                    .filter_map(|p| resolve_in(dir.as_deref(), p))
                    .collect();
                // A COPY that already sets this owner or mode left nothing for the RUN to change.
                let hit: Vec<&(usize, String)> = copies
                    .iter()
                    .filter(|(_, d)| resolved.iter().any(|p| under(d, p)))
                    .filter(|(i, _)| {
                        model.instructions[*i]
                            .flag(cmd.program())
                            .is_none_or(|f| f.value.as_deref() != Some(value))
                    })
                    .collect();
                let Some(&&(copy_at, _)) = hit.first() else {
                    continue;
                };
                let fix = (hit.len() == 1 && paths.len() == 1)
                    .then(|| {
                        fix(
                            model,
                            at,
                            instr,
                            cmd,
                            value,
                            copy_at,
                            &hit[0].1,
                            &resolved[0],
                        )
                    })
                    .flatten();
                let finding = sink.report(
                    cmd.range.clone(),
                    format!(
                        "`{} -R` rewrites every copied file into this layer, so each is stored twice: use COPY --{}",
                        cmd.program(),
                        cmd.program()
                    ),
                    fix,
                );
                for (i, _) in &hit {
                    finding.related.push(crate::finding::Related {
                        range: model.instructions[*i].head(model.text),
                        message: "the files are copied here".to_string(),
                    });
                }
            }
        }
    }
}

/// For `chown -R OWNER PATH…` / `chmod -R MODE PATH…`: the owner or mode, and the paths.
fn recursive_change(cmd: &Command) -> Option<(&str, Vec<&str>)> {
    if !matches!(cmd.program(), "chown" | "chmod") {
        return None;
    }
    if !(cmd.has_flag("--recursive") || cmd.has_short_flag('R')) {
        return None;
    }
    let mut operands = cmd.args().iter().filter(|w| !w.text.starts_with('-'));
    let value = operands.next()?;
    Some((
        value.text.as_str(),
        operands.map(|w| w.text.as_str()).collect(),
    ))
}

#[allow(clippy::too_many_arguments)]
fn fix(
    model: &Model,
    at: usize,
    instr: &Instruction,
    cmd: &Command,
    value: &str,
    copy_at: usize,
    dest: &str,
    path: &str,
) -> Option<Fix> {
    let script = instr.script.as_ref()?;
    let copy = &model.instructions[copy_at];
    let flag = cmd.program();
    let literal = !value.contains(['$', '`'])
        && (flag == "chown" || value.chars().all(|c| c.is_ascii_digit()));
    let alone = script.commands.len() == 1 && cmd.exact && model.mounts(instr).next().is_none();
    let between = model.instructions[copy_at + 1..at]
        .iter()
        .any(|i| matches!(i.kind, Kind::Run | Kind::Copy | Kind::Add));
    let stage_start = model.stages[instr.stage?].body.start;
    let made_by_workdir = (stage_start..copy_at).any(|i| {
        model.instructions[i].kind == Kind::Workdir
            && workdir_at(model, i + 1).as_deref() == Some(dest)
    });
    if !literal || !alone || between || made_by_workdir || dest != path || copy.flag(flag).is_some()
    {
        return None;
    }
    Some(Fix::safe(
        format!(
            "Set the {} on the COPY and drop this RUN",
            if flag == "chown" { "owner" } else { "mode" }
        ),
        vec![
            Edit::insert(copy.line.keyword.end, format!(" --{flag}={value}")),
            delete_instruction(model.text, instr),
        ],
    ))
}
