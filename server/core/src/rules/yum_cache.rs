//! DKL105: `yum install` without `yum clean all` in the same RUN.

use crate::finding::Severity;
use crate::model::{Command, Model};
use crate::rules::caches::{report_kept, Cache, Tool, RPM_CACHE};
use crate::rules::commands::{rpm_clean_all, rpm_filling};
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL105",
        name: "yum-cache-kept",
        hadolint: Some("DL3032"),
        severity: Severity::Warning,
        fixable: true,
        summary: "`yum install` without `yum clean all` leaves yum's cache in the image",
        docs: r#"
## What it does
Finds a RUN, in a stage whose layers ship in the final image, that runs `yum install` (or
another yum operation that downloads: `update`, `groupinstall`, `makecache`, …) with no
`yum clean all` after it in the same RUN.

## Why it costs size
yum keeps the repository metadata it downloaded (and, where `keepcache` is on, the packages)
under `/var/cache/yum`; on RHEL 8 and later, where yum is dnf, under `/var/cache/dnf`. Nothing
needs them at run time. Cleaning in a *later* RUN does not help: the files stay in this RUN's
layer.

## Not reported when
- the same RUN later runs `yum clean all` (or `dnf clean all`, which is the same program on
  RHEL 8 and later), or removes `/var/cache/yum` / `/var/cache/dnf`;
- a `RUN --mount=type=cache` or `type=tmpfs` mount holds that cache;
- the stage's layers do not ship (a build stage that is only copied from).

## Example
```dockerfile
FROM centos:7
RUN yum install -y httpd
```

## Fix
```dockerfile
FROM centos:7
RUN yum install -y httpd && yum clean all
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM centos:7\nRUN yum install -y httpd\n",
            "FROM centos:7\nRUN yum -y update && \\\n    yum -y install httpd\n",
            "FROM centos:7 AS base\nRUN echo\nFROM base\nRUN <<EOF\nyum install -y httpd\nEOF\n",
            "FROM centos:7\nRUN sh -c 'yum install -y httpd'\n",
            "FROM centos:7\nRUN yum clean all && yum install -y httpd\n",
            "FROM centos:7\nRUN --mount=type=cache,target=/root/.npm yum install -y httpd\n",
        ],
        clean: &[
            "FROM centos:7\nRUN yum install -y httpd && yum clean all\n",
            "FROM centos:7\nRUN yum install -y httpd \\\n    && rm -rf /var/cache/yum\n",
            "FROM centos:7\nRUN --mount=type=cache,target=/var/cache/yum yum install -y httpd\n",
            "FROM centos:7 AS build\nRUN yum install -y gcc\nFROM centos:7\nCOPY --from=build /x /x\n",
            "FROM rockylinux:9\nRUN yum install -y httpd && dnf clean all\n",
            "FROM centos:7\nRUN yum clean all\nRUN yum remove -y httpd\n",
        ],
    },
};

static TOOL: Tool = Tool {
    fills,
    cleans: rpm_clean_all,
    fix: Some(|cmd| format!("{} clean all", cmd.words[0].text)),
    message: |_, cache| {
        format!("`yum` leaves {cache} in this layer: run `yum clean all` in the same RUN")
    },
};

fn fills(cmd: &Command) -> &'static [&'static Cache] {
    match rpm_filling(cmd, &["yum"]) {
        Some(_) => &[&RPM_CACHE],
        None => &[],
    }
}

fn check(model: &Model, sink: &mut Sink) {
    report_kept(model, sink, &TOOL);
}
