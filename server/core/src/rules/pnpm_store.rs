//! DKL110: `pnpm install` without `pnpm store prune` in the same RUN.

use crate::finding::Severity;
use crate::model::{Command, Model};
use crate::rules::caches::{report_kept, Cache, Tool};
use crate::rules::commands::operation;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL110",
        name: "pnpm-store-kept",
        hadolint: None,
        severity: Severity::Warning,
        fixable: true,
        summary: "`pnpm install` without `pnpm store prune` leaves unused packages in pnpm's store",
        docs: r#"
## What it does
Finds a RUN, in a stage whose layers ship in the final image, that runs `pnpm install` (or
`pnpm i`, `pnpm add`, `pnpm fetch`) with nothing after it in the same RUN that prunes or
removes pnpm's content-addressable store.

## Why it costs size
pnpm downloads every package into its store (`~/.local/share/pnpm/store`, or where
`PNPM_HOME`, `store-dir` or `--store-dir` point) and links the files into `node_modules`. Files
that are hard-linked are stored once in the layer, but the store also holds what no
`node_modules` uses: packages fetched for other platforms or by `pnpm fetch`, and anything an
earlier install left. `pnpm store prune` removes those. Pruning in a *later* RUN does not help:
the files stay in this RUN's layer.

## Not reported when
- the same RUN later runs `pnpm store prune`, or removes the store folder;
- a `RUN --mount=type=cache` or `type=tmpfs` mount holds the store (any `…/pnpm/store` or
  `…/.pnpm-store`, or where `PNPM_HOME`, `PNPM_STORE_DIR`, `npm_config_store_dir` or
  `--store-dir DIR` point);
- the stage's layers do not ship (a build stage that is only copied from).

## Example
```dockerfile
FROM node:22-slim
RUN corepack enable
COPY package.json pnpm-lock.yaml ./
RUN pnpm install --frozen-lockfile --prod
```

## Fix
```dockerfile
FROM node:22-slim
RUN corepack enable
COPY package.json pnpm-lock.yaml ./
RUN pnpm install --frozen-lockfile --prod && pnpm store prune
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM node:22\nRUN pnpm install --frozen-lockfile\n",
            "FROM node:22\nRUN corepack enable && \\\n    pnpm i --prod\n",
            "FROM node:22\nRUN <<EOF\npnpm install\nEOF\n",
            "FROM node:22\nRUN sh -c 'pnpm install'\n",
            "FROM node:22\nRUN --mount=type=cache,target=/root/.npm pnpm install\n",
        ],
        clean: &[
            "FROM node:22\nRUN pnpm install && pnpm store prune\n",
            "FROM node:22\nENV PNPM_HOME=/pnpm\nRUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm install --frozen-lockfile\n",
            "FROM node:22\nRUN --mount=type=cache,target=/root/.local/share/pnpm/store pnpm install\n",
            "FROM node:22\nRUN --mount=type=cache,target=/s pnpm install --store-dir /s\n",
            "FROM node:22\nRUN pnpm install && rm -rf ~/.local/share/pnpm/store\n",
            "FROM node:22 AS build\nRUN pnpm install && pnpm build\nFROM nginx\nCOPY --from=build /app/dist /srv\n",
            "FROM node:22\nRUN pnpm run build\n",
        ],
    },
};

const STORE: Cache = Cache {
    name: "pnpm's store",
    at: &[
        "~/.local/share/pnpm/store",
        "*/pnpm/store",
        "*/.pnpm-store",
        "$PNPM_HOME/store",
        "$PNPM_STORE_DIR",
        "$npm_config_store_dir",
        "$NPM_CONFIG_STORE_DIR",
    ],
    options: &["--store-dir"],
};

const VALUE_OPTIONS: &[&str] = &["-C", "--dir", "--store-dir", "--filter", "-F", "--reporter"];

static TOOL: Tool = Tool {
    fills,
    cleans: |cmd| {
        operation(cmd, &["pnpm"], VALUE_OPTIONS).is_some_and(|w| w.text == "store")
            && cmd.args().iter().any(|w| w.text == "prune")
    },
    fix: Some(|cmd| format!("{} store prune", cmd.words[0].text)),
    message: |_, cache| {
        format!(
            "pnpm leaves {cache} in this layer, with packages no node_modules uses: run `pnpm store prune` in the same RUN"
        )
    },
};

fn fills(cmd: &Command) -> &'static [&'static Cache] {
    match operation(cmd, &["pnpm"], VALUE_OPTIONS) {
        Some(w) if matches!(w.text.as_str(), "install" | "i" | "add" | "fetch") => &[&STORE],
        _ => &[],
    }
}

fn check(model: &Model, sink: &mut Sink) {
    report_kept(model, sink, &TOOL);
}
