//! DKL108: `npm install` / `npm ci` without `npm cache clean --force` in the same RUN.

use crate::finding::Severity;
use crate::model::{Command, Model};
use crate::rules::caches::{report_kept, Cache, Tool};
use crate::rules::commands::operation;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL108",
        name: "npm-cache-kept",
        hadolint: None,
        severity: Severity::Warning,
        fixable: true,
        summary: "`npm install` / `npm ci` without `npm cache clean --force` leaves npm's cache in the image",
        docs: r#"
## What it does
Finds a RUN, in a stage whose layers ship in the final image, that runs `npm install` (or
`npm i`, `npm ci`, `npm add`) with nothing after it in the same RUN that empties npm's cache.

## Why it costs size
npm keeps a copy of every package tarball and registry response it fetched in its cache,
`~/.npm/_cacache` (for root: `/root/.npm`). The packages are already unpacked in
`node_modules` (or the global prefix), so the cache is a second, compressed copy of them that
nothing in the container uses. Cleaning it in a *later* RUN does not help:
the files stay in this RUN's layer.

## Not reported when
- the same RUN later runs `npm cache clean --force`, or removes `~/.npm` (or its `_cacache`);
- a `RUN --mount=type=cache` or `type=tmpfs` mount holds the cache: `~/.npm` of any user, or
  the folder that `NPM_CONFIG_CACHE` / `npm_config_cache` or `--cache DIR` points to;
- the stage's layers do not ship (a build stage that is only copied from).

## Example
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
```

## Fix
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev && npm cache clean --force
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM node:22\nRUN npm ci --omit=dev\n",
            "FROM node:22\nRUN npm install -g pnpm@9\n",
            "FROM node:22 AS base\nWORKDIR /app\nFROM base\nRUN set -eux; \\\n    npm install; \\\n    npm run build\n",
            "FROM node:22\nRUN <<EOF\nnpm ci\nnpm run build\nEOF\n",
            "FROM node:22\nRUN sh -c 'npm ci'\n",
            "# escape=`\nFROM node:22\nRUN npm ci `\n    --omit=dev\n",
            "FROM node:22\nRUN --mount=type=cache,target=/root/.cache/pip npm ci\n",
            "FROM node:22\nENV NPM_CONFIG_CACHE=/tmp/npm\nRUN --mount=type=cache,target=/root/.npm npm ci\n",
        ],
        clean: &[
            "FROM node:22\nRUN npm ci && npm cache clean --force\n",
            "FROM node:22\nRUN npm ci \\\n    && rm -rf /root/.npm\n",
            "FROM node:22\nUSER node\nRUN npm ci && rm -rf ~/.npm/_cacache\n",
            "FROM node:22\nRUN --mount=type=cache,target=/root/.npm npm ci\n",
            "FROM node:22\nRUN --mount=type=cache,target=/home/node/.npm,uid=1000 npm ci\n",
            "FROM node:22\nENV NPM_CONFIG_CACHE=/cache/npm\nRUN --mount=type=cache,target=/cache npm ci\n",
            "FROM node:22\nRUN --mount=type=cache,target=/tmp/npm npm ci --cache /tmp/npm\n",
            "FROM node:22 AS build\nRUN npm ci && npm run build\nFROM nginx:alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\n",
            "FROM node:22\nRUN npm run build && npm test\n",
        ],
    },
};

const NPM: Cache = Cache {
    name: "npm's cache (~/.npm)",
    at: &["~/.npm", "$NPM_CONFIG_CACHE", "$npm_config_cache"],
    options: &["--cache"],
};

const VALUE_OPTIONS: &[&str] = &[
    "--prefix",
    "-C",
    "--cache",
    "--registry",
    "--userconfig",
    "-w",
    "--workspace",
    "--loglevel",
];

static TOOL: Tool = Tool {
    fills,
    cleans: |cmd| {
        operation(cmd, &["npm"], VALUE_OPTIONS).is_some_and(|w| w.text == "cache")
            && cmd
                .args()
                .iter()
                .any(|w| matches!(w.text.as_str(), "clean" | "clear" | "rm"))
    },
    fix: Some(|cmd| format!("{} cache clean --force", cmd.words[0].text)),
    message: |cmd, cache| {
        let op = operation(cmd, &["npm"], VALUE_OPTIONS).map_or("install", |w| w.text.as_str());
        format!(
            "`npm {op}` leaves {cache} in this layer, a compressed second copy of the packages it installed: run `npm cache clean --force` in the same RUN"
        )
    },
};

fn fills(cmd: &Command) -> &'static [&'static Cache] {
    const FILLING: &[&str] = &["install", "i", "in", "ci", "add", "install-clean", "ic"];
    match operation(cmd, &["npm"], VALUE_OPTIONS) {
        Some(w) if FILLING.contains(&w.text.as_str()) => &[&NPM],
        _ => &[],
    }
}

fn check(model: &Model, sink: &mut Sink) {
    report_kept(model, sink, &TOOL);
}
