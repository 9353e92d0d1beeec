//! DKL112: `bundle install` leaving the gem archives it downloaded.

use crate::finding::Severity;
use crate::model::{Command, Model};
use crate::rules::caches::{report_kept, Cache, Tool};
use crate::rules::commands::operation;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL112",
        name: "bundle-cache-kept",
        hadolint: None,
        severity: Severity::Warning,
        fixable: false,
        summary: "`bundle install` leaves the downloaded .gem archives in the image",
        docs: r#"
## What it does
Finds a RUN, in a stage whose layers ship in the final image, that runs `bundle install` (or a
bare `bundle`) and does not remove the gem cache afterwards in the same RUN.

## Why it costs size
RubyGems keeps every `.gem` archive it installs in the `cache/` folder of the gem directory
(`/usr/local/bundle/cache` in the official ruby images, `$GEM_HOME/cache` or
`…/ruby/VERSION/cache` under `BUNDLE_PATH`), and Bundler keeps its own copies in
`~/.bundle/cache`. The gems are already unpacked next to them, so the archives are a second,
compressed copy that nothing loads at run time. Removing them in a *later* RUN does not help:
the files stay in this RUN's layer.

## Not reported when
- the same RUN later removes one of those cache folders (`rm -rf /usr/local/bundle/cache`,
  `rm -rf "$GEM_HOME/cache"`, `rm -rf ~/.bundle/cache`, `rm -rf vendor/cache`,
  `find vendor/bundle -name cache -exec rm -rf {} +`, …);
- a `RUN --mount=type=cache` or `type=tmpfs` mount holds one of them;
- the stage's layers do not ship (a build stage that is only copied from).

No fix is offered: which folder holds the cache depends on the image's `GEM_HOME` and
`BUNDLE_PATH`, which the Dockerfile often does not show.

## Example
```dockerfile
FROM ruby:3.3-slim
COPY Gemfile Gemfile.lock ./
RUN bundle install
```

## Fix
```dockerfile
FROM ruby:3.3-slim
COPY Gemfile Gemfile.lock ./
RUN bundle install && rm -rf /usr/local/bundle/cache ~/.bundle/cache
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM ruby:3.3\nRUN bundle install\n",
            "FROM ruby:3.3\nRUN bundle config set without development && \\\n    bundle install --jobs 4\n",
            "FROM ruby:3.3\nRUN <<EOF\nbundle install\nEOF\n",
            "FROM ruby:3.3\nRUN sh -c 'bundle'\n",
            "FROM ruby:3.3\nRUN --mount=type=cache,target=/root/.npm bundle install\n",
            "FROM ruby:3.3\nRUN bundle install && find /usr/local -name '*.pyc' -delete\n",
        ],
        clean: &[
            "FROM ruby:3.3\nRUN bundle install && rm -rf /usr/local/bundle/cache\n",
            "FROM ruby:3.3\nRUN bundle install \\\n    && rm -rf \"$GEM_HOME\"/cache/*.gem\n",
            "FROM ruby:3.3\nENV GEM_HOME=/gems\nRUN bundle install && rm -rf /gems/cache\n",
            "FROM ruby:3.3\nRUN bundle install && rm -rf ~/.bundle/cache\n",
            "FROM ruby:3.3\nRUN bundle install && \\\n    find /app/vendor/bundle -name cache -type d -exec rm -rf {} +\n",
            "FROM ruby:3.3\nUSER app\nRUN env BUNDLE_DEPLOYMENT=true bundle install \\\n    && rm -rf /home/app/.bundle/gems/ruby/*/cache/*\n",
            "FROM ruby:3.3\nRUN --mount=type=cache,target=/usr/local/bundle/cache bundle install\n",
            "FROM ruby:3.3 AS build\nRUN bundle install\nFROM ruby:3.3-slim\nCOPY --from=build /usr/local/bundle /usr/local/bundle\n",
            "FROM ruby:3.3\nRUN bundle exec rake assets:precompile && bundle config set x y\n",
        ],
    },
};

const GEMS: Cache = Cache {
    name: "the downloaded .gem archives",
    at: &[
        "/usr/local/bundle/cache",
        "$GEM_HOME/cache",
        "$BUNDLE_PATH",
        "*/ruby/*/cache",
        "*/vendor/cache",
        "~/.bundle/cache",
        "~/.gem",
    ],
    options: &[],
};

const VALUE_OPTIONS: &[&str] = &[
    "--gemfile",
    "--path",
    "-j",
    "--jobs",
    "--retry",
    "--without",
    "--with",
];

static TOOL: Tool = Tool {
    fills,
    cleans: |_| false,
    fix: None,
    message: |_, cache| {
        format!(
            "`bundle install` leaves {cache} in this layer, a second copy of the installed gems: remove the gem cache folder in the same RUN"
        )
    },
};

fn fills(cmd: &Command) -> &'static [&'static Cache] {
    if !matches!(cmd.program(), "bundle" | "bundler") {
        return &[];
    }
    match operation(cmd, &["bundle", "bundler"], VALUE_OPTIONS) {
        None if !["--version", "-v", "--help", "-h"]
            .iter()
            .any(|f| cmd.has_flag(f)) =>
        {
            &[&GEMS]
        }
        Some(w) if w.text == "install" => &[&GEMS],
        _ => &[],
    }
}

fn check(model: &Model, sink: &mut Sink) {
    report_kept(model, sink, &TOOL);
}
