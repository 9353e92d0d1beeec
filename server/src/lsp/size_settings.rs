//! Client settings for the size features: `{"dockerlean": {"inlayHints": false, "codeLens":
//! false}}` in `initializationOptions` or `workspace/didChangeConfiguration` (both on by
//! default).

use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;

pub struct SizeSettings {
    inlay_hints: AtomicBool,
    code_lens: AtomicBool,
    /// Whether the client renders Markdown in hovers (from its capabilities).
    markdown: AtomicBool,
}

impl Default for SizeSettings {
    fn default() -> SizeSettings {
        SizeSettings {
            inlay_hints: AtomicBool::new(true),
            code_lens: AtomicBool::new(true),
            markdown: AtomicBool::new(false),
        }
    }
}

impl SizeSettings {
    /// Applies what `settings` sets; the section may be wrapped in `dockerlean` or not.
    pub fn update(&self, settings: &Value) {
        let section = settings.get("dockerlean").unwrap_or(settings);
        if let Some(on) = section.get("inlayHints").and_then(Value::as_bool) {
            self.inlay_hints.store(on, Ordering::SeqCst);
        }
        if let Some(on) = section.get("codeLens").and_then(Value::as_bool) {
            self.code_lens.store(on, Ordering::SeqCst);
        }
    }

    pub fn inlay_hints(&self) -> bool {
        self.inlay_hints.load(Ordering::SeqCst)
    }

    pub fn set_markdown(&self, on: bool) {
        self.markdown.store(on, Ordering::SeqCst);
    }

    pub fn markdown(&self) -> bool {
        self.markdown.load(Ordering::SeqCst)
    }

    pub fn code_lens(&self) -> bool {
        self.code_lens.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_switch_features_off_and_on() {
        let s = SizeSettings::default();
        assert!(s.inlay_hints() && s.code_lens());
        s.update(&json!({ "dockerlean": { "inlayHints": false } }));
        assert!(!s.inlay_hints() && s.code_lens());
        s.update(&json!({ "codeLens": false, "inlayHints": true }));
        assert!(s.inlay_hints() && !s.code_lens());
        s.update(&json!({ "unrelated": 1 }));
        assert!(s.inlay_hints() && !s.code_lens());
    }
}
