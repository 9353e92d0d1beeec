//! Deterministic Dockerfiles of any length for benchmarks: realistic multi-stage builds with
//! package installs across continuations, heredoc scripts, ARG/ENV, COPY --from and a final
//! stage, so that every part of the analysis has work to do.

use std::fmt::Write;

/// The sizes the benchmarks run on, by name and approximate line count.
pub const SIZES: [(&str, usize); 4] = [
    ("small", 20),
    ("medium", 200),
    ("large", 5_000),
    ("huge", 20_000),
];

/// A Dockerfile of about `lines` lines (never fewer than one stage's worth).
pub fn dockerfile(lines: usize) -> String {
    let mut out = String::from("# syntax=docker/dockerfile:1\nARG DEBIAN_VERSION=bookworm\n");
    let (mut stage, mut written) = (0, line_count(&out));
    while written + FINAL_STAGE_LINES < lines || stage == 0 {
        let before = out.len();
        builder_stage(&mut out, stage, lines.saturating_sub(written));
        written += line_count(&out[before..]);
        stage += 1;
    }
    final_stage(&mut out, stage);
    out
}

/// What the end-to-end driver types, character by character, into the middle of each file:
/// a new package install.
pub const TYPED: &str = "RUN apt-get update && apt-get install -y --no-install-recommends curl \
ca-certificates git && rm -rf /var/lib/apt/lists/*\nRUN pip install --no-cache-dir requests \
flask gunicorn && useradd --system --no-create-home web\n";

/// How many keystrokes the driver types into one file by default.
pub const KEYSTROKES: usize = 200;

/// The start of the middle line: where an edit costs an incremental parser the most.
pub fn middle(text: &str) -> usize {
    let lines = text.lines().count();
    text.split_inclusive('\n')
        .take(lines / 2)
        .map(str::len)
        .sum()
}

const FINAL_STAGE_LINES: usize = 10;

fn line_count(text: &str) -> usize {
    text.bytes().filter(|&b| b == b'\n').count()
}

const PACKAGES: [&str; 12] = [
    "curl",
    "ca-certificates",
    "git",
    "build-essential",
    "libssl-dev",
    "pkg-config",
    "python3",
    "python3-pip",
    "unzip",
    "xz-utils",
    "jq",
    "gnupg",
];

/// One build stage; a small budget gives the short stage a ~20-line file needs.
fn builder_stage(out: &mut String, n: usize, budget: usize) {
    let pkgs = |k: usize| -> String {
        (0..4)
            .map(|i| PACKAGES[(n * 3 + k + i) % PACKAGES.len()])
            .collect::<Vec<_>>()
            .join(" \\\n        ")
    };
    let _ = write!(
        out,
        "\nFROM debian:${{DEBIAN_VERSION}}-slim AS build{n}\n\
         ARG VERSION_{n}=1.{n}.0\n\
         ENV APP_HOME=/opt/app{n} \\\n    PATH=/opt/app{n}/bin:$PATH\n\
         WORKDIR /src/app{n}\n\
         RUN apt-get update && apt-get install -y \\\n        {} \\\n    && rm -rf /var/lib/apt/lists/*\n",
        pkgs(0)
    );
    if budget < 40 {
        return;
    }
    let _ = write!(
        out,
        "COPY requirements{n}.txt ./\n\
         RUN pip install -r requirements{n}.txt\n\
         RUN --mount=type=cache,target=/var/cache/apt apt-get update \\\n    && apt-get install -y --no-install-recommends {}\n\
         RUN <<EOF\nset -eux\ncurl -fsSL https://example.com/tool{n}.tar.gz -o /tmp/tool.tgz\ntar -xzf /tmp/tool.tgz -C /usr/local\nrm /tmp/tool.tgz\nEOF\n\
         COPY . .\n\
         RUN make -j\"$(nproc)\" build && make install PREFIX=$APP_HOME\n\
         ADD https://example.com/archive{n}.tar.gz /tmp/\n\
         RUN apk add curl || true\n\
         LABEL org.opencontainers.image.version=$VERSION_{n}\n",
        pkgs(5).replace(" \\\n        ", " ")
    );
}

fn final_stage(out: &mut String, stages: usize) {
    let last = stages - 1;
    let _ = write!(
        out,
        "\nFROM debian:${{DEBIAN_VERSION}}-slim\n\
         RUN apt-get update && apt-get install -y curl tini\n\
         RUN useradd --create-home app\n\
         COPY --from=build{last} /opt/app{last} /opt/app\n\
         USER app\n\
         WORKDIR /home/app\n\
         EXPOSE 8080\n\
         HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1\n\
         ENTRYPOINT [\"/opt/app/bin/server\"]\n"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_come_out_near_the_asked_size() {
        for (_, lines) in SIZES {
            let n = line_count(&dockerfile(lines));
            assert!(n * 10 >= lines * 9 && n * 10 <= lines * 13, "{lines} → {n}");
        }
    }

    #[test]
    fn generated_files_are_valid_dockerfiles() {
        let text = dockerfile(200);
        let findings = dockerlean_core::analyze_str(&text).findings;
        assert!(findings.iter().all(|f| !f.code().starts_with("DKL0")));
        assert!(!findings.is_empty());
    }
}
