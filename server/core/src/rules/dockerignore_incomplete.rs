//! DKL402: a `.dockerignore` that lets a large folder into a whole-context copy.

use crate::finding::Severity;
use crate::model::Model;
use crate::rules::context_files::{unwanted_present, whole_context_copy};
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL402",
        name: "dockerignore-incomplete",
        hadolint: None,
        severity: Severity::Hint,
        fixable: false,
        summary: "The `.dockerignore` does not exclude `.git` or `node_modules`, which a whole-context copy brings in",
        docs: r#"
## What it does
Finds a `COPY` / `ADD` of the whole build context (`.`), in a stage whose layers ship, when
the `.dockerignore` exists but does not exclude a large folder that is there: `.git` or
`node_modules`.

This rule needs to see the folder: the CLI and the language server look beside the
Dockerfile. Analysing text alone (stdin), it stays silent.

## Why it costs size
`.git` holds the whole repository history; `node_modules` holds dependencies built for the
host, which the image usually installs again. Copied into a layer, both ship.

## Not reported when
- the `.dockerignore` excludes them (a later `!` line that re-includes them counts);
- the Dockerfile names them (e.g. it runs `git`, so `.git` may be needed);
- there is no `.dockerignore` (DKL401 reports that);
- the stage's layers do not ship, or the folder is not known.

## Example
`.dockerignore`:
```
*.log
```
```dockerfile
COPY . .
```

## Fix
Add the folders to `.dockerignore`:
```
*.log
.git
node_modules
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "# context: .git node_modules src\n# dockerignore: *.log\nFROM node:22-slim\nCOPY . .\n",
            "# context: .git src\n# dockerignore: * | !src | !.git\nFROM alpine\nCOPY . /app\n",
        ],
        clean: &[
            "# context: .git node_modules src\n# dockerignore: .git | node_modules\nFROM node:22-slim\nCOPY . .\n",
            "# context: .git node_modules src\nFROM node:22-slim\nCOPY . .\n",
            "# context: .git src\n# dockerignore: *.log\nFROM alpine\nCOPY src /src\n",
            "# context: src dist\n# dockerignore: *.log\nFROM alpine\nCOPY . /src\n",
        ],
    },
};

/// Folders that are large often enough to name when a `.dockerignore` misses them.
const LARGE: &[&str] = &[".git", "node_modules"];

fn check(model: &Model, sink: &mut Sink) {
    let env = sink.environment();
    if env.dockerignore.is_none() {
        return;
    }
    let Some(at) = whole_context_copy(model) else {
        return;
    };
    let missed = unwanted_present(model, env, LARGE);
    if missed.is_empty() {
        return;
    }
    sink.report(
        model.instructions[at].head(model.text),
        format!(
            ".dockerignore does not exclude {}: this copies it into the image",
            missed.join(", ")
        ),
        None,
    );
}
