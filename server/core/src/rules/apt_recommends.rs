//! DKL102: `apt-get install` without `--no-install-recommends`.

use crate::finding::Severity;
use crate::model::Model;
use crate::rules::commands::{apt_operation, is_apt};
use crate::rules::earlier_runs::EarlierRuns;
use crate::rules::fixes::insert_flag;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL102",
        name: "apt-recommends",
        hadolint: Some("DL3015"),
        severity: Severity::Warning,
        fixable: true,
        summary: "`apt-get install` without `--no-install-recommends` also installs every recommended package",
        docs: r#"
## What it does
Finds `apt-get install` / `apt install` in a stage that reaches the final image without
`--no-install-recommends`.

## Why it costs size
By default apt installs the packages each requested package *recommends*, and theirs in turn.
These are rarely needed in a container. Measured in a Debian bookworm chroot,
`apt-get install python3 python3-pip` adds 452 MB with recommends and 70 MB without;
`nodejs npm` adds 807 MB with and 226 MB without.

## Not reported when
- the command has `--no-install-recommends` or `-o APT::Install-Recommends=false` (or `=0`);
- an earlier RUN of the stage (or of the stage it is built from) writes
  `APT::Install-Recommends "false";` into apt's configuration;
- the stage does not reach the final image.

## Example
```dockerfile
RUN apt-get update && apt-get install -y curl
```

## Fix
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends curl
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
            "FROM debian:bookworm\nRUN apt-get -y install curl\n",
            "FROM debian:bookworm\nRUN sudo DEBIAN_FRONTEND=noninteractive apt install -qy curl \\\n  git\n",
        ],
        clean: &[
            "FROM debian:bookworm\nRUN apt-get install -y --no-install-recommends curl\n",
            "FROM debian:bookworm\nRUN apt-get -o APT::Install-Recommends=false install -y curl\n",
            "FROM debian:bookworm\nRUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/norec\nRUN apt-get install -y curl\n",
            "FROM debian:bookworm AS build\nRUN apt-get install -y gcc\nFROM scratch\nCOPY --from=build /x /x\n",
            "FROM debian:bookworm\nRUN apt-get remove -y curl && apt-get update\n",
        ],
    },
};

fn check(model: &Model, sink: &mut Sink) {
    let mut found = Vec::new();
    let configured_off = EarlierRuns::new(model, is_recommends_off);
    for (idx, instr, script) in model.shipped_runs() {
        if configured_off.before(model, idx) {
            continue;
        }
        for cmd in &script.commands {
            if !is_apt(cmd, "install")
                || cmd.has_flag("--no-install-recommends")
                || sets_option_off(cmd)
            {
                continue;
            }
            let install = apt_operation(cmd).expect("is an install");
            found.push((
                instr.stage,
                cmd,
                insert_flag(cmd, install, "--no-install-recommends"),
            ));
        }
    }
    if found.is_empty() {
        return;
    }
    // One size estimate of the stages with findings serves every message.
    let mut wanted = vec![false; model.stages.len()];
    for stage in found.iter().filter_map(|(stage, _, _)| *stage) {
        wanted[stage] = true;
    }
    let costs = crate::size::estimate::recommends_costs(model, &wanted);
    for (_, cmd, fix) in found {
        sink.report(
            cmd.range.clone(),
            message(costs.get(&cmd.range).copied()),
            fix,
        );
    }
}

/// States what the recommends cost for this very command where the Debian data covers it.
fn message(cost: Option<(u64, usize, crate::size::estimate::Confidence)>) -> String {
    const LEAD: &str =
        "`apt-get install` without `--no-install-recommends` also installs recommended packages";
    match cost {
        Some((bytes, packages, confidence)) if packages > 0 => format!(
            "{LEAD}: {}{} in {packages} packages here that `--no-install-recommends` leaves out (Debian bookworm data)",
            confidence.sign(),
            crate::size::format::bytes(bytes)
        ),
        Some(_) => format!("{LEAD} (none here: the base already has what these recommend, by Debian bookworm data)"),
        None => format!("{LEAD} (often hundreds of MB)"),
    }
}

fn sets_option_off(cmd: &crate::model::Command) -> bool {
    cmd.args().iter().any(|w| is_recommends_off(&w.text))
}

fn is_recommends_off(s: &str) -> bool {
    let s = s.to_ascii_lowercase();
    s.contains("apt::install-recommends")
        && (s.contains("false") || s.contains("\"0\"") || s.ends_with("=0"))
}
