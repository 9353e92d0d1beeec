//! Each language's split, snapshotted, re-analysed, and checked for self-consistency: every
//! `COPY --from=builder` names a path that the builder stage creates.

use super::*;
use crate::analyze_str;
use crate::syntax::parse;

fn split(text: &str) -> Option<String> {
    let tree = parse(text);
    let model = Model::build(text, &tree);
    let fix = split_stages(&model)?;
    Some(crate::apply_edits(text, &fix.edits))
}

/// Splits `text`, and checks the result: two stages, no finding of ours that the original did
/// not have, and every path copied from the builder created by it.
fn split_checked(text: &str) -> String {
    let out = split(text).unwrap_or_else(|| panic!("no split offered for\n{text}"));
    let tree = parse(&out);
    let model = Model::build(&out, &tree);
    assert_eq!(model.stages.len(), 2, "{out}");
    let before: Vec<_> = analyze_str(text)
        .findings
        .iter()
        .map(|f| f.code())
        .collect();
    for f in analyze_str(&out).findings {
        assert!(
            before.contains(&f.code()),
            "new finding {} `{}` in\n{out}",
            f.code(),
            &out[f.range.clone()]
        );
    }
    let created = created_by_builder(&model);
    for path in copied_from_builder(&model) {
        assert!(
            created
                .iter()
                .any(|c| path == *c || path.starts_with(&format!("{c}/"))),
            "{path} is copied from the builder, which creates only {created:?}:\n{out}"
        );
    }
    out
}

/// Paths the builder stage creates, read from its instructions: WORKDIRs, virtualenvs,
/// `-o` outputs, and the output folders of cargo, Maven and Gradle under their WORKDIR.
fn created_by_builder(model: &Model) -> Vec<String> {
    let stage = &model.stages[0];
    let mut dir = "/".to_owned();
    let mut created = Vec::new();
    for instr in &model.instructions[stage.body.clone()] {
        if instr.kind == Kind::Workdir {
            dir = join(&dir, &instr.args[0].text);
            created.push(dir.clone());
        }
        for cmd in commands(instr) {
            let words: Vec<&str> = cmd.words.iter().map(|w| w.text.as_str()).collect();
            match words[..] {
                [_, "-m", "venv", path] => created.push(join(&dir, path)),
                ["cargo", "build", ..] => created.push(join(&dir, "target/release")),
                ["mvn", ..] => created.push(join(&dir, "target")),
                ["gradle", ..] => created.push(join(&dir, "build/libs")),
                _ => {}
            }
            if let Some(out) = option_value(cmd, "-o") {
                created.push(join(&dir, out));
            }
        }
    }
    created
}

fn copied_from_builder(model: &Model) -> Vec<String> {
    let copies: Vec<String> = model
        .instructions
        .iter()
        .filter(|i| i.kind == Kind::Copy && i.flag("from").is_some())
        .map(|i| {
            assert_eq!(i.flag("from").unwrap().value.as_deref(), Some(BUILDER));
            i.args[0].text.clone()
        })
        .collect();
    assert!(!copies.is_empty(), "nothing is copied from the builder");
    copies
}

#[test]
fn python() {
    let text = "\
# syntax=docker/dockerfile:1
FROM python:3.12
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
# pinned in requirements.txt
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
ENV PYTHONUNBUFFERED=1
RUN useradd --create-home app
USER app
EXPOSE 8000
CMD [\"gunicorn\", \"app:app\"]
";
    insta::assert_snapshot!(split_checked(text));
}

#[test]
fn python_keeps_alpine_and_global_args() {
    let text = "ARG PY=3.12\nFROM python:${PY}-alpine\nRUN pip install --no-cache-dir flask\nCMD [\"flask\", \"run\"]\n";
    let out = split_checked(text);
    assert!(
        out.starts_with("ARG PY=3.12\nFROM python:${PY}-alpine AS builder\n"),
        "{out}"
    );
    assert!(out.contains("\nFROM python:${PY}-alpine\n"), "{out}");
}

#[test]
fn node() {
    let text = "\
FROM node:20
WORKDIR /usr/src/app
COPY package*.json ./
RUN npm ci
COPY . .
RUN npm run build
ENV NODE_ENV=production
EXPOSE 3000
CMD [\"node\", \"dist/server.js\"]
";
    insta::assert_snapshot!(split_checked(text));
}

#[test]
fn files_copied_after_the_build_reach_the_runtime_stage() {
    let text = "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"server.js\"]\n";
    let out = split_checked(text);
    let runtime = out.split("\n\n").nth(1).unwrap();
    assert_eq!(
        runtime,
        "FROM node:20-slim\nCOPY --from=builder /app /app\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"server.js\"]\n"
    );
}

#[test]
fn go() {
    let text = "\
FROM golang:1.22
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -o /out/server ./cmd/server
EXPOSE 8080
ENTRYPOINT [\"/out/server\"]
";
    insta::assert_snapshot!(split_checked(text));
}

#[test]
fn go_with_a_shell_form_command_gets_a_distribution() {
    let text = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o bin/app .\nCMD ./bin/app --port 80\n";
    let out = split_checked(text);
    assert!(
        out.contains("FROM debian:bookworm-slim\nCOPY --from=builder /src/bin/app /src/bin/app\n"),
        "{out}"
    );
}

#[test]
fn rust() {
    let text = "\
FROM rust:1.79
WORKDIR /usr/src/myapp
COPY . .
RUN cargo build --release
CMD [\"/usr/src/myapp/target/release/myapp\"]
";
    insta::assert_snapshot!(split_checked(text));
}

#[test]
fn java_maven() {
    let text = "\
FROM maven:3.9-eclipse-temurin-21
WORKDIR /app
COPY pom.xml .
RUN mvn -B dependency:go-offline
COPY src ./src
RUN mvn -B package -DskipTests
EXPOSE 8080
CMD [\"java\", \"-jar\", \"target/app.jar\"]
";
    insta::assert_snapshot!(split_checked(text));
}

#[test]
fn java_gradle_version_from_the_tag() {
    let text = "FROM gradle:8-jdk17\nWORKDIR /home/gradle/project\nCOPY . .\nRUN gradle build --no-daemon\nCMD [\"java\", \"-jar\", \"build/libs/app.jar\"]\n";
    let out = split_checked(text);
    assert!(out.contains("FROM eclipse-temurin:17-jre\nCOPY --from=builder /home/gradle/project/build/libs /home/gradle/project/build/libs\n"), "{out}");
}

#[test]
fn generic_c() {
    let text = "\
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY hello.c .
RUN gcc -O2 -o /usr/local/bin/hello hello.c
CMD [\"hello\"]
";
    insta::assert_snapshot!(split_checked(text));
}

#[test]
fn not_offered_when_nothing_is_built_or_there_are_stages_already() {
    assert!(split("FROM nginx:1.27\nCOPY site /usr/share/nginx/html\n").is_none());
    assert!(split("FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n").is_none());
    // Where the binary lands is unknown: nothing to copy.
    assert!(split("FROM golang:1.22\nRUN go build .\n").is_none());
    assert!(split("FROM rust:1\nCOPY . .\nRUN cargo build --release\n").is_none());
    assert!(split("FROM node:20\nCOPY . .\nRUN npm ci\n").is_none());
}

#[test]
fn paths_resolve_against_the_working_directory() {
    assert_eq!(join("/app", "dist"), "/app/dist");
    assert_eq!(join("/app/", "./x/../y"), "/app/y");
    assert_eq!(join("/app", "/opt/venv"), "/opt/venv");
}
