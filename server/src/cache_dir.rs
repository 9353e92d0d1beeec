//! Where dockerlean keeps files it can always recreate (rule pages, registry look-ups):
//! `$XDG_CACHE_HOME/dockerlean`, else `~/.cache/dockerlean`, else the temp dir.

use std::path::PathBuf;

pub fn cache_dir() -> PathBuf {
    let non_empty = |var: &str| {
        std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    non_empty("XDG_CACHE_HOME")
        .or_else(|| non_empty("HOME").map(|home| home.join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("dockerlean")
}
