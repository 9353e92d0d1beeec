//! The settings a document is analysed with: its project config files, overridden by the
//! editor's `dockerlean` settings (from `initializationOptions`, `workspace/configuration` or
//! `workspace/didChangeConfiguration`). A problem with either is shown as one diagnostic on the
//! document, and the defaults apply.

use std::sync::{Arc, RwLock};

use dockerlean_core::config::Config;
use serde_json::Value;
use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Range};

use super::surroundings::Surroundings;

/// The settings section the server asks for and reads.
pub const SECTION: &str = "dockerlean";

/// Keys of the section that the language server reads itself (`Session::update_editor_only`);
/// the rest is rule configuration.
const EDITOR_ONLY: &[&str] = &["inlayHints", "codeLens", "registry"];

/// The editor's settings, as last received.
#[derive(Default)]
pub struct EditorSettings {
    current: RwLock<Arc<(Config, Option<String>)>>,
}

impl EditorSettings {
    /// Takes the `dockerlean` settings object (or `null`). Malformed settings are kept as a
    /// message and count as none.
    pub fn set(&self, value: &Value) {
        let rules = match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter(|(key, _)| !EDITOR_ONLY.contains(&key.as_str()))
                    .map(|(key, v)| (key.clone(), v.clone()))
                    .collect(),
            ),
            other => other.clone(),
        };
        let parsed = match Config::from_json(&rules) {
            Ok(config) => (config, None),
            Err(e) => (
                Config::default(),
                Some(format!("the `{SECTION}` editor settings: {}", e.message)),
            ),
        };
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(parsed);
    }

    fn get(&self) -> Arc<(Config, Option<String>)> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// `{"dockerlean": {...}}` or the section itself, as clients send either in
/// `initializationOptions` and `didChangeConfiguration`.
pub fn section(value: &Value) -> &Value {
    value.get(SECTION).unwrap_or(value)
}

/// The settings for a document and the diagnostics that say why some could not be used.
pub fn effective(
    surroundings: Option<&Surroundings>,
    editor: &EditorSettings,
) -> (Config, Vec<String>) {
    let (file_config, file_problem) = surroundings
        .map(|around| around.config.clone())
        .unwrap_or_default();
    let editor = editor.get();
    let (editor_config, editor_problem) = &*editor;
    let problems = file_problem
        .map(|p| format!("{p} (using the default settings)"))
        .into_iter()
        .chain(editor_problem.clone())
        .collect();
    (file_config.merged(editor_config), problems)
}

/// A config problem, shown at the start of the document it affects.
pub fn problem_diagnostic(message: String) -> Diagnostic {
    Diagnostic {
        range: Range::default(),
        severity: Some(DiagnosticSeverity::WARNING),
        code: Some(NumberOrString::String("config".to_owned())),
        source: Some("dockerlean".to_owned()),
        message,
        ..Diagnostic::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_the_server_reads_itself_are_not_rule_settings() {
        let editor = EditorSettings::default();
        editor.set(&json!({
            "inlayHints": false,
            "codeLens": true,
            "registry": { "lookups": true },
            "rules": { "DKL101": "error" },
        }));
        let current = editor.get();
        assert_eq!(current.1, None);
        assert!(current.0.setting("DKL101").is_some());
        editor.set(&json!({ "lookups": true }));
        assert!(
            editor.get().1.is_some(),
            "a misplaced key is still reported"
        );
    }
}
