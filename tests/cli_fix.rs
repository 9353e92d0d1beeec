//! `dockerlean fix` and project config files, as a user runs them.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// DKL101 on line 2; DKL102 and DKL103 on line 3; all three fixable.
const FIXABLE: &str =
    "FROM debian:12-slim\nRUN pip install flask\nRUN apt-get update && apt-get install -y curl\n";

fn dockerlean(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockerlean"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
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

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn read(dir: &tempfile::TempDir, path: &str) -> String {
    std::fs::read_to_string(dir.path().join(path)).unwrap()
}

#[test]
fn fix_writes_every_fix_and_a_second_run_changes_nothing() {
    let dir = project(&[("Dockerfile", FIXABLE)]);
    let out = dockerlean(dir.path(), &["fix", "Dockerfile"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let fixed = read(&dir, "Dockerfile");
    assert!(
        fixed.contains("pip install --no-cache-dir flask"),
        "{fixed}"
    );
    assert!(fixed.contains("--no-install-recommends"), "{fixed}");
    assert!(fixed.contains("rm -rf /var/lib/apt/lists/*"), "{fixed}");
    assert_eq!(code(&dockerlean(dir.path(), &["check"])), 0);

    let again = dockerlean(dir.path(), &["fix", "Dockerfile"]);
    assert_eq!(code(&again), 0);
    assert_eq!(read(&dir, "Dockerfile"), fixed);
    assert_eq!(stderr(&again), "");
}

#[test]
fn diff_prints_a_unified_diff_and_writes_nothing() {
    let dir = project(&[("Dockerfile", FIXABLE)]);
    let out = dockerlean(dir.path(), &["fix", "--diff", "."]);
    // Exit codes are `check`'s: the file on disk still has its findings.
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(
        diff.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n@@ "),
        "{diff}"
    );
    assert!(diff.contains("\n-RUN pip install flask\n"), "{diff}");
    assert!(
        diff.contains("\n+RUN pip install --no-cache-dir flask\n"),
        "{diff}"
    );
    assert_eq!(read(&dir, "Dockerfile"), FIXABLE);

    dockerlean(dir.path(), &["fix"]);
    let out = dockerlean(dir.path(), &["fix", "--diff"]);
    assert_eq!((code(&out), stdout(&out)), (0, String::new()));
}

#[test]
fn files_with_syntax_errors_are_not_touched_and_exit_2() {
    let broken = "FROM debian:12\nFOO bar\nRUN pip install flask\n";
    let dir = project(&[("a/Dockerfile", broken), ("b/Dockerfile", FIXABLE)]);
    let out = dockerlean(dir.path(), &["fix", "."]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("a/Dockerfile: not fixed: the builder rejects line 2"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&dir, "a/Dockerfile"), broken);
    // The other file is still fixed.
    assert_ne!(read(&dir, "b/Dockerfile"), FIXABLE);
}

#[test]
fn fix_reads_stdin_and_writes_the_result_to_stdout() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockerlean"))
        .args(["fix", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        b"FROM python:3.12\nRUN pip install flask\n",
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        stdout(&out),
        "FROM python:3.12\nRUN pip install --no-cache-dir flask\n"
    );
}

#[test]
fn dockerlean_toml_turns_rules_off_and_changes_severities() {
    let dir = project(&[
        ("svc/Dockerfile", FIXABLE),
        (
            ".dockerlean.toml",
            "ignore = [\"apt-lists-kept\"]\n[rules]\nDL3042 = \"off\"\nDKL102 = \"info\"\n",
        ),
    ]);
    let out = dockerlean(dir.path(), &["check", "--format", "json", "svc/Dockerfile"]);
    // Only DKL102 is left, as info: below the default fail level.
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(&str, &str)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("DKL102", "info")]);

    // Fixing leaves the rules that are off alone.
    dockerlean(dir.path(), &["fix", "svc/Dockerfile"]);
    let fixed = read(&dir, "svc/Dockerfile");
    assert!(fixed.contains("RUN pip install flask\n"), "{fixed}");
    assert!(fixed.contains("--no-install-recommends"), "{fixed}");
}

#[test]
fn hadolint_yaml_ignored_codes_apply_to_our_rules() {
    let dir = project(&[
        ("Dockerfile", "FROM python:3.12\nRUN pip install flask\n"),
        (".hadolint.yaml", "ignored:\n  - DL3042\n  - DL3008\n"),
    ]);
    let out = dockerlean(dir.path(), &["check", "Dockerfile"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
}

#[test]
fn a_config_above_the_repository_root_is_not_used() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(
        outer.path().join(".dockerlean.toml"),
        "ignore = [\"DKL101\"]\n",
    )
    .unwrap();
    let repo = outer.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(
        repo.join("Dockerfile"),
        "FROM python:3.12\nRUN pip install a\n",
    )
    .unwrap();
    assert_eq!(code(&dockerlean(&repo, &["check"])), 1);
    assert_eq!(code(&dockerlean(outer.path(), &["check", "repo"])), 1);
}

#[test]
fn a_malformed_config_warns_once_with_file_and_line_and_defaults_apply() {
    let dir = project(&[
        ("a/Dockerfile", "FROM python:3.12\nRUN pip install flask\n"),
        ("b/Dockerfile", "FROM python:3.12\nRUN pip install flask\n"),
        (
            ".dockerlean.toml",
            "ignore = [\"DKL101\"]\n[rules]\nDKL101 = \"loud\"\n",
        ),
    ]);
    let out = dockerlean(dir.path(), &["check", "."]);
    assert_eq!(code(&out), 1, "defaults apply: DKL101 reports");
    let err = stderr(&out);
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "{}", stderr(&out));
    assert!(
        warnings[0].contains(".dockerlean.toml:3: "),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].contains("loud"), "{}", warnings[0]);
}

#[test]
fn split_stages_rewrites_a_single_stage_build_and_leaves_others_alone() {
    let go = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\nENTRYPOINT [\"/out/app\"]\n";
    let web = "FROM nginx:1.27\nCOPY site /usr/share/nginx/html\n";
    let dir = project(&[("go/Dockerfile", go), ("web/Dockerfile", web)]);
    let out = dockerlean(dir.path(), &["fix", "--split-stages", "."]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let split = read(&dir, "go/Dockerfile");
    assert!(
        split.starts_with("FROM golang:1.22 AS builder\n"),
        "{split}"
    );
    assert!(
        split.contains("COPY --from=builder /out/app /out/app\n"),
        "{split}"
    );
    assert_eq!(read(&dir, "web/Dockerfile"), web);
    assert!(
        stderr(&out).contains("web/Dockerfile: not split"),
        "{}",
        stderr(&out)
    );
}
