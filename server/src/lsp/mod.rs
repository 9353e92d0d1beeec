//! The language server.

/// Serves LSP over stdin/stdout. Placeholder until the language server branch is merged.
pub fn run_stdio() -> std::io::Result<()> {
    Err(std::io::Error::other(
        "the language server is not part of this build",
    ))
}
