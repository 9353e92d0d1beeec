//! `dockerlean size` as a CI job runs it: the per-instruction table, JSON, budgets and exit codes,
//! and registry look-ups against a real registry on loopback (skipped where `docker-registry` is
//! not installed).

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::registry::{Format, TestRegistry, AMD64};
use serde_json::Value;

fn size(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockerlean"))
        .arg("size")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

fn examples() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// The JSON of a run that must succeed (exit 0, within any budget).
fn size_json(dir: &Path, args: &[&str]) -> Value {
    let out = size(dir, &[args, &["--format", "json"]].concat());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out)
}

#[test]
fn json_has_one_object_per_instruction_and_the_totals() {
    let v = size_json(examples(), &["flask/Dockerfile.multistage"]);
    let instructions = v["instructions"].as_array().unwrap();
    let lines: Vec<u64> = instructions
        .iter()
        .map(|i| i["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [5, 9, 10, 14, 15]);
    let apt = &instructions[0];
    assert_eq!(apt["confidence"], "approximate");
    assert!(apt["instruction"]
        .as_str()
        .unwrap()
        .starts_with("RUN apt-get update"));
    assert!(apt["estimate_bytes"].as_u64().unwrap() > 100_000_000);
    let pip = &instructions[2];
    assert_eq!(pip["estimate_bytes"], Value::Null);
    assert_eq!(pip["confidence"], "unknown");
    let app = std::fs::metadata(examples().join("flask/app.py"))
        .unwrap()
        .len();
    assert_eq!(instructions[4]["estimate_bytes"], app);
    assert_eq!(instructions[4]["confidence"], "exact");
    let stages = v["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2);
    assert_eq!(
        (stages[0]["final"].as_bool(), stages[0]["ships"].as_bool()),
        (Some(false), Some(false))
    );
    assert_eq!(stages[1]["final"], true);
    assert_eq!(stages[1]["base"], "python:3.12-slim-bookworm");
    assert_eq!(v["final"]["incomplete"], true);
    assert!(v["data"]["base_images"]["snapshot"].is_string());
}

#[test]
fn budgets_decide_the_exit_code() {
    let over = size(examples(), &["python", "--budget", "300MB"]);
    assert_eq!(over.status.code(), Some(1));
    let text = String::from_utf8(over.stdout).unwrap();
    assert!(text.contains("budget 300 MB: over budget"), "{text}");
    assert!(text.contains("final image: ≥ 1.1 GB"), "{text}");
    let within = size(
        examples(),
        &["python", "--budget", "5GB", "--format", "json"],
    );
    // Part of the image has no data (pip), so only an over-budget lower bound is certain.
    assert_eq!(within.status.code(), Some(0));
    assert_eq!(json(&within)["over_budget"], Value::Null);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.23\nCOPY big /big\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("big"), vec![0u8; 2_000_000]).unwrap();
    let out = size(dir.path(), &["--budget", "5MB", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "alpine ≈ 8.4 MB on disk + 2 MB");
    assert_eq!(json(&out)["over_budget"], true);
    let out = size(dir.path(), &["--budget", "50MB"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("within budget"));
}

#[test]
fn copy_from_a_stage_counts_the_context_files_it_copied() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.23 AS build\nWORKDIR /src\nCOPY . .\nRUN echo built > /src/out\n\
         FROM scratch\nCOPY --from=build /src/app.bin /app.bin\nCOPY --from=build /src/assets /assets\n",
    )
    .unwrap();
    std::fs::write(dir.path().join(".dockerignore"), "assets/*.map\n").unwrap();
    std::fs::write(dir.path().join("app.bin"), vec![0u8; 3000]).unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::write(dir.path().join("assets/a.css"), vec![b'a'; 500]).unwrap();
    std::fs::write(dir.path().join("assets/a.css.map"), vec![b'm'; 9000]).unwrap();
    let v = size_json(dir.path(), &[]);
    let copies: Vec<(Value, Value)> = v["instructions"].as_array().unwrap()[2..]
        .iter()
        .map(|i| (i["estimate_bytes"].clone(), i["confidence"].clone()))
        .collect();
    assert_eq!(
        copies,
        [
            (Value::from(3000), Value::from("exact")),
            (Value::from(500), Value::from("exact")),
        ]
    );
    // The file is exact; the directory is a lower bound: the RUN may have written there too.
    assert_eq!(v["final"]["estimate_bytes"], 3500);
    assert_eq!(v["final"]["incomplete"], true);
    assert_eq!(v["final"]["display"], "≥ 3.5 kB");
}

#[test]
fn usage_errors() {
    let out = size(examples(), &["--budget", "lots"]);
    assert_eq!(out.status.code(), Some(2));
    let out = size(examples(), &["."]);
    assert_eq!(out.status.code(), Some(2), "no Dockerfile in examples/");
}

#[test]
fn registry_lookups_from_the_project_config_or_the_flag() {
    let Some(mut registry) = TestRegistry::start() else {
        return;
    };
    let host = registry.host.clone();
    registry.push_image("test/app", Some("1"), AMD64, &[3000, 1200], Format::Docker);
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM {host}/test/app:1\n"),
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_dockerlean"))
            .arg("size")
            .args(args)
            .current_dir(dir.path())
            .env("XDG_CACHE_HOME", cache.path())
            .output()
            .expect("the binary runs")
    };
    let base = |out: &Output| json(out)["stages"][0].clone();

    let off = run(&["--format", "json"]);
    assert_eq!(base(&off)["base_bytes"], Value::Null, "off by default");
    assert_eq!(json(&off)["data"]["registry"]["lookups"], false);

    // `--registry` turns look-ups on (a loopback registry is reached over plain http).
    let on = run(&["--registry", "--format", "json"]);
    assert_eq!(on.status.code(), Some(0));
    assert_eq!(
        base(&on)["base_bytes"],
        11_340,
        "2.7 × the 4200-byte download"
    );
    let note = base(&on)["notes"][0].as_str().unwrap().to_string();
    assert!(
        note.contains("on disk estimated as 2.7 × its 4.2 kB download (linux/amd64, registry ")
            && note.contains(&format!("registry {host}, fetched 20")),
        "{note}"
    );
    assert_eq!(json(&on)["data"]["registry"]["lookups"], true);
    assert!(json(&on)["data"]["registry"]["cache"]
        .as_str()
        .unwrap()
        .starts_with(cache.path().to_str().unwrap()));

    // So does the config file; with the registry gone, the disk cache answers.
    let config = dir.path().join(".dockerlean.toml");
    std::fs::write(&config, "[registry]\nlookups = true\n").unwrap();
    registry.stop();
    let text = String::from_utf8(run(&[]).stdout).unwrap();
    assert!(text.contains("base ≈ 11 kB"), "{text}");
    assert!(
        text.contains("; registry look-ups on (download sizes from the manifests, cached in "),
        "{text}"
    );

    // A malformed table is a warning, and look-ups stay off.
    std::fs::write(&config, "[registry]\nlookup = true\n").unwrap();
    let out = run(&["--format", "json"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains(".dockerlean.toml:2: "));
    assert_eq!(json(&out)["data"]["registry"]["lookups"], false);
}
