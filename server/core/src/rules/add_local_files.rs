//! DKL201: ADD of local files where COPY does the same.

use crate::finding::{Edit, Fix, Severity};
use crate::model::{Kind, Model};
use crate::rules::commands::is_archive_name;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL201",
        name: "add-instead-of-copy",
        hadolint: Some("DL3020"),
        severity: Severity::Warning,
        fixable: true,
        summary: "ADD of local files or folders: use COPY",
        docs: r#"
## What it does
Finds `ADD` whose sources are all local files or folders that are not archives.

## Why it costs size
ADD does more than copy: it downloads URLs and unpacks local tar archives. Used for plain
files, it copies exactly like COPY, but a reader (and a later edit that adds an archive) cannot
tell. Keeping ADD for the cases that need it makes it clear where a layer may suddenly grow
by the size of an unpacked archive or a download.

## Not reported when
- a source is a URL or a git repository, or looks like an archive (`.tar`, `.tar.gz`, `.tgz`,
  `.tar.xz`, `.zip` is not unpacked but is left alone too, …);
- a source contains a variable or a glob that could match an archive;
- ADD-only flags are used (`--checksum`, `--keep-git-dir`, `--unpack`).

## Example
```dockerfile
ADD requirements.txt /app/
```

## Fix
```dockerfile
COPY requirements.txt /app/
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM alpine\nADD requirements.txt /app/\n",
            "FROM alpine\nADD --chown=app:app . /app\n",
            "FROM alpine\nadd [\"a b.txt\", \"/x/\"]\n",
            "FROM alpine AS build\nADD *.jar /app/\nFROM alpine\n",
        ],
        clean: &[
            "FROM alpine\nADD https://example.com/x.tar.gz /tmp/\n",
            "FROM alpine\nADD rootfs.tar.xz /\n",
            "FROM alpine\nADD git@github.com:moby/buildkit.git /src\n",
            "FROM alpine\nADD $SRC /app\n",
            "FROM alpine\nADD files/* /app/\n",
            "FROM alpine\nADD --checksum=sha256:abc https://example.com/x /x\n",
            "FROM alpine\nCOPY a /b\n",
        ],
    },
};

fn check(model: &Model, sink: &mut Sink) {
    for instr in model.instructions.iter().filter(|i| i.kind == Kind::Add) {
        if ["checksum", "keep-git-dir", "unpack"]
            .iter()
            .any(|f| instr.flag(f).is_some())
        {
            continue;
        }
        let Some((_, sources)) = instr.args.split_last() else {
            continue;
        };
        if sources.is_empty() && instr.line.heredocs.is_empty() {
            continue;
        }
        if !sources.iter().all(|s| is_plain_local(&s.text)) {
            continue;
        }
        let keyword = &model.text[instr.line.keyword.clone()];
        let copy = if keyword.chars().all(|c| c.is_ascii_lowercase()) {
            "copy"
        } else {
            "COPY"
        };
        let fix = Fix::safe(
            "Replace ADD with COPY".to_string(),
            vec![Edit::replace(instr.line.keyword.clone(), copy)],
        );
        sink.report(
            instr.line.keyword.clone(),
            "ADD of local files: use COPY, which only copies",
            Some(fix),
        );
    }
}

fn is_plain_local(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    if lower.contains("://")
        || lower.starts_with("git@")
        || lower.ends_with(".git")
        || lower.contains('$')
    {
        return false;
    }
    if is_archive_name(&lower) {
        return false;
    }
    // A glob could match an archive unless its own extension says otherwise.
    let is_glob = lower.contains(['*', '?', '[']);
    let last = lower.rsplit('/').next().unwrap_or(&lower);
    !is_glob
        || last
            .rsplit_once('.')
            .is_some_and(|(_, ext)| !ext.contains(['*', '?', '[']))
}
