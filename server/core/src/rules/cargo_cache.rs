//! DKL116: Cargo's registry and target folder left in a shipped layer.

use crate::finding::Severity;
use crate::model::{Command, Model};
use crate::rules::caches::{report_kept, Cache, Tool};
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL116",
        name: "cargo-cache-kept",
        hadolint: None,
        severity: Severity::Warning,
        fixable: false,
        summary: "`cargo build` / `cargo install` leaves Cargo's registry and build output in the image",
        docs: r#"
## What it does
Finds a RUN, in a stage whose layers ship in the final image, that runs `cargo build`,
`cargo test`, `cargo run` (which fill the registry and `target/`) or `cargo install`,
`cargo fetch` (which fill the registry), when what they fill stays in the layer.

## Why it costs size
Cargo keeps the source of every crate it downloads in its registry (`~/.cargo/registry`:
`/usr/local/cargo/registry` in the official rust images, or under `CARGO_HOME`), and all
intermediate build output in the project's `target/` folder (or `CARGO_TARGET_DIR`), which for
a release build of a real project is commonly hundreds of megabytes to gigabytes. A Rust binary
needs neither at run time, and usually not the toolchain either: build in an earlier stage and
copy only the binary into a small final stage. Removing them in a *later* RUN does not help: the
files stay in this RUN's layer.

## Not reported when
- the same RUN later runs `cargo clean`, or removes the registry and `target/` folders;
- `RUN --mount=type=cache` (or `type=tmpfs`) mounts hold them;
- the stage's layers do not ship: the usual multi-stage build, where the final stage copies the
  binary out of the build stage.

No fix is offered: moving the build to its own stage needs a decision about the final image.

## Example
```dockerfile
FROM rust:1.82
WORKDIR /src
COPY . .
RUN cargo build --release
CMD ["/src/target/release/app"]
```

## Fix
```dockerfile
FROM rust:1.82 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release && cp target/release/app /app

FROM debian:bookworm-slim
COPY --from=build /app /usr/local/bin/app
CMD ["app"]
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM rust:1.82\nRUN cargo build --release\n",
            "FROM rust:1.82\nRUN cargo install ripgrep\n",
            "FROM rust:1.82\nRUN set -eux; \\\n    cargo build --release; \\\n    cp target/release/app /usr/local/bin/\n",
            "FROM rust:1.82\nRUN <<EOF\ncargo +nightly build --release\nEOF\n",
            "FROM rust:1.82\nRUN sh -c 'cargo build'\n",
            "FROM rust:1.82\nRUN cargo build --release && rm -rf target\n",
            "FROM rust:1.82\nRUN --mount=type=cache,target=/usr/local/cargo/registry cargo build --release\n",
        ],
        clean: &[
            "FROM rust:1.82 AS build\nRUN cargo build --release\nFROM debian\nCOPY --from=build /src/target/release/app /app\n",
            "FROM rust:1.82\nRUN cargo build --release && cp target/release/app /app && cargo clean\n",
            "FROM rust:1.82\nRUN cargo build --release && rm -rf target /usr/local/cargo/registry\n",
            "FROM rust:1.82\nRUN cargo install ripgrep && rm -rf ~/.cargo/registry\n",
            "FROM rust:1.82\nRUN --mount=type=cache,target=/usr/local/cargo/registry \\\n    --mount=type=cache,target=/src/target \\\n    cargo build --release\n",
            "FROM rust:1.82\nENV CARGO_HOME=/ch\nRUN --mount=type=cache,target=/ch/registry cargo install ripgrep\n",
            "FROM rust:1.82\nRUN cargo --version && cargo fmt --check\n",
        ],
    },
};

const REGISTRY: Cache = Cache {
    name: "the crate registry",
    at: &[
        "~/.cargo/registry",
        "/usr/local/cargo/registry",
        "$CARGO_HOME/registry",
    ],
    options: &[],
};

const TARGET: Cache = Cache {
    name: "the build output in target/",
    at: &["*/target", "$CARGO_TARGET_DIR"],
    options: &["--target-dir"],
};

static TOOL: Tool = Tool {
    fills,
    cleans: |cmd| subcommand(cmd) == Some("clean"),
    fix: None,
    message: |cmd, caches| {
        format!(
            "`cargo {}` leaves {caches} in this layer: build in an earlier stage and copy only the binary into the final one, or mount them with `RUN --mount=type=cache`",
            subcommand(cmd).unwrap_or("")
        )
    },
};

/// The subcommand, after a `+toolchain` and options.
fn subcommand(cmd: &Command) -> Option<&str> {
    if cmd.program() != "cargo" {
        return None;
    }
    cmd.args()
        .iter()
        .map(|w| w.text.as_str())
        .find(|w| !w.starts_with('+') && !w.starts_with('-'))
}

fn fills(cmd: &Command) -> &'static [&'static Cache] {
    match subcommand(cmd) {
        Some("build" | "b" | "test" | "t" | "run" | "r" | "bench") => &[&REGISTRY, &TARGET],
        Some("install" | "fetch") => &[&REGISTRY],
        _ => &[],
    }
}

fn check(model: &Model, sink: &mut Sink) {
    report_kept(model, sink, &TOOL);
}
