//! DKL301: compilers and build tools in a stage whose layers ship.

use crate::finding::{Related, Severity};
use crate::model::{Base, Kind, Model, Script};
use crate::rules::commands::{installed_packages, is_apt, removed_packages};
use crate::rules::images::{is_sdk, parse_ref};
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL301",
        name: "build-toolchain-shipped",
        hadolint: None,
        severity: Severity::Warning,
        fixable: false,
        summary: "Compilers, build tools or a language SDK image in the final image",
        docs: r#"
## What it does
Finds, in a stage whose layers ship:
- a package install (`apt-get install`, `apk add`, `yum` / `dnf install`) of build tools:
  `build-essential`, `build-base`, `alpine-sdk`, `gcc`, `g++`, `clang`, `make`, `cmake`,
  `autoconf`, `automake`, `libtool`, `pkg-config`, `git`, or headers (`*-dev`, `*-devel`,
  `linux-headers`) that the stage does not remove again;
- a language SDK base image (`golang`, `rust`, `maven`, `gradle`, a full JDK such as
  `eclipse-temurin:21-jdk` or `openjdk`) when the stage builds with it (`go build`,
  `cargo build`, `mvn`, `gradle`, `javac`) and runs the result (CMD or ENTRYPOINT).

## Why it costs size
Compilers and headers are needed to build a program, not to run it: `build-essential` adds
over 200 MB on Debian, an SDK image is several hundred MB larger than a runtime image of the
same language. In the final image they are dead weight (and attack surface).

## Not reported when
- the same RUN removes the packages again (`apt-get purge`, `apk del` of the `--virtual`
  group, or `apt-mark auto` … `apt-get purge --auto-remove` / `apt-get autoremove`); a
  removal in a later RUN is reported by DKL202 instead;
- the stage's layers do not ship (a builder stage only copied from);
- the SDK image's stage does not build, or does not run anything.

## Example
```dockerfile
FROM golang:1.22
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/app ./cmd/app
CMD ["app"]
```

## Fix
Build in one stage and copy the outputs into a runtime stage:
```dockerfile
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /usr/local/bin/app
CMD ["app"]
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev && rm -rf /var/lib/apt/lists/*\nCMD [\"app\"]\n",
            "FROM alpine\nRUN apk add --no-cache gcc musl-dev\n",
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/app .\nCMD [\"app\"]\n",
            "FROM maven:3-eclipse-temurin-21 AS build\nCOPY . .\nRUN mvn -q package\nFROM build\nENTRYPOINT [\"java\", \"-jar\", \"target/app.jar\"]\n",
        ],
        clean: &[
            "FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\nFROM scratch\nCOPY --from=build /out /out\n",
            "FROM alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && make && apk del .build-deps\n",
            "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && make && apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*\n",
            "FROM python:3.12-slim\nRUN set -eux; savedAptMark=\"$(apt-mark showmanual)\"; apt-get update; apt-get install -y --no-install-recommends gcc libffi-dev; pip install --no-cache-dir cffi; apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; rm -rf /var/lib/apt/lists/*\n",
            "FROM golang:1.22\nRUN go install example.com/tool@latest\n",
            "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nCMD [\"/app\"]\n",
            "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*\n",
        ],
    },
};

const TOOLS: &[&str] = &[
    "build-essential",
    "build-base",
    "alpine-sdk",
    "gcc",
    "g++",
    "gcc-c++",
    "clang",
    "make",
    "cmake",
    "autoconf",
    "automake",
    "libtool",
    "pkg-config",
    "pkgconf",
    "git",
    "linux-headers",
];

fn is_build_package(name: &str) -> bool {
    // `gcc=4:12.2.0-3`, `gcc-12`: the name before a version pin, with a version suffix.
    let name = name.split(['=', '<', '>']).next().unwrap_or(name);
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    let base = base.strip_suffix('-').unwrap_or(base);
    TOOLS.contains(&name)
        || TOOLS.contains(&base)
        || name.ends_with("-dev")
        || name.ends_with("-devel")
}

fn check(model: &Model, sink: &mut Sink) {
    for stage in model.stages.iter().filter(|s| s.ships_layers) {
        let body = &model.instructions[stage.body.clone()];
        for (i, instr) in body.iter().enumerate() {
            let Some(script) = &instr.script else {
                continue;
            };
            for (c, cmd) in script.commands.iter().enumerate() {
                let tools: Vec<_> = installed_packages(cmd)
                    .into_iter()
                    .filter(|w| is_build_package(&w.text))
                    .filter(|w| !removed_later(script, c, &w.text, cmd_group(cmd)))
                    .filter(|w| {
                        !body[i + 1..]
                            .iter()
                            .filter_map(|l| l.script.as_ref())
                            .any(|s| {
                                s.commands
                                    .iter()
                                    .any(|c| removed_packages(c).iter().any(|p| p.text == w.text))
                            })
                    })
                    .collect();
                let Some(first) = tools.first() else {
                    continue;
                };
                let names: Vec<&str> = tools.iter().map(|w| w.text.as_str()).collect();
                let range = first.range.clone();
                sink.report(
                    range,
                    format!("build tools ship in the final image ({}): build in a separate stage and copy only the outputs into a runtime stage", names.join(", ")),
                    None,
                );
            }
        }
    }
    sdk_base(model, sink);
}

/// The `--virtual` / `-t` group name of an `apk add`.
fn cmd_group(cmd: &crate::model::Command) -> Option<&str> {
    let args = cmd.args();
    args.iter().enumerate().find_map(|(i, w)| {
        if w.text == "-t" || w.text == "--virtual" {
            args.get(i + 1).map(|v| v.text.as_str())
        } else {
            w.text.strip_prefix("--virtual=")
        }
    })
}

/// Whether the script removes the package (or its apk group) after command `at`, or marks
/// everything auto-installed and removes what nothing needs.
fn removed_later(script: &Script, at: usize, package: &str, group: Option<&str>) -> bool {
    let later = &script.commands[at + 1..];
    let by_name = later.iter().any(|c| {
        removed_packages(c)
            .iter()
            .any(|p| p.text == package || Some(p.text.as_str()) == group)
    });
    let marked_auto = later
        .iter()
        .any(|c| c.program() == "apt-mark" && c.args().first().is_some_and(|w| w.text == "auto"));
    let autoremoves = later
        .iter()
        .any(|c| is_apt(c, "autoremove") || (is_apt(c, "purge") && c.has_flag("--auto-remove")));
    by_name || (marked_auto && autoremoves)
}

/// Commands that build with an SDK's compiler.
fn builds(cmd: &crate::model::Command) -> bool {
    let first = cmd.args().first().map(|w| w.text.as_str());
    match cmd.program() {
        "go" => first == Some("build"),
        "cargo" => matches!(first, Some("build" | "install")),
        "mvn" | "mvnw" | "gradle" | "gradlew" | "javac" => true,
        _ => false,
    }
}

fn sdk_base(model: &Model, sink: &mut Sink) {
    // The final stage's chain: the stages whose layers ship, down to the image.
    let chain: Vec<_> = model.stages.iter().filter(|s| s.ships_layers).collect();
    let Some(root) = chain.iter().find(|s| matches!(s.base, Base::Image(_))) else {
        return;
    };
    let Base::Image(reference) = &root.base else {
        return;
    };
    if !is_sdk(&parse_ref(reference)) {
        return;
    }
    let instrs = || {
        chain
            .iter()
            .flat_map(|s| &model.instructions[s.body.clone()])
    };
    let build = instrs()
        .filter_map(|i| i.script.as_ref())
        .flat_map(|s| &s.commands)
        .find(|c| builds(c));
    let runs = instrs().any(|i| matches!(i.kind, Kind::Cmd | Kind::Entrypoint));
    let (Some(build), true) = (build, runs) else {
        return;
    };
    let Some(word) = root.image.as_ref() else {
        return;
    };
    let finding = sink.report(
        word.range.clone(),
        format!("the final image is built on the SDK image {reference} and runs what it built there: build in a builder stage and copy the outputs into a runtime image"),
        None,
    );
    finding.related.push(Related {
        range: build.range.clone(),
        message: "built here".to_string(),
    });
}
