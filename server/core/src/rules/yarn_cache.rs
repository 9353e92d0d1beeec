//! DKL109: `yarn install` without `yarn cache clean` in the same RUN.

use crate::finding::Severity;
use crate::model::{Command, Model};
use crate::rules::caches::{report_kept, Cache, Tool};
use crate::rules::commands::operation;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL109",
        name: "yarn-cache-kept",
        hadolint: Some("DL3060"),
        severity: Severity::Warning,
        fixable: true,
        summary: "`yarn install` without `yarn cache clean` leaves yarn's cache in the image",
        docs: r#"
## What it does
Finds a RUN, in a stage whose layers ship in the final image, that runs `yarn install` (or a
bare `yarn`, `yarn add`, `yarn global add`) with nothing after it in the same RUN that empties
yarn's cache.

## Why it costs size
Yarn 1 keeps a copy of every package it fetched in its cache (for root:
`/usr/local/share/.cache/yarn`, otherwise `~/.cache/yarn`; Yarn 2+ with a global cache:
`~/.yarn/berry/cache`). The packages are also unpacked in `node_modules`, so the cache is a
second copy of them that nothing in the container uses. Cleaning it in a *later* RUN does not
help: the files stay in this RUN's layer.

## Not reported when
- the same RUN later runs `yarn cache clean`, or removes the cache folder;
- a `RUN --mount=type=cache` or `type=tmpfs` mount holds the cache (any `…/.cache/yarn`, or the
  folder `YARN_CACHE_FOLDER` or `--cache-folder DIR` points to);
- the stage's layers do not ship (a build stage that is only copied from).

## Example
```dockerfile
FROM node:22-slim
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile --production
```

## Fix
```dockerfile
FROM node:22-slim
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile --production && yarn cache clean
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM node:22\nRUN yarn install --frozen-lockfile\n",
            "FROM node:22\nRUN yarn\n",
            "FROM node:22\nRUN yarn --frozen-lockfile && \\\n    yarn build\n",
            "FROM node:22\nRUN <<EOF\nyarn install\nEOF\n",
            "FROM node:22\nRUN sh -c 'yarn global add serve'\n",
            "FROM node:22\nRUN --mount=type=cache,target=/root/.npm yarn install\n",
        ],
        clean: &[
            "FROM node:22\nRUN yarn install && yarn cache clean\n",
            "FROM node:22\nRUN yarn install; rm -rf /usr/local/share/.cache/yarn\n",
            "FROM node:22\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n",
            "FROM node:22\nUSER node\nRUN --mount=type=cache,target=/home/node/.cache/yarn,uid=1000 yarn install\n",
            "FROM node:22\nENV YARN_CACHE_FOLDER=/yc\nRUN --mount=type=cache,target=/yc yarn install\n",
            "FROM node:22\nRUN --mount=type=cache,target=/yc yarn install --cache-folder /yc\n",
            "FROM node:22 AS build\nRUN yarn install\nFROM nginx\nCOPY --from=build /app/dist /srv\n",
            "FROM node:22\nRUN yarn build && yarn --version && yarn run test\n",
        ],
    },
};

const YARN: Cache = Cache {
    name: "yarn's cache",
    at: &["*/.cache/yarn", "~/.yarn/berry/cache", "$YARN_CACHE_FOLDER"],
    options: &["--cache-folder"],
};

const VALUE_OPTIONS: &[&str] = &[
    "--cwd",
    "--cache-folder",
    "--modules-folder",
    "--global-folder",
    "--link-folder",
    "--mutex",
    "--network-timeout",
    "--registry",
    "--use-yarnrc",
];

static TOOL: Tool = Tool {
    fills,
    cleans: |cmd| {
        operation(cmd, &["yarn"], VALUE_OPTIONS).is_some_and(|w| w.text == "cache")
            && cmd.args().iter().any(|w| w.text == "clean")
    },
    fix: Some(|cmd| format!("{} cache clean", cmd.words[0].text)),
    message: |_, cache| {
        format!(
            "yarn leaves {cache} in this layer, a second copy of the packages it installed: run `yarn cache clean` in the same RUN"
        )
    },
};

fn fills(cmd: &Command) -> &'static [&'static Cache] {
    if cmd.program() != "yarn"
        || ["--version", "-v", "--help", "-h"]
            .iter()
            .any(|f| cmd.has_flag(f))
    {
        return &[];
    }
    match operation(cmd, &["yarn"], VALUE_OPTIONS) {
        None => &[&YARN],
        Some(w) if matches!(w.text.as_str(), "install" | "add" | "global") => &[&YARN],
        _ => &[],
    }
}

fn check(model: &Model, sink: &mut Sink) {
    report_kept(model, sink, &TOOL);
}
