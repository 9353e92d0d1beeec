//! The `dockerlean` binary as a user and a CI job run it: exit codes, output formats, discovery.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Fires DKL101 (`pip install` without `--no-cache-dir`) on line 2, where `pip` is at column 5.
const PIP: &str = "FROM python:3.12-slim\nRUN pip install flask\n";
const CLEAN: &str = "FROM scratch\nCOPY app /app\n";

fn dockerlean(dir: &Path, args: &[&str]) -> Output {
    run(dir, args, None, &[])
}

/// Runs the binary in `dir` with the colour variables of the calling environment removed, so
/// only `env` decides them.
fn run(dir: &Path, args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dockerlean"));
    cmd.args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().expect("the binary runs");
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited, not killed")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// A one-line error on stderr that mentions `needle`, nothing on stdout, exit code 2.
fn assert_usage_error(out: &Output, needle: &str) {
    assert_eq!(code(out), 2, "stderr: {}", stderr(out));
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(out));
    let err = stderr(out);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{needle:?} not in {err:?}");
}

// Exit codes and errors.

#[test]
fn a_clean_file_exits_0_with_only_the_summary() {
    let dir = project(&[("Dockerfile", CLEAN)]);
    let out = dockerlean(dir.path(), &["check"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "0 findings in 1 file\n");
}

#[test]
fn a_finding_at_the_fail_level_exits_1() {
    let dir = project(&[("Dockerfile", PIP)]);
    let out = dockerlean(dir.path(), &["check"]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("Dockerfile:2:5: warning DKL101 "),
        "{}",
        stdout(&out)
    );
    assert_eq!(stderr(&out), "1 finding (1 fixable) in 1 file\n");
}

#[test]
fn fail_level_sets_the_lowest_failing_severity() {
    let dir = project(&[("Dockerfile", PIP)]);
    for (level, expected) in [
        ("error", 0),
        ("warning", 1),
        ("info", 1),
        ("hint", 1),
        ("none", 0),
    ] {
        let out = dockerlean(dir.path(), &["check", "--fail-level", level]);
        assert_eq!(
            code(&out),
            expected,
            "--fail-level {level}: {}",
            stdout(&out)
        );
        assert!(
            stdout(&out).contains("DKL101"),
            "findings are shown whatever the level"
        );
    }
}

#[test]
fn a_missing_file_exits_2_naming_it() {
    let dir = project(&[]);
    assert_usage_error(
        &dockerlean(dir.path(), &["check", "nope/Dockerfile"]),
        "nope/Dockerfile",
    );
}

#[test]
fn a_directory_without_dockerfiles_exits_2() {
    let dir = project(&[
        ("docs/README.md", "# hi\n"),
        ("docs/Dockerfile.dockerignore", "*\n"),
    ]);
    assert_usage_error(
        &dockerlean(dir.path(), &["check", "docs"]),
        "docs: no Dockerfile",
    );
}

#[test]
fn invalid_utf8_exits_2_naming_the_file_and_the_offset() {
    let dir = project(&[]);
    std::fs::write(dir.path().join("Dockerfile"), b"FROM a\nRUN \xff\n").unwrap();
    assert_usage_error(
        &dockerlean(dir.path(), &["check", "Dockerfile"]),
        "Dockerfile: not valid UTF-8 (bad byte at offset 11)",
    );
}

#[test]
fn one_unreadable_input_stops_the_run_before_any_output() {
    let dir = project(&[("Dockerfile", PIP)]);
    assert_usage_error(
        &dockerlean(dir.path(), &["check", "Dockerfile", "missing"]),
        "missing",
    );
}

#[test]
fn bad_flags_exit_2() {
    let dir = project(&[("Dockerfile", CLEAN)]);
    for args in [
        &["check", "--format", "xml"][..],
        &["check", "--fail-level", "loud"],
        &["check", "--bogus"],
        &["frobnicate"],
    ] {
        let out = dockerlean(dir.path(), args);
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            stderr(&out).contains("error:"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_file_named_twice_is_linted_once() {
    let dir = project(&[("Dockerfile", PIP)]);
    let out = dockerlean(dir.path(), &["check", "Dockerfile", "Dockerfile"]);
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
    assert_eq!(stderr(&out), "1 finding (1 fixable) in 1 file\n");
    let out = run(dir.path(), &["check", "-", "-"], Some(PIP.as_bytes()), &[]);
    assert_eq!(stderr(&out), "1 finding (1 fixable) in 1 file\n");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let dir = project(&[("Dockerfile", &PIP.repeat(2000))]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockerlean"))
        .args(["check", "--fail-level", "none"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

// Discovery.

const TREE: &[(&str, &str)] = &[
    ("Dockerfile", PIP),
    ("Containerfile", PIP),
    ("api/api.Dockerfile", PIP),
    ("api/Dockerfile.dev", PIP),
    ("ci/containerfile.ci", PIP),
    ("web/dockerfile", PIP),
    ("web/Dockerfile.dockerignore", "node_modules\n"),
    ("web/README.md", "RUN pip install flask\n"),
    ("node_modules/pkg/Dockerfile", PIP),
    ("target/Dockerfile", PIP),
    (".git/Dockerfile", PIP),
];

const DISCOVERED: &[&str] = &[
    "Containerfile",
    "Dockerfile",
    "api/Dockerfile.dev",
    "api/api.Dockerfile",
    "ci/containerfile.ci",
    "web/dockerfile",
];

#[test]
fn a_directory_means_its_dockerfiles() {
    let dir = project(TREE);
    let out = dockerlean(dir.path(), &["check", "--fail-level", "none"]);
    assert_eq!(code(&out), 0);
    assert!(stderr(&out).ends_with(" in 6 files\n"), "{}", stderr(&out));
}

#[test]
fn discovered_files_come_in_sorted_order() {
    let dir = project(TREE);
    let out = dockerlean(dir.path(), &["check", "--format", "json"]);
    let files: Vec<String> = json(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(files, DISCOVERED);
}

#[test]
fn a_named_file_is_linted_whatever_its_name() {
    let dir = project(&[("build/base.txt", PIP)]);
    let out = dockerlean(dir.path(), &["check", "build/base.txt", "--format", "json"]);
    assert_eq!(json(&out)[0]["file"], "build/base.txt");
}

// Stdin.

#[test]
fn dash_reads_stdin() {
    let dir = project(&[]);
    let out = run(
        dir.path(),
        &["check", "-", "--format", "json"],
        Some(PIP.as_bytes()),
        &[],
    );
    assert_eq!(code(&out), 1);
    assert_eq!(json(&out)[0]["file"], "-");
    let out = run(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "app/Dockerfile",
            "--format",
            "json",
        ],
        Some(PIP.as_bytes()),
        &[],
    );
    assert_eq!(json(&out)[0]["file"], "app/Dockerfile");
}

#[test]
fn stdin_errors_use_the_stdin_name() {
    let dir = project(&[]);
    let out = run(
        dir.path(),
        &["check", "-", "--stdin-filename", "app/Dockerfile"],
        Some(b"FROM \xc3\n"),
        &[],
    );
    assert_usage_error(
        &out,
        "app/Dockerfile: not valid UTF-8 (bad byte at offset 5)",
    );
}

#[test]
fn clean_stdin_exits_0() {
    let dir = project(&[]);
    let out = run(dir.path(), &["check", "-"], Some(CLEAN.as_bytes()), &[]);
    assert_eq!(code(&out), 0);
    assert_eq!(stderr(&out), "0 findings in 1 file\n");
}

// Positions.

#[test]
fn a_byte_order_mark_changes_no_finding() {
    // Columns on the mark's own line are covered by the unit tests of `cli::input`.
    let dir = project(&[
        ("plain/Dockerfile", PIP),
        ("bom/Dockerfile", &format!("\u{feff}{PIP}")),
    ]);
    let findings = |path: &str| {
        let out = dockerlean(dir.path(), &["check", path, "--format", "json"]);
        let mut findings = json(&out);
        for f in findings.as_array_mut().unwrap() {
            f.as_object_mut().unwrap().remove("file");
        }
        findings
    };
    let plain = findings("plain/Dockerfile");
    assert_eq!(
        (plain[0]["code"].as_str(), plain[0]["line"].as_u64()),
        (Some("DKL101"), Some(2)),
        "{plain}"
    );
    assert_eq!(findings("bom/Dockerfile"), plain);
}

#[test]
fn columns_count_unicode_scalar_values() {
    let line = "RUN echo \"héllo 😀\" && pip install flask";
    let dir = project(&[("Dockerfile", &format!("FROM python:3.12-slim\n{line}\n"))]);
    let out = dockerlean(dir.path(), &["check", "--format", "json"]);
    let finding = &json(&out)[0];
    let pip_column = line[..line.find("pip").unwrap()].chars().count() + 1;
    assert_eq!(finding["code"], "DKL101");
    assert_eq!(finding["line"], 2);
    assert_eq!(finding["column"], pip_column);
}

// Formats.

#[test]
fn json_findings_have_every_field_in_a_stable_order() {
    let dir = project(&[("Dockerfile", PIP)]);
    let out = dockerlean(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let keys = [
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "severity",
        "code",
        "name",
        "hadolint",
        "message",
        "fixable",
    ];
    let at: Vec<usize> = keys
        .iter()
        .map(|k| {
            text.find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("{k} missing"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "field order: {text}");
    let f = &json(&out)[0];
    assert_eq!(f["file"], "Dockerfile");
    assert_eq!(
        (
            f["line"].as_u64(),
            f["column"].as_u64(),
            f["end_line"].as_u64()
        ),
        (Some(2), Some(5), Some(2))
    );
    assert!(f["end_column"].as_u64().unwrap() > 5);
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["code"], "DKL101");
    assert_eq!(f["hadolint"], "DL3042");
    assert_eq!(f["fixable"], true);
    assert!(!f["name"].as_str().unwrap().is_empty());
    assert!(f["message"].as_str().unwrap().contains("pip"), "{f}");
}

#[test]
fn json_without_findings_is_an_empty_array() {
    let dir = project(&[("Dockerfile", CLEAN)]);
    assert_eq!(
        json(&dockerlean(dir.path(), &["check", "--format", "json"])),
        Value::Array(vec![])
    );
}

/// The vendored schema is kept as published. Its language-tag pattern has a stray `]`, a
/// literal in ECMAScript's lenient syntax but an error to the Rust regex engine, which rejects
/// the whole schema; escaping it keeps the meaning.
fn sarif_errors(log: &Value) -> Vec<String> {
    let published = include_str!("schemas/sarif-schema-2.1.0.json");
    let stray = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(
        published.contains(stray),
        "the schema changed: drop this workaround"
    );
    let escaped = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#;
    let schema: Value = serde_json::from_str(&published.replace(stray, escaped)).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles");
    validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn sarif_without_findings_is_valid_and_lists_the_rules() {
    let dir = project(&[("Dockerfile", CLEAN)]);
    let log = json(&dockerlean(dir.path(), &["check", "--format", "sarif"]));
    assert_eq!(sarif_errors(&log), Vec::<String>::new());
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"][0]["tool"]["driver"]["name"], "dockerlean");
    assert_eq!(log["runs"][0]["results"], Value::Array(vec![]));
}

#[test]
fn sarif_schema_validation_catches_mistakes() {
    let mut log = serde_json::json!({ "version": "2.1.0", "runs": [] });
    assert_eq!(sarif_errors(&log), Vec::<String>::new());
    log["version"] = "2.0".into();
    assert_eq!(sarif_errors(&log).len(), 1);
}

#[test]
fn sarif_results_are_valid_with_locations_rules_and_fixes() {
    let dir = project(&[("api/Dockerfile", PIP)]);
    let log = json(&dockerlean(dir.path(), &["check", "--format", "sarif"]));
    assert_eq!(sarif_errors(&log), Vec::<String>::new());
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = rules
        .iter()
        .find(|r| r["id"] == "DKL101")
        .expect("DKL101 in the rules");
    assert_eq!(rule["defaultConfiguration"]["level"], "warning");
    assert!(rule["help"]["markdown"]
        .as_str()
        .unwrap()
        .contains("DKL101"));
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "DKL101");
    assert_eq!(result["level"], "warning");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "api/Dockerfile");
    assert_eq!(
        (
            location["region"]["startLine"].as_u64(),
            location["region"]["startColumn"].as_u64()
        ),
        (Some(2), Some(5))
    );
    let change = &result["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "api/Dockerfile");
    let inserted = change["replacements"][0]["insertedContent"]["text"]
        .as_str()
        .unwrap();
    assert!(inserted.contains("--no-cache-dir"), "{inserted}");
}

#[test]
fn github_annotations_escape_property_values() {
    let dir = project(&[("a,b:c.Dockerfile", PIP)]);
    let out = dockerlean(dir.path(), &["check", ".", "--format", "github"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("DKL101"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.starts_with("::warning file=a%2Cb%3Ac.Dockerfile,line=2,col=5,endLine=2,endColumn="),
        "{line}"
    );
    assert!(line.contains(",title=DKL101::"), "{line}");
}

#[test]
fn text_is_plain_unless_colour_is_forced() {
    let dir = project(&[("Dockerfile", PIP)]);
    let plain = dockerlean(dir.path(), &["check"]);
    assert!(!stdout(&plain).contains('\x1b'), "no colour into a pipe");
    let forced = run(dir.path(), &["check"], None, &[("CLICOLOR_FORCE", "1")]);
    assert!(stdout(&forced).contains("\x1b["), "{}", stdout(&forced));
    let refused = run(
        dir.path(),
        &["check"],
        None,
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    assert_eq!(stdout(&refused), stdout(&plain), "NO_COLOR wins");
}

// Rules, explain, version, lsp.

#[test]
fn rules_lists_the_registry() {
    let dir = project(&[]);
    let out = dockerlean(dir.path(), &["rules", "--format", "json"]);
    assert_eq!(code(&out), 0);
    let rules = json(&out);
    let pip = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "DKL101")
        .expect("DKL101 listed");
    assert_eq!(pip["hadolint"], "DL3042");
    assert_eq!(pip["severity"], "warning");
    assert_eq!(pip["fixable"], true);
    for code in ["DKL102", "DKL103", "DKL104", "DKL201"] {
        assert!(
            rules.as_array().unwrap().iter().any(|r| r["code"] == code),
            "{code}"
        );
    }
    let text = stdout(&dockerlean(dir.path(), &["rules"]));
    assert!(text.starts_with("CODE "), "{text}");
    let row = text
        .lines()
        .find(|l| l.starts_with("DKL101 "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        row.contains("DL3042") && row.contains("warning") && row.contains("yes"),
        "{row}"
    );
}

#[test]
fn explain_accepts_code_name_and_hadolint_code() {
    let dir = project(&[]);
    let by_code = dockerlean(dir.path(), &["explain", "DKL101"]);
    assert_eq!(code(&by_code), 0, "{}", stderr(&by_code));
    assert!(
        stdout(&by_code).starts_with("# DKL101 "),
        "{}",
        stdout(&by_code)
    );
    let name = stdout(&by_code)
        .lines()
        .next()
        .unwrap()
        .split('`')
        .nth(1)
        .unwrap()
        .to_owned();
    for key in [name.as_str(), "DL3042", "dkl101"] {
        assert_eq!(
            stdout(&dockerlean(dir.path(), &["explain", key])),
            stdout(&by_code),
            "{key}"
        );
    }
}

#[test]
fn explaining_an_unknown_rule_exits_2() {
    let dir = project(&[]);
    assert_usage_error(
        &dockerlean(dir.path(), &["explain", "DKL999"]),
        "unknown rule `DKL999`",
    );
}

#[test]
fn version_prints_the_package_version() {
    let dir = project(&[]);
    let out = dockerlean(dir.path(), &["--version"]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        stdout(&out),
        format!("dockerlean {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn the_stdio_flag_spellings_start_the_language_server() {
    // With stdin closed the server stops at once; what matters is that clap accepts each form.
    let dir = project(&[]);
    for args in [&["lsp"][..], &["lsp", "--stdio"], &["--stdio"]] {
        let out = dockerlean(dir.path(), args);
        assert!(
            !stderr(&out).contains("Usage"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_ne!(code(&out), 2, "{args:?}: {}", stderr(&out));
    }
}

/// The build-context rules see the folder beside the Dockerfile: a `.git` there and no
/// `.dockerignore` is a fixable DKL401, whose SARIF fix creates the file.
#[test]
fn the_folder_beside_the_dockerfile_is_the_build_context() {
    const COPY_ALL: &str = "FROM alpine:3.20\nCOPY . /app\n";
    let dir = project(&[("api/Dockerfile", COPY_ALL), ("api/.git/HEAD", "ref\n")]);
    let found = json(&dockerlean(dir.path(), &["check", "--format", "json"]));
    let finding = &found[0];
    assert_eq!(finding["code"], "DKL401");
    assert_eq!(finding["fixable"], true);
    let log = json(&dockerlean(dir.path(), &["check", "--format", "sarif"]));
    assert_eq!(sarif_errors(&log), Vec::<String>::new());
    let change = &log["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "api/.dockerignore");
    assert_eq!(
        change["replacements"][0]["insertedContent"]["text"],
        ".git\n"
    );
    std::fs::write(dir.path().join("api/.dockerignore"), ".git\n").unwrap();
    let found = json(&dockerlean(dir.path(), &["check", "--format", "json"]));
    assert_eq!(found.as_array().map(Vec::len), Some(0));
    // The same text on stdin has no folder: the rule stays silent.
    let out = run(
        dir.path(),
        &["check", "--format", "json", "-"],
        Some(COPY_ALL.as_bytes()),
        &[],
    );
    assert_eq!(json(&out).as_array().map(Vec::len), Some(0));
}
