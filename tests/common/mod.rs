pub mod lsp_client;
pub mod registry;

use lsp_client::LspClient;

/// `dockerlean lsp` for one test of `suite`, with a docs cache of its own and `env` set.
#[allow(dead_code)] // Not every test binary starts the server.
pub fn dockerlean(suite: &str, test: &str, env: &[(&str, &str)]) -> LspClient {
    let cache: std::path::PathBuf = [env!("CARGO_TARGET_TMPDIR"), suite, test].iter().collect();
    LspClient::spawn_with_env(env!("CARGO_BIN_EXE_dockerlean"), &["lsp"], &cache, env)
}
