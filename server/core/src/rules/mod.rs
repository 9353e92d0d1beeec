//! The rule registry. Each rule lives in its own file with its code, its documentation, its
//! detection, its fix and its fixtures; this module only lists them.

use crate::environment::Environment;
use crate::finding::{Finding, Severity};
use crate::model::Model;

mod add_local_files;
mod apk_cache;
mod apt_lists;
mod apt_recommends;
mod archive_kept;
mod build_toolchain;
mod bundle_cache;
mod caches;
mod cargo_cache;
pub(crate) mod commands;
mod conda_cache;
mod consecutive_runs;
mod context_files;
mod copy_toolchain;
mod deleted_later;
mod dnf_cache;
mod dockerignore_incomplete;
mod dockerignore_missing;
mod earlier_runs;
mod fixes;
mod gem_docs;
mod go_cache;
mod gradle_cache;
mod images;
mod install_after_copy_all;
mod maven_cache;
mod npm_cache;
pub(crate) mod paths;
mod pip_cache;
mod pnpm_store;
mod recursive_chown;
mod remote_add_archive;
mod sink;
pub(crate) mod slim_base;
#[cfg(test)]
mod testing;
mod useradd_lastlog;
mod uv_cache;
mod yarn_cache;
mod yum_cache;
mod zypper_cache;

pub mod syntax;

pub use sink::Sink;

/// Everything known about a rule that does not need a Dockerfile: what the `rules` listing, the
/// docs pages and the diagnostics' documentation links are made from. A rule is its code: two
/// are equal when their codes are, and a rule shows as its code (not its docs) in a finding's
/// debug output.
pub struct RuleMeta {
    /// Stable code, e.g. `DKL101`.
    pub code: &'static str,
    /// Kebab-case name, accepted wherever a code is.
    pub name: &'static str,
    /// The equivalent hadolint rule, whose pragmas and config also address this rule.
    pub hadolint: Option<&'static str>,
    pub severity: Severity,
    pub fixable: bool,
    /// One line, for listings.
    pub summary: &'static str,
    /// Markdown: "What it does", "Why it costs size", "Example", "Fix".
    pub docs: &'static str,
}

impl PartialEq for RuleMeta {
    fn eq(&self, other: &RuleMeta) -> bool {
        self.code == other.code
    }
}

impl Eq for RuleMeta {}

impl std::fmt::Debug for RuleMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code)
    }
}

/// Dockerfiles a rule must fire on, and ones it must stay quiet on. Tests run every rule on its
/// own fixtures, apply its fixes, and check the result.
#[derive(Debug)]
pub struct Fixtures {
    pub fire: &'static [&'static str],
    pub clean: &'static [&'static str],
}

pub struct Rule {
    pub meta: RuleMeta,
    pub check: fn(&Model, &mut Sink),
    pub fixtures: Fixtures,
}

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &pip_cache::RULE,
    &apt_recommends::RULE,
    &apt_lists::RULE,
    &apk_cache::RULE,
    &yum_cache::RULE,
    &dnf_cache::RULE,
    &zypper_cache::RULE,
    &npm_cache::RULE,
    &yarn_cache::RULE,
    &pnpm_store::RULE,
    &gem_docs::RULE,
    &bundle_cache::RULE,
    &conda_cache::RULE,
    &uv_cache::RULE,
    &go_cache::RULE,
    &cargo_cache::RULE,
    &maven_cache::RULE,
    &gradle_cache::RULE,
    &useradd_lastlog::RULE,
    &add_local_files::RULE,
    &deleted_later::RULE,
    &recursive_chown::RULE,
    &archive_kept::RULE,
    &remote_add_archive::RULE,
    &copy_toolchain::RULE,
    &consecutive_runs::RULE,
    &build_toolchain::RULE,
    &slim_base::RULE,
    &dockerignore_missing::RULE,
    &dockerignore_incomplete::RULE,
    &install_after_copy_all::RULE,
];

/// Every code the analysis can report: the rules and the syntax errors.
pub fn all_metas() -> impl Iterator<Item = &'static RuleMeta> {
    syntax::METAS
        .iter()
        .copied()
        .chain(RULES.iter().map(|r| &r.meta))
}

/// Looks a rule up by its code, its name, or its hadolint code (case-insensitive).
pub fn find(key: &str) -> Option<&'static RuleMeta> {
    all_metas().find(|m| {
        m.code.eq_ignore_ascii_case(key)
            || m.name.eq_ignore_ascii_case(key)
            || m.hadolint.is_some_and(|h| h.eq_ignore_ascii_case(key))
    })
}

pub(crate) fn run_all(model: &Model, environment: &Environment) -> Vec<Finding> {
    let mut sink = Sink::new(model, environment);
    for rule in RULES {
        sink.set_rule(&rule.meta);
        (rule.check)(model, &mut sink);
    }
    sink.into_findings()
}
