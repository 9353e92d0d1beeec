//! BuildKit `RUN --mount=…` specifications.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// `bind` (the default), `cache`, `tmpfs`, `secret`, `ssh`.
    pub kind: String,
    pub target: Option<String>,
    pub from: Option<String>,
}

impl Mount {
    pub fn parse(spec: &str) -> Option<Mount> {
        let mut mount = Mount {
            kind: "bind".to_string(),
            target: None,
            from: None,
        };
        for field in spec.split(',') {
            let (key, value) = field.split_once('=').unwrap_or((field, ""));
            let value = value.trim_matches(['"', '\'']).to_string();
            match key.trim().to_ascii_lowercase().as_str() {
                "type" => mount.kind = value.to_ascii_lowercase(),
                "target" | "dst" | "destination" => mount.target = Some(value),
                "from" => mount.from = Some(value),
                _ => {}
            }
        }
        Some(mount)
    }

    /// Whether this is a cache or tmpfs mount whose target holds `path` (so nothing written
    /// there stays in the layer).
    pub fn keeps_out(&self, path: &str) -> bool {
        if !matches!(self.kind.as_str(), "cache" | "tmpfs") {
            return false;
        }
        let Some(target) = self.target.as_deref() else {
            return false;
        };
        let target = target.trim_end_matches('/');
        path == target
            || path
                .strip_prefix(target)
                .is_some_and(|rest| rest.starts_with('/'))
    }
}
