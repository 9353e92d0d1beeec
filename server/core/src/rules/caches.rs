//! Where package managers and build tools keep their caches, and whether a RUN leaves one in
//! its layer: shared by the rules about caches that a command fills and nothing empties.

use crate::finding::Fix;
use crate::model::{Command, Model, Script};
use crate::rules::commands::{find_named_removal, option_value, removed_paths};
use crate::rules::fixes::append_command;
use crate::rules::Sink;

/// One cache a tool fills.
pub struct Cache {
    /// How messages name it, e.g. "npm's cache (~/.npm)".
    pub name: &'static str,
    /// Where it may be: an absolute path; `~/…` under any user's home (`/root`, `/home/NAME`,
    /// `$HOME`); `*/…` any path that ends so (or that relative path); `$VAR` or `$VAR/…` where
    /// an environment variable points.
    pub at: &'static [&'static str],
    /// Options of the filling command that move it (`--cache DIR`, `--cache=DIR`).
    pub options: &'static [&'static str],
}

/// A tool whose commands fill caches that a later command of the same RUN may empty.
pub struct Tool {
    /// The caches a command fills; empty when it is not one of the tool's filling commands.
    pub fills: fn(&Command) -> &'static [&'static Cache],
    /// Whether a command empties every cache of the tool (`npm cache clean --force`, …).
    pub cleans: fn(&Command) -> bool,
    /// The command a fix appends to the RUN, when appending one is safe.
    pub fix: Option<fn(&Command) -> String>,
    /// The message, given the filling command and the names of the caches it leaves.
    pub message: fn(&Command, &str) -> String,
}

/// The repository metadata (and kept packages) of yum, dnf and microdnf; on RHEL 8 and later
/// yum is dnf, so either place may hold it.
pub const RPM_CACHE: Cache = Cache {
    name: "the repository metadata cache (/var/cache/yum or /var/cache/dnf)",
    at: &["/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5"],
    options: &[],
};

/// Reports, once per RUN of a stage whose layers ship, the first command that fills a cache
/// of `tool` which stays in the layer.
pub fn report_kept(model: &Model, sink: &mut Sink, tool: &Tool) {
    for (idx, _, script) in model.shipped_runs() {
        for (i, cmd) in script.commands.iter().enumerate() {
            let kept: Vec<&str> = (tool.fills)(cmd)
                .iter()
                .filter(|c| c.kept(model, idx, i, tool.cleans))
                .map(|c| c.name)
                .collect();
            if kept.is_empty() {
                continue;
            }
            let fix = tool.fix.and_then(|fix| {
                let command = fix(cmd);
                appended(model, script, &command).map(|edit| Fix {
                    title: format!("Run `{command}` at the end of this RUN"),
                    edits: vec![edit],
                })
            });
            sink.report(
                cmd.range.clone(),
                (tool.message)(cmd, &kept.join(" and ")),
                fix,
            );
            break;
        }
    }
}

/// The edit appending `command` to the RUN, when every offset of the RUN is exact.
fn appended(model: &Model, script: &Script, command: &str) -> Option<crate::finding::Edit> {
    append_command(script, command, model.directives.escape)
        .filter(|_| script.commands.iter().all(|c| c.exact))
}

impl Cache {
    /// Whether this cache, filled by command `i` of the RUN at instruction `idx`, stays in the
    /// layer: no cache or tmpfs mount holds it, and no later command of the RUN removes it or
    /// `cleans`.
    pub fn kept(&self, model: &Model, idx: usize, i: usize, cleans: fn(&Command) -> bool) -> bool {
        let instr = &model.instructions[idx];
        let Some(script) = instr.script.as_ref() else {
            return false;
        };
        let cmd = &script.commands[i];
        let env = |name: &str| env_value(model, idx, script, cmd, name);
        let Some(places) = self.places(cmd, &env) else {
            return false;
        };
        let holds = |path: &str| {
            spellings(path, &env)
                .iter()
                .any(|p| places.iter().any(|at| related(p, at)))
        };
        let mounted = model.mounts(instr).any(|m| {
            matches!(m.kind.as_str(), "cache" | "tmpfs") && m.target.as_deref().is_some_and(holds)
        });
        // `find BASE -name NAME -delete` empties a place named NAME below BASE (or, for a
        // place known only by its tail, one named NAME anywhere).
        let found_and_removed = |base: &str, name: &str| {
            let base = normalise(base);
            places.iter().any(|at| {
                at.rsplit('/').next() == Some(name)
                    && (at.starts_with("*/") || related(at, &base) && at.len() > base.len())
            })
        };
        let emptied = script.commands[i + 1..].iter().any(|c| {
            cleans(c)
                || removed_paths(c).any(|w| holds(&w.text))
                || find_named_removal(c).is_some_and(|(base, name)| found_and_removed(base, name))
        });
        !(mounted || emptied)
    }

    /// Where the cache is for `cmd`: where its options put it, else where the environment
    /// does, else every default place. `None` when that depends on a value the Dockerfile does
    /// not tell (`GOCACHE="$PWD/.cache"`).
    fn places(&self, cmd: &Command, env: &dyn Fn(&str) -> Option<String>) -> Option<Vec<String>> {
        let known = |s: &Vec<String>| s.last().is_some_and(|p| !p.contains('$'));
        let moved: Vec<Vec<String>> = self
            .options
            .iter()
            .filter_map(|o| option_value(cmd, &[o]))
            .map(|v| spellings(v, env))
            .collect();
        if !moved.is_empty() {
            return moved.iter().all(known).then(|| moved.concat());
        }
        let all: Vec<Vec<String>> = self.at.iter().map(|at| spellings(at, env)).collect();
        // A variable's place counts when the variable is set (its value is the second spelling).
        let set: Vec<&Vec<String>> = all
            .iter()
            .filter(|s| s[0].starts_with('$') && s.len() > 1)
            .collect();
        if set.is_empty() {
            Some(all.concat())
        } else {
            set.iter()
                .all(|s| known(s))
                .then(|| set.into_iter().flatten().cloned().collect())
        }
    }
}

/// The value of `name` as command `cmd` of a RUN sees it: its own prefix assignments, then
/// the script's earlier assignments, then ENV / ARG defaults.
pub fn env_value(
    model: &Model,
    idx: usize,
    script: &Script,
    cmd: &Command,
    name: &str,
) -> Option<String> {
    cmd.env
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .or_else(|| {
            script
                .assignments
                .iter()
                .rev()
                .find(|(k, _, at)| k == name && *at < cmd.range.start)
                .map(|(_, v, _)| v.clone())
        })
        .or_else(|| model.env_at(idx, name))
}

/// A path as written and, when it starts with a variable whose value is known, as expanded;
/// both in the form [`related`] compares.
fn spellings(path: &str, env: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    let written = normalise(path);
    let mut out = vec![written.clone()];
    if let Some(rest) = written.strip_prefix('$') {
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if let Some(value) = env(&rest[..len]).filter(|v| !v.is_empty()) {
            out.push(normalise(&format!("{value}{}", &rest[len..])));
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

/// `${X}` → `$X`; no `./` prefix, trailing `/` or `*`; any home directory as `~`.
fn normalise(path: &str) -> String {
    let mut p = path.trim().to_string();
    if let Some(rest) = p.strip_prefix("${") {
        if let Some(close) = rest.find('}') {
            p = format!("${}{}", &rest[..close], &rest[close + 1..]);
        }
    }
    let mut p = p.trim_end_matches(['*', '/']).to_string();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.to_string();
    }
    let is_or_under = |p: &str, dir: &str| p == dir || p.starts_with(&format!("{dir}/"));
    let home_end = ["~", "$HOME", "/root"]
        .iter()
        .find(|home| is_or_under(&p, home))
        .map(|home| home.len())
        .or_else(|| {
            p.strip_prefix("/home/")
                .map(|rest| 6 + rest.find('/').unwrap_or(rest.len()))
        });
    match home_end {
        Some(end) => format!("~{}", &p[end..]),
        None => p,
    }
}

/// Whether removing or mounting `path` affects the cache at `at`: the same place, one above
/// it or one below it. `*/TAIL` stands for any path ending in TAIL; a `*` component on either
/// side stands for any one component.
fn related(path: &str, at: &str) -> bool {
    if path.is_empty() {
        return false;
    }
    let path: Vec<&str> = path.split('/').collect();
    let same = |a: &[&str], b: &[&str]| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x == y || *x == "*" || *y == "*")
    };
    let Some(tail) = at.strip_prefix("*/") else {
        let at: Vec<&str> = at.split('/').collect();
        let n = path.len().min(at.len());
        return same(&path[..n], &at[..n]);
    };
    let tail: Vec<&str> = tail.split('/').collect();
    // The place itself, or below it.
    path.windows(tail.len()).any(|w| same(w, &tail))
        // A directory above it: one that ends in a leading part of TAIL.
        || (1..tail.len()).any(|k| path.len() >= k && same(&path[path.len() - k..], &tail[..k]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homes_variables_and_wildcards() {
        assert_eq!(normalise("/root/.npm/"), "~/.npm");
        assert_eq!(normalise("/home/node/.npm/_cacache/*"), "~/.npm/_cacache");
        assert_eq!(normalise("${HOME}/.cache/uv"), "~/.cache/uv");
        assert_eq!(normalise("./target"), "target");
        assert_eq!(normalise("/homework"), "/homework");
    }

    #[test]
    fn places_above_at_and_below_a_cache_are_related() {
        assert!(related("~/.npm", "~/.npm"));
        assert!(related("~", "~/.npm"));
        assert!(related("~/.npm/_cacache", "~/.npm"));
        assert!(!related("~/.npmrc", "~/.npm"));
        assert!(!related("/var/cache", "~/.npm"));
        assert!(related("/usr/local/share/.cache/yarn", "*/.cache/yarn"));
        assert!(related("/usr/local/share/.cache", "*/.cache/yarn"));
        assert!(related("target", "*/target"));
        assert!(related("/app/target/release", "*/target"));
        assert!(!related("/app/targets", "*/target"));
        assert!(!related("", "/var/cache/yum"));
        assert!(related("~/.bundle/gems/ruby/*/cache", "*/ruby/*/cache"));
        assert!(related(
            "vendor/bundle/ruby/3.3.0/cache/x.gem",
            "*/ruby/*/cache"
        ));
        assert!(!related("/usr/lib/ruby/3.3.0/gems", "*/ruby/*/cache"));
    }

    /// The fixed text of `text` after applying the fixes of `code`.
    fn fixed(text: &str, code: &str) -> String {
        let edits: Vec<_> = crate::analyze_str(text)
            .findings
            .iter()
            .filter(|f| f.code() == code)
            .flat_map(|f| f.fix.as_ref().expect("a fix").edits.clone())
            .collect();
        crate::apply_edits(text, &edits)
    }

    #[test]
    fn fixes_append_the_clean_in_the_run_style() {
        assert_eq!(
            fixed("FROM centos:7\nRUN yum -y update && \\\n    yum -y install httpd\n", "DKL105"),
            "FROM centos:7\nRUN yum -y update && \\\n    yum -y install httpd \\\n    && yum clean all\n"
        );
        assert_eq!(
            fixed("FROM fedora:40\nRUN <<EOF\nset -e\n/usr/bin/dnf install -y x\nEOF\n", "DKL106"),
            "FROM fedora:40\nRUN <<EOF\nset -e\n/usr/bin/dnf install -y x\n/usr/bin/dnf clean all\nEOF\n"
        );
        assert_eq!(
            fixed("FROM mambaorg/micromamba\nRUN micromamba install -y x\n", "DKL113"),
            "FROM mambaorg/micromamba\nRUN micromamba install -y x && micromamba clean --all --force-pkgs-dirs --yes\n"
        );
    }

    #[test]
    fn variables_expand_when_known() {
        let env = |name: &str| (name == "GOPATH").then(|| "/go".to_string());
        assert_eq!(
            spellings("$GOPATH/pkg/mod", &env),
            ["$GOPATH/pkg/mod", "/go/pkg/mod"]
        );
        assert_eq!(spellings("${GOMODCACHE}", &env), ["$GOMODCACHE"]);
    }
}
