//! DKL106: `dnf install` / `microdnf install` without `dnf clean all` in the same RUN.

use crate::finding::Severity;
use crate::model::{Command, Model};
use crate::rules::caches::{report_kept, Cache, Tool, RPM_CACHE};
use crate::rules::commands::{rpm_clean_all, rpm_filling};
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL106",
        name: "dnf-cache-kept",
        hadolint: Some("DL3040"),
        severity: Severity::Warning,
        fixable: true,
        summary: "`dnf install` or `microdnf install` without `clean all` leaves the package cache in the image",
        docs: r#"
## What it does
Finds a RUN, in a stage whose layers ship in the final image, that runs `dnf install` (also
`dnf5`, and `microdnf` of the UBI minimal images; and other operations that download:
`upgrade`, `makecache`, `group install`, …) with no `dnf clean all` / `microdnf clean all`
after it in the same RUN. hadolint's DL3040 covers both `dnf` and `microdnf` the same way.

## Why it costs size
dnf and microdnf keep the repository metadata they downloaded (and, where `keepcache` is on,
the packages) under `/var/cache/dnf` (microdnf: `/var/cache/yum`; dnf5:
`/var/cache/libdnf5`). Nothing needs them at run time. Cleaning in a *later* RUN does not help:
the files stay in this RUN's layer.

## Not reported when
- the same RUN later runs `dnf clean all`, `microdnf clean all` or `yum clean all`, or removes
  the cache directory;
- a `RUN --mount=type=cache` or `type=tmpfs` mount holds that cache;
- the stage's layers do not ship (a build stage that is only copied from).

## Example
```dockerfile
FROM registry.access.redhat.com/ubi9/ubi-minimal
RUN microdnf install -y nginx
```

## Fix
```dockerfile
FROM registry.access.redhat.com/ubi9/ubi-minimal
RUN microdnf install -y nginx && microdnf clean all
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM fedora:40\nRUN dnf install -y nginx\n",
            "FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y nginx\n",
            "FROM fedora:40\nRUN set -eux; \\\n    dnf -y --setopt=install_weak_deps=False install nginx; \\\n    echo done\n",
            "FROM fedora:40\nRUN <<EOF\nset -e\ndnf install -y nginx\nEOF\n",
            "FROM fedora:40\nRUN bash -c \"dnf install -y nginx\"\n",
        ],
        clean: &[
            "FROM fedora:40\nRUN dnf install -y nginx && dnf clean all\n",
            "FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y nginx \\\n    && microdnf clean all\n",
            "FROM fedora:40\nRUN dnf install -y nginx && rm -rf /var/cache/dnf/*\n",
            "FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y nginx\n",
            "FROM fedora:40\nRUN --mount=type=tmpfs,target=/var/cache dnf install -y nginx\n",
            "FROM fedora:40 AS build\nRUN dnf install -y gcc\nFROM scratch\nCOPY --from=build /x /x\n",
            "FROM fedora:40\nRUN dnf remove -y nginx\n",
        ],
    },
};

static TOOL: Tool = Tool {
    fills,
    cleans: rpm_clean_all,
    fix: Some(|cmd| format!("{} clean all", cmd.words[0].text)),
    message: |cmd, cache| {
        format!(
            "`{}` leaves {cache} in this layer: run `{} clean all` in the same RUN",
            cmd.program(),
            cmd.program()
        )
    },
};

fn fills(cmd: &Command) -> &'static [&'static Cache] {
    match rpm_filling(cmd, &["dnf", "dnf5", "microdnf"]) {
        Some(_) => &[&RPM_CACHE],
        None => &[],
    }
}

fn check(model: &Model, sink: &mut Sink) {
    report_kept(model, sink, &TOOL);
}
