//! DKL111: `gem install` without `--no-document`.

use crate::finding::Severity;
use crate::model::{Base, Model};
use crate::rules::commands::operation;
use crate::rules::earlier_runs::EarlierRuns;
use crate::rules::fixes::insert_flag;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL111",
        name: "gem-docs-installed",
        hadolint: None,
        severity: Severity::Warning,
        fixable: true,
        summary: "`gem install` without `--no-document` also installs ri and rdoc documentation",
        docs: r#"
## What it does
Finds `gem install` and `gem update` in a stage whose layers ship in the final image, when
nothing tells RubyGems to skip generating documentation.

## Why it costs size
By default RubyGems generates ri (and on older versions rdoc HTML) documentation for every
gem it installs, under the gem directory's `doc/`. Nobody reads it inside a container, and
generating it also slows the build.

## Not reported when
- the command has `--no-document` (or `-N`, or the older `--no-rdoc` / `--no-ri`);
- an earlier RUN of the stage (or of a stage it is built from), or the same RUN before the
  command, writes a gemrc with `--no-document` (`gem: --no-document`,
  `install: --no-document`) or `--no-rdoc`;
- the stage is built from the official `ruby` or `jruby` image, whose `/usr/local/etc/gemrc`
  already says `install: --no-document`;
- the stage's layers do not ship (a build stage that is only copied from).

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ruby \
    && rm -rf /var/lib/apt/lists/* \
    && gem install bundler
```

## Fix
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ruby \
    && rm -rf /var/lib/apt/lists/* \
    && gem install --no-document bundler
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM debian:bookworm\nRUN gem install bundler\n",
            "FROM alpine:3.20\nRUN set -eux; \\\n    gem install \\\n      rails -v 7.1\n",
            "FROM debian:bookworm AS base\nRUN echo\nFROM base\nRUN <<EOF\ngem install rake\nEOF\n",
            "FROM debian:bookworm\nRUN sh -c 'gem update --system'\n",
            "FROM debian:bookworm\nRUN [\"gem\", \"install\", \"rake\"]\n",
            "FROM debian:bookworm\nRUN echo 'gem: --no-document' > /etc/gemrc\nFROM debian:bookworm\nRUN gem install rake\n",
        ],
        clean: &[
            "FROM debian:bookworm\nRUN gem install --no-document bundler\n",
            "FROM debian:bookworm\nRUN gem install -N bundler\n",
            "FROM debian:bookworm\nRUN gem install bundler --no-rdoc --no-ri\n",
            "FROM debian:bookworm\nRUN echo 'gem: --no-document' > /etc/gemrc\nRUN gem install bundler\n",
            "FROM alpine:3.20\nRUN echo \"gem: --no-ri --no-rdoc\" > /etc/gemrc \\\n    && gem install bundler\n",
            "FROM ruby:3.3-slim\nRUN gem install bundler\n",
            "FROM docker.io/library/ruby:3.3 AS base\nFROM base\nRUN gem install bundler\n",
            "FROM debian:bookworm AS build\nRUN gem install fpm\nFROM scratch\nCOPY --from=build /x /x\n",
            "FROM debian:bookworm\nRUN gem list && gem env\n",
        ],
    },
};

fn check(model: &Model, sink: &mut Sink) {
    let gemrc = EarlierRuns::new(model, writes_gemrc);
    for (idx, instr, script) in model.shipped_runs() {
        if configured_off(model, &gemrc, idx) {
            continue;
        }
        for cmd in &script.commands {
            let Some(op) = operation(cmd, &["gem"], &["-v", "--version", "-i", "--install-dir"])
                .filter(|w| matches!(w.text.as_str(), "install" | "update" | "i"))
            else {
                continue;
            };
            let off = cmd.has_short_flag('N')
                || cmd.args().iter().any(|w| {
                    ["--no-doc", "--no-rdoc", "--no-ri"]
                        .iter()
                        .any(|f| w.text.starts_with(f))
                });
            let earlier_in_run = &model.text[instr.range().start..cmd.range.start];
            if off || writes_gemrc(earlier_in_run) {
                continue;
            }
            let fix = insert_flag(cmd, op, "--no-document");
            sink.report(
                cmd.range.clone(),
                format!(
                    "`gem {}` also generates ri documentation for every gem into this layer: add `--no-document`",
                    op.text
                ),
                fix,
            );
        }
    }
}

/// Whether the stage chain of instruction `at` starts from an image that turns documentation
/// off, or an earlier RUN of it writes a gemrc that does.
fn configured_off(model: &Model, gemrc: &EarlierRuns, at: usize) -> bool {
    let Some(mut stage) = model.instructions[at].stage else {
        return false;
    };
    loop {
        match &model.stages[stage].base {
            Base::Stage(b) => stage = *b,
            Base::Image(image) if is_official_ruby(image) => return true,
            Base::Image(_) | Base::Scratch => break,
        }
    }
    gemrc.before(model, at)
}

fn writes_gemrc(text: &str) -> bool {
    text.contains("gemrc") && (text.contains("--no-document") || text.contains("--no-rdoc"))
}

/// `ruby`, `jruby`, `library/ruby:3.3`, `docker.io/library/ruby@sha256:…`.
fn is_official_ruby(image: &str) -> bool {
    let name = image
        .split(['@', ':'])
        .next()
        .unwrap_or(image)
        .to_ascii_lowercase();
    let name = name
        .strip_prefix("docker.io/")
        .or_else(|| name.strip_prefix("index.docker.io/"))
        .unwrap_or(&name);
    let name = name.strip_prefix("library/").unwrap_or(name);
    matches!(name, "ruby" | "jruby")
}
