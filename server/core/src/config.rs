//! Project configuration: which rules are off and at what severity the others report. Parsed
//! from text (`.dockerlean.toml`, `.hadolint.yaml`, or editor settings as JSON) and applied to
//! findings by pure functions; finding and reading the files is the shells' business.
//!
//! Rules are addressed by code, name or hadolint code. Builder syntax errors (DKL0xx) are not
//! configurable: a file the builder rejects builds nothing, whatever a config says.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::finding::{Finding, Severity};
use crate::rules::{self, syntax, RuleMeta};

/// What a config says about one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    Off,
    Severity(Severity),
}

impl Setting {
    fn parse(value: &str) -> Option<Setting> {
        if value.eq_ignore_ascii_case("off") {
            return Some(Setting::Off);
        }
        Severity::parse(value).map(Setting::Severity)
    }
}

/// Per-rule settings, keyed by our code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    rules: BTreeMap<&'static str, Setting>,
}

/// Why a config could not be used; `line` is 1-based when the problem has a place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub line: Option<usize>,
    pub message: String,
}

impl ConfigError {
    fn at(text: &str, offset: Option<usize>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            line: offset.map(|o| line_of(text, o)),
            message: message.into(),
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

impl Config {
    pub fn setting(&self, code: &str) -> Option<Setting> {
        self.rules.get(code).copied()
    }

    /// `other`'s settings win over ours.
    pub fn merged(mut self, other: &Config) -> Config {
        self.rules.extend(other.rules.iter().map(|(k, v)| (*k, *v)));
        self
    }

    /// Drops the findings of rules that are off and restamps the severity of the others.
    pub fn apply(&self, mut findings: Vec<Finding>) -> Vec<Finding> {
        if self.rules.is_empty() {
            return findings;
        }
        findings.retain_mut(|f| match self.severity_of(f) {
            Some(severity) => {
                f.severity = severity;
                true
            }
            None => false,
        });
        findings
    }

    /// The severity `finding` is reported at, or `None` when its rule is off: [`Config::apply`]
    /// for one finding, for shells that present findings they do not own.
    pub fn severity_of(&self, finding: &Finding) -> Option<Severity> {
        match self.setting(finding.code()) {
            Some(Setting::Off) => None,
            Some(Setting::Severity(s)) => Some(s),
            None => Some(finding.severity),
        }
    }

    fn set(&mut self, meta: &'static RuleMeta, setting: Setting) {
        self.rules.insert(meta.code, setting);
    }

    /// Reads `.dockerlean.toml`: `ignore = [CODE, …]` and `[rules] CODE = "off" | severity`.
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        let file: TomlFile = toml::from_str(text)
            .map_err(|e| ConfigError::at(text, e.span().map(|s| s.start), e.message()))?;
        let mut config = Config::default();
        for key in file.ignore {
            let meta = lookup(key.get_ref())
                .map_err(|m| ConfigError::at(text, Some(key.span().start), m))?;
            if let Some(meta) = meta {
                config.set(meta, Setting::Off);
            }
        }
        for (key, value) in file.rules {
            let meta = lookup(key.get_ref())
                .map_err(|m| ConfigError::at(text, Some(key.span().start), m))?;
            let setting = Setting::parse(value.get_ref()).ok_or_else(|| {
                ConfigError::at(text, Some(value.span().start), bad_setting(value.get_ref()))
            })?;
            if let Some(meta) = meta {
                config.set(meta, setting);
            }
        }
        Ok(config)
    }

    /// Reads the parts of `.hadolint.yaml` that address our rules: `ignored` codes and the
    /// `override` severity lists (hadolint's `style` is our hint). Other keys are hadolint's own.
    pub fn from_hadolint_yaml(text: &str) -> Result<Config, ConfigError> {
        let file: Option<HadolintFile> = serde_yaml_ng::from_str(text).map_err(|e| {
            let line = e.location().map(|l| l.line());
            ConfigError {
                line,
                message: e.to_string(),
            }
        })?;
        let file = file.unwrap_or_default();
        let mut config = Config::default();
        let overrides = file.overrides.unwrap_or_default();
        let lists = [
            (overrides.style, Severity::Hint),
            (overrides.info, Severity::Info),
            (overrides.warning, Severity::Warning),
            (overrides.error, Severity::Error),
        ];
        for (codes, severity) in lists {
            for meta in codes.iter().filter_map(|c| hadolint_rule(c)) {
                config.set(meta, Setting::Severity(severity));
            }
        }
        for meta in file.ignored.iter().filter_map(|c| hadolint_rule(c)) {
            config.set(meta, Setting::Off);
        }
        Ok(config)
    }

    /// Reads editor settings (the `dockerlean` section): the same keys as `.dockerlean.toml`.
    /// `null` means no settings.
    pub fn from_json(value: &serde_json::Value) -> Result<Config, ConfigError> {
        if value.is_null() {
            return Ok(Config::default());
        }
        let settings: JsonSettings =
            serde_json::from_value(value.clone()).map_err(|e| ConfigError {
                line: None,
                message: e.to_string(),
            })?;
        let mut config = Config::default();
        let no_line = |message: String| ConfigError {
            line: None,
            message,
        };
        for key in &settings.ignore {
            if let Some(meta) = lookup(key).map_err(no_line)? {
                config.set(meta, Setting::Off);
            }
        }
        for (key, value) in &settings.rules {
            let meta = lookup(key).map_err(no_line)?;
            let setting = Setting::parse(value).ok_or_else(|| no_line(bad_setting(value)))?;
            if let Some(meta) = meta {
                config.set(meta, setting);
            }
        }
        Ok(config)
    }
}

/// A configurable rule by any of its names. A hadolint code we have no rule for is accepted and
/// means nothing (configs are shared with hadolint); any other unknown key is a typo to report.
fn lookup(key: &str) -> Result<Option<&'static RuleMeta>, String> {
    match rules::find(key) {
        Some(meta) if is_syntax(meta) => Err(format!(
            "{} reports a build error and cannot be configured",
            meta.code
        )),
        Some(meta) => Ok(Some(meta)),
        None if is_hadolint_code(key) => Ok(None),
        None => Err(format!("unknown rule `{key}`")),
    }
}

fn hadolint_rule(code: &str) -> Option<&'static RuleMeta> {
    rules::RULES
        .iter()
        .map(|r| &r.meta)
        .find(|m| m.hadolint.is_some_and(|h| h.eq_ignore_ascii_case(code)))
}

fn is_syntax(meta: &RuleMeta) -> bool {
    syntax::METAS.iter().any(|m| std::ptr::eq(*m, meta))
}

fn is_hadolint_code(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    ["DL", "SC"].iter().any(|prefix| {
        upper
            .strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

fn bad_setting(value: &str) -> String {
    format!("`{value}` is not one of \"off\", \"hint\", \"info\", \"warning\", \"error\"")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    #[serde(default)]
    ignore: Vec<toml::Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
    /// `[registry]`: the CLI's registry look-ups, which the shell reads itself (they are about
    /// the network, not about rules).
    #[serde(default, rename = "registry")]
    _registry: Option<toml::Table>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct JsonSettings {
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    rules: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
struct HadolintFile {
    #[serde(default)]
    ignored: Vec<String>,
    #[serde(default, rename = "override")]
    overrides: Option<HadolintOverride>,
}

#[derive(Deserialize, Default)]
struct HadolintOverride {
    #[serde(default)]
    error: Vec<String>,
    #[serde(default)]
    warning: Vec<String>,
    #[serde(default)]
    info: Vec<String>,
    #[serde(default)]
    style: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze_str;

    const PIP_APT: &str =
        "FROM python:3.12-slim\nRUN pip install flask\nRUN apt-get install -y curl\n";

    fn severities(config: &Config, text: &str) -> Vec<(&'static str, Severity)> {
        config
            .apply(analyze_str(text).findings)
            .iter()
            .map(|f| (f.code(), f.severity))
            .collect()
    }

    #[test]
    fn toml_turns_rules_off_and_sets_severities_by_any_name() {
        let config = Config::from_toml(
            "ignore = [\"apt-lists-kept\"]\n[rules]\nDL3042 = \"error\"\napt-recommends = \"off\"\nDL3008 = \"off\"\n",
        )
        .unwrap();
        assert_eq!(severities(&config, PIP_APT), [("DKL101", Severity::Error)]);
    }

    #[test]
    fn toml_errors_name_their_line() {
        let err = Config::from_toml("[rules]\nDKL101 = \"loud\"\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("loud"), "{}", err.message);
        let err = Config::from_toml("ignore = [\"DKL101\"]\n\n[rules\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        let err = Config::from_toml("[rules]\nno-such-rule = \"off\"\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("no-such-rule"));
        let err = Config::from_toml("ignored = []\n").unwrap_err();
        assert_eq!(err.line, Some(1));
        assert!(Config::from_toml("[registry]\nlookups = true\n").is_ok());
    }

    #[test]
    fn build_errors_cannot_be_configured() {
        assert!(Config::from_toml("ignore = [\"DKL001\"]\n").is_err());
    }

    #[test]
    fn hadolint_yaml_ignored_and_override() {
        let config = Config::from_hadolint_yaml(
            "failure-threshold: warning\nignored:\n  - DL3009\n  - DL3008\noverride:\n  style:\n    - DL3042\n  error: [DL3015]\ntrustedRegistries: [docker.io]\n",
        )
        .unwrap();
        assert_eq!(
            severities(&config, PIP_APT),
            [("DKL101", Severity::Hint), ("DKL102", Severity::Error)]
        );
        assert_eq!(Config::from_hadolint_yaml("").unwrap(), Config::default());
    }

    #[test]
    fn hadolint_yaml_errors_name_their_line() {
        let err = Config::from_hadolint_yaml("ignored:\n  - DL3009\noverride: [\n").unwrap_err();
        assert!(err.line.is_some_and(|l| l >= 3), "{err:?}");
        let err = Config::from_hadolint_yaml("ignored:\n  nested: map\n").unwrap_err();
        assert_eq!(err.line, Some(2), "{err:?}");
    }

    #[test]
    fn json_settings_and_precedence() {
        let file = Config::from_toml("[rules]\nDKL101 = \"off\"\n").unwrap();
        let editor =
            Config::from_json(&serde_json::json!({ "rules": { "DKL101": "info" } })).unwrap();
        let config = file.merged(&editor);
        assert_eq!(
            config.setting("DKL101"),
            Some(Setting::Severity(Severity::Info))
        );
        assert!(Config::from_json(&serde_json::json!({ "rules": { "x": "off" } })).is_err());
        assert!(Config::from_json(&serde_json::json!({ "ignore": "DKL101" })).is_err());
        assert_eq!(
            Config::from_json(&serde_json::Value::Null).unwrap(),
            Config::default()
        );
    }
}
