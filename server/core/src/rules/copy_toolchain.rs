//! DKL206: COPY --from of a whole filesystem or of a build toolchain into a shipped stage.

use crate::finding::Severity;
use crate::model::stage::stage_ref;
use crate::model::{Base, Kind, Model};
use crate::rules::paths::{resolve, under};
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL206",
        name: "copy-from-toolchain",
        hadolint: Some("DL3067"),
        severity: Severity::Warning,
        fixable: false,
        summary: "COPY --from of a whole filesystem (`/ /`) or of a build toolchain or cache into the final image",
        docs: r#"
## What it does
Finds `COPY --from=…`, in a stage whose layers ship, that copies
- the whole filesystem of another stage or image (`COPY --from=build / /`), or
- a build toolchain or a build cache: `/usr/local/go`, `/usr/local/cargo`, `/usr/local/rustup`,
  `~/.cargo`, `~/.rustup`, `~/.m2`, `~/.gradle`, `/usr/share/maven`, `/opt/gradle`, `~/.npm`,
  `~/.cache`, the Go module cache (`/go/pkg/mod`), or `/usr/lib/jvm` from a JDK.

## Why it costs size
A multi-stage build saves size by copying only what the program needs at run time out of the
build stage. Copying the whole root brings the compilers, headers, package caches and sources
of the build stage along; a Go toolchain is about 200 MB unpacked, a JDK several hundred, a
Maven or Cargo cache whatever was downloaded.

## Not reported when
- the stage is `FROM scratch` and the copy of `/` is its first instruction: the deliberate
  "flatten" idiom (what it ships is whatever the source stage holds);
- `/` is copied from an image named directly, or from a stage that only names one (such
  images are often `scratch` images of a few binaries, made to be copied whole), or from a
  stage built `FROM scratch`;
- a folder below a toolchain is copied (e.g. one binary from `/usr/local/cargo/bin`);
- the stage's layers do not ship.
Unlike hadolint's DL3067, those copies of `/` are not reported. Copying `/` of a stage built
on an image into a stage that is not empty also stores that image's files a second time.

## Example
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app
FROM debian:bookworm-slim
COPY --from=build /usr/local/go /usr/local/go
COPY --from=build /out/app /usr/local/bin/app
```

## Fix
Copy only the build's outputs (`COPY --from=build /out/app /usr/local/bin/app`); if the
program needs a runtime (a JRE instead of a JDK), start the final stage from an image that
has only that runtime.
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM debian:bookworm-slim\nCOPY --from=build / /\n",
            "FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM debian:bookworm-slim\nCOPY --from=build /usr/local/go/ /usr/local/go\n",
            "FROM maven:3-eclipse-temurin-21 AS build\nRUN mvn package\nFROM debian:bookworm-slim\nCOPY --from=build /root/.m2 /root/.m2\n",
            "FROM eclipse-temurin:21-jdk AS jdk\nFROM debian:bookworm-slim\nCOPY --from=jdk /usr/lib/jvm /usr/lib/jvm\n",
            "FROM debian:bookworm-slim\nCOPY --from=golang:1.22 /usr/local/go /usr/local/go\n",
        ],
        clean: &[
            "FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM scratch\nCOPY --from=build / /\n",
            "FROM rust:1 AS build\nRUN cargo build --release\nFROM debian:bookworm-slim\nCOPY --from=build /usr/local/cargo/bin/app /usr/local/bin/app\n",
            "FROM eclipse-temurin:21-jre AS jre\nFROM debian:bookworm-slim\nCOPY --from=jre /opt/java/openjdk /opt/java/openjdk\n",
            "FROM alpine\nCOPY --from=tonistiigi/xx / /\n",
            "FROM tonistiigi/xx AS xx\nFROM alpine\nCOPY --from=xx / /\n",
            "FROM golang:1.22 AS tools\nFROM golang:1.22 AS build\nCOPY --from=tools /usr/local/go /usr/local/go2\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n",
        ],
    },
};

/// Toolchains and caches; paths under `/root` are also matched under any home folder.
const TOOLCHAINS: &[&str] = &[
    "/usr/local/go",
    "/usr/local/cargo",
    "/usr/local/rustup",
    "/root/.cargo",
    "/root/.rustup",
    "/root/.m2",
    "/root/.gradle",
    "/usr/share/maven",
    "/opt/gradle",
    "/root/.npm",
    "/root/.cache",
    "/go/pkg/mod",
    "/root/go/pkg/mod",
];

fn check(model: &Model, sink: &mut Sink) {
    for stage in model.stages.iter().filter(|s| s.ships_layers) {
        for at in stage.body.clone() {
            let instr = &model.instructions[at];
            if instr.kind != Kind::Copy {
                continue;
            }
            let Some(from) = instr.flag("from").and_then(|f| f.value.as_deref()) else {
                continue;
            };
            let Some((dest, sources)) = instr.args.split_last() else {
                continue;
            };
            for source in sources {
                let Some(path) = resolve("/", &source.text) else {
                    continue;
                };
                let message = if path == "/" {
                    let flatten = stage.base == Base::Scratch && at == stage.body.start;
                    if flatten
                        || resolve("/", &dest.text).as_deref() != Some("/")
                        || !built_on_image(model, stage.index, from)
                    {
                        continue;
                    }
                    format!("copies the whole filesystem of `{from}` into the final image, its base image, build tools and caches included: copy only what the program needs")
                } else if is_toolchain(&path)
                    || (under(&path, "/usr/lib/jvm") && is_jdk(model, stage.index, from))
                {
                    format!("copies the build toolchain or cache {path} from `{from}` into the final image: copy only the build's outputs")
                } else {
                    continue;
                };
                sink.report(instr.head(model.text), message, None);
            }
        }
    }
}

fn is_toolchain(path: &str) -> bool {
    TOOLCHAINS.iter().any(|t| {
        path == *t
            || t.strip_prefix("/root").is_some_and(|rest| {
                path.starts_with("/home/")
                    && path.ends_with(rest)
                    && path.matches('/').count() == rest.matches('/').count() + 2
            })
    })
}

/// Whether the `--from` source is a stage of this file that adds to an image: its root holds
/// that image's whole system. An image named directly (or a stage that only names one) may be
/// a `scratch` image of a few binaries, which is what copying its root is meant for.
fn built_on_image(model: &Model, stage: usize, from: &str) -> bool {
    let mut idx = stage_ref(&model.stages, stage, from);
    let mut adds = false;
    while let Some(i) = idx {
        let s = &model.stages[i];
        adds |= model.instructions[s.body.clone()]
            .iter()
            .any(|i| matches!(i.kind, Kind::Run | Kind::Copy | Kind::Add));
        match &s.base {
            Base::Stage(b) => idx = Some(*b),
            Base::Image(_) => return adds,
            Base::Scratch => return false,
        }
    }
    false
}

/// Whether the `--from` source is a JDK image, or a stage built from one.
fn is_jdk(model: &Model, stage: usize, from: &str) -> bool {
    let mut image = from.to_string();
    let mut idx = stage_ref(&model.stages, stage, from);
    while let Some(i) = idx {
        match &model.stages[i].base {
            Base::Stage(b) => idx = Some(*b),
            Base::Image(name) => {
                image = name.clone();
                idx = None;
            }
            Base::Scratch => return false,
        }
    }
    let image = image.to_ascii_lowercase();
    image.contains("jdk") && !image.contains("jre")
        || image.starts_with("maven")
        || image.starts_with("gradle")
}
