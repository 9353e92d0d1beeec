//! DKL403: the whole build context copied before the dependency install.

use crate::finding::{Related, Severity};
use crate::model::{Command, Model};
use crate::rules::commands::pip_install;
use crate::rules::paths::copies_context;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL403",
        name: "install-after-copy-all",
        hadolint: None,
        severity: Severity::Hint,
        fixable: false,
        summary: "`COPY . .` before the dependency install: every source edit reinstalls all dependencies",
        docs: r#"
## What it does
Finds a `COPY` / `ADD` of the whole build context (`.`) followed, in the same stage, by a
dependency install: `pip install -r …`, `npm ci` / `npm install`, `yarn install`,
`pnpm install`, `go mod download`, `cargo fetch`, `bundle install`, `composer install`,
`poetry install`, `uv sync`.

## Why it costs size
It costs build time and cache size rather than image size: the builder reuses a cached layer
only while everything it depends on is unchanged. When the whole context is copied first, any
edit to any source file invalidates the copy and every layer after it, so the dependencies
are downloaded and installed again on every build, and each build pushes a new, large
dependency layer.

## Not reported when
- the copy is `COPY --from=…` (not the build context);
- no dependency install follows it in the same stage;
- the stage does not reach the final image.

## Example
```dockerfile
COPY . .
RUN npm ci
```

## Fix
Copy the dependency manifests first, install, then copy the rest:
```dockerfile
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
```
There is no quick fix: which files the install needs depends on the project.
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n",
            "FROM python:3.12-slim\nCOPY . /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n",
            "FROM golang:1.22 AS build\nCOPY ./ /src\nRUN cd /src && go mod download && go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n",
        ],
        clean: &[
            "FROM node:22-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n",
            "FROM node:22-slim AS build\nCOPY . .\nFROM node:22-slim\nCOPY --from=build . .\nRUN npm ci\n",
            "FROM node:22-slim\nCOPY . .\nRUN npm install express\n",
            "FROM python:3.12-slim\nCOPY . /app\nRUN pip install --no-cache-dir /app\n",
        ],
    },
};

fn check(model: &Model, sink: &mut Sink) {
    for stage in model.stages.iter().filter(|s| s.reaches_final) {
        let body = stage.body.clone();
        let Some(copy_at) = body
            .clone()
            .find(|&i| copies_context(&model.instructions[i]))
        else {
            continue;
        };
        let install = model.instructions[copy_at + 1..body.end]
            .iter()
            .filter_map(|i| i.script.as_ref())
            .flat_map(|s| &s.commands)
            .find(|c| installs_dependencies(c));
        let Some(install) = install else {
            continue;
        };
        let copy = &model.instructions[copy_at];
        let finding = sink.report(
            copy.head(model.text),
            "the whole context is copied before the dependency install: any source edit reinstalls every dependency. Copy the manifests first, install, then copy the rest",
            None,
        );
        finding.related.push(Related {
            range: install.range.clone(),
            message: "dependencies installed here".to_string(),
        });
    }
}

fn installs_dependencies(cmd: &Command) -> bool {
    let args: Vec<&str> = cmd.args().iter().map(|w| w.text.as_str()).collect();
    let operands: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    if pip_install(cmd).is_some() {
        return cmd.has_flag("-r")
            || cmd.has_flag("--requirement")
            || args.iter().any(|a| a.starts_with("-r"));
    }
    matches!(
        (cmd.program(), operands.as_slice()),
        ("npm", ["ci", ..] | ["install" | "i"])
            | ("yarn", [] | ["install"])
            | ("pnpm", ["install" | "i"])
            | ("go", ["mod", "download", ..])
            | ("cargo", ["fetch", ..])
            | ("bundle" | "composer" | "poetry", ["install", ..])
            | ("uv", ["sync", ..])
    )
}
