//! DKL401: the whole build context copied with no `.dockerignore`.

use crate::finding::{Fix, NewFile, Severity};
use crate::model::Model;
use crate::rules::context_files::{unwanted_present, whole_context_copy, UNWANTED};
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL401",
        name: "dockerignore-missing",
        hadolint: None,
        severity: Severity::Warning,
        fixable: true,
        summary: "`COPY . .` with no `.dockerignore`: version control, dependencies and caches go into the image",
        docs: r#"
## What it does
Finds a `COPY` / `ADD` of the whole build context (`.`), in a stage whose layers ship, when
there is no `.dockerignore` (nor `<Dockerfile>.dockerignore`) beside the Dockerfile and the
folder holds entries that rarely belong in an image: `.git`, `node_modules`, `__pycache__`,
`.venv` / `venv`, `target`, `dist`, `*.log`, `.env`.

This rule needs to see the folder: the CLI and the language server look beside the
Dockerfile. Analysing text alone (stdin), it stays silent.

## Why it costs size
Without a `.dockerignore` the whole folder is sent to the builder and copied into the layer:
the repository history in `.git` (often larger than the sources), a `node_modules` or `.venv`
built for the host (which the image then installs again), compiled caches and build outputs.
A `.env` file also puts secrets into the image.

## Not reported when
- a `.dockerignore` exists (DKL402 checks it for large folders it misses);
- the folder holds none of those entries, or the Dockerfile names them (e.g. it runs `git`,
  so `.git` may be needed);
- the stage's layers do not ship;
- the folder is not known (text analysed on its own).

## Example
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY . .
RUN npm ci
```
with `.git` and `node_modules` beside the Dockerfile.

## Fix
Create a `.dockerignore` listing what is there:
```
.git
node_modules
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "# context: .git node_modules src package.json\nFROM node:22-slim\nWORKDIR /app\nCOPY . .\n",
            "# context: app.py __pycache__ .venv server.log .env\nFROM python:3.12-slim\nADD . /app\n",
        ],
        clean: &[
            "# context: .git node_modules src\n# dockerignore: .git\nFROM node:22-slim\nCOPY . .\n",
            "# context: src package.json\nFROM node:22-slim\nCOPY . .\n",
            "FROM node:22-slim\nCOPY . .\n",
            "# context: .git src\nFROM golang:1.22 AS build\nCOPY . .\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n",
            "# context: .git src\nFROM alpine\nCOPY . /src\nRUN cd /src && git describe --tags > /version\n",
        ],
    },
};

fn check(model: &Model, sink: &mut Sink) {
    let env = sink.environment();
    if env.dockerignore.is_some() {
        return;
    }
    let Some(at) = whole_context_copy(model) else {
        return;
    };
    let entries = unwanted_present(model, env, UNWANTED);
    if entries.is_empty() {
        return;
    }
    let text = entries.iter().map(|e| format!("{e}\n")).collect::<String>();
    let fix = Fix::safe("Create a .dockerignore", Vec::new()).creating(vec![NewFile {
        path: ".dockerignore".to_string(),
        text,
    }]);
    let instr = &model.instructions[at];
    sink.report(
        instr.head(model.text),
        format!(
            "no .dockerignore: this copies {} into the image; add a .dockerignore",
            entries.join(", ")
        ),
        Some(fix),
    );
}
