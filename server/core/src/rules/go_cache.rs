//! DKL115: Go module and build caches left in a shipped layer.

use crate::finding::Severity;
use crate::model::{Command, Model};
use crate::rules::caches::{report_kept, Cache, Tool};
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL115",
        name: "go-cache-kept",
        hadolint: None,
        severity: Severity::Warning,
        fixable: false,
        summary: "`go build` / `go mod download` leaves Go's module and build caches in the image",
        docs: r#"
## What it does
Finds a RUN, in a stage whose layers ship in the final image, that runs `go build`,
`go install`, `go test`, `go run`, `go get` or `go mod download|tidy|vendor`, when the module
cache or the build cache it fills stays in the layer.

## Why it costs size
Go keeps the source of every module it downloads in the module cache (`$GOPATH/pkg/mod`:
`/go/pkg/mod` in the official golang images, `/root/go/pkg/mod` elsewhere, or `GOMODCACHE`)
and every compiled package in the build cache (`/root/.cache/go-build`, or `GOCACHE`). For a
service of moderate size these are often hundreds of megabytes, and a Go binary needs neither
at run time. Usually the compiler itself is not needed either: build in an earlier stage and
copy only the binary into a small final stage. Removing the caches in a *later* RUN does not
help: the files stay in this RUN's layer.

## Not reported when
- the same RUN later runs `go clean -cache -modcache` (any `go clean` with `-cache` or
  `-modcache`), or removes the cache folders;
- `RUN --mount=type=cache` (or `type=tmpfs`) mounts hold the caches;
- the stage's layers do not ship: the usual multi-stage build, where the final stage copies the
  binary out of the build stage.

No fix is offered: moving the build to its own stage needs a decision about the final image.

## Example
```dockerfile
FROM golang:1.23
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/app ./cmd/app
CMD ["app"]
```

## Fix
```dockerfile
FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
CMD ["/app"]
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM golang:1.23\nRUN go build -o /app .\n",
            "FROM golang:1.23\nRUN go mod download && \\\n    go build -o /app .\n",
            "FROM golang:1.23\nRUN <<EOF\ngo install example.com/tool@latest\nEOF\n",
            "FROM golang:1.23\nRUN sh -c 'go build ./...'\n",
            "FROM golang:1.23\nRUN --mount=type=cache,target=/root/.cache/go-build go build -o /app .\n",
            "FROM golang:1.23\nRUN go build -o /app . && rm -rf /root/.cache/go-build\n",
        ],
        clean: &[
            "FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n",
            "FROM golang:1.23\nRUN --mount=type=cache,target=/go/pkg/mod \\\n    --mount=type=cache,target=/root/.cache/go-build \\\n    go build -o /app .\n",
            "FROM golang:1.23\nRUN go build -o /app . && go clean -cache -modcache\n",
            "FROM golang:1.23\nRUN go build -o /app . && rm -rf /go/pkg/mod /root/.cache/go-build\n",
            "FROM golang:1.23\nENV GOPATH=/gp GOCACHE=/gc\nRUN go build -o /app . && rm -rf /gp /gc\n",
            "FROM golang:1.23\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n",
            "FROM golang:1.23\nRUN go version && go env && go vet ./...\n",
            "FROM debian:trixie\nRUN cd /tmp/src; \\\n    export GOCACHE=\"$PWD/.gocache\" GOPATH=\"$PWD/.gopath\"; \\\n    go install .; \\\n    rm -rf /tmp/src\n",
        ],
    },
};

const MODULES: Cache = Cache {
    name: "the module cache",
    at: &[
        "/go/pkg/mod",
        "~/go/pkg/mod",
        "$GOPATH/pkg/mod",
        "$GOMODCACHE",
    ],
    options: &[],
};

const BUILDS: Cache = Cache {
    name: "the build cache",
    at: &["~/.cache/go-build", "$GOCACHE", "$XDG_CACHE_HOME/go-build"],
    options: &[],
};

static TOOL: Tool = Tool {
    fills,
    cleans: |cmd| {
        cmd.program() == "go"
            && cmd.args().first().is_some_and(|w| w.text == "clean")
            && (cmd.has_flag("-cache") || cmd.has_flag("-modcache"))
    },
    fix: None,
    message: |cmd, caches| {
        let op = cmd.args().first().map_or("", |w| w.text.as_str());
        format!(
            "`go {op}` leaves {caches} in this layer: build in an earlier stage and copy only the binary into the final one, or mount the caches with `RUN --mount=type=cache`"
        )
    },
};

fn fills(cmd: &Command) -> &'static [&'static Cache] {
    if cmd.program() != "go" {
        return &[];
    }
    let mut words = cmd.args().iter().map(|w| w.text.as_str());
    match (words.next(), words.next()) {
        (Some("build" | "install" | "test" | "run" | "get"), _) => &[&MODULES, &BUILDS],
        (Some("mod"), Some("download" | "tidy" | "vendor")) => &[&MODULES],
        _ => &[],
    }
}

fn check(model: &Model, sink: &mut Sink) {
    report_kept(model, sink, &TOOL);
}
