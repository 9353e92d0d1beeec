//! Registry look-up settings. The language server reads them from the editor's `dockerlean`
//! section (`registry.lookups`, `registry.ttlDays`, `registry.timeoutSeconds`,
//! `registry.insecure`); the CLI from `.dockerlean.toml`'s `[registry]` table (`lookups`,
//! `ttl-days`, `timeout-seconds`, `insecure`). A project file cannot turn look-ups on in the
//! editor: opening someone's repository must not make the editor contact the hosts it names.

use std::time::Duration;

use dockerlean_core::config::ConfigError;
use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Off by default: nothing leaves the machine unless asked.
    pub lookups: bool,
    /// How long a size found in a registry is reused from the disk cache.
    pub ttl: Duration,
    /// The bound on one whole look-up (token, index, manifest, config).
    pub timeout: Duration,
    /// Registry hosts (`host[:port]`) reached over plain http, as Docker's
    /// `insecure-registries`; loopback hosts always are, as in Docker.
    pub insecure: Vec<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            lookups: false,
            ttl: Duration::from_secs(7 * 24 * 3600),
            timeout: Duration::from_secs(3),
            insecure: Vec::new(),
        }
    }
}

#[derive(Deserialize)]
struct File {
    registry: Option<Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Table {
    lookups: Option<bool>,
    ttl_days: Option<f64>,
    timeout_seconds: Option<f64>,
    insecure: Option<Vec<String>>,
}

impl Settings {
    /// Applies the `registry` object of the editor's `dockerlean` section; values of the wrong
    /// type are left as they were, as for the other editor-only settings.
    pub fn update(&mut self, section: &Value) {
        let Some(registry) = section.get("registry") else {
            return;
        };
        if let Some(on) = registry.get("lookups").and_then(Value::as_bool) {
            self.lookups = on;
        }
        if let Some(ttl) = registry.get("ttlDays").and_then(days) {
            self.ttl = ttl;
        }
        if let Some(timeout) = registry.get("timeoutSeconds").and_then(seconds) {
            self.timeout = timeout;
        }
        if let Some(hosts) = registry.get("insecure").and_then(Value::as_array) {
            self.insecure = hosts
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
        }
    }

    /// The `[registry]` table of a `.dockerlean.toml` (the rest of the file is the core's).
    pub fn from_toml(text: &str) -> Result<Settings, ConfigError> {
        let file: File = toml::from_str(text).map_err(|e| ConfigError {
            line: e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
            message: e.message().to_string(),
        })?;
        let mut settings = Settings::default();
        let Some(table) = file.registry else {
            return Ok(settings);
        };
        let invalid = |message: &str| ConfigError {
            line: None,
            message: format!("[registry] {message}"),
        };
        settings.lookups = table.lookups.unwrap_or(false);
        if let Some(d) = table.ttl_days {
            settings.ttl = days(&d.into()).ok_or_else(|| invalid("ttl-days must be 0 or more"))?;
        }
        if let Some(s) = table.timeout_seconds {
            settings.timeout =
                seconds(&s.into()).ok_or_else(|| invalid("timeout-seconds must be more than 0"))?;
        }
        settings.insecure = table.insecure.unwrap_or_default();
        Ok(settings)
    }

    /// Whether `host` (`registry.lan:5000`) is reached over plain http: a listed host, or a
    /// loopback one (`localhost`, `127.0.0.0/8`, `[::1]`).
    pub fn is_insecure(&self, host: &str) -> bool {
        self.insecure.iter().any(|h| h.eq_ignore_ascii_case(host)) || is_loopback(host)
    }
}

fn is_loopback(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn days(value: &Value) -> Option<Duration> {
    let d = value.as_f64().filter(|d| d.is_finite() && *d >= 0.0)?;
    Some(Duration::from_secs_f64(d * 24.0 * 3600.0))
}

fn seconds(value: &Value) -> Option<Duration> {
    let s = value.as_f64().filter(|s| s.is_finite() && *s > 0.0)?;
    Some(Duration::from_secs_f64(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn editor_settings_change_what_they_name() {
        let mut s = Settings::default();
        assert!(!s.lookups);
        assert!(!s.is_insecure("registry.lan:5000"));
        s.update(&json!({ "registry": { "lookups": true, "insecure": ["registry.lan:5000"] } }));
        assert!(s.lookups && s.is_insecure("registry.lan:5000") && !s.is_insecure("docker.io"));
        for loopback in [
            "localhost:5000",
            "127.0.0.1:5000",
            "127.1.2.3",
            "[::1]:5000",
        ] {
            assert!(s.is_insecure(loopback), "{loopback}");
        }
        assert!(!s.is_insecure("localhost.example.com"));
        s.update(&json!({ "registry": { "ttlDays": 1, "timeoutSeconds": 0.5 } }));
        assert_eq!(s.ttl, Duration::from_secs(86_400));
        assert_eq!(s.timeout, Duration::from_millis(500));
        s.update(&json!({ "registry": { "lookups": "yes", "timeoutSeconds": -1 } }));
        assert!(s.lookups);
        assert_eq!(s.timeout, Duration::from_millis(500));
    }

    #[test]
    fn the_toml_table_is_checked() {
        let s = Settings::from_toml(
            "ignore = [\"DKL101\"]\n[registry]\nlookups = true\nttl-days = 2\ninsecure = [\"registry.lan\"]\n",
        )
        .unwrap();
        assert!(s.lookups && s.is_insecure("registry.lan"));
        assert_eq!(s.ttl, Duration::from_secs(2 * 86_400));
        assert_eq!(Settings::from_toml("").unwrap(), Settings::default());
        let err = Settings::from_toml("[registry]\nlookups = true\nlookup = 1\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("lookup"), "{}", err.message);
        assert!(Settings::from_toml("[registry]\ntimeout-seconds = 0\n").is_err());
    }
}
